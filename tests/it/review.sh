#!/bin/bash
# Review first (#20): a review reads the whole file with the import's own
# rules and writes nothing but its own results: contacts, accounts, tags,
# tag links, enrolments, the enrichment cache, the lock row are as they
# were (checksums before and after). It says what each row would do,
# created rows too, which key matched which contact, and each field an
# update changes, before -> after; and the import of the same file then
# gives the same outcome for every row (review-property.sh does it over
# many generated files).
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
it_done
