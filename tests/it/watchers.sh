#!/bin/bash
# Two watchers on one spool and one database: 200 drops across three
# workspaces are each imported exactly once, imports of one workspace never
# overlap in time, and poison drops (a manifest that cannot be read, an
# unknown workspace, a file that does not match its checksum) end in
# failed/ with a reason while the good ones keep flowing.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
trap 'stack_stop_one "$RUN/watchd2.pid"; it_cleanup' EXIT
for ws in red green blue; do it_ws $ws || exit 1; done
stack_stop_one "$RUN/watchd.pid"


set -- red green blue
for i in $(seq 1 200); do
	ws=$(eval echo "\${$(( i % 3 + 1 ))}")
	it_gen 20 "$RUN/f.csv" "p$i-"
	stack_intake import --workspace "$ws" --as "ed@$ws.test" --no-wait \
	    "$RUN/f.csv" >> "$RUN/ids" || exit 1
done

# Poison, made from good drops before any watcher sees them.
poison() {
	it_gen 5 "$RUN/p.csv" "poison$1-"
	stack_intake import --workspace red --as ed@red.test --no-wait \
	    "$RUN/p.csv"
}
bad_manifest=$(poison 1)
echo '{ not json' > "$RUN/spool/incoming/$bad_manifest/manifest.json"
bad_ws=$(poison 2)
jq '.workspace = "nowhere"' "$RUN/spool/incoming/$bad_ws/manifest.json" \
    > "$RUN/m.json" && cat "$RUN/m.json" > \
    "$RUN/spool/incoming/$bad_ws/manifest.json"
bad_sum=$(poison 3)
echo 'F9,Extra,Co 1,co1.example,x@co1.example' \
    >> "$RUN/spool/incoming/$bad_sum/data.csv"

t0=$(date +%s)
stack_watchd_start
setsid "$BINDIR/intake-watchd" -f -c "$RUN/intake.conf" \
    >>"$RUN/watchd2.log" 2>&1 < /dev/null &
echo $! > "$RUN/watchd2.pid"
n=0
# (drops only: ls of two folders also prints their names, which hold "-")
while [ "$(find "$RUN/spool/incoming" "$RUN/spool/active" -mindepth 1 \
    -maxdepth 1 | wc -l)" -gt 0 ]; do
	n=$((n + 1)); [ $n -lt 600 ] || break
	sleep 0.1
done
echo "# 203 drops by two watchers in $(( $(date +%s) - t0 )) s"

check_eq "all 200 good drops are done" 200 \
    "$(sql "SELECT COUNT(*) FROM imports WHERE state = 'done'")"
check_eq "each once: 20 contacts each, none doubled" "4000	4000" \
    "$(sql "SELECT COUNT(*), COUNT(DISTINCT workspace_id, email)
        FROM contacts")"
check_eq "every drop in done/" 200 "$(ls "$RUN/spool/done" | wc -l)"
w1=$(grep -c ': done:' "$RUN/watchd.log")
w2=$(grep -c ': done:' "$RUN/watchd2.log")
check_eq "split between the two watchers ($w1 + $w2)" 200 $((w1 + w2))
check "both did some" [ "$w1" -gt 0 -a "$w2" -gt 0 ]
check_eq "no drop imported by both" "" \
    "$(sort "$RUN/watchd.log" "$RUN/watchd2.log" | grep ': done:' |
        cut -d: -f1 | uniq -d)"
check_eq "imports of one workspace never overlap" 0 \
    "$(sql "SELECT COUNT(*) FROM imports a JOIN imports b
        ON a.workspace_id = b.workspace_id AND a.id < b.id
        WHERE a.started_at < b.finished_at AND b.started_at < a.finished_at")"

for id in $bad_manifest $bad_ws $bad_sum; do
	check "poison $id is in failed/" test -d "$RUN/spool/failed/$id"
done
msg() { jq -r .message "$RUN/spool/status/$1.json"; }
check "an unreadable manifest says so" \
    grep -q manifest <<< "$(msg "$bad_manifest")"
check_eq "an unknown workspace says so" "The workspace does not exist" \
    "$(msg "$bad_ws")"
check "a file changed after it was received says so" \
    grep -q "checksum" <<< "$(msg "$bad_sum")"
check_eq "both watchers still run" "yes yes" \
    "$(stack_alive "$RUN/watchd.pid" && echo yes) $(stack_alive \
        "$RUN/watchd2.pid" && echo yes)"
check_eq "no lock is left held" 0 \
    "$(sql "SELECT COUNT(*) FROM import_locks WHERE import_id IS NOT NULL")"

# SIGTERM: exit 0 after the batch.
kill -TERM "$(cat "$RUN/watchd2.pid")"
pid=$(cat "$RUN/watchd2.pid")
n=0; while stack_pid_alive "$pid" && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
check "SIGTERM stops a watcher" test -z "$(stack_pid_alive "$pid" && echo alive)"
it_done
