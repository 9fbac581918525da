#!/bin/bash
# Fault suite (#15): 200 drops from 20 parallel web clients (curl through
# nginx, each with its own session) over four workspaces, while three
# watchers share the spool: every drop is imported exactly once, none is
# stranded in active/ or given up, no contact is doubled, and the imports
# rows, the status files and the database's counts agree.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
w_stop() { stack_stop_one "$RUN/watchd2.pid"; stack_stop_one "$RUN/watchd3.pid"; }
trap 'w_stop; it_cleanup' EXIT
w_start() {	# w_start N: another watcher, log watchd$N.log
	setsid "$BINDIR/intake-watchd" -f -c "$RUN/intake.conf" \
	    >>"$RUN/watchd$1.log" 2>&1 < /dev/null &
	echo $! > "$RUN/watchd$1.pid"
}
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
CLIENTS=20 PER=10
WS="p1 p2 p3 p4"
for ws in $WS; do stack_intake workspace add "$ws" >/dev/null || exit 1; done
ws_of() { echo "p$(( ($1 - 1) % 4 + 1 ))"; }	# client N's workspace
for c in $(seq 1 $CLIENTS); do
	echo "client-pass-$c" | stack_intake user add --workspace "$(ws_of $c)" \
	    --email "c$c@$(ws_of $c).test" --role editor --password-stdin \
	    >/dev/null || exit 1
done
w_start 2; w_start 3

# Client N: logs in (its own cookie jar), then uploads its PER files one
# after the other, three people each, named after client and file.
client() {
	local c=$1 ws i f jar=$RUN/jar$1 csrf code
	ws=$(ws_of "$c")
	curl -s -c "$jar" -b "$jar" -H 'Content-Type: application/json' \
	    -d "{\"email\":\"c$c@$ws.test\",\"password\":\"client-pass-$c\"}" \
	    "$BASE/api/login" > "$RUN/login$c.json"
	csrf=$(jq -r .csrf_token "$RUN/login$c.json")
	for i in $(seq 1 $PER); do
		f=$RUN/files/c$c-$i.csv
		printf '%s\n' "First name,Last name,Account Name,Domain,Email" \
		    "A,c$c-$i-a,Co $c,c$c.example,c$c-$i-a@c$c.example" \
		    "B,c$c-$i-b,Co $c,c$c.example,c$c-$i-b@c$c.example" \
		    "C,c$c-$i-c,Co $c,c$c.example,c$c-$i-c@c$c.example" > "$f"
		code=$(curl -s -o "$RUN/up$c-$i.json" -w '%{http_code}' \
		    -b "$jar" -H "X-CSRF-Token: $csrf" -F "file=@$f" \
		    "$BASE/api/imports")
		echo "$code $ws $(jq -r '.id // empty' "$RUN/up$c-$i.json")"
	done > "$RUN/client$c.out"
}
mkdir -p "$RUN/files"
t0=$EPOCHREALTIME
pids=""
for c in $(seq 1 $CLIENTS); do client "$c" & pids="$pids $!"; done
# shellcheck disable=SC2086
wait $pids	# the clients only: the daemons are children too
echo "# $((CLIENTS * PER)) uploads by $CLIENTS clients in $(since "$t0") s"
cat "$RUN"/client*.out > "$RUN/uploads"
check_eq "200 uploads accepted (202)" 200 "$(grep -c '^202 p[1-4] .' "$RUN/uploads")"

# Until every drop has left incoming/ and active/ and the database has
# them all ended (at most 150 s).
n=0
queued() { find "$RUN/spool/incoming" "$RUN/spool/active" -mindepth 1 -maxdepth 1 | wc -l; }
while [ "$(queued)" -gt 0 ] ||
    [ "$(sql "SELECT COUNT(*) FROM imports WHERE state IN ('done', 'failed')")" -lt 200 ]; do
	n=$((n + 1)); [ $n -lt 1500 ] || break
	sleep 0.1
done
sleep 1.5	# a second import of anything would show by now
echo "# all ended $(since "$t0") s after the first upload"

check_eq "200 imports, all done" "200	200" \
    "$(sql "SELECT COUNT(*), SUM(state = 'done') FROM imports")"
check_eq "the imports are the 200 accepted" "" \
    "$(diff <(awk '{ print $3 }' "$RUN/uploads" | sort) \
        <(sql "SELECT id FROM imports ORDER BY id"))"
check_eq "50 imports and 150 contacts per workspace" \
    "p1 50 150 p2 50 150 p3 50 150 p4 50 150" \
    "$(sql "SELECT w.slug, (SELECT COUNT(*) FROM imports i
        WHERE i.workspace_id = w.id), (SELECT COUNT(*) FROM contacts c
        WHERE c.workspace_id = w.id) FROM workspaces w ORDER BY w.slug" | xargs)"
check_eq "each of the 600 people once, in the uploader's workspace" "600	600	0" \
    "$(sql "SELECT COUNT(*), COUNT(DISTINCT workspace_id, email),
        SUM(w.slug <> CASE SUBSTRING_INDEX(SUBSTRING_INDEX(c.email, '-', 1),
            'c', -1) % 4 WHEN 1 THEN 'p1' WHEN 2 THEN 'p2' WHEN 3 THEN 'p3'
            ELSE 'p4' END)
        FROM contacts c JOIN workspaces w ON w.id = c.workspace_id")"
check_eq "every import created its three, nothing skipped or failed" \
    "200	3	3	0	0" \
    "$(sql "SELECT COUNT(*), MIN(created), MAX(created), MAX(skipped),
        MAX(failed) FROM imports")"
check_eq "no row was found to exist already (no file came twice)" 0 \
    "$(sql "SELECT COUNT(*) FROM import_rows")"
check_eq "the counters are what the database holds" \
    "$(sql "SELECT COUNT(*) FROM contacts")" \
    "$(sql "SELECT SUM(created) FROM imports")"
check_eq "200 drops in done/, none in failed/" "200 0" \
    "$(ls "$RUN/spool/done" | wc -l) $(ls "$RUN/spool/failed" | wc -l)"
check_eq "none left in incoming/ or stranded in active/" 0 "$(queued)"
# id state created rows_processed, by the status files and by the rows
by_files() {
	local f
	for f in "$RUN"/spool/status/*.json; do
		jq -r '"\(.id) \(.state) \(.created) \(.rows_processed)"' "$f"
	done
}
by_rows() {
	sql "SELECT id, state, created, rows_processed FROM imports ORDER BY id" |
	    tr '\t' ' '
}
check_eq "each status file says what its row says" "" \
    "$(diff <(by_files) <(by_rows))"
cat "$RUN"/watchd.log "$RUN"/watchd2.log "$RUN"/watchd3.log > "$RUN/all.log"
dones() { grep ': done:' "$RUN/all.log"; }
check_eq "each drop imported once, by one watcher" "200 200" \
    "$(dones | wc -l) $(dones | cut -d: -f1 | sort -u | wc -l)"
w=""
for f in watchd watchd2 watchd3; do w="$w $(grep -c ': done:' "$RUN/$f.log")"; done
check "all three watchers imported some:$w" eval '! echo "$w" | grep -qw 0'
check_eq "none given up" 0 "$(grep -c 'giving up' "$RUN/all.log")"
check_eq "no workspace lock left held" 0 \
    "$(sql "SELECT COUNT(*) FROM import_locks WHERE import_id IS NOT NULL")"
check_eq "the three watchers still run" "yes yes yes" \
    "$(for p in watchd watchd2 watchd3; do stack_alive "$RUN/$p.pid" &&
        echo yes; done | xargs)"
echo "# imports per watcher:$w; claims given back (busy or racing):" \
    "$(grep -c 'recovered from active' "$RUN/all.log")"
it_done
