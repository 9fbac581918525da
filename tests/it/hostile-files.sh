#!/bin/bash
# The hostile corpus (tests/data/hostile): every file gets exactly its
# expected outcome, what was imported holds the literal values, and two
# large cases made here (a million-column header, a 50 MB field) are
# handled without holding them in memory.
. "$(dirname "$0")/lib.sh"
# Under ASan freed memory waits in a quarantine; keep it small so the
# watcher's peak RSS says what it holds.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1"
# Every corpus file is far below this; the max_rows case below is not.
STACK_CONF_EXTRA="max_rows = 1000"
stack_up || exit 1
it_ws h
DIR=$SRCDIR/tests/data/hostile

# One case: import, then compare with the expectation ($3: the rest of
# the line: "~text", or KEY=VALUE words).
run_case() {
	local f=$1 kind=$2 rest=$3 want out kv k v got
	if [ "$kind" = refused ]; then
		want=${rest#\~}
		out=$(stack_intake import --workspace h --as ed@h.test \
		    --no-wait "$f" 2>&1) && { not_ok "${f##*/}: refused" \
		    "it was queued: $out"; return; }
		case $out in *"$want"*) ok "${f##*/}: refused ($want)";;
		*) not_ok "${f##*/}: refused" "said: $out";; esac
		return
	fi
	it_import h "$f" || { not_ok "${f##*/}: finished" "status: $ST"; return; }
	if [ "$(st .state)" != "$kind" ]; then
		not_ok "${f##*/}: $kind" "got $(st .state): $(st .message)"
		return
	fi
	case $rest in
	~*)	v=${rest#\~}; got=$(st .message)
		case $got in *"$v"*) ok "${f##*/}: $kind ~$v";;
		*) not_ok "${f##*/}: message" "want ~$v, got $got";; esac
		return ;;
	esac
	for kv in $rest; do
		case $kv in
		codes=*) got=$(st_codes | tr ' ' ,)
			[ "$got" = "${kv#codes=}" ] || { not_ok "${f##*/}: codes" \
			    "want ${kv#codes=}, got $got"; return; } ;;
		*)	k=${kv%%=*}; v=${kv#*=}; got=$(st ".$k")
			[ "$got" = "$v" ] || { not_ok "${f##*/}: $k" \
			    "want $v, got $got"; return; } ;;
		esac
	done
	ok "${f##*/}: $kind $rest"
}

n=0
while read -r name kind rest; do
	case $name in ''|'#'*) continue;; esac
	run_case "$DIR/$name" "$kind" "$rest"
	n=$((n + 1))
done < "$DIR/EXPECTED"
check "the corpus has at least 40 files" [ "$n" -ge 40 ]
check_eq "every file has an expectation" "$(ls "$DIR" | grep -vc EXPECTED)" "$n"

name() { sql "SELECT first_name FROM contacts WHERE last_name = '$1'"; }
check_eq "cp1252 read right" "Gr\"usse" "$(sql "SELECT JSON_VALUE(custom,
    '\$.Note') = 'Grüße, 5€' FROM contacts WHERE last_name = 'Müller'" |
    sed 's/^1$/Gr"usse/')"
check_eq "UTF-16 read right" "Zoë" "$(name Strauss)"
check_eq "SQL stored literally" "Robert'); DROP TABLE contacts;--" "$(name Tables)"
check_eq "backslash, % and _ stored literally" 'Back\slash % _' \
    "$(sql "SELECT last_name FROM contacts WHERE first_name = 'Ann'
        AND last_name LIKE 'Back%'" | sed 's/\\\\/\\/')"
check_eq "HTML stored literally" "<img src=x onerror=alert(1)>" "$(name Html)"
check_eq "formulas stored as written" "=HYPERLINK(\"http://evil.example\";\"x\")" \
    "$(sql "SELECT JSON_VALUE(custom, '\$.Formula') FROM contacts
        WHERE last_name = 'Formula' AND first_name = 'Ann'")"
check_eq "RTL and emoji kept" "محمد" "$(name שלום)"
check_eq "emoji kept" "Zoë 😀" "$(name 'Emoji 🎉')"
check_eq "NBSP around an email trimmed" "ann@acme.example" \
    "$(sql "SELECT email FROM contacts WHERE last_name = 'Nbsp'")"
check_eq "a quote-aware delimiter guess" "Ann" "$(name Quoteaware)"
# Two columns meaning Email: one maps, the other is kept, not the file
# failed; a column without a header keeps its values as "Column N".
check_eq "duplicate meaning: one column is Email" "a@acme.example" \
    "$(sql "SELECT email FROM contacts WHERE last_name = 'Dup'")"
check_eq "duplicate meaning: the other kept as custom data" "b@acme.example" \
    "$(sql "SELECT JSON_VALUE(custom, '\$.\"Email Address\"') FROM contacts
        WHERE last_name = 'Dup'")"
check_eq "no header: kept as Column 3" "x" \
    "$(sql "SELECT JSON_VALUE(custom, '\$.\"Column 3\"') FROM contacts
        WHERE last_name = 'Blank'")"

# Download rejected rows reads a converted file as the import did: the
# Windows-1252 bytes come back as UTF-8, split on the semicolons.
printf 'First name;Last name;Account Name;Domain\r\nLukas;M\xfcller;Fabrikam;not a domain\r\n' \
    > "$RUN/cp-rejected.csv"
echo 'web-pass-1234' | stack_intake user add --workspace h --email web@h.test \
    --role editor --password-stdin >/dev/null
it_login web@h.test web-pass-1234
it_upload "$RUN/cp-rejected.csv"
it_wait "$ID" >/dev/null
check_eq "rejected rows of a Windows-1252 file, as UTF-8 cells" \
    '"2","""not a domain"" is not a domain","Lukas","Müller","Fabrikam","not a domain"' \
    "$(curl -s -b "$JAR" "$BASE/api/imports/$ID/errors.csv" | tail -n 1 | tr -d '\r')"

# More data rows than max_rows: fails before any row is imported.
awk 'BEGIN { print "First name,Last name,Account Name,Domain"
	for (i = 1; i <= 1001; i++) printf "F%d,Many,Acme,acme.example\n", i }' \
    > "$RUN/too-many-rows.csv"
it_import h "$RUN/too-many-rows.csv"
check_eq "a file over max_rows fails, saying how to proceed" \
    "failed: The file has 1001 rows; at most 1000 can be imported at once: split it" \
    "$(st '"\(.state): \(.message)"')"
check_eq "and imports none of its rows" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE last_name = 'Many'")"

# A header of a million columns (max_fields is 2000).
awk 'BEGIN { printf "First name,Last name,Account Name,Domain";
	for (i = 1; i <= 1000000; i++) printf ",c%d", i
	printf "\nA,B,C,c.example\n" }' > "$RUN/wide-header.csv"
it_import h "$RUN/wide-header.csv"
check_eq "a header past max_fields fails" \
    "failed: The header has more columns than this server accepts (max_fields)" \
    "$(st '"\(.state): \(.message)"')"

# A 50 MB field in a row: that row is skipped, the rest imported, and
# the watcher never holds the field.
{ printf 'First name,Last name,Account Name,Domain,Note\nAnn,Huge,Acme,acme.example,"'
  head -c 50000000 /dev/zero | tr '\0' 'x'
  printf '"\nBob,Small,Acme,acme.example,ok\n'
} > "$RUN/huge-field.csv"
it_import h "$RUN/huge-field.csv"
check_eq "a 50 MB field: that row skipped, the next imported" \
    "done 1 2:field_too_large" "$(st .state) $(st .created) $(st_codes)"
rss=$(awk '/VmHWM/ {print $2}' "/proc/$(cat "$RUN/watchd.pid")/status")
check "the watcher never held the field (peak $((rss / 1024)) MB)" \
    [ "$rss" -lt 100000 ]
it_done
