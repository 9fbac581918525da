#!/bin/bash
# A batch is matched against a snapshot taken before it is written, and its
# writes are queued and sent in bulk (snap.c, bulk.c). What rows earlier
# in the same batch wrote must still count, and one row the database
# refuses must not cost the others.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }
count() { sql "SELECT COUNT(*) FROM contacts c JOIN workspaces w
    ON w.id = c.workspace_id WHERE w.slug = '$1'"; }

# An update that moves a contact's LinkedIn URL: a later row of the same
# batch that has only the new URL in common with it finds it.
it_ws moved
f=$(csv seed <<'X'
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL
Grace,Hopper,Navy,navy.example,grace@navy.example,https://www.linkedin.com/in/grace-old
X
)
it_import moved "$f"
f=$(csv moved <<'X'
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL
Grace,Hopper,Navy,navy.example,grace@navy.example,https://www.linkedin.com/in/grace-new
Amazing,Grace,Other,other.example,amazing@other.example,https://www.linkedin.com/in/grace-new
X
)
it_import moved "$f" --on-existing update
check_eq "the second row matched the contact the first row moved" \
    "2:email 3:linkedin" \
    "$(sql "SELECT GROUP_CONCAT(CONCAT(row_no, ':', match_key) ORDER BY row_no
        SEPARATOR ' ') FROM import_rows WHERE import_id = '$ID'")"
check_eq "so nothing new was created" "0 2 1" \
    "$(st '"\(.created) \(.updated)"') $(count moved)"

# In-file duplicates by each key, within one batch: the later row finds
# the contact the earlier one created.
it_ws twins
f=$(csv twins <<'X'
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL,Phone
Ann,One,A,a.example,,https://www.linkedin.com/in/ann-one,
Someone,Else,B,b.example,,https://WWW.linkedin.com/in/ANN-ONE/,1
Bob,Two,B,b.example,bob@b.example,,
Robert,Twofold,C,c.example,BOB@b.example,,2
Cat,Three,C,c.example,,,
cat,three,C,C.EXAMPLE,,,3
Dan,Four,D,d.example,dan@d.example,,
X
)
it_import twins "$f" --on-existing update --tag T1 --tag T2
check_eq "linkedin, email and name twins update the first" "4 3" \
    "$(st '"\(.created) \(.updated)"')"
check_eq "by the key each shares" "3:linkedin 5:email 7:name" \
    "$(sql "SELECT GROUP_CONCAT(CONCAT(row_no, ':', match_key) ORDER BY row_no
        SEPARATOR ' ') FROM import_rows WHERE import_id = '$ID'")"
check_eq "four contacts, each tagged twice" "4 8" \
    "$(count twins) $(sql "SELECT COUNT(*) FROM contact_tags ct JOIN
        contacts c ON c.id = ct.contact_id JOIN workspaces w
        ON w.id = c.workspace_id WHERE w.slug = 'twins'")"

# Twins the database's collation makes, not the bytes: accents, case
# outside ASCII, an expansion (ß is ss). twin.c is told the server's
# weights of such keys; a twin it missed would be created a second time.
# (Emails are ASCII once normalised; names are where this happens.)
it_ws wild
f=$(csv wild <<'X'
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL,Phone
Zoë,Adams,E,e.example,,,
ZOE,adams,E,e.example,,,3
Jürgen,Müller,G,g.example,,,
JURGEN,muller,G,g.example,,,5
Hans,Straße,H,h.example,,,
Hans,STRASSE,H,h.example,,,6
Søren,Kierke,K,k.example,,,
Soren,Kierke,K,k.example,,,8
X
)
it_import wild "$f" --on-existing update
check_eq "collation twins update the first" "5 3" \
    "$(st '"\(.created) \(.updated)"')"
check_eq "by name (ø is not o)" "3:name 5:name 7:name" \
    "$(sql "SELECT GROUP_CONCAT(CONCAT(row_no, ':', match_key) ORDER BY row_no
        SEPARATOR ' ') FROM import_rows WHERE import_id = '$ID'")"

# The snapshot also says when an update would change nothing, and the
# update is then not sent; but not for a contact a row before it in the
# batch changed: there the snapshot is stale.
it_ws same
f=$(csv same-seed <<'X'
First name,Last name,Account Name,Domain,Email,Phone,Contact LinkedIn URL
Grace,Hopper,Navy,navy.example,grace@navy.example,111,https://www.linkedin.com/in/grace
X
)
it_import same "$f"
it_import same "$f" --on-existing update
check_eq "the same row again: nothing to change" \
    "Nothing to change on $(sql "SELECT public_id FROM contacts WHERE email = 'grace@navy.example'"), matched by LinkedIn URL" \
    "$(sql "SELECT message FROM import_rows WHERE import_id = '$ID'")"
check_eq "and the contact is not marked as updated by it" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE updated_by_import = '$ID'")"
f=$(csv same <<'X'
First name,Last name,Account Name,Domain,Email,Phone,Contact LinkedIn URL
Grace,Hopper,Navy,navy.example,grace@navy.example,222,
,,,,,111,https://www.linkedin.com/in/grace
X
)
it_import same "$f" --on-existing update
check_eq "a later row puts back what an earlier one changed" 111 \
    "$(sql "SELECT phone FROM contacts WHERE email = 'grace@navy.example'")"
check_eq "both rows updated it" "2:Updated 3:Updated" \
    "$(sql "SELECT GROUP_CONCAT(CONCAT(row_no, ':', LEFT(message, 7))
        ORDER BY row_no SEPARATOR ' ') FROM import_rows WHERE import_id = '$ID'")"

# Queued rows are sent before their strings reach 4 MB (a statement must
# fit the 16 MB packet limit): 400 rows with a 48 KB cell each, 19 MB.
it_ws big
cell=$(head -c 36000 /dev/zero | base64 -w0)
{ echo "First name,Last name,Account Name,Domain,Notes"
  for i in $(seq 400); do echo "F$i,L$i,A,a.example,$cell"; done
} > "$RUN/big.csv"
it_import big "$RUN/big.csv"
check_eq "all 400 created" "done 400" "$(st '"\(.state) \(.created)"')"
check_eq "each with its whole cell" "400 ${#cell}" \
    "$(sql "SELECT CONCAT(COUNT(*), ' ', MIN(LENGTH(JSON_VALUE(custom, '$.Notes'))))
        FROM contacts c JOIN workspaces w ON w.id = c.workspace_id
        WHERE w.slug = 'big'")"

# A row too large for one statement (300 cells of 60 KB: 18 MB, over the
# 16 MB packet) is skipped; the rows around it are imported.
cell=$(head -c 45000 /dev/zero | base64 -w0)
{ printf 'First name,Last name,Account Name,Domain'
  for i in $(seq 300); do printf ',C%d' "$i"; done; echo
  printf 'Ann,One,A,a.example'; for i in $(seq 300); do printf ',x'; done; echo
  printf 'Bob,Two,B,b.example'; for i in $(seq 300); do printf ',%s' "$cell"; done; echo
  printf 'Cat,Three,C,c.example'; for i in $(seq 300); do printf ',y'; done; echo
} > "$RUN/huge.csv"
it_ws huge
it_import huge "$RUN/huge.csv"
check_eq "the 18 MB row is skipped, the others created" \
    "done 2 3:row_too_large" "$(st '"\(.state) \(.created)"') $(st_codes)"

# A value the database refuses (a first name over 255 characters) fails
# that row alone; the batch around it is written row by row instead.
it_ws refused
stack_intake workflow add --workspace refused Nurture >/dev/null
long=$(printf 'N%.0s' $(seq 300))
{ echo "First name,Last name,Account Name,Domain,Email"
  echo "Ann,One,A,a.example,ann@a.example"
  echo "$long,Two,B,b.example,long@b.example"
  echo "Cat,Three,C,c.example,cat@c.example"
} > "$RUN/refused.csv"
it_import refused "$RUN/refused.csv" --tag T --workflow Nurture
check_eq "the refused row failed, the others were created" "done 2 1" \
    "$(st '"\(.state) \(.created) \(.failed)"')"
check_eq "its outcome says so" "3:database_error" "$(st_codes)"
tags=$(sql "SELECT COUNT(*) FROM contact_tags ct JOIN contacts c
    ON c.id = ct.contact_id JOIN workspaces w ON w.id = c.workspace_id
    WHERE w.slug = 'refused'")
enrolled=$(sql "SELECT COUNT(*) FROM workflow_enrolments WHERE import_id = '$ID'")
check_eq "the created ones are tagged and enrolled, once" "2 2 2" \
    "$(count refused) $tags $enrolled"
check_eq "the counters say the same" "2 2" \
    "$(st '"\(.tagged) \(.queued_to_workflow)"')"
check_eq "outcomes were written once" 1 \
    "$(sql "SELECT COUNT(*) FROM import_rows WHERE import_id = '$ID'")"
check "the watcher said why it wrote row by row" \
    grep -q 'writing row by row' "$RUN/watchd.log"

# A batch's new accounts are made together (contact_accounts), as the
# rows would have made them one by one: named by the first row that
# writes a contact with the domain; a row that writes none makes none.
it_ws accts
printf 'First name,Last name,Account Name,Domain,Email\nOld,Person,Old Co,old.example,old@old.example\n' \
    > "$RUN/accts-seed.csv"
it_import accts "$RUN/accts-seed.csv"
{ echo "First name,Last name,Account Name,Domain,Email"
  echo "Ann,A,First Co,d1.example,ann@d1.example"
  echo "Ben,B,Second Co,d1.example,ben@d1.example"
  echo "Old,Person,Ghost Co,ghost.example,old@old.example"
  echo "Cat,C,,d3.example,cat@d3.example"
  echo "Eve,E,Eve Co,d5.example,eve@d5.example"
  echo "Eva,E,Other Co,d5.example,eve@d5.example"
} > "$RUN/accts.csv"
it_import accts "$RUN/accts.csv"
check_eq "accounts: named by the first row that writes, none for a skipped row" \
    "d1.example:First Co d5.example:Eve Co old.example:Old Co" \
    "$(sql "SELECT GROUP_CONCAT(CONCAT(a.domain, ':', a.name) ORDER BY a.domain
    SEPARATOR ' ') FROM accounts a JOIN workspaces w
    ON w.id = a.workspace_id WHERE w.slug = 'accts'")"
check_eq "and the contacts are in them" "Ann:d1 Ben:d1 Eve:d5 Old:old" \
    "$(sql "SELECT GROUP_CONCAT(CONCAT(c.first_name, ':',
    SUBSTRING_INDEX(a.domain, '.', 1)) ORDER BY c.first_name SEPARATOR ' ')
    FROM contacts c JOIN accounts a ON a.id = c.account_id
    JOIN workspaces w ON w.id = c.workspace_id WHERE w.slug = 'accts'")"

# The next batch is read, and its snapshot taken, while this one is
# written: a row twin to a row of the batch before it must still find
# what that row created. Batches of two, each [new person i, person
# i - 1 again]: every second row is a twin from the batch before.
stack_stop_one "$RUN/watchd.pid"
STACK_BATCH=2
stack_write_conf
stack_watchd_start
it_ws pairs
{ echo "First name,Last name,Account Name,Domain,Email"
  for i in $(seq 1 100); do
	echo "P$i,Pair,P,p.example,p$i@p.example"
	echo "Q$i,Again,Q,q.example,p$((i - 1))@p.example"
  done
} > "$RUN/pairs.csv"
it_import pairs "$RUN/pairs.csv" --on-existing skip
check_eq "twins across batches: each created once" "101 99 101" \
    "$(st '"\(.created) \(.skipped)"') $(count pairs)"
check "snapshots were taken while the batch before was written" \
    grep -qE '[1-9][0-9]* of [0-9]+ batches read ahead' "$RUN/watchd.log"

# A batch's new contacts get their tags and enrolment after it commits,
# from a thread of their own while the next batch is written (link.c);
# the file's last batch links its own. Every new contact has both tags
# and one enrolment, none twice. Then a file whose rows update contacts
# of the batch before (so the batch links what that one made, itself):
# new and updated contacts get the new tag, only new ones an enrolment.
it_ws links
stack_intake workflow add --workspace links Nurture >/dev/null
{ echo "First name,Last name,Account Name,Domain,Email"
  for i in $(seq 1 101); do echo "L$i,Link,L,l.example,l$i@l.example"; done
} > "$RUN/links.csv"
it_import links "$RUN/links.csv" --tag L1 --tag L2 --workflow Nurture
links() { sql "SELECT CONCAT((SELECT COUNT(*) FROM contact_tags ct
    JOIN contacts c ON c.id = ct.contact_id WHERE c.workspace_id = w.id),
    ' ', (SELECT COUNT(DISTINCT ct.contact_id, ct.tag_id) FROM contact_tags ct
    JOIN contacts c ON c.id = ct.contact_id WHERE c.workspace_id = w.id),
    ' ', (SELECT COUNT(*) FROM workflow_enrolments e JOIN contacts c
    ON c.id = e.contact_id WHERE c.workspace_id = w.id))
    FROM workspaces w WHERE w.slug = 'links'"; }
check_eq "new contacts linked after their batch: 2 tags and an enrolment each" \
    "101 202 202 101 101 101" \
    "$(st '"\(.created) "')$(links) $(st '"\(.tagged) \(.queued_to_workflow)"')"
check "linked while the next batch was written" \
    grep -qE 'read ahead, [1-9][0-9]* linked meanwhile' "$RUN/watchd.log"
{ echo "First name,Last name,Account Name,Domain,Email,Phone"
  for i in $(seq 1 50); do
	echo "M$i,More,L,l.example,m$i@l.example,"
	echo "L$i,Link,L,l.example,l$i@l.example,555"
  done
} > "$RUN/links2.csv"
it_import links "$RUN/links2.csv" --on-existing update --tag L3 \
    --workflow Nurture
check_eq "then new and updated ones get the tag, new ones an enrolment" \
    "50 50 100 50 302 302 151" \
    "$(st '"\(.created) \(.updated) \(.tagged) \(.queued_to_workflow) "')$(links)"

# Not while the batch being written updates contacts the batch before
# made: the writer would lock them in its order and the linker in id
# order (a deadlock, and the import retried). Here it links them
# itself. Batches of four: [A_i, B_i new; B_i-1, A_i-1 updated].
stack_stop_one "$RUN/watchd.pid"
STACK_BATCH=4
stack_write_conf
stack_watchd_start
it_ws relink
stack_intake workflow add --workspace relink Nurture >/dev/null
{ echo "First name,Last name,Account Name,Domain,Email,Phone"
  for i in $(seq 1 60); do
	echo "A$i,New,R,r.example,a$i@r.example,"
	echo "B$i,New,R,r.example,b$i@r.example,"
	[ "$i" -gt 1 ] && echo "B$((i - 1)),New,R,r.example,b$((i - 1))@r.example,1"
	[ "$i" -gt 1 ] && echo "A$((i - 1)),New,R,r.example,a$((i - 1))@r.example,1"
  done
} > "$RUN/relink.csv"
it_import relink "$RUN/relink.csv" --on-existing update --tag R1 --tag R2 \
    --workflow Nurture
check_eq "contacts updated by the batch after: linked once, no retry" \
    "done 120 118 240 120 0" \
    "$(st '"\(.state) \(.created) \(.updated) "')$(sql "SELECT
    (SELECT COUNT(*) FROM contact_tags ct JOIN contacts c ON c.id =
    ct.contact_id WHERE c.workspace_id = w.id), (SELECT COUNT(*) FROM
    workflow_enrolments e JOIN contacts c ON c.id = e.contact_id WHERE
    c.workspace_id = w.id) FROM workspaces w WHERE w.slug = 'relink'" |
    tr '\t' ' ') $(grep -c "$ID: temporary failure" "$RUN/watchd.log")"
stack_stop_one "$RUN/watchd.pid"
STACK_BATCH=2
stack_write_conf
stack_watchd_start

# The next batch's new accounts are made while the batch before it is
# written (contact_ahead), but not one a row of that batch may make
# first: here a twin of an incomplete row (matched one by one, so not
# certain ahead of time) names the account, and the next batch's row
# with the same domain must find it, not name it. Fifty times, for the
# race; batches of two.
it_ws ahead
{ echo "First name,Last name,Account Name,Domain,Email"
  for i in $(seq 1 50); do
	echo "Inc$i,Omplete,,,t$i@x.example"
	echo "Fa$i,Filler,Filler Co,f.example,fa$i@f.example"
	echo "Tw$i,Row,First $i,d$i.example,t$i@x.example"
	echo "Fb$i,Filler,Filler Co,f.example,fb$i@f.example"
	echo "Nu$i,Person,Second $i,d$i.example,n$i@x.example"
	echo "Fc$i,Filler,Filler Co,f.example,fc$i@f.example"
  done
} > "$RUN/ahead.csv"
it_import ahead "$RUN/ahead.csv"
named=$(sql "SELECT COUNT(*) FROM accounts a JOIN workspaces w
    ON w.id = a.workspace_id WHERE w.slug = 'ahead'
    AND a.domain LIKE 'd%' AND a.name LIKE 'First %'")
check_eq "accounts made ahead: named by the row that comes first" \
    "50 250" "$named $(st '.created')"

# But not while the batch before may update contacts: a row puts back
# what the batch before it changed, by another key (so not a twin of
# that row), where a snapshot from before that batch would see "nothing
# to change". Fifty times, for the race.
it_ws back
{ echo "First name,Last name,Account Name,Domain,Email,Phone,Contact LinkedIn URL"
  for i in $(seq 1 50); do
	echo "Grace$i,Hopper,Navy,navy.example,g$i@navy.example,111,https://www.linkedin.com/in/g$i"
  done
} > "$RUN/back-seed.csv"
it_import back "$RUN/back-seed.csv"
{ echo "First name,Last name,Account Name,Domain,Email,Phone,Contact LinkedIn URL"
  for i in $(seq 1 50); do
	echo "Grace$i,Hopper,Navy,navy.example,g$i@navy.example,222,"
	echo "Ann$i,New,Navy,navy.example,a$i@navy.example,,"
	echo ",,,,,111,https://www.linkedin.com/in/g$i"
	echo "Bob$i,New,Navy,navy.example,b$i@navy.example,,"
  done
} > "$RUN/back.csv"
it_import back "$RUN/back.csv" --on-existing update
phones=$(sql "SELECT CONCAT(c.phone, ':', COUNT(*)) FROM contacts c
    JOIN workspaces w ON w.id = c.workspace_id
    WHERE w.slug = 'back' AND c.email LIKE 'g%' GROUP BY c.phone")
check_eq "the batch after puts back what the batch before changed" \
    "111:50 100 100" "$phones $(st '"\(.created) \(.updated)"')"
it_done
