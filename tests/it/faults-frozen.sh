#!/bin/bash
# Fault suite (#15): a frozen watcher. Three watchers on one spool; the
# one importing workspace a's big file is stopped with SIGSTOP inside a
# batch's transaction (it holds the workspace's lock row FOR UPDATE, the
# rows it wrote, and its drop's flock). Meanwhile workspace b's import,
# through another watcher, finishes without one lock-wait timeout, and a
# second drop of a waits (busy) without being given up. After SIGCONT the
# frozen import goes on and finishes; frozen again and killed with -9,
# another watcher takes it over and finishes it. Nothing lost or doubled,
# and the rows, the status files and the counters agree.
STACK_BATCH=200
# Any wait on another's lock shows as an error within 4 s, not 50.
STACK_MYSQLD_EXTRA="--innodb-lock-wait-timeout=4"
STACK_CONF_EXTRA="lock_timeout = 5"
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
W="watchd2 watchd3 watchd4"
w_stop() {
	local p
	for p in $W; do
		[ -f "$RUN/$p.pid" ] && kill -CONT "$(cat "$RUN/$p.pid")" 2>/dev/null
		stack_stop_one "$RUN/$p.pid"
	done
}
trap 'w_stop; it_cleanup' EXIT
w_start() {	# w_start NAME: a watcher, pid NAME.pid, log NAME.log
	setsid "$BINDIR/intake-watchd" -f -c "$RUN/intake.conf" \
	    >>"$RUN/$1.log" 2>&1 < /dev/null &
	echo $! > "$RUN/$1.pid"; disown $! 2>/dev/null
}
w_name() {	# the name of the watcher of pid $1
	local p
	for p in $W; do
		[ "$(cat "$RUN/$p.pid" 2>/dev/null)" = "$1" ] && echo "$p"
	done
}
it_ws a && it_ws b || exit 1
stack_stop_one "$RUN/watchd.pid"
queue() {	# queue WS N PREFIX: a drop of N people, tagged; its ID
	it_gen "$2" "$RUN/$3.csv" "$3"
	stack_intake import --workspace "$1" --as "ed@$1.test" --no-wait \
	    --tag Frozen "$RUN/$3.csv"
}
state() { sql "SELECT state FROM imports WHERE id = '$1'"; }
rows() { sql "SELECT rows_processed FROM imports WHERE id = '$1'"; }
wait_for() {	# wait_for SECONDS command...
	local n=$(( $1 * 10 )); shift
	until "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1
	done
}
is() { [ "$(state "$1")" = "$2" ]; }
started() { is "$1" running && [ "$(rows "$1")" -gt 0 ]; }
holder() {	# the pid of the watcher whose import holds workspace $1
	sql "SELECT SUBSTRING_INDEX(l.holder, ':', -1) FROM import_locks l
	    JOIN workspaces w ON w.id = l.workspace_id
	    WHERE w.slug = '$1' AND l.import_id IS NOT NULL"
}
in_trx() {	# a transaction of the server's with rows locked
	[ "$(stack_sql_root -N -B -e "SELECT COUNT(*) FROM
	    information_schema.innodb_trx WHERE trx_rows_locked > 0")" -gt 0 ]
}
# freeze PID: SIGSTOP it at a moment it is inside a transaction holding
# rows (at most 100 tries); 0 if so.
freeze() {
	local i
	for i in $(seq 1 100); do
		kill -STOP "$1"
		sleep 0.05
		in_trx && return 0
		kill -CONT "$1"
		sleep "0.0$((RANDOM % 10))"
	done
	return 1
}
lockwaits() {	# lock-wait timeouts and deadlocks logged for import $1
	cat "$RUN"/watchd*.log | grep "^$1" |
	    grep -ci 'lock wait timeout\|deadlock'
}
for p in $W; do w_start "$p"; done

# 1. Frozen, then let go on.
A1=$(queue a 20000 a1-)
wait_for 60 started "$A1"
X=$(holder a)
check "the watcher importing a ($(w_name "$X")) is frozen inside a transaction" \
    freeze "$X"
frozen_at=$(rows "$A1")
A2=$(queue a 500 a2-)
t0=$(date +%s.%N)
B1=$(queue b 3000 b1-)
check "b's import finishes while a's watcher is frozen" wait_for 60 is "$B1" done
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "# b's 3000 rows took $took s"
check_eq "without one lock-wait timeout or deadlock" 0 "$(lockwaits "$B1")"
check_eq "and without waiting" 0 \
    "$(cat "$RUN"/watchd*.log | grep "^$B1" | grep -c 'Waiting for\|waiting:')"
check "in less than 20 s" awk -v t="$took" 'BEGIN { exit !(t < 20) }'
sleep 6	# past lock_timeout: the frozen lease is stale by now
check_eq "the frozen import did not move, nor was it taken over" \
    "running $frozen_at" "$(state "$A1") $(rows "$A1")"
check "its drop stays in active/ (its flock held)" test -d "$RUN/spool/active/$A1"
check "a's second drop waits, not failed" \
    test "$(state "$A2")" = queued -a ! -d "$RUN/spool/failed/$A2"
kill -CONT "$X"
check "after SIGCONT the frozen import finishes" wait_for 120 is "$A1" done
check "and a's second drop after it" wait_for 60 is "$A2" done

# 2. Frozen again, then killed with -9.
A3=$(queue a 20000 a3-)
wait_for 60 started "$A3"
Y=$(holder a)
check "a's watcher ($(w_name "$Y")) is frozen again inside a transaction" \
    freeze "$Y"
B2=$(queue b 3000 b2-)
check "b's second import finishes meanwhile" wait_for 60 is "$B2" done
check_eq "without one lock-wait timeout or deadlock" 0 "$(lockwaits "$B2")"
killed_at=$(rows "$A3")
kill -9 "$Y"
wait_for 10 test ! -d "/proc/$Y"
check "killed with -9, another watcher finishes its import" \
    wait_for 120 is "$A3" done
check "which went on from its checkpoint ($killed_at rows)" \
    grep -q "^$A3: resuming after row $((killed_at + 1)) " \
    <<<"$(cat "$RUN"/watchd*.log)"

# Nothing lost or doubled, and everything agrees.
check_eq "every import done, each created all its rows" \
    "$(printf '%s\n' "$A1 20000" "$A2 500" "$A3 20000" "$B1 3000" \
        "$B2 3000" | sort | xargs)" \
    "$(sql "SELECT id, created FROM imports WHERE state = 'done' AND
        failed = 0 AND skipped = 0 ORDER BY id" | xargs)"
check_eq "a holds 40500 people, b 6000, none twice" "a 40500 40500 b 6000 6000" \
    "$(sql "SELECT w.slug, COUNT(*), COUNT(DISTINCT c.email) FROM contacts c
        JOIN workspaces w ON w.id = c.workspace_id GROUP BY w.slug
        ORDER BY w.slug" | xargs)"
check_eq "the counters are what the database holds" \
    "$(sql "SELECT SUM(created) FROM imports")" \
    "$(sql "SELECT COUNT(*) FROM contacts")"
check_eq "each contact tagged once" "46500 46500" \
    "$(sql "SELECT COUNT(*), COUNT(DISTINCT t.contact_id) FROM contact_tags t
        JOIN contacts c ON c.id = t.contact_id" | xargs)"
check_eq "no row found to exist already" 0 "$(sql "SELECT COUNT(*) FROM import_rows")"
by_files() {
	local id
	for id in $(sql "SELECT id FROM imports ORDER BY id"); do
		jq -r '"\(.id) \(.state) \(.created) \(.rows_processed)"' \
		    "$RUN/spool/status/$id.json"
	done
}
check_eq "each status file says what its row says" "" \
    "$(diff <(by_files) <(sql "SELECT id, state, created, rows_processed
        FROM imports ORDER BY id" | tr '\t' ' '))"
check_eq "none given up" 0 "$(cat "$RUN"/watchd*.log | grep -c 'giving up')"
check_eq "5 drops in done/, none left elsewhere" "5 0" \
    "$(ls "$RUN/spool/done" | wc -l) $(find "$RUN/spool/incoming" \
        "$RUN/spool/active" "$RUN/spool/failed" -mindepth 1 -maxdepth 1 | wc -l)"
check_eq "no workspace lock left held" 0 \
    "$(sql "SELECT COUNT(*) FROM import_locks WHERE import_id IS NOT NULL")"
it_done
