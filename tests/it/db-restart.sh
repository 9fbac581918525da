#!/bin/bash
# MariaDB stopped and started again in the middle of an import: the
# watcher backs off, reconnects and resumes from the last committed batch,
# and what it made equals what an uninterrupted import of the same file
# made in another workspace.
STACK_BATCH=100
. "$(dirname "$0")/lib.sh"
since() {	# seconds since $1 (an EPOCHREALTIME)
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}
. "$SRCDIR/tests/it/canon.sh"
stack_up || exit 1
canon_ws a || exit 1
canon_ws b || exit 1
canon_gen 10000 "$RUN/f.csv"

ida=$(canon_import a "$RUN/f.csv")
it_wait_file "$ida"
check_eq "the uninterrupted import is done" done "$(st .state)"

idb=$(canon_import b "$RUN/f.csv")
n=0
while :; do
	ck=$(sql "SELECT checkpoint_row FROM imports WHERE id = '$idb'")
	[ "${ck:-0}" -ge 1500 ] && break
	n=$((n + 1)); [ $n -lt 600 ] || break
	sleep 0.05
done
# mariadbd removes its own pid file: stop it by a copy.
cp "$RUN/mariadb.pid" "$RUN/mariadb.stop"
dbpid=$(cat "$RUN/mariadb.pid")
t0=$EPOCHREALTIME
stack_stop_one "$RUN/mariadb.stop" 60
rm -f "$RUN/mariadb.pid"
check "MariaDB is stopped" test -z "$(stack_pid_alive "$dbpid" && echo up)"
sleep 2
ST=$(cat "$RUN/spool/status/$idb.json")
check "stopped half-way (row $(st .rows_processed) of 10001)" \
    [ "$(st .state)" = running -a "$(st .rows_processed)" -lt 10000 ]
check "the watcher outlives the database" stack_alive "$RUN/watchd.pid"
stack_db_start || exit 1
echo "# the database was away for $(since "$t0") s"

t0=$EPOCHREALTIME
n=0
while :; do
	ST=$(cat "$RUN/spool/status/$idb.json")
	case $(st .state) in done|failed) break;; esac
	n=$((n + 1)); [ $n -lt 900 ] || break
	sleep 0.1
done
echo "# finished $(since "$t0") s after the restart"
check_eq "the import finished after the restart" done "$(st .state)"
check "the watcher saw the failure and retried" \
    grep -q "$idb: temporary failure; the drop will be retried" \
    "$RUN/watchd.log"
check "and resumed from a checkpoint" \
    grep -q "$idb: resuming after row" "$RUN/watchd.log"
counts='[.rows_total, .created, .updated, .skipped, .failed, .warnings,
    .errors_total, .tagged, .queued_to_workflow, .dnt]'
check_eq "the status counts as the uninterrupted one does" \
    "$(jq -c "$counts" "$RUN/spool/status/$ida.json")" \
    "$(jq -c "$counts" "$RUN/spool/status/$idb.json")"
check_eq "contacts, outcomes, enrolments and tag links counted alike" \
    "$(canon_counts a)" "$(canon_counts b)"
canon_compare "across the restart it made what the uninterrupted one did" a b
check "the drop is in done/" test -d "$RUN/spool/done/$idb"
check_eq "no lock is left held" 0 \
    "$(sql "SELECT COUNT(*) FROM import_locks WHERE import_id IS NOT NULL")"
it_done
