#!/bin/bash
# A CSV uploaded through nginx becomes contacts with the right fields, and
# the status tells what happened to every row.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
it_login ed@acme.test editor-pass-1

it_upload "$SRCDIR/tests/data/contacts.csv" -F flow=create \
    -F tags=Event -F tags=2026 -F on_existing=skip
check_eq "upload answers 202" 202 "$HTTP_CODE"
id=$ID
check_eq "answer has the status url" "/api/imports/$id" \
    "$(echo "$BODY" | jq -r .status_url)"
check "the drop is named by our ID" test -n "$id"

st=$(it_wait "$id")
check_eq "import done" done "$(echo "$st" | jq -r .state)"
check_eq "3 created" 3 "$(echo "$st" | jq -r .created)"
check_eq "1 skipped" 1 "$(echo "$st" | jq -r .skipped)"
check_eq "rows_total counts every data row" 4 "$(echo "$st" | jq -r .rows_total)"
check_eq "skipped row is row 5 (header = 1)" 5 "$(echo "$st" | jq -r '.errors[0].row')"
check_eq "skipped for missing_required" missing_required \
    "$(echo "$st" | jq -r '.errors[0].code')"
check_eq "the message names the missing column" "Missing Last name (or a Contact LinkedIn URL)" \
    "$(echo "$st" | jq -r '.errors[0].message')"
check_eq "file name is kept as metadata" contacts.csv "$(echo "$st" | jq -r .file)"

check_eq "contacts in MariaDB" \
"Ada	Lovelace	ada@analytical.example	+44 20 7946 0000	analytical.example	Analytical Engines
Alan \"Al\"	Turing	alan@bletchley.example	+44 1908, ext 1	bletchley.example	Bletchley Park
Grace	Hopper	grace@navy.example	NULL	navy.example	US Navy" \
    "$(sql "SELECT c.first_name, c.last_name, c.email, c.phone, a.domain, a.name
        FROM contacts c JOIN accounts a ON a.id = c.account_id
        ORDER BY c.first_name")"
check_eq "unknown column kept as custom data (newline inside quotes)" 1 \
    "$(sql "SELECT JSON_VALUE(custom, '\$.\"Favourite colour\"') =
        CONCAT('blue,', CHAR(10), 'and white') FROM contacts
        WHERE last_name = 'Turing'")"
check_eq "empty custom cells omitted" NULL \
    "$(sql "SELECT custom FROM contacts WHERE last_name = 'Hopper'")"
check_eq "owner is the uploader" "ed@acme.test" \
    "$(sql "SELECT DISTINCT u.email FROM contacts c JOIN users u ON u.id = c.owner_id")"
check_eq "public ids are unguessable (24 chars)" 24 \
    "$(sql "SELECT MIN(LENGTH(public_id)) FROM contacts")"
check_eq "import row recorded" "done	4	3	1" \
    "$(sql "SELECT state, rows_total, created, skipped FROM imports WHERE id = '$id'")"
check "drop moved to done/" test -f "$RUN/spool/done/$id/data.csv"
check "incoming/ is empty" test -z "$(ls "$RUN/spool/incoming")"

# CRLF line endings and a second import into the same accounts.
it_upload "$SRCDIR/tests/data/crlf.csv"
st=$(it_wait "$ID")
check_eq "CRLF file imported" 2 "$(echo "$st" | jq -r .created)"
check_eq "one account per domain" 1 \
    "$(sql "SELECT COUNT(*) FROM accounts WHERE domain = 'bell-labs.example'")"

list=$(curl -s -b "$JAR" "$BASE/api/imports")
check_eq "GET /api/imports lists both, newest first" 2 \
    "$(echo "$list" | jq '.imports | length')"
check_eq "newest first" crlf.csv "$(echo "$list" | jq -r '.imports[0].file')"
it_done
