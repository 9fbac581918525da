#!/bin/bash
# intake on a 3-node MariaDB Galera cluster (tests/galera.sh): a watcher
# per node on one spool, the web on nodes 1 and 2. 100 drops over 5
# workspaces, queued while they import (the CLI on node 1, uploads to
# both web nodes): creates with tags and workflows, re-imports that skip,
# that update and that set DNT, all overlapping the same people. Every
# drop is done exactly once, none given up or left in active/; no
# contact is doubled; every import's counts are what the database holds;
# the three nodes hold the same data; and a single server importing the
# same drops in the order each workspace's ran on the cluster makes the same contacts, accounts, tags, enrolments, outcomes
# and counts. Then a 20k-row import is caught mid-way, the node doing it
# is killed (kill -9 of its mariadbd and its watcher), and a watcher on
# another node finishes it, nothing lost or doubled; the killed node is
# restarted, catches up by IST and holds the same data.
#
# GALERA_IT_ROWS scales the 100 files (default 1: 150-1050 rows each).
STACK_BATCH=200
# A watcher that dies holds its workspace's lease for lock_timeout; a
# drop it left in active/ is found by the next round (scan_interval).
STACK_CONF_EXTRA="scan_interval = 5
lock_timeout = 15"
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/galera.sh"
since() {	# seconds since $1 (an EPOCHREALTIME)
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}
GALERA_TOP=$RUN/galera
galera_it_cleanup() {
	local rc=$? i
	galera_down
	if [ "$IT_FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
		for i in 1 2 3; do
			echo "== node $i: watchd.log (grep)"
			grep -v ': importing$\|: done:\|resuming after\|already finished' \
			    "$GALERA_TOP/node$i/watchd.log" 2>/dev/null | tail -15
		done
	fi
	(exit "$rc")
	it_cleanup
}
trap galera_it_cleanup EXIT
WS="w1 w2 w3 w4 w5"
PER_WS=20
NDROPS=$((PER_WS * 5))
SCALE=${GALERA_IT_ROWS:-1}
mkdir -p "$RUN/files"

# A query as intake on socket $QSOCK; on a cluster node a causal read
# (wsrep_sync_wait) so that what another node committed is seen.
QSOCK=$RUN/mysql.sock QSYNC=
q() {
	mariadb --no-defaults -uintake -p"$STACK_DBPASS" \
	    --default-character-set=utf8mb4 --socket="$QSOCK" -N -B intake \
	    -e "$QSYNC$1"
}
on_node() {	# on_node N: q reads node N
	QSOCK=$GALERA_TOP/node$1/mysql.sock
	QSYNC="SET SESSION wsrep_sync_wait = 1; "
}
on_single() { QSOCK=$RUN/mysql.sock QSYNC=; }

# gen WS J FILE: drop J of workspace WS: people START.. of the
# workspace's pool of 2000 (the drops overlap), with values that change
# from drop to drop (phone, the custom Region), every 97th without a
# last name (skipped), and every 50th a repeat of a row 30 before (in
# another batch: matched within the import).
gen() {
	local w=${1#w} j=$2
	awk -v w="$w" -v j="$j" -v scale="$SCALE" 'BEGIN {
		start = (j * 277 + w * 101) % 1500 + 1
		len = int((150 + (j * j * 131 + w * 57) % 900) * scale)
		print "First name,Last name,Account Name,Domain,Email,Phone,Region"
		for (r = 0; r < len; r++) {
			i = (start + r - 1) % 2000 + 1
			if (r % 50 == 49) i = (start + r - 31) % 2000 + 1
			k = i % 40
			ln = i % 97 == 0 ? "" : "L" i
			printf "F%d,%s,Co %d,co%d.example,p%d@co%d.example," \
			    "+1 415 %03d %04d,R%d\n", i, ln, k, k, i, k, j, i, j
		}
	}' > "$3"
}

# drop_opts J: drop J's options as `intake import` words.
drop_opts() {
	case $(( $1 % 8 )) in
	1|5) echo --tag "T$(( $1 % 3 ))" --workflow Nurture ;;
	2|6) echo --on-existing update --tag Upd ;;
	3|7) echo --workflow Onboard --tag "T$(( $1 % 3 ))" ;;
	4) echo --on-existing update --dnt --tag Dnt --workflow Nurture ;;
	0) echo --on-existing update --tag Upd2 --workflow Onboard ;;
	esac
}

# web_opts J: the same as curl -F arguments for an upload.
web_opts() {
	set -- $(drop_opts "$1")
	while [ $# -gt 0 ]; do
		case $1 in
		--tag) echo "-F tags=$2"; shift ;;
		--workflow) echo "-F workflow=$2"; shift ;;
		--on-existing) echo "-F on_existing=$2"; shift ;;
		--dnt) echo "-F dnt=1" ;;
		esac
		shift
	done
}

# drop_src J: how drop J is queued: cli, web1 or web2.
drop_src() {
	case $(( $1 % 5 )) in
	0) echo web1 ;;
	3) echo web2 ;;
	*) echo cli ;;
	esac
}

# login BASE WS JAR: as ed@WS.test; the CSRF token into JAR.csrf
login() {
	curl -s -c "$3" -b "$3" -H 'Content-Type: application/json' \
	    -d "{\"email\":\"ed@$2.test\",\"password\":\"ed-pass-$2-1\"}" \
	    "$1/api/login" | jq -r .csrf_token > "$3.csrf"
}

# submit CONF BASE1 BASE2 WS J: queue drop J of WS (through the CLI with
# CONF, or uploaded to BASE1 or BASE2); prints its ID.
submit() {
	local conf=$1 ws=$4 j=$5 f=$RUN/files/$4-$5.csv base jar
	case $(drop_src "$j") in
	cli)
		# shellcheck disable=SC2046
		"$BINDIR/intake" -c "$conf" import --workspace "$ws" \
		    --as "ed@$ws.test" --no-wait $(drop_opts "$j") "$f"
		return ;;
	web1) base=$2 ;;
	web2) base=$3 ;;
	esac
	jar=$RUN/jar-${base##*:}-$ws
	[ -s "$jar.csrf" ] || login "$base" "$ws" "$jar"
	# shellcheck disable=SC2046
	curl -s -b "$jar" -H "X-CSRF-Token: $(cat "$jar.csrf")" \
	    -F "file=@$f" $(web_opts "$j") "$base/api/imports" | jq -r '.id // empty'
}

# setup CONF: the workspaces, their editors (with a password, for the
# web), two workflows each.
setup() {
	local ws
	for ws in $WS; do
		"$BINDIR/intake" -c "$1" workspace add "$ws" >/dev/null &&
		echo "ed-pass-$ws-1" | "$BINDIR/intake" -c "$1" user add \
		    --workspace "$ws" --email "ed@$ws.test" --role editor \
		    --password-stdin >/dev/null &&
		"$BINDIR/intake" -c "$1" workflow add --workspace "$ws" \
		    Nurture >/dev/null &&
		"$BINDIR/intake" -c "$1" workflow add --workspace "$ws" \
		    Onboard >/dev/null || return 1
	done
}

# dump WS: what the imports made in WS, without ids, public ids or times;
# imports named by their file, users' emails at the workspace read @WS.
dump() {
	local ws="(SELECT id FROM workspaces WHERE slug = '$1')"
	echo "== contacts"
	q "SELECT c.first_name, c.last_name, c.email, c.phone,
	    c.linkedin_url, a.domain, c.custom, c.dnt,
	    REPLACE(u.email, '@$1.test', '@WS'), ci.file_name, ui.file_name,
	    (SELECT GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR '|')
	        FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
	        WHERE ct.contact_id = c.id),
	    (SELECT GROUP_CONCAT(CONCAT(f.name, ':', e.state, ':',
	        IFNULL(ei.file_name, '-')) ORDER BY f.name SEPARATOR '|')
	        FROM workflow_enrolments e JOIN workflows f
	        ON f.id = e.workflow_id LEFT JOIN imports ei
	        ON ei.id = e.import_id WHERE e.contact_id = c.id)
	    FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
	    LEFT JOIN users u ON u.id = c.owner_id
	    LEFT JOIN imports ci ON ci.id = c.created_by_import
	    LEFT JOIN imports ui ON ui.id = c.updated_by_import
	    WHERE c.workspace_id = $ws
	    ORDER BY 3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13"
	echo "== accounts"
	q "SELECT domain, name FROM accounts WHERE workspace_id = $ws
	    ORDER BY domain, name"
	echo "== tags"
	q "SELECT name FROM tags WHERE workspace_id = $ws ORDER BY name"
	echo "== outcomes"
	q "SELECT i.file_name, r.row_no, r.severity, r.code, r.column_name,
	    r.match_key, c.email,
	    IF(r.contact IS NULL, r.message, REPLACE(r.message, r.contact, '#'))
	    FROM import_rows r JOIN imports i ON i.id = r.import_id
	    LEFT JOIN contacts c ON c.public_id = r.contact
	    WHERE i.workspace_id = $ws ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
	echo "== imports"
	q "SELECT file_name, state, flow, source, rows_total, rows_processed,
	    created, updated, skipped, failed, warnings, errors_total, tagged,
	    queued_to_workflow, dnt, message
	    FROM imports WHERE workspace_id = $ws ORDER BY file_name"
}

dump_all() {	# dump_all FILE
	local ws
	for ws in $WS; do echo "=== $ws"; dump "$ws"; done > "$1"
}

# The imports whose counts are not what the database holds: created
# (contacts it created), updated, skipped, failed, warnings (its outcome
# rows), and every row processed once. One line per import that differs.
counts_off() {
	q "SELECT i.file_name, i.created, i.updated, i.unchanged, i.skipped, i.failed,
	    i.warnings, i.rows_total, i.rows_processed,
	    (SELECT COUNT(*) FROM contacts c WHERE c.created_by_import = i.id)
	        AS c_created,
	    SUM(r.severity = 'updated') AS r_updated,
	    SUM(r.severity = 'unchanged') AS r_unchanged,
	    SUM(r.severity = 'skipped') AS r_skipped,
	    SUM(r.severity = 'failed') AS r_failed,
	    SUM(r.severity = 'warning') AS r_warnings
	    FROM imports i LEFT JOIN import_rows r ON r.import_id = i.id
	    GROUP BY i.id
	    HAVING i.created <> c_created
	        OR i.updated <> IFNULL(r_updated, 0)
	        OR i.unchanged <> IFNULL(r_unchanged, 0)
	        OR i.skipped <> IFNULL(r_skipped, 0)
	        OR i.failed <> IFNULL(r_failed, 0)
	        OR i.rows_processed <> i.rows_total
	        OR i.created + i.updated + i.unchanged + i.skipped + i.failed
	            <> i.rows_total
	    ORDER BY i.file_name"
}

# Per workspace: contacts, the imports' created sum, distinct people.
ws_counts() {
	q "SELECT w.slug, (SELECT COUNT(*) FROM contacts c
	        WHERE c.workspace_id = w.id),
	    (SELECT SUM(created) FROM imports i WHERE i.workspace_id = w.id),
	    (SELECT COUNT(DISTINCT c.email) FROM contacts c
	        WHERE c.workspace_id = w.id),
	    (SELECT COUNT(DISTINCT c.first_name, c.last_name) FROM contacts c
	        WHERE c.workspace_id = w.id)
	    FROM workspaces w ORDER BY w.slug"
}

spool_left() {	# the drops in incoming/ and active/ of spool $1
	ls -A "$1/incoming"; ls -A "$1/active"
}

# same_ids WHAT EXPECTED-FILE ACTUAL: the same IDs (one a line), the
# difference shown when not.
same_ids() {
	local d
	d=$(diff <(sort "$2") <(echo "$3" | grep . | sort) | grep '^[<>]')
	if [ -z "$d" ]; then ok "$1"
	else not_ok "$1" "missing (<) or extra (>): $(echo $d)"; fi
}

for ws in $WS; do
	for j in $(seq 1 $PER_WS); do gen "$ws" "$j" "$RUN/files/$ws-$j.csv"; done
done
echo "# $NDROPS files, $(cat "$RUN"/files/*.csv | grep -vc '^First name') rows"

# 1. The cluster.
t0=$EPOCHREALTIME
galera_up || exit 1
echo "# cluster up in $(since "$t0") s"
C1=$GALERA_TOP/node1/intake.conf
B1=$(galera_base 1) B2=$(galera_base 2)
on_node 1
check_eq "three nodes, Synced" "3 3 3" "$(for i in 1 2 3; do
    galera_status "$i" wsrep_cluster_size; done | xargs)"
setup "$C1" || exit 1

t0=$EPOCHREALTIME
# (waiting for these only: the cluster's mariadbd are children too)
pids=""
for ws in $WS; do
	(for j in $(seq 1 $PER_WS); do
		id=$(submit "$C1" "$B1" "$B2" "$ws" "$j")
		echo "$ws $j $(drop_src "$j") ${id:-none}"
	done > "$RUN/ids-$ws") &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
cat "$RUN"/ids-w* > "$RUN/ids"
echo "# $NDROPS drops queued in $(since "$t0") s"
check_eq "all $NDROPS drops queued" "$NDROPS" \
    "$(awk '$4 != "none"' "$RUN/ids" | wc -l)"
n=0
until [ "$(q "SELECT COUNT(*) FROM imports WHERE state IN ('done',
    'failed')")" -ge "$NDROPS" ] && [ -z "$(spool_left "$GALERA_TOP/spool")" ]
do
	n=$((n + 1)); [ $n -lt 2400 ] || break
	sleep 0.1
done
echo "# $NDROPS drops imported on the cluster in $(since "$t0") s"
sleep 1

SP=$GALERA_TOP/spool
LOGS="$GALERA_TOP/node1/watchd.log $GALERA_TOP/node2/watchd.log
    $GALERA_TOP/node3/watchd.log"
check_eq "every import done, none failed" "$NDROPS	$NDROPS	0" \
    "$(q "SELECT COUNT(*), SUM(state = 'done'), SUM(state = 'failed')
        FROM imports")"
check_eq "incoming/ and active/ are empty" "" "$(spool_left "$SP")"
check_eq "nothing in failed/" "" "$(ls "$SP/failed")"
awk '{ print $4 }' "$RUN/ids" > "$RUN/idlist"
same_ids "every drop in done/, once" "$RUN/idlist" "$(ls "$SP/done")"
# shellcheck disable=SC2086
check_eq "no drop given up" 0 "$(cat $LOGS | grep -c 'giving up')"
# shellcheck disable=SC2086
same_ids "each drop imported to the end once, by one watcher" \
    "$RUN/idlist" "$(cat $LOGS | grep ': done:' | cut -d: -f1)"
w=""
for i in 1 2 3; do
	w="$w $(grep -c ': done:' "$GALERA_TOP/node$i/watchd.log")"
done
check "every node's watcher imported some ($w )" \
    test -z "$(echo "$w" | grep -w 0)"
# shellcheck disable=SC2086
echo "# retries: $(cat $LOGS | grep -c 'importing (again)'), deadlocks" \
    "logged: $(cat $LOGS | grep -ci deadlock), temporary failures:" \
    "$(cat $LOGS | grep -c 'temporary failure')"
check_eq "imports of one workspace never overlap" 0 \
    "$(q "SELECT COUNT(*) FROM imports a JOIN imports b
        ON a.workspace_id = b.workspace_id AND a.id < b.id
        WHERE a.started_at < b.finished_at AND b.started_at < a.finished_at")"
check_eq "every import's counts are what the database holds" "" \
    "$(counts_off)"
ws_counts > "$RUN/ws-counts"
check_eq "per workspace, the imports created every contact there is" "" \
    "$(awk '$2 != $3' "$RUN/ws-counts")"
check_eq "no contact doubled (by email, by name)" "" \
    "$(awk '$2 != $4 || $2 != $5' "$RUN/ws-counts")"
check_eq "no lock is left held" 0 \
    "$(q "SELECT COUNT(*) FROM import_locks WHERE import_id IS NOT NULL")"
for i in 1 2 3; do
	on_node $i
	dump_all "$RUN/dump-node$i"
done
on_node 1
check "the dump holds the imports ($(grep -c . "$RUN/dump-node1") lines)" \
    [ "$(grep -c . "$RUN/dump-node1")" -gt 10000 ]
check "nodes 1 and 2 hold the same" cmp -s "$RUN/dump-node1" \
    "$RUN/dump-node2"
check "nodes 1 and 3 hold the same" cmp -s "$RUN/dump-node1" \
    "$RUN/dump-node3"
# The order each workspace's imports ran in (one at a time: by finish).
q "SELECT w.slug, i.file_name FROM imports i JOIN workspaces w
    ON w.id = i.workspace_id ORDER BY w.slug, i.finished_at, i.id" \
    > "$RUN/order"

# 2. The same drops on one server, each workspace's in that order, one
# at a time.
t0=$EPOCHREALTIME
stack_up || exit 1
on_single
setup "$RUN/intake.conf" || exit 1
pids=""
for ws in $WS; do
	(awk -v ws="$ws" '$1 == ws { print $2 }' "$RUN/order" |
	while read -r f; do
		j=${f%.csv}; j=${j#*-}
		id=$(submit "$RUN/intake.conf" "$BASE" "$BASE" "$ws" "$j")
		it_wait_file "$id" || echo "$ws $j: not finished" >&2
	done) &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
echo "# the same on one server in $(since "$t0") s"
check_eq "one server: every import done" "$NDROPS	$NDROPS" \
    "$(q "SELECT COUNT(*), SUM(state = 'done') FROM imports")"
check_eq "one server: every import's counts are what the database holds" \
    "" "$(counts_off)"
dump_all "$RUN/dump-single"
if cmp -s "$RUN/dump-single" "$RUN/dump-node1"; then
	ok "the cluster made what one server makes of the same drops"
else
	not_ok "the cluster made what one server makes of the same drops" \
	    "diff $RUN/dump-single $RUN/dump-node1: $(diff "$RUN/dump-single" \
	    "$RUN/dump-node1" | grep -c '^[<>]') lines differ, first:
$(diff "$RUN/dump-single" "$RUN/dump-node1" | head -12)"
fi
stack_down

# 3. A node killed in the middle of an import.
BIG=20000
awk -v n=$BIG 'BEGIN {
	print "First name,Last name,Account Name,Domain,Email"
	for (i = 1; i <= n; i++)
		printf "B%d,Big%d,Big %d,big%d.example,b%d@big%d.example\n",
		    i, i, i % 50, i % 50, i, i % 50
}' > "$RUN/big.csv"
on_node 1
big=$("$BINDIR/intake" -c "$C1" import --workspace w3 --as ed@w3.test \
    --no-wait --tag Big "$RUN/big.csv")
t0=$EPOCHREALTIME
victim="" n=0
while [ -z "$victim" ] && [ $n -lt 1200 ]; do
	read -r holder ck state <<< "$(q "SELECT IFNULL(l.holder, '-'),
	    i.checkpoint_row, i.state FROM imports i LEFT JOIN import_locks l
	    ON l.import_id = i.id WHERE i.id = '$big'")"
	case ${state:-} in done|failed) break ;; esac
	if [ "${ck:-0}" -ge 3000 ] && [ "${holder:--}" != - ]; then
		for i in 1 2 3; do
			[ "$(cat "$GALERA_TOP/node$i/watchd.pid")" = \
			    "${holder##*:}" ] && victim=$i
		done
	fi
	n=$((n + 1)); sleep 0.05
done
check "the import was caught in the middle (row ${ck:-?} of $BIG, ${state:-?})" \
    test -n "$victim"
[ -n "$victim" ] || exit 1
galera_kill "$victim"
echo "# node $victim killed at row $ck, $(since "$t0") s into the import"
alive=$(( victim % 3 + 1 ))
on_node $alive
# (the others see it gone after evs.suspect_timeout, 5 s)
cluster_of() { [ "$(galera_status "$1" wsrep_cluster_size)" = "$2" ]; }
stack_wait_for 30 cluster_of "$alive" 2
check_eq "the other two nodes go on as a cluster of 2" "2 2" \
    "$(for i in 1 2 3; do [ $i = "$victim" ] ||
        galera_status "$i" wsrep_cluster_size; done | xargs)"
n=0
until [ "$(q "SELECT state FROM imports WHERE id = '$big'")" = done ] &&
    [ -d "$SP/done/$big" ]; do
	n=$((n + 1)); [ $n -lt 1800 ] || break
	sleep 0.1
done
echo "# finished $(since "$t0") s after the kill"
check_eq "the import finished elsewhere, all its rows created" \
    "done	$BIG	$BIG	0	0" \
    "$(q "SELECT state, rows_total, created, skipped, failed FROM imports
        WHERE id = '$big'")"
check_eq "its $BIG people are there, each once" "$BIG	$BIG	$BIG" \
    "$(q "SELECT COUNT(*), COUNT(DISTINCT email),
        SUM(created_by_import = '$big') FROM contacts
        WHERE email LIKE 'b%@big%.example'")"
check_eq "each tagged once" "$BIG" \
    "$(q "SELECT COUNT(*) FROM contact_tags ct JOIN tags t
        ON t.id = ct.tag_id WHERE t.name = 'Big'")"
others=$(for i in 1 2 3; do [ $i = "$victim" ] ||
    echo "$GALERA_TOP/node$i/watchd.log"; done)
# shellcheck disable=SC2086
check_eq "a watcher on another node finished it, once" 1 \
    "$(cat $others | grep -c "$big: done:")"
check_eq "the killed one did not" 0 \
    "$(grep -c "$big: done:" "$GALERA_TOP/node$victim/watchd.log")"
# shellcheck disable=SC2086
check "resuming from the checkpoint" grep -q "$big: resuming after row" \
    $others
check_eq "the drop is in done/ only" "" "$(spool_left "$SP")"
check_eq "every import's counts are still what the database holds" "" \
    "$(counts_off)"
check_eq "no lock is left held" 0 \
    "$(q "SELECT COUNT(*) FROM import_locks WHERE import_id IS NOT NULL")"

# 4. The killed node comes back: IST from the others, the same data.
t0=$EPOCHREALTIME
dir=$GALERA_TOP/node$victim
l0=$(wc -l < "$dir/mariadb.log")
pos=$(galera_recover "$victim")
echo "# node $victim recovered position: ${pos:-none}"
galera_node_start "$victim" ${pos:+--wsrep-start-position=$pos} &&
    galera_wait_synced "$victim" 120
check "node $victim rejoined, Synced in a cluster of 3" galera_synced "$victim"
echo "# node $victim back in $(since "$t0") s"
tail -n +"$l0" "$dir/mariadb.log" > "$RUN/rejoin.log"
# IST from the seqno after the recovered one (from 1 is a full copy)
check "it asked for the writes it missed only (IST from ${pos##*:})" \
    grep -q "IST uuid:.* f: $(( ${pos##*:} + 1 )), " "$RUN/rejoin.log"
check "and caught up by IST" grep -q 'IST received' "$RUN/rejoin.log"
galera_node_intake "$victim" $([ "$victim" -le 2 ] && echo web)
check "its watcher runs again" stack_alive "$dir/watchd.pid"
on_node "$alive"
dump_all "$RUN/dump-alive"
on_node "$victim"
dump_all "$RUN/dump-back"
check "it holds what the others hold" cmp -s "$RUN/dump-alive" \
    "$RUN/dump-back"
it_done
