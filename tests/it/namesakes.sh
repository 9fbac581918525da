#!/bin/bash
# Two people are not one because they share a name (#17.6): matching by
# first name + last name + domain applies only when the emails do not
# contradict it. A namesake with another email is another person; a
# namesake without an email may be the row's; a row without an email
# cannot tell namesakes apart.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }
count() { sql "SELECT COUNT(*) FROM contacts c JOIN workspaces w
    ON w.id = c.workspace_id WHERE w.slug = '$1'"; }
emails() {	# emails WS LAST: the contacts' emails in order of creation
	sql "SELECT GROUP_CONCAT(COALESCE(c.email, '-') ORDER BY c.id
	    SEPARATOR ' ') FROM contacts c JOIN workspaces w
	    ON w.id = c.workspace_id WHERE w.slug = '$1' AND c.last_name = '$2'"
}
ids() {		# ids WS LAST: the contacts' EG-CON-IDs, as a message lists them
	sql "SELECT GROUP_CONCAT(c.public_id ORDER BY c.id SEPARATOR ', ')
	    FROM contacts c JOIN workspaces w ON w.id = c.workspace_id
	    WHERE w.slug = '$1' AND c.last_name = '$2'"
}

# The issue's case: three people of one name at one company, each with
# an email of their own, and a fourth row of that name without one.
three=$(csv three <<'X'
First name,Last name,Account Name,Domain,Email
John,Smith,Acme,acme.example,john.smith@acme.example
John,Smith,Acme,acme.example,jsmith@acme.example
John,Smith,Acme,acme.example,john.smith2@acme.example
John,Smith,Acme,acme.example,
X
)
for p in skip update duplicate; do
	it_ws "three-$p"
	it_import "three-$p" "$three" --on-existing $p
	eval "res_$p=\"\$(st '\"\(.created) \(.updated) \(.skipped)\"') \$(st_codes)\""
	eval "msg_$p=\"\$(st '.errors[0].message')\""
done
check_eq "skip: the three namesakes created, the row without email skipped" \
    "3 0 1 5:exists" "$res_skip"
check_eq "skip: the emails of the three" \
    "john.smith@acme.example jsmith@acme.example john.smith2@acme.example" \
    "$(emails three-skip Smith)"
check_eq "skip: the row without email names all three candidates" \
    "More than one existing contact matches by first name, last name and domain ($(ids three-skip Smith)); the row was not imported" \
    "$msg_skip"
check_eq "update: the three created, the row without email ambiguous" \
    "3 0 1 5:ambiguous_match" "$res_update"
check_eq "update: the ambiguous row lists the three, updates none" \
    "More than one existing contact matches by first name, last name and domain ($(ids three-update Smith)); none was updated" \
    "$msg_update"
check_eq "update: the three keep their own emails" \
    "john.smith@acme.example jsmith@acme.example john.smith2@acme.example" \
    "$(emails three-update Smith)"
check_eq "duplicate: four contacts" "4 0 0 " "$res_duplicate"

# The same file again, now that the three exist: each row with an email
# finds its own contact by email (nothing to change), the fourth cannot
# tell them apart.
it_import three-update "$three" --on-existing update
check_eq "again, update: three unchanged by email, one ambiguous" \
    "0 0 3 1 5:ambiguous_match" \
    "$(st '"\(.created) \(.updated) \(.unchanged) \(.skipped)"') $(st_codes)"
check_eq "again, update: matched by email" "email email email" \
    "$(sql "SELECT GROUP_CONCAT(match_key ORDER BY row_no SEPARATOR ' ')
        FROM import_rows WHERE import_id = '$ID' AND severity = 'unchanged'")"
check_eq "again, update: still three" 3 "$(count three-update)"

# One existing namesake, one row each, so the batch's snapshot decides
# (no row of the batch shares a key with another).
it_ws one
seed=$(csv seed <<'X'
First name,Last name,Account Name,Domain,Email,Phone
Bo,Park,Parks,parks.example,bo@parks.example,111
Cy,Dee,Dees,dees.example,,222
Di,Ash,Ashes,ashes.example,di@ashes.example,333
X
)
it_import one "$seed"
bo=$(ids one Park)
cy=$(ids one Dee)
di=$(ids one Ash)
f=$(csv one <<'X'
First name,Last name,Account Name,Domain,Email,Phone
Bo,Park,Parks,parks.example,bo.park@parks.example,999
Cy,Dee,Dees,dees.example,cy@dees.example,
Di,Ash,Ashes,ashes.example,,444
X
)
it_import one "$f" --on-existing update
check_eq "another email: a new contact, the namesake untouched" \
    "bo@parks.example bo.park@parks.example" "$(emails one Park)"
check_eq "... and its phone is its own" "111 999" \
    "$(sql "SELECT GROUP_CONCAT(phone ORDER BY id SEPARATOR ' ') FROM contacts
        WHERE last_name = 'Park'")"
check_eq "a namesake without email is matched by name, and gets the email" \
    "cy@dees.example" "$(emails one Dee)"
check_eq "a row without email matches its one namesake by name" \
    "di@ashes.example 444" \
    "$(sql "SELECT CONCAT(email, ' ', phone) FROM contacts
        WHERE last_name = 'Ash'")"
check_eq "outcomes: 1 created, 2 updated (by name)" \
    "1 2 3:name:$cy 4:name:$di" \
    "$(st '"\(.created) \(.updated)"') $(sql "SELECT GROUP_CONCAT(CONCAT(row_no,
        ':', match_key, ':', contact) ORDER BY row_no SEPARATOR ' ')
        FROM import_rows WHERE import_id = '$ID' AND severity = 'updated'")"

# The same with skip: the namesake with another email is not "already
# there".
it_ws oneskip
it_import oneskip "$seed"
it_import oneskip "$f"
check_eq "skip: another email is created, the others exist" \
    "1 0 2 3:exists 4:exists" \
    "$(st '"\(.created) \(.updated) \(.skipped)"') $(st_codes)"
it_done
