#!/bin/bash
# The status tells the truth: a status file that could not be written
# (status/ gone for a while), that was lost, or that says otherwise than
# the database is rewritten from the imports row within seconds, keeping
# what only the file knows; a waiting `intake import` then returns.
STACK_BATCH=50
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_ws acme || exit 1
S=$RUN/spool/status

wait_for() {	# wait_for SECONDS command...: until it succeeds
	local n=$(( $1 * 10 )); shift
	until "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1
	done
}
says() {	# says ID STATE CREATED: the status file says so
	[ "$(jq -r '"\(.state) \(.created)"' "$S/$1.json")" = "$2 $3" ]
}

# 1. status/ unusable while an import runs: the watcher cannot write it.
it_gen 3000 "$RUN/a.csv" a
stack_stop_one "$RUN/watchd.pid"
timeout 120 "$BINDIR/intake" -c "$RUN/intake.conf" import --workspace acme \
    --as ed@acme.test "$RUN/a.csv" > "$RUN/cli.out" 2>&1 &
cli=$!
wait_for 10 test -n "$(ls "$RUN/spool/incoming")"
ID=$(ls "$RUN/spool/incoming")
mv "$S" "$S.away"; : > "$S"
stack_watchd_start
wait_for 60 test "$(sql "SELECT state FROM imports WHERE id = '$ID'")" = done
check_eq "the database says done" "done 3000" \
    "$(sql "SELECT state, created FROM imports WHERE id = '$ID'" | tr '\t' ' ')"
check "while the status file could not be written" test ! -d "$S"
rm -f "$S"; mv "$S.away" "$S"
check "once status/ is back, the file is made true" wait_for 20 says "$ID" done 3000
check_eq "with the workspace and the row counts" "acme 3000 0" \
    "$(jq -r '"\(.workspace) \(.rows_processed) \(.skipped)"' "$S/$ID.json")"
wait $cli; rc=$?
check_eq "and the waiting intake import returns, 0" 0 "$rc"

# 2. A lost status file.
it_gen 20 "$RUN/b.csv" b
it_import acme "$RUN/b.csv"
B=$ID
rm "$S/$B.json"
check "a lost status file is written again" wait_for 20 says "$B" done 20

# 3. One that says otherwise (an old "running" copy put back).
it_gen 30 "$RUN/c.csv" c
it_import acme "$RUN/c.csv"
C=$ID
jq '.state = "running" | .created = 7' "$S/$C.json" > "$RUN/old.json"
touch -d '-1 hour' "$RUN/old.json"
cp -p "$RUN/old.json" "$S/$C.json"
check "a status file saying otherwise is rewritten" wait_for 20 says "$C" done 30
check_eq "keeping what only the file knew (the columns)" 5 \
    "$(jq '.columns | length' "$S/$C.json")"
check "intake status says done too" \
    grep -q done <<<"$(stack_intake status "$C")"

it_done
