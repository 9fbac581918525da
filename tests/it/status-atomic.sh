#!/bin/bash
# A reader polling an import's status while it runs, as fast as it can,
# straight from spool/status/ID.json and through GET /api/imports/ID,
# never sees a truncated or half-written document: the watcher replaces
# the file whole, by rename.
STACK_BATCH=200
. "$(dirname "$0")/lib.sh"
since() {	# seconds since $1 (an EPOCHREALTIME)
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}
. "$SRCDIR/tests/it/canon.sh"
stack_up || exit 1
canon_ws a || exit 1
echo 'reader-pass-1234' | stack_intake user add --workspace a \
    --email reader@a.test --role viewer --password-stdin >/dev/null || exit 1
it_login reader@a.test reader-pass-1234
# Outcomes of every kind, so the status carries a list of 100 errors.
canon_gen 60000 "$RUN/f.csv"
stack_stop_one "$RUN/watchd.pid"
id=$(canon_import a "$RUN/f.csv")
STATUS=$RUN/spool/status/$id.json

# reader NAME COMMAND...: run COMMAND until the import ends, keeping each
# document read as one line of $RUN/NAME.docs (a status is one line of
# JSON); they are parsed afterwards, so that parsing does not slow the
# reading down.
reader() {
	local name=$1 doc n=0
	shift
	exec 3> "$RUN/$name.docs"
	while [ $n -lt 200000 ]; do
		doc=$("$@")
		printf '%s\n' "$doc" >&3
		n=$((n + 1))
		[[ $doc =~ \"state\":\"(done|failed)\" ]] && break
	done
	exec 3>&-
}
api() { curl -s -b "$JAR" "$BASE/api/imports/$id"; }

reader file cat "$STATUS" &
r1=$!
reader api api &
r2=$!
t0=$EPOCHREALTIME
stack_watchd_start
wait "$r1" "$r2"
echo "# import and readers done in $(since "$t0") s"
ST=$(cat "$STATUS")
check_eq "the import is done" done "$(st .state)"
for r in file api; do
	# Each line parsed on its own, as `jq -e .` would; a line that is
	# not a whole status object gives nothing.
	jq -R -r 'fromjson? | objects | "\(.state) \(.rows_processed)"' \
	    "$RUN/$r.docs" > "$RUN/$r.parsed"
	reads=$(wc -l < "$RUN/$r.docs")
	broken=$((reads - $(grep -c '^[a-z]* [0-9]*$' "$RUN/$r.parsed")))
	seen=$(sort -u "$RUN/$r.parsed" | wc -l)
	echo "# $r: $reads reads, $broken broken, $seen different rows_processed"
	# (enough reads to have seen a write happen: 128 were seen on a
	# loaded 2-core machine, about 400 on a quiet one)
	check "$r: at least 100 reads ($reads)" [ "$reads" -ge 100 ]
	check_eq "$r: no document was broken" 0 "$broken"
	check "$r: the reads followed the import ($seen steps)" [ "$seen" -ge 10 ]
done
check "the status carries its list of errors" \
    [ "$(st '.errors | length')" -eq 100 ]
it_done
