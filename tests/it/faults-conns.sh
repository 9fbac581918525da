#!/bin/bash
# Fault suite (#15): the server's max_connections nearly full. Three
# watchers on one server, each connected; then other clients (plain
# `mariadb` sessions of the same non-SUPER user, which gets no extra
# connection) take every connection left, until a new one is refused
# with "Too many connections". A drop then waits: its import cannot open
# its reader's connection, and it backs off (status "waiting", a few tries,
# not one after another) and is not given up, though max_attempts and
# stall_timeout are tiny. Once the connections are freed it finishes.
STACK_BATCH=200
STACK_CONF_EXTRA="max_attempts = 2
stall_timeout = 1"
# Few connections, so that few holders fill them.
STACK_MYSQLD_EXTRA="--max-connections=20"
. "$(dirname "$0")/lib.sh" || exit 1
W="watchd watchd2 watchd3"
holders_stop() {
	local p
	[ -f "$RUN/holders" ] || return 0
	while read -r p; do kill "$p" 2>/dev/null; done < "$RUN/holders"
	rm -f "$RUN/holders"
}
w_stop() {
	local p
	for p in $W; do
		[ -f "$RUN/$p.pid" ] && kill -CONT "$(cat "$RUN/$p.pid")" 2>/dev/null
		stack_stop_one "$RUN/$p.pid"
	done
}
trap 'rc=$?; holders_stop; w_stop; (exit $rc); it_cleanup' EXIT
stack_up || exit 1
it_ws acme || exit 1
stack_stop_one "$RUN/watchd.pid"
w_start() {
	setsid "$BINDIR/intake-watchd" -f -c "$RUN/intake.conf" \
	    >>"$RUN/$1.log" 2>&1 < /dev/null &
	echo $! > "$RUN/$1.pid"; disown $! 2>/dev/null
}
wait_for() {
	local n=$(( $1 * 10 )); shift
	until "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1
	done
}
# As root (SUPER: the one extra connection) while the rest are taken.
rsql() { stack_sql_root -N -B intake -e "$1"; }
state() { rsql "SELECT state FROM imports WHERE id = '$1'"; }
is() { [ "$(state "$1")" = "$2" ]; }
waiting() {
	jq -r '.waiting // empty' "$RUN/spool/status/$1.json" | grep -q "$2"
}
logs() { cat "$RUN"/watchd*.log; }
refused() {	# a new connection of intake's is refused: too many
	mariadb --no-defaults -uintake -p"$STACK_DBPASS" \
	    --socket="$RUN/mysql.sock" -N -B -e 'SELECT 1' 2>&1 |
	    grep -q 'Too many connections'
}
connected() { rsql "SHOW STATUS LIKE 'Threads_connected'" | cut -f2; }

for p in $W; do w_start "$p"; done
# Each watcher connected (housekeeping at start), then all three frozen
# while the drop is queued and the connections are taken.
wait_for 20 test "$(rsql "SELECT COUNT(*) FROM information_schema.processlist
    WHERE user = 'intake'")" -ge 3
for p in $W; do kill -STOP "$(cat "$RUN/$p.pid")"; done
it_gen 5000 "$RUN/c.csv" c
ID=$(stack_intake import --workspace acme --as ed@acme.test --no-wait "$RUN/c.csv")
: > "$RUN/holders"
n=0
until refused || [ $n -ge 40 ]; do
	mariadb --no-defaults -uintake -p"$STACK_DBPASS" \
	    --socket="$RUN/mysql.sock" -e 'SELECT SLEEP(600)' \
	    >/dev/null 2>&1 < /dev/null &
	echo $! >> "$RUN/holders"
	n=$((n + 1))
	# until it is in the server's list
	wait_for 5 test "$(connected)" -gt "$(( $(rsql "SELECT
	    @@max_connections") - 30 ))"
	sleep 0.1
done
echo "# $n held connections; $(connected) of $(rsql "SELECT @@max_connections") connected (this one as root)"
check "a new connection of the import's user is refused (too many)" refused
t0=$(date +%s)
for p in $W; do kill -CONT "$(cat "$RUN/$p.pid")"; done
check "the drop waits, saying it waits for the database" \
    wait_for 30 waiting "$ID" database
check "its import could not connect: too many connections" \
    wait_for 10 grep -q "^$ID: .*Too many connections" <<<"$(logs)"
sleep 8	# past max_attempts and stall_timeout, many times over
tries=$(logs | grep -c "^$ID: importing")
echo "# $tries tries in $(( $(date +%s) - t0 )) s"
check "it was tried again" test "$tries" -gt 1
check "with backoff: at most 8 tries in about 8 s" test "$tries" -le 8
check_eq "it is not failed, nor given up" "0 0" \
    "$(rsql "SELECT state = 'failed' FROM imports WHERE id = '$ID'") $(logs |
        grep -c 'giving up')"
check "it waits in the spool's queue, not done or failed" eval \
    '[ -d "$RUN/spool/incoming/$ID" ] || [ -d "$RUN/spool/active/$ID" ]'
all_alive() {
	local p
	for p in $W; do stack_alive "$RUN/$p.pid" || return 1; done
}
check "the three watchers still run" all_alive
holders_stop
check "once the connections are freed, it finishes" wait_for 120 is "$ID" done
check_eq "with every row, once, none refused" "5000 0 0 5000 5000" \
    "$(sql "SELECT created, failed, skipped FROM imports WHERE id = '$ID'" |
        xargs) $(sql "SELECT COUNT(*), COUNT(DISTINCT email) FROM contacts" |
        xargs)"
check_eq "its status file says what its row says" "done 5000 5000 null" \
    "$(jq -r '"\(.state) \(.created) \(.rows_processed) \(.waiting)"' \
        "$RUN/spool/status/$ID.json")"
check_eq "its drop in done/, none left elsewhere" "1 0" \
    "$(ls "$RUN/spool/done" | wc -l) $(find "$RUN/spool/incoming" \
        "$RUN/spool/active" "$RUN/spool/failed" -mindepth 1 -maxdepth 1 | wc -l)"
check_eq "no workspace lock left held" 0 \
    "$(sql "SELECT COUNT(*) FROM import_locks WHERE import_id IS NOT NULL")"
it_done
