#!/bin/bash
# 500 drops queued while no watcher runs (250 with `intake import`, 125
# uploaded over the web, 125 put in the workspace's drop folder), then one
# watcher started: every one is imported, and each exactly once.
STACK_CONF_EXTRA="drop_settle = 1"
. "$(dirname "$0")/lib.sh"
since() {	# seconds since $1 (an EPOCHREALTIME)
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}
stack_up || exit 1
it_ws m || exit 1
echo 'web-pass-1234' | stack_intake user add --workspace m \
    --email web@m.test --role editor --password-stdin >/dev/null || exit 1
it_login web@m.test web-pass-1234
DROP=$RUN/spool/drop/m
mkdir -p "$DROP" "$RUN/files"
stack_stop_one "$RUN/watchd.pid"

# Two people per file, named after it: SRC-N-a and SRC-N-b.
gen() {	# gen SRC N
	printf '%s\n' "First name,Last name,Account Name,Domain,Email" \
	    "F,$1-$2-a,Co $1,$1.example,$1-$2-a@$1.example" \
	    "F,$1-$2-b,Co $1,$1.example,$1-$2-b@$1.example" \
	    > "$RUN/files/$1-$2.csv"
}
for i in $(seq 1 250); do gen cli "$i"; done
for i in $(seq 1 125); do gen web "$i"; gen sftp "$i"; done

t0=$EPOCHREALTIME
# Four writers at a time, as several clients would.
seq 1 250 | xargs -P 4 -I @@ "$BINDIR/intake" -c "$RUN/intake.conf" import \
    --workspace m --as ed@m.test --no-wait "$RUN/files/cli-@@.csv" \
    > "$RUN/cli-ids" 2>"$RUN/cli-errors"
seq 1 125 | xargs -P 4 -I @@ curl -s -o /dev/null -w '%{http_code}\n' \
    -b "$JAR" -H "X-CSRF-Token: $CSRF" -F "file=@$RUN/files/web-@@.csv" \
    "$BASE/api/imports" > "$RUN/web-codes"
# Into the drop folder by rename, as a finished upload lands.
for i in $(seq 1 125); do mv "$RUN/files/sftp-$i.csv" "$DROP/f$i.csv"; done
echo "# 500 drops queued in $(since "$t0") s"
check_eq "250 queued with intake import" 250 "$(grep -c . "$RUN/cli-ids")"
check_eq "125 accepted over the web" 125 "$(grep -c '^202$' "$RUN/web-codes")"
check_eq "375 drops wait in incoming/" 375 "$(ls "$RUN/spool/incoming" | wc -l)"
check_eq "125 files wait in the drop folder" 125 "$(ls "$DROP" | wc -l)"

t0=$EPOCHREALTIME
stack_watchd_start
n=0
while [ "$(sql "SELECT COUNT(*) FROM imports WHERE state IN ('done',
    'failed')")" -lt 500 ]; do
	n=$((n + 1)); [ $n -lt 1200 ] || break
	sleep 0.1
done
sleep 1.5	# a second import of anything would show by now
echo "# 500 drops imported in $(since "$t0") s"

check_eq "500 imports, all done" "500	500" \
    "$(sql "SELECT COUNT(*), SUM(state = 'done') FROM imports")"
check_eq "by source" "cli 250 sftp 125 web 125" \
    "$(sql "SELECT source, COUNT(*) FROM imports GROUP BY source
        ORDER BY source" | xargs)"
check_eq "each file's two people, once each" "1000	1000" \
    "$(sql "SELECT COUNT(*), COUNT(DISTINCT email) FROM contacts")"
check_eq "every import created its two and nothing else" "500	2	2	0" \
    "$(sql "SELECT COUNT(*), MIN(created), MAX(created), MAX(skipped)
        FROM imports")"
check_eq "no row was found to exist already (no file came twice)" 0 \
    "$(sql "SELECT COUNT(*) FROM import_rows")"
check_eq "every drop is in done/" 500 "$(ls "$RUN/spool/done" | wc -l)"
check_eq "incoming/, active/ and the drop folder are empty" "" \
    "$(ls "$RUN/spool/incoming" "$RUN/spool/active" "$DROP" | grep -v ':$' |
        grep .)"
check_eq "each of the 500 status files says done" 500 \
    "$(cat "$RUN"/spool/status/*.json | jq -r .state | grep -c '^done$')"
it_done
