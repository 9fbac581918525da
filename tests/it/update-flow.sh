#!/bin/bash
# Update with CSV: rows name their contact by EG-CON-ID in this workspace,
# and every option of the create flow applies to that contact.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }
pub() { sql "SELECT c.public_id FROM contacts c JOIN workspaces w ON
    w.id = c.workspace_id WHERE w.slug = '$1' AND c.last_name = '$2'
    ORDER BY c.id LIMIT 1"; }
row() { sql "SELECT c.first_name, COALESCE(c.email, '-'), COALESCE(c.phone, '-'),
    a.domain, COALESCE(c.custom, '-'), c.dnt FROM contacts c
    JOIN accounts a ON a.id = c.account_id JOIN workspaces w
    ON w.id = c.workspace_id WHERE w.slug = '$1' AND c.last_name = '$2'
    ORDER BY c.id"; }

it_ws up
it_ws other
stack_intake workflow add --workspace up Onboard >/dev/null
seed=$(csv seed <<'X'
First name,Last name,Account Name,Domain,Email,Phone,Colour,Size
Ada,Lovelace,Analytical,analytical.example,ada@analytical.example,111,red,S
Bob,Builder,Builders,builders.example,bob@builders.example,222,,
X
)
it_import up "$seed"
it_import other "$seed"
ada=$(pub up Lovelace)
bob=$(pub up Builder)
otherada=$(pub other Lovelace)

f=$(csv noid <<'X'
First name,Last name,Email
Ada,Lovelace,new@analytical.example
X
)
it_import up "$f" --update
check_eq "no id column: fails before any row, saying how to get one" \
    "failed: This file has no EG-CON-ID column, so its rows cannot be matched to contacts. To get a file with it, export your contacts first, edit that file, then import it with Update with CSV." \
    "$(st '"\(.state): \(.message)"')"

f=$(csv rules <<X
EG-CON-ID,First name,Email,Phone,Domain,Colour,Tags,Do Not Touch,Created At,Updated At
$ada,Augusta,,,babbage.example,blue,VIP,Yes,2020-01-01,2020-01-01
,Nobody,,,,,,,,
nosuchid000000000000000,Ghost,,,,,,,,
$otherada,Intruder,,,,,,,,
X
)
it_import up "$f" --update --tag Updated --workflow Onboard
check_eq "outcomes: updated, missing_id, unknown_id, unknown_id" \
    "1 3:missing_id 4:unknown_id 5:unknown_id" \
    "$(echo "$(st .updated) $(st_codes)")"
check_eq "another workspace's id is only unknown" \
    "No contact of this workspace has the EG-CON-ID \"$otherada\"" \
    "$(st '.errors[2].message')"
check_eq "the other workspace's contact is untouched" \
    "Ada	ada@analytical.example	111	analytical.example	{\"Colour\":\"red\",\"Size\":\"S\"}	0" \
    "$(row other Lovelace)"
# The export's Tags and Do Not Touch columns are applied (#16: a file
# flags, never clears), Created At / Updated At ignored.
check_eq "cells overwrite, blanks keep, custom merges, domain moves, DNT set" \
    'Augusta	ada@analytical.example	111	babbage.example	{"Colour":"blue","Size":"S"}	1' \
    "$(row up Lovelace)"
check_eq "Tags and the export's dates are not custom data" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE JSON_EXISTS(custom, '\$.Tags')
        OR JSON_EXISTS(custom, '\$.\"Created At\"')")"
check_eq "the import's and the row's tags; DNT keeps it out of the workflow" \
    "Updated,VIP 0" \
    "$(sql "SELECT GROUP_CONCAT(t.name ORDER BY t.name) FROM contact_tags ct
        JOIN tags t ON t.id = ct.tag_id JOIN contacts c ON c.id = ct.contact_id
        WHERE c.public_id = '$ada'") $(sql "SELECT COUNT(*) FROM workflow_enrolments e JOIN contacts c
        ON c.id = e.contact_id WHERE c.public_id = '$ada'")"
check_eq "the key is the id" "id" \
    "$(sql "SELECT match_key FROM import_rows WHERE import_id = '$ID'
        AND severity = 'updated'")"

f=$(csv skip <<X
EG-CON-ID,Email
$bob,changed@builders.example
X
)
it_import up "$f" --update --on-existing skip
check_eq "skip: exists, untouched" "2:exists bob@builders.example" \
    "$(st_codes) $(sql "SELECT email FROM contacts WHERE public_id = '$bob'")"

f=$(csv dup <<X
EG-CON-ID,First name,Phone,Colour
$bob,Robert,999,green
X
)
it_import up "$f" --update --on-existing duplicate --dnt
check_eq "duplicate: a new contact" 1 "$(st .created)"
check_eq "duplicate: the identified contact's values overlaid with the row's" \
    "Bob	bob@builders.example	222	builders.example	-	0
Robert	bob@builders.example	999	builders.example	{\"Colour\":\"green\"}	1" \
    "$(row up Builder)"

f=$(csv dnt <<X
EG-CON-ID,Phone
$ada,333
X
)
it_import up "$f" --update --dnt --workflow Onboard
check_eq "DNT flags the updated contact" 1 \
    "$(sql "SELECT dnt FROM contacts WHERE public_id = '$ada'")"
it_import up "$f" --update
check_eq "an update with DNT off never clears it" 1 \
    "$(sql "SELECT dnt FROM contacts WHERE public_id = '$ada'")"

f=$(csv own <<X
EG-CON-ID,Contact Owner Email
$bob,owner@up.test
X
)
it_import up "$f" --update
check_eq "owner kept without override" ed@up.test \
    "$(sql "SELECT u.email FROM contacts c JOIN users u ON u.id = c.owner_id
        WHERE c.public_id = '$bob'")"
it_import up "$f" --update --override-owners
check_eq "owner set with override" owner@up.test \
    "$(sql "SELECT u.email FROM contacts c JOIN users u ON u.id = c.owner_id
        WHERE c.public_id = '$bob'")"

f=$(csv warn <<X
EG-CON-ID,Email,Domain,Phone Intent Score
$bob,not-an-email,not a domain,500
X
)
it_import up "$f" --update
check_eq "bad values warn and change nothing" \
    "2:invalid_email 2:invalid_intent_score 2:invalid_domain bob@builders.example builders.example" \
    "$(st_codes) $(sql "SELECT c.email, a.domain FROM contacts c JOIN accounts a
        ON a.id = c.account_id WHERE c.public_id = '$bob'" | tr '\t' ' ')"
# Imports keep no change journal unless keep_changes is set (it is not
# here): only reviews do (review.sh).
check_eq "the updates above kept no before and after (keep_changes off)" 0 \
    "$(sql "SELECT COUNT(*) FROM import_changes")"
it_done
