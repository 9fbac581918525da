#!/bin/bash
# Hostile uploads. A client's file name is metadata only: path traversal,
# control characters, NUL, invalid UTF-8, bidirectional overrides, quotes
# and HTML, and very long names are accepted as a harmless display name
# (or refused with a clear 400), never used as a path: nothing is written
# outside the spool's own drop. And an upload the spool has no room for
# (min_free) is refused with 507 before anything is stored.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
it_login ed@acme.test editor-pass-1

# The multipart body is written by hand, so that the file name can hold
# any byte: raw NAME-PRINTF-FORMAT, then POST; sets HTTP_CODE, ID.
raw() {
	{
		printf -- '--XyZzYboundary\r\n'
		printf -- 'Content-Disposition: form-data; name="file"; filename="'
		printf -- "$1"
		printf -- '"\r\nContent-Type: text/csv\r\n\r\n'
		printf 'First name,Last name,Account Name,Domain\r\n'
		printf 'Ann,Bee,Cee,cee.example\r\n'
		printf -- '\r\n--XyZzYboundary--\r\n'
	} > "$RUN/body"
	HTTP_CODE=$(curl -s -o "$RUN/upload.json" -w '%{http_code}' -b "$JAR" \
	    -H "X-CSRF-Token: $CSRF" \
	    -H 'Content-Type: multipart/form-data; boundary=XyZzYboundary' \
	    --data-binary "@$RUN/body" "$BASE/api/imports")
	ID=$(jq -r '.id // empty' "$RUN/upload.json" 2>/dev/null)
}

# accepted WHAT NAME-FORMAT EXPECTED-FILE: accepted (202), imported, and
# the status shows the file as EXPECTED-FILE.
accepted() {
	local file
	raw "$2"
	if [ "$HTTP_CODE" != 202 ]; then
		not_ok "$1: accepted" "$HTTP_CODE $(cat "$RUN/upload.json")"
		return
	fi
	file=$(it_wait "$ID" | jq -r '"\(.state) \(.file)"')
	check_eq "$1: imported, shown as [$3]" "done $3" "$file"
	IDS="${IDS:-} $ID"
}

# The paths an attacker would like written; none may appear.
mkdir -p "$RUN/jail/a/b" && touch "$RUN/marker"
accepted "path traversal" '../../etc/passwd.csv' passwd.csv
accepted "absolute path" '/etc/cron.d/evil.csv' evil.csv
accepted "Windows path" '..\\\\..\\\\Windows\\\\evil.csv' evil.csv
accepted "control characters" 'a\001b\033[31mc\177d\302\205e.csv' 'ab[31mcde.csv'
accepted "a tab" 'tab\there.csv' tabhere.csv
accepted "quotes and HTML" \
    '<svg onload=alert(1)>%%22\x27&amp;\\".csv' \
    "<svg onload=alert(1)>%22'&amp;\".csv"
accepted "invalid UTF-8" 'caf\351-\300\257-\355\240\200.csv' 'caf--.csv'
accepted "a right-to-left override" 'invoice\342\200\256vsc.csv' \
    invoicevsc.csv
accepted "RTL and emoji names are kept" 'עברית-😀.csv' 'עברית-😀.csv'
accepted "only a path" '../.csv' .csv
long=$(printf 'é%.0s' $(seq 150)).csv
raw "$long"
check_eq "a 304-byte UTF-8 name: accepted" 202 "$HTTP_CODE"
file=$(it_wait "$ID" | jq -r .file)
check_eq "  kept as 200 bytes, cut between characters" \
    "$(printf 'é%.0s' $(seq 100))" "$file"
IDS="$IDS $ID"

raw "$(printf 'A%.0s' $(seq 10240)).csv"
check_eq "a 10 KB name: refused, 400" "400 bad_request" \
    "$HTTP_CODE $(jq -r .error "$RUN/upload.json")"
raw 'evil.csv\000.exe'
check_eq "a NUL in the name: refused, 400" 400 "$HTTP_CODE"
raw 'evil.exe\000.csv'
check_eq "a NUL hiding the real extension: refused" 400 "$HTTP_CODE"
raw 'a\nb.csv'
check_eq "a line break in the name: refused, 400" 400 "$HTTP_CODE"

check_eq "nothing named after a client's file, in the stack or in /etc" "" \
    "$(find "$RUN" -newer "$RUN/marker" \( -name 'passwd.csv' -o \
    -name 'evil*' -o -name '*svg*' -o -name 'caf*' -o -name 'invoice*' \
    \) 2>/dev/null | head -5; ls /etc/passwd.csv /etc/cron.d/evil.csv \
    2>/dev/null)"
check_eq "the spool holds no file named by a client (only data.csv)" "" \
    "$(find "$RUN/spool" -newer "$RUN/marker" -name '*.csv' ! -name data.csv)"
check_eq "and every accepted drop is in done/" "$(echo $IDS | wc -w)" \
    "$(for id in $IDS; do ls "$RUN/spool/done/$id/data.csv"; done | wc -l)"
check_eq "and the names reached the imports table intact" \
    "$(printf 'é%.0s' $(seq 100))" \
    "$(sql "SELECT file_name FROM imports ORDER BY created_at DESC, id DESC
    LIMIT 1" 2>/dev/null || echo '(no file_name column)')"

# The spool's free space: with min_free above what the disk has, an
# upload is refused (507) and nothing is kept.
printf 'First name,Last name,Account Name,Domain\nA,B,C,c.example\n' \
    > "$RUN/ok.csv"
before=$(sql "SELECT COUNT(*) FROM imports")
stack_stop_one "$RUN/fcgi.pid"
echo 'min_free = 1000000G' >> "$RUN/intake.conf"
stack_fcgi_start || exit 1
it_upload "$RUN/ok.csv"
check_eq "no room in the spool: 507 no_space" "507 no_space" \
    "$HTTP_CODE $(jq -r .error "$RUN/upload.json")"
check "with a message for the page" \
    [ -n "$(jq -r '.message // empty' "$RUN/upload.json")" ]
check_eq "nothing queued" "$before" "$(sql "SELECT COUNT(*) FROM imports")"
check_eq "nothing left in tmp/" "" "$(ls "$RUN/spool/tmp")"
it_done
