#!/bin/bash
# A drop is never stranded in active/ and the watcher's back-off holds:
# - a watcher whose claim meets another one giving the drop back (it
#   still holds the drop's lock) leaves it in incoming/: a claim locks the
#   drop before it moves it, so active/ never holds a live drop unlocked;
# - a drop left in active/ unlocked is given back by the next round of a
#   running watcher, not only at a restart;
# - a drop of a workspace another import holds waits without the
#   import's set-up ("importing" is not logged for it);
# - while the database is away, giving a waiting drop back does not wake
#   the watcher at once: it backs off instead of retrying in a loop.
STACK_CONF_EXTRA="scan_interval = 2"
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_ws acme || exit 1
stack_stop_one "$RUN/watchd.pid"
SP=$RUN/spool

csv() {	# csv FILE PREFIX: 3 people
	printf '%s\n' 'First name,Last name,Account Name,Domain,Email' \
	    "A,${2}1,Co,co.example,${2}1@co.example" \
	    "B,${2}2,Co,co.example,${2}2@co.example" \
	    "C,${2}3,Co,co.example,${2}3@co.example" > "$1"
}
queue() {	# queue PREFIX: a drop in incoming/, its ID on stdout
	csv "$RUN/$1.csv" "$1"
	stack_intake import --workspace acme --as ed@acme.test --no-wait \
	    "$RUN/$1.csv"
}
state() { sql "SELECT state FROM imports WHERE id = '$1'"; }
where() {	# the queue a drop is in
	local q
	for q in incoming active done failed; do
		[ -d "$SP/$q/$1" ] && { echo $q; return; }
	done
	echo none
}

# 1. The claim that cannot lock. Another "watcher" (flock(1)) holds the
# drop's lock while it gives the drop back, and keeps it for 3 s.
A=$(queue race)
mv "$SP/incoming/$A" "$SP/active/$A"
flock "$SP/active/$A" sh -c "mv '$SP/active/$A' '$SP/incoming/$A'; sleep 3" &
holder=$!
sleep 0.5
timeout 20 "$BINDIR/intake-watchd" -f --once -c "$RUN/intake.conf" \
    >>"$RUN/once.log" 2>&1
check_eq "a drop still locked by another watcher stays in incoming/" \
    incoming "$(where "$A")"
wait $holder
timeout 20 "$BINDIR/intake-watchd" -f --once -c "$RUN/intake.conf" \
    >>"$RUN/once.log" 2>&1
check_eq "and the next pass imports it" "done done" \
    "$(state "$A") $(where "$A")"

# 2. A drop stranded in active/ with nobody's lock, a watcher running.
# (Put there after the watcher started: a start recovers active/ anyway.)
B=$(queue stranded)
mkdir -p "$RUN/hold"
mv "$SP/incoming/$B" "$RUN/hold/$B"
stack_watchd_start
sleep 1
mv "$RUN/hold/$B" "$SP/active/$B"
n=0
until [ "$(state "$B")" = done ] || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "a running watcher gives an unlocked drop in active/ back and imports it" \
    "done done" "$(state "$B") $(where "$B")"

# 3. Busy workspace: another live import holds it.
sql "INSERT INTO import_locks (workspace_id, import_id, holder, heartbeat)
    SELECT id, 'someone-else', 'test:1', NOW(3) FROM workspaces
    WHERE slug = 'acme' ON DUPLICATE KEY UPDATE import_id = 'someone-else',
    holder = 'test:1', heartbeat = NOW(3)"
C=$(queue busy)
sleep 4
check_eq "a drop of a busy workspace waits in incoming/" incoming "$(where "$C")"
check_eq "without the import's set-up" 0 \
    "$(grep -c "$C: importing" "$RUN/watchd.log")"
sql "UPDATE import_locks SET import_id = NULL, holder = NULL"
n=0
until [ "$(state "$C")" = done ] || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "when the workspace is free it is imported" done "$(state "$C")"

# 4. The database away, a drop waiting: the watcher backs off.
stack_stop_one "$RUN/watchd.pid"
D=$(queue away)
cp "$RUN/mariadb.pid" "$RUN/mariadb.stop"
stack_stop_one "$RUN/mariadb.stop" 60
rm -f "$RUN/mariadb.pid"
stack_watchd_start
sleep 1
l0=$(wc -l < "$RUN/watchd.log")
sleep 6
l1=$(wc -l < "$RUN/watchd.log")
echo "# $((l1 - l0)) log lines in 6 s with the database away"
check "the watcher backs off while the database is away (at most 30 lines in 6 s)" \
    test $((l1 - l0)) -le 30
stack_db_start || exit 1
n=0
until [ "$(state "$D" 2>/dev/null)" = done ] || [ $n -ge 200 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "when it is back the waiting drop is imported" done "$(state "$D")"
check_eq "nothing left in active/" "" "$(ls "$SP/active")"

it_done
