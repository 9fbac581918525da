#!/bin/bash
# Review first (#20): a review reads the whole file with the import's own
# rules and writes nothing but its own results: contacts, accounts, tags,
# tag links, enrolments, the enrichment cache, the lock row are as they
# were (checksums before and after). It says what each row would do,
# created rows too, which key matched which contact, and each field an
# update changes, before -> after; and the import of the same file then
# gives the same outcome for every row (review-property.sh does it over
# many generated files).
# The import's changes are compared with the review's: it keeps them.
STACK_CONF_EXTRA="keep_changes = yes"
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }

# Everything a review must leave as it was, as one line.
state() {
	sql "CHECKSUM TABLE contacts, accounts, tags, contact_tags,
	    workflow_enrolments, enrich_cache, import_links" |
	    awk '{ printf "%s ", $2 }'
}

it_ws rv
stack_intake workflow add --workspace rv Welcome >/dev/null
seed=$(csv seed <<'X'
First name,Last name,Account Name,Domain,Email,Phone,Colour
Ada,Lovelace,Analytical,analytical.example,ada@analytical.example,+1 555 0100,red
José,García,Ñandú,nandu.example,jose@nandu.example,,azul
Bob,Builder,Builders,builders.example,bob@builders.example,,
X
)
it_import rv "$seed"
check_eq "seed: three created" 3 "$(st .created)"
ADA=$(sql "SELECT public_id FROM contacts WHERE email = 'ada@analytical.example'")

# Updates of existing contacts, a new contact, the same new contact again
# later in the file (an update of a row before it), a moved domain, a
# row flagged Do Not Touch, a row without a key.
f=$(csv f <<'X'
First name,Last name,Account Name,Domain,Email,Phone,Colour,Do Not Touch
Ada,Lovelace,Analytical,analytical.example,ada@analytical.example,+1 555 0199,crimson,
Carla,Nueva,Nueva,nueva.example,carla@nueva.example,,green,
Carla,Nueva,Nueva,nueva.example,carla@nueva.example,+34 600 000 000,,
Bob,Builder,Moved,moved.example,bob@builders.example,,,yes
Zed,,,,,,,
José,García,Ñandú,nandu.example,jose@nandu.example,,azul,
X
)
before=$(state)
it_import rv "$f" --review --on-existing update --tag Event --workflow Welcome
R=$ID
check_eq "review: done, and it says it is a review" "done true" \
    "$(st '"\(.state) \(.review)"')"
check_eq "review: counts as the import would" "1 3 1 1" \
    "$(st '"\(.created) \(.updated) \(.unchanged) \(.skipped)"')"
check_eq "review: nothing written (contacts, accounts, tags, links, enrolments, cache)" \
    "$before" "$(state)"
check_eq "review: no contact made by the review, and the workspace let go" "0 " \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE created_by_import = '$R'") $(sql "SELECT COALESCE(import_id, '') FROM import_locks")"
check_eq "review: the imports row is a review, done, with its counts" \
    "1 done 1 3" "$(sql "SELECT review, state, created, updated FROM imports
        WHERE id = '$R'" | tr '\t' ' ')"
check_eq "review: every row has its outcome (created ones too)" \
    "2:updated 3:created 4:updated 5:updated 7:unchanged" \
    "$(sql "SELECT CONCAT(row_no, ':', severity) FROM import_rows
        WHERE import_id = '$R' AND severity <> 'warning' AND
        severity <> 'skipped' ORDER BY row_no" | tr '\n' ' ' | sed 's/ $//')"
check_eq "review: Ada matched by email to her EG-CON-ID" "$ADA email" \
    "$(sql "SELECT contact, match_key FROM import_rows
        WHERE import_id = '$R' AND row_no = 2" | tr '\t' ' ')"
check_eq "review: Ada's changes, before -> after" \
    "Phone +1 555 0100 +1 555 0199|custom:Colour red crimson" \
    "$(sql "SELECT CONCAT(field, ' ', COALESCE(before_value, '-'), ' ',
        COALESCE(after_value, '-')) FROM import_changes
        WHERE import_id = '$R' AND row_no = 2 ORDER BY id" | paste -sd'|')"
check_eq "review: Carla's second row updates the contact the first made" \
    "Phone - +34 600 000 000" \
    "$(sql "SELECT CONCAT(field, ' ', COALESCE(before_value, '-'), ' ',
        COALESCE(after_value, '-')) FROM import_changes
        WHERE import_id = '$R' AND row_no = 4" | paste -sd'|')"
check_eq "review: Bob moves to moved.example and is flagged" \
    "Domain builders.example moved.example|Do Not Touch 0 1" \
    "$(sql "SELECT CONCAT(field, ' ', COALESCE(before_value, '-'), ' ',
        COALESCE(after_value, '-')) FROM import_changes
        WHERE import_id = '$R' AND row_no = 5 ORDER BY id" | paste -sd'|')"
check_eq "review: tagged, queued, flagged as the import would" "5 4 1" \
    "$(st '"\(.tagged) \(.queued_to_workflow) \(.dnt)"')"
check "review: intake import --review prints the changes" \
    grep -q "Phone: +1 555 0100 -> +1 555 0199" \
    <(stack_intake import --workspace rv --as ed@rv.test --review \
        --on-existing update --tag Event --workflow Welcome "$f")

# The import of the same file, with the same options: the same outcome
# for every row, the same changes.
# The ids of contacts a run made are random: each is "NEW" in both.
news() {
	sql "SELECT contact FROM import_rows WHERE import_id = '$1' AND
	    severity = 'created' UNION SELECT public_id FROM contacts
	    WHERE created_by_import = '$1'" | sed 's/.*/s|&|NEW|g/'
}
outcomes() {
	sql "SELECT row_no, severity, code, message, COALESCE(column_name, ''),
	    IF(severity = 'created', '', COALESCE(contact, '')),
	    COALESCE(match_key, '') FROM import_rows WHERE import_id = '$1'
	    AND severity <> 'created' ORDER BY row_no, id" | sed -f <(news "$1")
}
changes() {
	sql "SELECT row_no, contact, field, COALESCE(before_value, '-'),
	    COALESCE(after_value, '-') FROM import_changes
	    WHERE import_id = '$1' ORDER BY row_no, id" | sed -f <(news "$1")
}
it_import rv "$f" --on-existing update --tag Event --workflow Welcome
I=$ID
check_eq "import: the counts the review said" "1 3 1 1 5 4 1" \
    "$(st '"\(.created) \(.updated) \(.unchanged) \(.skipped) \(.tagged) \(.queued_to_workflow) \(.dnt)"')"
check_eq "import: every row's outcome as the review said" \
    "$(outcomes "$R")" "$(outcomes "$I")"
check_eq "import: every change as the review said" \
    "$(changes "$R")" "$(changes "$I")"
check_eq "import: the contacts changed this time" "+1 555 0199" \
    "$(sql "SELECT phone FROM contacts WHERE public_id = '$ADA'")"

# The web: a review uploaded with review=true, its grid, and its import
# in one click.
it_workspace
it_login ed@acme.test editor-pass-1
it_upload "$seed"
it_wait "$ID" >/dev/null
ADA=$(sql "SELECT c.public_id FROM contacts c JOIN workspaces w
    ON w.id = c.workspace_id WHERE w.slug = 'acme' AND c.email = 'ada@analytical.example'")
it_upload "$f" -F review=true -F on_existing=update -F tags=Event
check_eq "web: the review is accepted" 202 "$HTTP_CODE"
W=$ID
it_wait "$W" > "$RUN/w.json"
check_eq "web: the review's status says review, done" "true done 1 3" \
    "$(jq -r '"\(.review) \(.state) \(.created) \(.updated)"' "$RUN/w.json")"
rows() { curl -s -b "$JAR" "$BASE/api/imports/$W/rows?$1"; }
check_eq "web: the grid's counts" "1 3 1 1" \
    "$(rows '' | jq -r '"\(.counts.created) \(.counts.updated) \(.counts.unchanged) \(.counts.skipped)"')"
check_eq "web: filtered to updated, Ada's row: matched by email, her name and account, her changes" \
    "2 email $ADA Ada Lovelace Analytical Phone:+1 555 0100>+1 555 0199 custom:Colour:red>crimson" \
    "$(rows 'outcome=updated' | jq -r '.rows[0] | "\(.row) \(.key) \(.contact) \(.name) \(.account) \([.changes[] | "\(.field):\(.before)>\(.after)"] | join(" "))"')"
check_eq "web: filtered to updated, three rows" "3 3" \
    "$(rows 'outcome=updated' | jq -r '"\(.total) \(.rows | length)"')"
check_eq "web: a search finds the new contact by name" "3 created" \
    "$(rows 'q=Carla' | jq -r '.rows[] | select(.outcome == "created") | "\(.row) \(.outcome)"')"
check_eq "web: a search finds a changed value" "5" \
    "$(rows 'q=moved.example' | jq -r '[.rows[].row] | unique | join(" ")')"
check_eq "web: paged, one row a page: the third updated is row 5" "3 1 5" \
    "$(rows 'limit=1&page=3&outcome=updated' | jq -r '"\(.total) \(.rows | length) \(.rows[0].row)"')"
# Several candidates: a row that matches two contacts lists both, with
# their names.
printf 'First name,Last name,Account Name,Domain\nSam,Same,Twins,twins.example\n' > "$RUN/sam.csv"
it_upload "$RUN/sam.csv"; it_wait "$ID" >/dev/null
it_upload "$RUN/sam.csv" -F on_existing=duplicate; it_wait "$ID" >/dev/null
it_upload "$RUN/sam.csv" -F review=true -F on_existing=update
it_wait "$ID" >/dev/null
check_eq "web: a row with two candidates lists both, by name and account" \
    "ambiguous_match 2 Sam Same Twins" \
    "$(curl -s -b "$JAR" "$BASE/api/imports/$ID/rows" | jq -r '.rows[] | select(.outcome == "skipped") | "\(.code) \(.candidates | length) \(.candidates[0].name) \(.candidates[1].account)"')"
check_eq "web: a bad outcome is refused" 400 \
    "$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" "$BASE/api/imports/$W/rows?outcome=nope")"
check_eq "web: nothing written by the review" "$(sql "SELECT phone FROM contacts WHERE public_id = '$ADA'")" "+1 555 0100"
go() { curl -s -o "$RUN/go.json" -w '%{http_code}' -b "$JAR" -X POST \
    -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d '{}' \
    "$BASE/api/imports/$1/import"; }
check_eq "web: Import on the review: 202" 202 "$(go "$W")"
G=$(jq -r .id "$RUN/go.json")
it_wait "$G" > "$RUN/g.json"
check_eq "web: the import from the review: done, as the review said, none differ" \
    "done $W 0 1 3 1 1" \
    "$(jq -r '"\(.state) \(.from_review) \(.differs) \(.created) \(.updated) \(.unchanged) \(.skipped)"' "$RUN/g.json")"
check_eq "web: with the review's options (its tag on the four contacts)" 4 \
    "$(sql "SELECT COUNT(*) FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
        JOIN workspaces w ON w.id = t.workspace_id WHERE w.slug = 'acme' AND t.name = 'Event'")"
check_eq "web: a review is imported once: 409" "409 imported_already" \
    "$(go "$W") $(jq -r .error "$RUN/go.json")"
check_eq "web: an import is not a review: 409" "409 not_reviewed" \
    "$(go "$G") $(jq -r .error "$RUN/go.json")"

# The workspace changes between the review and its import: the import
# does what the workspace is then, and says how many rows came out
# otherwise, and which.
g=$(csv g <<'X'
First name,Last name,Account Name,Domain,Email
Dora,Later,Later,later.example,dora@later.example
Eli,Later,Later,later.example,eli@later.example
X
)
it_upload "$g" -F review=true
W2=$ID
it_wait "$W2" >/dev/null
printf 'First name,Last name,Account Name,Domain,Email
Dora,Later,Later,later.example,dora@later.example
' > "$RUN/dora.csv"
it_upload "$RUN/dora.csv"
it_wait "$ID" >/dev/null
check_eq "changed meanwhile: Import on the review: 202" 202 "$(go "$W2")"
it_wait "$(jq -r .id "$RUN/go.json")" > "$RUN/g2.json"
check_eq "changed meanwhile: one row differs, and the status says which" \
    "1 1 row 2: skipped, not created" \
    "$(jq -r '"\(.differs) \(.skipped) \(.differs_message | capture("(?<r>row 2: [a-z]+, not [a-z]+)").r)"' "$RUN/g2.json")"


# A review's lost status file is written again from its row, and still
# says it is a review (restatus.c).
rm "$RUN/spool/status/$W.json"
n=0; until [ -s "$RUN/spool/status/$W.json" ] || [ $n -ge 200 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "a review's lost status comes back, a review" "done true 1" \
    "$(jq -r '"\(.state) \(.review) \(.created)"' "$RUN/spool/status/$W.json")"
check_eq "an import's comes back without review" "null" \
    "$(rm "$RUN/spool/status/$G.json"; n=0; until [ -s "$RUN/spool/status/$G.json" ] || [ $n -ge 200 ]; do sleep 0.1; n=$((n + 1)); done; jq -r '.review' "$RUN/spool/status/$G.json")"

# A review is kept review_keep_hours (72) after it ended, then forgotten:
# its row, rows, changes, file and status. The housekeeping runs when the
# watcher starts.
sql "UPDATE imports SET finished_at = NOW(3) - INTERVAL 73 HOUR WHERE id = '$W2'"
sql "UPDATE imports SET finished_at = NOW(3) - INTERVAL 71 HOUR WHERE id = '$W'"
stack_stop_one "$RUN/watchd.pid"
stack_watchd_start
for i in $(seq 50); do
	[ -e "$RUN/spool/status/$W2.json" ] || break
	sleep 0.1
done
check_eq "an old review is forgotten: its row, rows, changes, status, file" \
    "0 0 0 no no" \
    "$(sql "SELECT (SELECT COUNT(*) FROM imports WHERE id = '$W2'),
        (SELECT COUNT(*) FROM import_rows WHERE import_id = '$W2'),
        (SELECT COUNT(*) FROM import_changes WHERE import_id = '$W2')" |
        tr '\t' ' ') $([ -e "$RUN/spool/status/$W2.json" ] && echo yes || echo no) $([ -e "$RUN/spool/done/$W2" ] && echo yes || echo no)"
check_eq "a younger one is kept" "1 yes" \
    "$(sql "SELECT COUNT(*) FROM imports WHERE id = '$W'") $([ -e "$RUN/spool/done/$W/data.csv" ] && echo yes || echo no)"

# A review killed with -9 anywhere starts again and ends as one that was
# not: the same outcomes and changes, none twice, nothing written.
it_gen 30000 "$RUN/big.csv" K
awk -F, 'NR > 1 && NR % 3 == 0 { $5 = "k" NR "@elsewhere.example" } { print }' OFS=, \
    "$RUN/big.csv" > "$RUN/big2.csv"
it_import rv "$RUN/big.csv"
ida=$(stack_intake import --workspace rv --as ed@rv.test --review \
    --on-existing update --no-wait "$RUN/big2.csv")
it_wait_file "$ida"
before=$(state)
stack_stop_one "$RUN/watchd.pid"
idb=$(stack_intake import --workspace rv --as ed@rv.test --review \
    --on-existing update --no-wait "$RUN/big2.csv")
kills=0
while [ $kills -lt 6 ] && [ "$(sql "SELECT state FROM imports WHERE id = '$idb'")" != done ]; do
	stack_watchd_start
	sleep "$(printf '0.%02d' $(( 30 + RANDOM % 60 )))"
	pid=$(cat "$RUN/watchd.pid")
	kill -KILL "$pid"
	while stack_pid_alive "$pid"; do sleep 0.01; done
	kills=$((kills + 1))
done
rm -f "$RUN/watchd.pid"
stack_watchd_start
it_wait_file "$idb"
check_eq "killed $kills times: the review ends as one that was not" \
    "$(sql "SELECT created, updated, unchanged, skipped FROM imports WHERE id = '$ida'")" \
    "$(sql "SELECT created, updated, unchanged, skipped FROM imports WHERE id = '$idb'")"
check_eq "killed: every row once, as the uninterrupted review said" \
    "$(outcomes "$ida" | md5sum)" "$(outcomes "$idb" | md5sum)"
check_eq "killed: the same changes" "$(changes "$ida" | md5sum)" "$(changes "$idb" | md5sum)"
check_eq "killed: nothing written" "$before" "$(state)"
check "killed while it ran, at least once ($(grep -c "$idb: importing" "$RUN/watchd.log") starts)" \
    [ "$(grep -c "$idb: importing" "$RUN/watchd.log")" -ge 2 ]
it_done
