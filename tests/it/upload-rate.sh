#!/bin/bash
# One account cannot queue imports without end: past upload_rate web
# uploads in an hour the next is answered 429, as JSON, with Retry-After
# (the seconds until the oldest of the hour leaves it), and nothing is
# queued for it; another user is not affected, and an upload is let in
# again once the hour has moved on.
STACK_CONF_EXTRA="upload_rate = 3"
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
echo 'editor-pass-2' | stack_intake user add --workspace acme \
    --email ed2@acme.test --role editor --password-stdin >/dev/null
it_login ed@acme.test editor-pass-1
printf 'First name,Last name,Account Name,Domain\nAda,Lovelace,Analytical,analytical.example\n' \
    > "$RUN/ok.csv"

for i in 1 2 3; do
	it_upload "$RUN/ok.csv"
	check_eq "upload $i of 3: 202" 202 "$HTTP_CODE"
done
HTTP_CODE=$(curl -s -o "$RUN/upload.json" -D "$RUN/h" -w '%{http_code}' \
    -b "$JAR" -H "X-CSRF-Token: $CSRF" -F "file=@$RUN/ok.csv" \
    "$BASE/api/imports")
check_eq "the 4th within the hour: 429" 429 "$HTTP_CODE"
check_eq "as JSON" too_many_imports "$(jq -r .error "$RUN/upload.json")"
check "with a message for the user" \
    grep -q 'the last hour' "$RUN/upload.json"
retry=$(sed -n 's/^Retry-After: \([0-9]*\)\r$/\1/ip' "$RUN/h")
check "Retry-After: until the oldest leaves the hour ($retry s)" \
    test "${retry:-0}" -gt 3590 -a "${retry:-0}" -le 3600
check_eq "and retry_after in the JSON" "$retry" \
    "$(jq -r .retry_after "$RUN/upload.json")"
check_eq "nothing queued for it: 3 imports, 3 drops" "3 3" \
    "$(sql 'SELECT COUNT(*) FROM imports') $(ls "$RUN/spool/tmp" \
    "$RUN/spool/incoming" "$RUN/spool/active" "$RUN/spool/done" |
    grep -c '^20')"

# Another user of the same workspace is not affected.
JAR1=$JAR CSRF1=$CSRF
JAR=$RUN/cookies2
it_login ed2@acme.test editor-pass-2
it_upload "$RUN/ok.csv"
check_eq "another user's upload meanwhile: 202" 202 "$HTTP_CODE"
JAR=$JAR1 CSRF=$CSRF1

# An import by the CLI is not counted (the admins' way in), and
# imports older than an hour leave the window.
sql "UPDATE imports SET created_at = created_at - INTERVAL 61 MINUTE
    WHERE id = (SELECT id FROM (SELECT i.id FROM imports i JOIN users u
    ON u.id = i.uploader_id WHERE u.email = 'ed@acme.test'
    ORDER BY i.created_at LIMIT 1) t)"
stack_intake import --workspace acme --as ed@acme.test --no-wait \
    "$RUN/ok.csv" > /dev/null
check_eq "an import by the CLI is registered (source cli)" 1 \
    "$(sql "SELECT COUNT(*) FROM imports WHERE source = 'cli'")"
it_upload "$RUN/ok.csv"
check_eq "once the oldest is over an hour old: 202 again" 202 "$HTTP_CODE"
it_upload "$RUN/ok.csv"
check_eq "and the next is 429 again" 429 "$HTTP_CODE"
it_done
