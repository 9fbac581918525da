#!/bin/bash
# Fault suite (#15): a full disk is not the file's fault. Three watchers
# on one server; the spool and the MariaDB data directory each on a small
# file system of the test's own (a tmpfs, else a loop-mounted ext4 file;
# neither possible: skipped, exit 77).
# - Spool full while a Windows-1252 file is converted to UTF-8: the drop
#   waits, its status says it waits for room in the spool, it is not
#   given up, and it finishes once room is made.
# - Data directory full (error 1114, the table is full): the import
#   waits and retries, no row is counted as refused, and it finishes once
#   room is made, with every row.
STACK_BATCH=200
STACK_CONF_EXTRA="min_free = 0
max_attempts = 3
stall_timeout = 5"
# A small redo log, so that the data directory fits a small file system.
STACK_MYSQLD_EXTRA="--innodb-log-file-size=8M"
. "$(dirname "$0")/lib.sh" || exit 1
[ -d "${RUN:-}" ] || exit 1	# what is mounted goes under it
MOUNTS=""
W="watchd2 watchd3"
fs_down() {
	local m p
	for p in $W; do stack_stop_one "$RUN/$p.pid"; done
	stack_down
	for m in $MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m"; done
	MOUNTS=""
}
trap 'rc=$?; fs_down; (exit $rc); it_cleanup' EXIT
# fs_make DIR SIZE: a file system of SIZE on DIR (empty); 1 if none can be
# made here.
fs_make() {
	mkdir -p "$1"
	if mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1" 2>/dev/null; then
		echo "# $1: tmpfs of $2"
	else
		truncate -s "$2" "$1.img" &&
		mkfs.ext4 -q -F -m 0 "$1.img" >/dev/null 2>&1 &&
		mount -o loop "$1.img" "$1" 2>/dev/null || return 1
		rmdir "$1/lost+found" 2>/dev/null
		echo "# $1: loop-mounted ext4 of $2"
	fi
	MOUNTS="$1 $MOUNTS"
}
# fill DIR KEEP: a file that leaves KEEP kilobytes free on DIR's file system
fill() {
	local free
	dd if=/dev/zero of="$1/filler" bs=64k 2>/dev/null
	free=$(df -k --output=avail "$1" | tail -1)
	[ "$free" -ge "$2" ] || truncate -s "-$(( $2 - free ))K" "$1/filler"
	sync -f "$1"
}
avail() { df -k --output=avail "$1" | tail -1; }
if ! fs_make "$RUN/spool" 8m; then
	echo "skip: cannot mount a tmpfs or a loop file here (not root, or in a container that refuses mount)"
	trap - EXIT; rm -rf "$RUN"; exit 77
fi
# The data directory: installed as usual, then moved onto its own one.
mkdir -p "$RUN/tmp"
stack_db_init || exit 1
mv "$RUN/db" "$RUN/db.tpl"
fs_make "$RUN/db" 160m || { echo "cannot mount a second file system"; exit 1; }
cp -a "$RUN/db.tpl/." "$RUN/db/" && rm -rf "$RUN/db.tpl"
stack_up || exit 1
it_ws acme || exit 1
stack_stop_one "$RUN/watchd.pid"
W="watchd watchd2 watchd3"
w_start() {
	setsid "$BINDIR/intake-watchd" -f -c "$RUN/intake.conf" \
	    >>"$RUN/$1.log" 2>&1 < /dev/null &
	echo $! > "$RUN/$1.pid"; disown $! 2>/dev/null
}
state() { sql "SELECT state FROM imports WHERE id = '$1'"; }
wait_for() {
	local n=$(( $1 * 10 )); shift
	until "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1
	done
}
is() { [ "$(state "$1")" = "$2" ]; }
waiting() {	# the status file of $1 says it waits, for what matches $2
	jq -r '.waiting // empty' "$RUN/spool/status/$1.json" | grep -q "$2"
}
logs() { cat "$RUN"/watchd*.log; }
# N people with accents and a long note each (300 bytes), Windows-1252
cp1252() {
	awk -v n="$1" -v p="$2" 'BEGIN {
		print "First name,Last name,Account Name,Domain,Email,Note"
		note = sprintf("%300s", ""); gsub(/ /, "é", note)
		for (i = 1; i <= n; i++)
			printf "Zoë,%sMüller%d,Café %d,co%d.example,%s%d@co%d.example,%s\n",
			    p, i, i % 7, i % 7, p, i, i % 7, note
	}' | iconv -f UTF-8 -t WINDOWS-1252 > "$3"
}

# 1. The spool full while converting.
cp1252 3000 s "$RUN/s.csv"
echo "# a Windows-1252 file of $(( $(stat -c %s "$RUN/s.csv") / 1024 )) KB"
S=$(stack_intake import --workspace acme --as ed@acme.test --no-wait "$RUN/s.csv")
fill "$RUN/spool" 400
echo "# the spool has $(avail "$RUN/spool") KB free"
for p in $W; do w_start "$p"; done
check "the drop waits, saying it waits for room in the spool" \
    wait_for 30 waiting "$S" "room in the spool"
sleep 6	# several tries, past max_attempts and stall_timeout
pending() {	# in incoming/ (or in active/ for a try), not done or failed
	[ -d "$RUN/spool/incoming/$1" ] || [ -d "$RUN/spool/active/$1" ]
}
check_eq "it is not failed, and waits in the spool's queue" "0 yes" \
    "$(sql "SELECT state = 'failed' FROM imports WHERE id = '$S'") $(pending \
        "$S" && echo yes)"
check "it was tried more than once" test "$(logs | grep -c "^$S: importing")" -gt 1
check "the conversion ran out of room" \
    grep -q "^$S: .*waiting for room in the spool" <<<"$(logs)"
check "no half-converted file is left in the spool" \
    test -z "$(find "$RUN/spool" -name 'data.utf8*' -newer "$RUN/s.csv")"
rm "$RUN/spool/filler"
check "once room is made, it finishes" wait_for 90 is "$S" done
zoe=$(sql "SELECT COUNT(*) FROM contacts WHERE first_name = 'Zoë'
    AND last_name = 'sMüller17'")
check_eq "every row, read as Windows-1252" "3000 0 0 WINDOWS-1252 1" \
    "$(sql "SELECT created, failed, skipped FROM imports WHERE id = '$S'" |
        xargs) $(jq -r '.encoding | ascii_upcase' "$RUN/spool/status/$S.json") $zoe"
check_eq "its status file says what its row says" "done 3000 null" \
    "$(jq -r '"\(.state) \(.created) \(.waiting)"' "$RUN/spool/status/$S.json")"

# 2. The data directory full.
it_gen 20000 "$RUN/d.csv" d
for p in $W; do stack_stop_one "$RUN/$p.pid"; done
D=$(stack_intake import --workspace acme --as ed@acme.test --no-wait "$RUN/d.csv")
fill "$RUN/db" 100	# to the last byte, MariaDB 10.11 can abort in a rollback
echo "# the data directory has $(avail "$RUN/db") KB free"
for p in $W; do w_start "$p"; done
check "the import waits, saying it waits for the database" \
    wait_for 60 waiting "$D" "database"
check "the server said the table is full (1114)" \
    wait_for 30 grep -q "^$D: .*is full" <<<"$(logs)"
sleep 6	# several tries, past max_attempts and stall_timeout
check_eq "it is not failed, and no row is counted as refused" "0 0" \
    "$(sql "SELECT state = 'failed', failed FROM imports WHERE id = '$D'" | xargs)"
check_eq "no row outcome says the database refused it" "" \
    "$(sql "SELECT code, LEFT(message, 100), COUNT(*) FROM import_rows
        WHERE import_id = '$D' GROUP BY 1, 2")"
check "it was tried more than once" \
    test "$(logs | grep -c "^$D: importing")" -gt 1
rm "$RUN/db/filler"
check "once room is made, it finishes" wait_for 120 is "$D" done
check_eq "and none after" "" \
    "$(sql "SELECT code, LEFT(message, 100), COUNT(*) FROM import_rows
        WHERE import_id = '$D' GROUP BY 1, 2")"
check_eq "with every row, none failed" "20000 0 0 20000" \
    "$(sql "SELECT created, failed, skipped FROM imports WHERE id = '$D'" |
        xargs) $(sql "SELECT COUNT(DISTINCT email) FROM contacts
        WHERE email LIKE 'd%'")"
check_eq "its status file says what its row says" "done 20000 null" \
    "$(jq -r '"\(.state) \(.created) \(.waiting)"' "$RUN/spool/status/$D.json")"
check_eq "the counters are what the database holds" \
    "$(sql "SELECT SUM(created) FROM imports")" \
    "$(sql "SELECT COUNT(*) FROM contacts")"
check_eq "none given up" 0 "$(logs | grep -c 'giving up')"
check_eq "both drops in done/, none left elsewhere" "2 0" \
    "$(ls "$RUN/spool/done" | wc -l) $(find "$RUN/spool/incoming" \
        "$RUN/spool/active" "$RUN/spool/failed" -mindepth 1 -maxdepth 1 | wc -l)"
check "mariadbd ran throughout" stack_alive "$RUN/mariadb.pid"
it_done
