#!/bin/bash
# The column map, through every entry: the preview the window shows is
# the server's reader (a semicolon file is five columns, not one); a
# mapping chosen in the upload, with `intake import --map` or in a
# sidecar is what the import does, and the status says how each column
# was mapped and why; the workspace remembers it for the same headers
# ("as last time"), editors can forget it; a preamble before the header
# and a report's footer after the rows are no rows; a chosen mapping that
# cannot be used fails with a reason, at the entry when it can tell.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
it_ws beta || exit 1
JAR=$RUN/jar
it_login ed@acme.test editor-pass-1

# preview FILE [curl -F args]: the window's request; the answer in $PV
preview() {
	local f=$1; shift
	PV=$(curl -s -b "$JAR" -H "X-CSRF-Token: $CSRF" -F flow=create \
	    -F complete=1 "$@" -F "file=@$f" "$BASE/api/imports/preview")
}
pv() { echo "$PV" | jq -r "$1"; }

# 1. A semicolon file previews as its columns, with its delimiter.
printf 'Vorname;Nachname;Firma;Domain;E-Mail-Adresse\nJosé;Müller;Grün AG;gruen.example;jm@gruen.example\n' \
    > "$RUN/semi.csv"
preview "$RUN/semi.csv"
check_eq "semicolon file: delimiter ;" ";" "$(pv .delimiter)"
check_eq "semicolon file: five columns" 5 "$(pv '.columns | length')"
check_eq "semicolon file: samples from the server's reader" "José" \
    "$(pv '.columns[0].samples[0]')"
check_eq "semicolon file: the import can go" true "$(pv .ok)"

# The window sends the first MiB of a big file: its last line, cut short,
# is not taken for a row.
printf 'First name,Last name,Account Name,Domain,Email\nAnn,A,Co,co.example,ann@co.example\nBob,B,Co,co.exa' \
    > "$RUN/head.csv"
PV=$(curl -s -b "$JAR" -H "X-CSRF-Token: $CSRF" -F flow=create \
    -F "file=@$RUN/head.csv" "$BASE/api/imports/preview")
check_eq "a head cut short: its last line is left out" 1 "$(pv .rows_seen)"

# 2. LinkedIn's Connections.csv: notes before the header; URL is the
# profile (by its values). Without LinkedIn URL and the four identity
# columns the window says why, and the import would fail the same way.
cat > "$RUN/connections.csv" <<'EOF'
Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace-1815,,Analytical Engines,Countess,10 Dec 2025
Zoë,Åberg,https://www.linkedin.com/in/zoe-aberg,zoe@nordic.example,Nordic AB,CTO,01 Nov 2025
EOF
preview "$RUN/connections.csv"
# (rows are records, as everywhere: a blank line is none)
check_eq "preamble: the header is found on row 3" 3 "$(pv .header_row)"
check_eq "preamble: two records before it" 2 "$(pv .preamble)"
check "preamble: a note says so" grep -q "row 3" <<< "$(pv '.notes[]')"
check_eq "URL is the LinkedIn profile" "Contact LinkedIn URL" \
    "$(pv '.columns[] | select(.header == "URL") | .to')"
check_eq "and the import can go" true "$(pv .ok)"

# The same file with URL mapped to ignore: nothing identifies a row.
preview "$RUN/connections.csv" -F 'mapping={"URL":"ignore"}'
check_eq "mapping URL to ignore: the import would fail" false "$(pv .ok)"
check "and the window is told why" grep -q "LinkedIn URL" <<< "$(pv .problem)"
check_eq "the chosen column says chosen" chosen \
    "$(pv '.columns[] | select(.header == "URL") | .why')"

# 3. A mapping chosen in the upload is what the import does.
cat > "$RUN/odd.csv" <<'EOF'
Person,Surname,Org,Site,Contact,Notes,Extra
Ann,Odd,Oddco,odd.example,ann@odd.example,met at fair,drop me
EOF
MAP='{"Person":"First name","Surname":"Last name","Org":"Account Name","Site":"Domain","#5":"Email","Notes":"custom:Met where","Extra":"ignore"}'
it_upload "$RUN/odd.csv" -F "mapping=$MAP"
check_eq "upload with a mapping: 202" 202 "$HTTP_CODE"
it_wait "$ID" > "$RUN/odd.json"
check_eq "upload with a mapping: done, 1 created" "done 1" \
    "$(jq -r '"\(.state) \(.created)"' "$RUN/odd.json")"
check_eq "the mapping's fields" "Ann|Odd|ann@odd.example|Oddco" \
    "$(sql "SELECT CONCAT_WS('|', c.first_name, c.last_name, c.email, a.name)
    FROM contacts c JOIN accounts a ON a.id = c.account_id
    WHERE c.last_name = 'Odd'")"
check_eq "custom data under the chosen key; ignored column not stored" \
    '{"Met where": "met at fair"}' \
    "$(sql "SELECT JSON_COMPACT(custom) FROM contacts WHERE last_name = 'Odd'" |
    jq -c . | sed 's/":"/": "/')"
check_eq "the status says how each column was mapped, and why" \
    "Person=First name(chosen) Notes=custom:Met where(chosen) Extra=ignore(chosen)" \
    "$(jq -r '[.columns[] | select(.header == "Person" or .header == "Notes"
    or .header == "Extra") | "\(.header)=\(.as)\(if .key then ":" + .key
    else "" end)(\(.why))"] | join(" ")' "$RUN/odd.json")"

# 4. Remembered: the next file with the same headers gets the mapping.
printf 'Person,Surname,Org,Site,Contact,Notes,Extra\nBo,Odd2,Oddco,odd.example,bo@odd.example,again,x\n' \
    > "$RUN/odd2.csv"
preview "$RUN/odd2.csv"
check_eq "same headers: remembered" true "$(pv .remembered)"
check_eq "same headers: as last time" "First name as last time" \
    "$(pv '.columns[0] | "\(.to) \(.why)"')"
it_import acme "$RUN/odd2.csv"
check_eq "the CLI without a mapping uses the remembered one" "done 1 bo@odd.example" \
    "$(st '"\(.state) \(.created)"') $(sql "SELECT email FROM contacts
    WHERE last_name = 'Odd2'")"
check "and its status notes it" grep -q "last file with these headers" \
    <<< "$(st '.notes[]')"
MID=$(curl -s -b "$JAR" "$BASE/api/mappings" | jq -r '.mappings[0].id')
check_eq "Settings lists it with its headers" "Person" \
    "$(curl -s -b "$JAR" "$BASE/api/mappings" | jq -r '.mappings[0].headers[0]')"
check_eq "an editor forgets it: 204" 204 "$(curl -s -o /dev/null \
    -w '%{http_code}' -X DELETE -b "$JAR" -H "X-CSRF-Token: $CSRF" \
    "$BASE/api/mappings/$MID")"
preview "$RUN/odd2.csv"
check_eq "forgotten: no longer remembered" false "$(pv .remembered)"

# 5. intake import --map and --map-file; a bad target is refused before
# anything is queued; a column the file lacks fails the import, saying so.
printf 'Given,Family,Employer,Web,Mail\nCy,Mapped,Mapco,map.example,cy@map.example\n' \
    > "$RUN/cli.csv"
printf '# the export of our fair\nGiven=First name\nFamily=Last name\n' \
    > "$RUN/map.txt"
it_import beta "$RUN/cli.csv" --map-file "$RUN/map.txt" \
    --map 'Employer=Account Name' --map '#4=Domain' --map 'Mail=Email'
check_eq "--map and --map-file: done, 1 created" "done 1" \
    "$(st '"\(.state) \(.created)"')"
check_eq "--map and --map-file: the fields" "Cy|Mapped|cy@map.example" \
    "$(sql "SELECT CONCAT_WS('|', first_name, last_name, email) FROM contacts
    WHERE last_name = 'Mapped'")"
n=$(ls "$RUN/spool/incoming" | wc -l)
out=$(stack_intake import --workspace beta --as ed@beta.test \
    --map 'Given=Favourite colour' "$RUN/cli.csv" 2>&1)
check "a target that is no field is refused at once" \
    grep -q "not something a column can be mapped to" <<< "$out"
check_eq "and nothing is queued" "$n" "$(ls "$RUN/spool/incoming" | wc -l)"
it_import beta "$RUN/cli.csv" --map 'Nickname=First name'
check_eq "a column the file lacks: failed" failed "$(st .state)"
check "and the reason names it" grep -q '"Nickname" that the file does not' \
    <<< "$(st .message)"
check_eq "the imports row says failed too" failed \
    "$(sql "SELECT state FROM imports WHERE id = '$ID'")"

# intake preview prints what the window shows, and fails (1) when the
# import would.
out=$(stack_intake preview --workspace beta "$RUN/connections.csv")
check "intake preview: the header row" grep -q "header on row 3" <<< "$out"
check "intake preview: URL is the profile" \
    grep -q "URL.*-> Contact LinkedIn URL" <<< "$out"
stack_intake preview --map 'URL=ignore' "$RUN/connections.csv" >/dev/null
check_eq "intake preview: 1 when the import would fail" 1 "$?"

# 6. An SFTP-style sidecar carries a mapping too.
mkdir -p "$RUN/spool/drop/beta"
cp "$RUN/cli.csv" "$RUN/spool/drop/beta/side.csv"
printf 'Given,Family,Employer,Web,Mail\nDi,Sidecar,Mapco,map.example,di@map.example\n' \
    > "$RUN/spool/drop/beta/side.csv"
cat > "$RUN/spool/drop/beta/side.csv.json" <<'EOF'
{"uploader": "ed@beta.test", "mapping": {"Given": "First name",
 "Family": "Last name", "Employer": "Account Name", "Web": "Domain",
 "Mail": "Email"}}
EOF
n=100
while [ $n -gt 0 ] && [ "$(sql "SELECT COUNT(*) FROM contacts
    WHERE last_name = 'Sidecar'")" != 1 ]; do sleep 0.2; n=$((n - 1)); done
check_eq "a sidecar's mapping: the contact" "Di|di@map.example" \
    "$(sql "SELECT CONCAT_WS('|', first_name, email) FROM contacts
    WHERE last_name = 'Sidecar'")"

# 7. A Salesforce report: its footer is one note, not skipped rows.
cat > "$RUN/report.csv" <<'EOF'
"First Name","Last Name","Account Name","Website","Email"
"Eve","Report","Reportco","https://www.report.example/","eve@report.example"
"Fay","Report","Reportco","https://www.report.example/","fay@report.example"
""
"Grand Totals (2 records)"
""
"Confidential Information - Do Not Distribute"
"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."
EOF
it_import beta "$RUN/report.csv"
check_eq "report footer: 2 created, 0 skipped, rows_total 2" "done 2 0 2" \
    "$(st '"\(.state) \(.created) \(.skipped) \(.rows_total)"')"
check "report footer: one note" grep -q "after row 3 are not contacts" \
    <<< "$(st '.notes[]')"
# A single-cell line among rows is a row (skipped), not a footer.
printf 'First name,Last name,Account Name,Domain\nA,Mid,M,m.example\nlonely\nB,Mid,M,m.example\n' \
    > "$RUN/mid.csv"
it_import beta "$RUN/mid.csv"
check_eq "a short line between rows is a skipped row" "2 1" \
    "$(st '"\(.created) \(.skipped)"')"
it_done
