#!/bin/bash
# The web app's API: contacts, tags, workflows, settings, an import's
# rejected rows; who may do what (401 / 403 / CSRF / other workspace);
# repeated failed logins slowed down; the security headers nginx sets.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
stack_intake workflow add --workspace acme "Welcome sequence" >/dev/null
stack_intake workspace add other >/dev/null
echo 'other-pass-12' | stack_intake user add --workspace other \
    --email ed@other.test --role editor --password-stdin >/dev/null

code() { curl -s -o "$RUN/r.json" -w '%{http_code}' "$@"; }
body() { cat "$RUN/r.json"; }

for p in contacts tags workflows settings "imports/x/errors"; do
	check_eq "GET /api/$p without a session: 401" 401 \
	    "$(code "$BASE/api/$p")"
done

it_login ed@acme.test editor-pass-1
printf 'First name,Last name,Account Name,Domain,Email\nAda,Lovelace,Engines,engines.example,ada@engines.example\n,NoFirst,Nowhere,,\nBad,Row,x\n"=Sum",Formula,Sheets,sheets.example,\n' > "$RUN/a.csv"
it_upload "$RUN/a.csv" -F tags=Event -F tags=VIP
IMP=$ID
it_wait "$IMP" >/dev/null

check_eq "GET /api/contacts" 200 "$(code -b "$JAR" "$BASE/api/contacts")"
check_eq "two contacts" 2 "$(body | jq .total)"
check_eq "with their tags" "Event VIP" \
    "$(body | jq -r '[.contacts[] | select(.email == "ada@engines.example") | .tags[]] | join(" ")')"
check_eq "search q=" 1 "$(curl -s -b "$JAR" "$BASE/api/contacts?q=lovel" | jq .total)"
check_eq "filter tag=" 2 "$(curl -s -b "$JAR" "$BASE/api/contacts?tag=vip" | jq .total)"
check_eq "pages" 1 "$(curl -s -b "$JAR" "$BASE/api/contacts?limit=1&page=2" | jq '.contacts | length')"
check_eq "GET /api/tags" "Event VIP" "$(curl -s -b "$JAR" "$BASE/api/tags" | jq -r '[.tags[].name] | join(" ")')"
check_eq "the status names the uploader" ed@acme.test \
    "$(curl -s -b "$JAR" "$BASE/api/imports/$IMP" | jq -r .uploader)"

check_eq "GET /api/imports/ID/errors" 200 "$(code -b "$JAR" "$BASE/api/imports/$IMP/errors")"
check_eq "lists the rejected rows" "3:missing_required 4:wrong_field_count" \
    "$(body | jq -r '[.errors[] | "\(.row):\(.code)"] | join(" ")')"
curl -s -b "$JAR" "$BASE/api/imports/$IMP/errors.csv" > "$RUN/rej.csv"
check_eq "errors.csv: header, then the rejected rows as uploaded" \
    '"Row","Reason","First name","Last name","Account Name","Domain","Email"' \
    "$(head -1 "$RUN/rej.csv" | sed 's/^\xef\xbb\xbf//' | tr -d '\r')"
check_eq "errors.csv: a short row stays as it was" '"4",' \
    "$(sed -n 3p "$RUN/rej.csv" | cut -c1-4)"
check_eq "errors.csv: two rows" 3 "$(wc -l < "$RUN/rej.csv")"
grep -q '"Bad","Row","x"' "$RUN/rej.csv" && ok "errors.csv keeps the cells" ||
    not_ok "errors.csv keeps the cells" "$(cat "$RUN/rej.csv")"

check_eq "GET /api/workflows" "Welcome sequence" \
    "$(curl -s -b "$JAR" "$BASE/api/workflows" | jq -r '.workflows[0].name')"
WF=$(curl -s -b "$JAR" "$BASE/api/workflows" | jq -r '.workflows[0].id')
check_eq "PUT /api/settings without CSRF: 403" 403 "$(code -b "$JAR" -X PUT \
    -H 'Content-Type: application/json' -d "{\"default_workflow\":$WF}" "$BASE/api/settings")"
check_eq "PUT /api/settings" 200 "$(code -b "$JAR" -X PUT -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' -d "{\"default_workflow\":$WF}" "$BASE/api/settings")"
check_eq "the default is set" "Welcome sequence" "$(body | jq -r .default.name)"
check_eq "an unknown workflow: 400" 400 "$(code -b "$JAR" -X PUT -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' -d '{"default_workflow":"Nope"}' "$BASE/api/settings")"
check_eq "POST /api/tags" 201 "$(code -b "$JAR" -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' -d '{"name":"  New  tag "}' "$BASE/api/tags")"
check_eq "the name is tidied" "New tag" "$(body | jq -r .name)"
check_eq "the same tag again: 200" 200 "$(code -b "$JAR" -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' -d '{"name":"new TAG"}' "$BASE/api/tags")"

it_login vi@acme.test viewer-pass-1
check_eq "viewer reads contacts" 200 "$(code -b "$JAR" "$BASE/api/contacts")"
check_eq "viewer reads rejected rows" 200 "$(code -b "$JAR" "$BASE/api/imports/$IMP/errors.csv")"
check_eq "viewer PUT /api/settings: 403" 403 "$(code -b "$JAR" -X PUT -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' -d '{"default_workflow":null}' "$BASE/api/settings")"
check_eq "viewer POST /api/tags: 403" 403 "$(code -b "$JAR" -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' -d '{"name":"x"}' "$BASE/api/tags")"

it_login ed@other.test other-pass-12
check_eq "another workspace's errors: 404" 404 "$(code -b "$JAR" "$BASE/api/imports/$IMP/errors")"
check_eq "another workspace's errors.csv: 404" 404 "$(code -b "$JAR" "$BASE/api/imports/$IMP/errors.csv")"
check_eq "another workspace's contacts are not listed" 0 \
    "$(curl -s -b "$JAR" "$BASE/api/contacts" | jq .total)"
check_eq "nor its tags" 0 "$(curl -s -b "$JAR" "$BASE/api/tags" | jq '.tags | length')"

# Failed logins: five are free, then each locks the email (from this
# address) for longer.
bad() { code -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"wrong-$RANDOM\"}" "$BASE/api/login"; }
codes=""
for i in 1 2 3 4 5 6 7; do codes="$codes $(bad vi@acme.test)"; done
check_eq "failed logins: 401 five times, then 429" " 401 401 401 401 401 401 429" "$codes"
hdr=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"email":"vi@acme.test","password":"viewer-pass-1"}' "$BASE/api/login")
echo "$hdr" | grep -qi '^Retry-After: [0-9]' && ok "429 says Retry-After" ||
    not_ok "429 says Retry-After" "$hdr"
check_eq "another email is not locked" 200 "$(code -H 'Content-Type: application/json' \
    -d '{"email":"ed@acme.test","password":"editor-pass-1"}' "$BASE/api/login")"
sleep 3
check_eq "after the wait, the right password works" 200 "$(code -H 'Content-Type: application/json' \
    -d '{"email":"vi@acme.test","password":"viewer-pass-1"}' "$BASE/api/login")"
check_eq "and the count starts afresh" 0 \
    "$(sql "SELECT COUNT(*) FROM login_failures WHERE kind = 'pair' AND k = '127.0.0.1 vi@acme.test'")"

hdr=$(curl -s -D - -o /dev/null "$BASE/")
echo "$hdr" | grep -qi "^Content-Security-Policy: default-src 'self'; script-src 'self'" &&
    ok "nginx sets a CSP without inline script" || not_ok "nginx sets a CSP" "$hdr"
hdr=$(curl -s -D - -o /dev/null "$BASE/api/session")
echo "$hdr" | grep -qi "^Content-Security-Policy:" &&
    ok "and on the API" || not_ok "CSP on the API" "$hdr"
it_done
