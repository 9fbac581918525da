#!/bin/bash
# What is not a CSV file, too large, or not allowed never reaches the
# spool, and the answer says why.
STACK_MAX_UPLOAD=1M
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
it_login ed@acme.test editor-pass-1

spool_empty() {
	[ -z "$(find "$RUN/spool/incoming" "$RUN/spool/tmp" -mindepth 1)" ]
}

printf 'PK\003\004fake xlsx' > "$RUN/book.csv"
it_upload "$RUN/book.csv"
check_eq "zip content named .csv: 415" 415 "$HTTP_CODE"
check_eq "the error says what it looks like" \
    "This is not a CSV file: it looks like a ZIP archive or an Excel workbook (.xlsx)" \
    "$(echo "$BODY" | jq -r .message)"
check "nothing reached incoming/ or stayed in tmp/" spool_empty

printf 'a,b\n1,2\n' > "$RUN/book.xlsx"
it_upload "$RUN/book.xlsx"
check_eq "a .xlsx name: 415" 415 "$HTTP_CODE"
check_eq "error code not_csv" not_csv "$(echo "$BODY" | jq -r .error)"

printf '%%PDF-1.7 ...' > "$RUN/doc.csv"
it_upload "$RUN/doc.csv"
check_eq "a PDF: 415" 415 "$HTTP_CODE"

printf 'a,b\n1,\0002\n' > "$RUN/nul.csv"
it_upload "$RUN/nul.csv"
check_eq "NUL bytes: 415" 415 "$HTTP_CODE"
check "still nothing in the spool" spool_empty

head -c 2000000 /dev/zero | tr '\0' 'x' > "$RUN/big.csv"
it_upload "$RUN/big.csv"
check_eq "over client_max_body_size: 413" 413 "$HTTP_CODE"
check_eq "413 is JSON too" too_large "$(echo "$BODY" | jq -r .error)"
check "nothing kept of the large upload" spool_empty

# Who may upload.
printf 'First name,Last name,Account Name,Domain\nA,B,C,c.example\n' > "$RUN/ok.csv"
HTTP_CODE=$(curl -s -o /dev/null -w '%{http_code}' -F "file=@$RUN/ok.csv" \
    "$BASE/api/imports")
check_eq "no session: 401" 401 "$HTTP_CODE"
HTTP_CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" \
    -F "file=@$RUN/ok.csv" "$BASE/api/imports")
check_eq "no CSRF token: 403" 403 "$HTTP_CODE"
HTTP_CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" \
    -H "X-CSRF-Token: 0000" -F "file=@$RUN/ok.csv" "$BASE/api/imports")
check_eq "wrong CSRF token: 403" 403 "$HTTP_CODE"
it_login vi@acme.test viewer-pass-1
it_upload "$RUN/ok.csv"
check_eq "view-only session: 403" 403 "$HTTP_CODE"
check_eq "view-only error" view_only "$(echo "$BODY" | jq -r .error)"
check "nothing queued by refused requests" spool_empty

it_login ed@acme.test editor-pass-1
it_upload "$RUN/ok.csv" -F flow=merge
check_eq "unknown flow: 400" 400 "$HTTP_CODE"
it_upload "$RUN/ok.csv" -F on_existing=overwrite
check_eq "unknown policy: 400" 400 "$HTTP_CODE"
HTTP_CODE=$(curl -s -o "$RUN/r.json" -w '%{http_code}' -b "$JAR" \
    -H "X-CSRF-Token: $CSRF" -F "flow=create" "$BASE/api/imports")
check_eq "no file part: 400" 400 "$HTTP_CODE"
check "nothing queued by bad forms" spool_empty

it_upload "$RUN/ok.csv"
check_eq "the same file, correct: 202" 202 "$HTTP_CODE"
check_eq "and it imports" done "$(it_wait "$ID" | jq -r .state)"
it_done
