#!/bin/bash
# A watcher that dies never loses or doubles an import: a drop it left in
# active/ is picked up after a restart, and an import killed half-way
# resumes after its last committed batch.
STACK_BATCH=50
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
it_login ed@acme.test editor-pass-1

gen() {	# gen N FILE PREFIX: N different people
	awk -v n="$1" -v p="$3" 'BEGIN {
		print "First name,Last name,Account Name,Domain,Email"
		for (i = 1; i <= n; i++)
			printf "F%d,%s%d,Co %d,co%d.example,%s%d@co%d.example\n",
			    i, p, i, i % 97, i % 97, p, i, i % 97
	}' > "$2"
}

# A drop left in active/, as if the watcher died right after claiming it.
stack_stop_one "$RUN/watchd.pid"
gen 120 "$RUN/small.csv" small
id=$(stack_intake import --workspace acme --as ed@acme.test --no-wait \
    "$RUN/small.csv")
mv "$RUN/spool/incoming/$id" "$RUN/spool/active/$id"
stack_watchd_start
st=$(it_wait "$id")
check_eq "the stranded drop was imported after the restart" done \
    "$(echo "$st" | jq -r .state)"
check_eq "all of its rows" 120 "$(echo "$st" | jq -r .created)"
check "it moved to done/" test -d "$RUN/spool/done/$id"

# Killed in the middle of a file.
gen 30000 "$RUN/big.csv" big
it_upload "$RUN/big.csv"
big=$ID
n=0
while :; do
	p=$(curl -s -b "$JAR" "$BASE/api/imports/$big" | jq -r .rows_processed)
	[ "${p:-0}" -ge 500 ] && break
	n=$((n + 1)); [ $n -lt 600 ] || break
	sleep 0.05
done
kill -KILL "$(cat "$RUN/watchd.pid")"
sleep 0.2
ck=$(sql "SELECT checkpoint_row FROM imports WHERE id = '$big'")
check "killed half-way (checkpoint $ck of 30001)" \
    [ "$ck" -gt 1 -a "$ck" -lt 30001 ]
check "the drop is still in active/" test -d "$RUN/spool/active/$big"
check_eq "no half batch was committed (rows = checkpoint - header)" \
    "$((ck - 1))" "$(sql "SELECT COUNT(*) FROM contacts
        WHERE created_by_import = '$big'")"

rm -f "$RUN/watchd.pid"
stack_watchd_start
st=$(it_wait "$big")
check_eq "resumed import finished" done "$(echo "$st" | jq -r .state)"
check_eq "status counts every row once" 30000 "$(echo "$st" | jq -r .created)"
check_eq "rows_total" 30000 "$(echo "$st" | jq -r .rows_total)"
check_eq "each row imported exactly once" "30000	30000" \
    "$(sql "SELECT COUNT(*), COUNT(DISTINCT email) FROM contacts
        WHERE created_by_import = '$big'")"
grep -q "$big: resuming after row" "$RUN/watchd.log" &&
    ok "the watcher said it resumed" || not_ok "the watcher said it resumed"
it_done
