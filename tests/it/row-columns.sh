#!/bin/bash
# A row's own Tags, Do Not Touch and owner-by-name cells (issue #16.6):
# tags split on ';' and ',', made as needed and found in any case, on new
# and updated contacts; a yes flags the contact, a later file never clears
# it, and a flagged contact is never enrolled; an owner named by name, an
# unknown one and one two users share. Then a killed import with a Tags
# and a Do Not Touch column still ends with exactly its tags and flags.
STACK_BATCH=50
STACK_CONF_EXTRA="max_attempts = 1000"
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_ws w || exit 1
stack_intake user add --workspace w --email ada@w.test --role editor \
    --name "  Ada   Park " >/dev/null
stack_intake user add --workspace w --email sam1@w.test --role viewer \
    --name "Sam Lee" >/dev/null
stack_intake user add --workspace w --email sam2@w.test --role viewer \
    --name "sam lee" >/dev/null
stack_intake user add --workspace w --email jose@w.test --role viewer \
    --name "José Ruiz" >/dev/null
stack_intake workflow add --workspace w Nurture >/dev/null
stack_intake workflow default --workspace w Nurture >/dev/null
check_eq "user add --name keeps the name trimmed, inner spaces made one" \
    "Ada Park" "$(sql "SELECT name FROM users WHERE email = 'ada@w.test'")"

# A tag the workspace has already, in another case.
sql "INSERT INTO tags (workspace_id, name) SELECT id, 'Existing'
    FROM workspaces WHERE slug = 'w'"
long=$(printf 'L%.0s' $(seq 129))
many=$(seq -f 't%g' 55 | paste -sd ';')
cat > "$RUN/f1.csv" <<X
First name,Last name,Account Name,Domain,Email,Tags,Do Not Touch,Contact Owner
Ann,Alpha,Co,co.example,ann@co.example,VIP; Berlin 2026,yes,Ada Park
Bob,Beta,Co,co.example,bob@co.example,"vip, existing ,  , new-one;VIP",x,ada park
Cy,Gamma,Co,co.example,cy@co.example,,1,Sam Lee
Di,Delta,Co,co.example,di@co.example,"""Quoted, Tag"",Other",no,Zed Nobody
Ed,Eps,Co,co.example,ed@co.example,$long;ok,,owner@w.test
Fay,Zeta,Co,co.example,fay@co.example,$many,True,
Gus,Eta,Co,co.example,gus@co.example,,maybe,JOSÉ RUIZ
Hal,Theta,Co,co.example,hal@co.example,,NO,Jose Ruiz
X
it_import w "$RUN/f1.csv" --workflow default
check_eq "file 1: created, flagged, tagged, enrolled (status)" \
    "done 8 4 5 4" "$(st '"\(.state) \(.created) \(.dnt) \(.tagged) \(.queued_to_workflow)"')"
tags_of() {	# tags_of EMAIL: its tags, sorted, '; '
	sql "SELECT COALESCE(GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR '; '), '')
	    FROM contacts c LEFT JOIN contact_tags ct ON ct.contact_id = c.id
	    LEFT JOIN tags t ON t.id = ct.tag_id WHERE c.email = '$1'"
}
check_eq "';' separated tags, made" "Berlin 2026; VIP" "$(tags_of ann@co.example)"
check_eq "',' and ';' separated, any case, blanks and repeats dropped" \
    "Existing; new-one; VIP" "$(tags_of bob@co.example)"
check_eq "a quoted name keeps its comma" "Other; Quoted, Tag" \
    "$(tags_of di@co.example)"
check_eq "a tag over 128 characters is left out, the rest kept" "ok" \
    "$(tags_of ed@co.example)"
check_eq "at most 50 tags a row" 50 "$(sql "SELECT COUNT(*) FROM contact_tags ct
    JOIN contacts c ON c.id = ct.contact_id WHERE c.email = 'fay@co.example'")"
check_eq "one tag per name in any case: no second VIP or existing" "1 1" \
    "$(sql "SELECT SUM(name = 'vip'), SUM(name = 'existing') FROM tags" | tr '\t' ' ')"
check_eq "tags in the workspace: 7 named + t1..t50" 57 \
    "$(sql "SELECT COUNT(*) FROM tags")"
check_eq "tagged contacts in the database = the status's" 5 \
    "$(sql "SELECT COUNT(DISTINCT contact_id) FROM contact_tags")"
check_eq "warnings: long tag, too many tags, neither yes nor no, owners" \
    "4:unknown_owner 5:unknown_owner 6:invalid_tag 7:too_many_tags 8:invalid_dnt 9:unknown_owner" \
    "$(echo "$ST" | jq -r '[.errors[] | select(.severity == "warning") |
        "\(.row):\(.code)"] | join(" ")')"
check "the ambiguous owner is said so" \
    grep -q 'more than one user of this workspace (ambiguous)' \
    <<<"$(st '.errors[] | select(.row == 4) | .message')"
check_eq "flagged: yes, x, 1, True; not: no, empty, maybe, NO" \
    "Ann Bob Cy Fay" "$(sql "SELECT GROUP_CONCAT(first_name ORDER BY first_name
    SEPARATOR ' ') FROM contacts WHERE dnt = 1")"
check_eq "enrolled: only the unflagged" "Di Ed Gus Hal" \
    "$(sql "SELECT GROUP_CONCAT(c.first_name ORDER BY c.first_name SEPARATOR ' ')
    FROM workflow_enrolments e JOIN contacts c ON c.id = e.contact_id")"
owner_of() {
	sql "SELECT u.email FROM contacts c JOIN users u ON u.id = c.owner_id
	    WHERE c.email = '$1'"
}
check_eq "owner by name" ada@w.test "$(owner_of ann@co.example)"
check_eq "owner by name, any case and spacing" ada@w.test "$(owner_of bob@co.example)"
check_eq "a name two users share: the uploader owns" ed@w.test "$(owner_of cy@co.example)"
check_eq "an unknown name: the uploader owns" ed@w.test "$(owner_of di@co.example)"
check_eq "an owner's email still finds the owner" owner@w.test "$(owner_of ed@co.example)"
check_eq "a name with its accents, any case" jose@w.test "$(owner_of gus@co.example)"
check_eq "a name without the accents is another name" ed@w.test "$(owner_of hal@co.example)"
check_eq "Tags and Do Not Touch are not custom data" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE custom IS NOT NULL")"

# A later file: existing contacts updated, a flag never cleared, a flag
# set on a contact the file changes nothing else of, tags added.
cat > "$RUN/f2.csv" <<X
First name,Last name,Account Name,Domain,Email,Tags,Do Not Touch
Ann,Alpha,Co,co.example,ann@co.example,,no
Bob,Beta,Co,co.example,bob@co.example,,
Di,Delta,Co,co.example,di@co.example,Later,Yes
Gus,Eta,Co,co.example,gus@co.example,VIP;late,
X
it_import w "$RUN/f2.csv" --on-existing update --workflow default
# (a row that only adds tags changes no value: unchanged, and tagged)
check_eq "file 2: updated, unchanged, flagged, tagged (status)" "done 1 3 1 2" \
    "$(st '"\(.state) \(.updated) \(.unchanged) \(.dnt) \(.tagged)"')"
check_eq "a later no or empty never clears a flag" "1 1" \
    "$(sql "SELECT SUM(email = 'ann@co.example' AND dnt = 1),
    SUM(email = 'bob@co.example' AND dnt = 1) FROM contacts" | tr '\t' ' ')"
check_eq "a yes flags an updated contact that nothing else changed" 1 \
    "$(sql "SELECT dnt FROM contacts WHERE email = 'di@co.example'")"
check_eq "an updated contact gets the row's tags" "late; VIP" \
    "$(tags_of gus@co.example)"
check_eq "... and keeps its own" "Later; Other; Quoted, Tag" \
    "$(tags_of di@co.example)"
check_eq "a flagged contact updated is still not enrolled" 0 \
    "$(sql "SELECT COUNT(*) FROM workflow_enrolments e JOIN contacts c
    ON c.id = e.contact_id WHERE c.email IN ('ann@co.example',
    'bob@co.example') ")"
check_eq "the status's counts are the database's" \
    "$(sql "SELECT tagged, dnt, queued_to_workflow FROM imports WHERE id = '$ID'" | tr '\t' ' ')" \
    "$(st '"\(.tagged) \(.dnt) \(.queued_to_workflow)"')"

# Custom data is kept under the mapping's key; an ignored column is not.
cat > "$RUN/f3.csv" <<X
First name,Last name,Account Name,Domain,Email,Note,Junk
Ivy,Iota,Co,co.example,ivy@co.example,met in Berlin,zzz
X
it_import w "$RUN/f3.csv" --map 'Note=custom:Remark' --map 'Junk=ignore'
check_eq "custom data under the mapping's key, an ignored column left out" \
    '{"Remark":"met in Berlin"}' \
    "$(sql "SELECT custom FROM contacts WHERE email = 'ivy@co.example'")"

# Killed over and over: an import of updates and new contacts, each with
# two tags of its row, every tenth flagged, into the workflow.
N=${RC_ROWS:-10000}
half=$((N / 2))
awk -v n="$half" 'BEGIN { print "First name,Last name,Account Name,Domain,Email"
	for (i = 1; i <= n; i++)
		printf "K%d,P%d,Kco,kco.example,k%d@kco.example\n", i, i, i }' \
    > "$RUN/k0.csv"
awk -v n="$N" -v h="$half" 'BEGIN {
	print "First name,Last name,Account Name,Domain,Email,Tags,Do Not Touch"
	for (i = 1; i <= n; i++)
		printf "K%d,P%d,Kco,kco.example,k%d@kco.example,\"%s; R%d\",%s\n",
		    i, i, i, i <= h ? "Upd" : "New", i % 5,
		    i % 10 == 0 ? "yes" : "" }' > "$RUN/k1.csv"
it_import w "$RUN/k0.csv" --workflow none
check_eq "the contacts to update are there" "done $half" "$(st '"\(.state) \(.created)"')"
stack_stop_one "$RUN/watchd.pid"
ID=$(stack_intake import --workspace w --as ed@w.test --no-wait \
    --on-existing update --workflow Nurture "$RUN/k1.csv")
state() { sql "SELECT state FROM imports WHERE id = '$ID'"; }
kills=0 mid=0
while [ $kills -lt "${RC_KILLS:-25}" ]; do
	[ "$(state)" = done ] && break
	stack_watchd_start
	sleep "$(printf '0.%02d' $(( 2 + RANDOM % 20 )))"
	pid=$(cat "$RUN/watchd.pid")
	kill -KILL "$pid"
	while stack_pid_alive "$pid"; do sleep 0.01; done
	kills=$((kills + 1))
	[ "$(state)" = done ] || mid=$((mid + 1))
done
rm -f "$RUN/watchd.pid"
stack_watchd_start
it_wait_file "$ID"
echo "# $kills kills, $mid before the end"
check "killed mid-import at least 5 times ($mid)" [ "$mid" -ge 5 ]
check "and resumed from checkpoints" \
    [ "$(grep -c "$ID: resuming after row" "$RUN/watchd.log")" -ge 3 ]
check_eq "the killed import is done: created, updated, tagged, flagged, enrolled" \
    "done $half $half $N $((N / 10)) $((N - N / 10))" \
    "$(st '"\(.state) \(.created) \(.updated + .unchanged) \(.tagged) \(.dnt) \(.queued_to_workflow)"')"
k="FROM contact_tags ct JOIN contacts c ON c.id = ct.contact_id
    JOIN tags t ON t.id = ct.tag_id WHERE c.email LIKE 'k%@kco.example'"
num="CAST(SUBSTRING(c.first_name, 2) AS UNSIGNED)"
check_eq "exactly two tags on each contact" "$N 2 2" \
    "$(sql "SELECT COUNT(*), MIN(n), MAX(n) FROM (SELECT c.id, COUNT(*) n $k
    GROUP BY c.id) x" | tr '\t' ' ')"
check_eq "and the right ones" "$half $half $N" \
    "$(sql "SELECT SUM(t.name = 'Upd' AND $num <= $half),
    SUM(t.name = 'New' AND $num > $half),
    SUM(t.name = CONCAT('R', MOD($num, 5))) $k" | tr '\t' ' ')"
check_eq "the tenth rows flagged, none of them enrolled" "$((N / 10)) 0" \
    "$(sql "SELECT SUM(dnt), SUM(dnt AND EXISTS (SELECT 1 FROM
    workflow_enrolments e WHERE e.contact_id = c.id)) FROM contacts c
    WHERE email LIKE 'k%@kco.example'" | tr '\t' ' ')"
check_eq "every unflagged one enrolled once" $((N - N / 10)) \
    "$(sql "SELECT COUNT(*) FROM workflow_enrolments e JOIN contacts c
    ON c.id = e.contact_id WHERE c.email LIKE 'k%@kco.example'")"
check_eq "no tag made twice" 7 "$(sql "SELECT COUNT(*) FROM tags
    WHERE name IN ('Upd', 'New') OR name LIKE 'R_'")"
it_done
