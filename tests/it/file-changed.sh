#!/bin/bash
# The file cannot change under its import: the watcher makes the claimed
# data.csv read-only, and a file cut short or rewritten in place while it
# is imported (by root, or by anyone the mode does not stop) fails the
# import with a reason instead of ending "done" with the rows it happened
# to read; rows_total is never rewritten to fit.
STACK_BATCH=20
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_ws acme || exit 1

gen() {	# gen N FILE PREFIX
	awk -v n="$1" -v p="$3" 'BEGIN {
		print "First name,Last name,Account Name,Domain,Email"
		for (i = 1; i <= n; i++)
			printf "F%06d,%s%06d,Co %02d,co%02d.example,%s%06d@co%02d.example\n",
			    i, p, i, i % 50, i % 50, p, i, i % 50
	}' > "$2"
}

# start FILE: queue it, wait until it is being written; sets ID
start() {
	local n=0
	ID=$(stack_intake import --workspace acme --as ed@acme.test --no-wait "$1")
	until [ "$(jq -r '.rows_processed // 0' "$RUN/spool/status/$ID.json" 2>/dev/null)" -gt 200 ] ||
	    [ $n -ge 300 ]; do
		sleep 0.02; n=$((n + 1))
	done
}

gen 20000 "$RUN/cut.csv" cut
start "$RUN/cut.csv"
D=$RUN/spool/active/$ID
check_eq "the claimed file is read-only" 440 "$(stat -c %a "$D/data.csv")"
truncate -s 400000 "$D/data.csv"
it_wait_file "$ID"
check_eq "a file cut short under its import fails" failed "$(st .state)"
check "and says the file changed" grep -q "changed while it was being imported" <<<"$(st .message)"
check_eq "rows_total still counts the file as received" 20000 "$(st .rows_total)"
check_eq "the database row agrees" "failed	20000" \
    "$(sql "SELECT state, rows_total FROM imports WHERE id = '$ID'")"

gen 20000 "$RUN/edit.csv" edit
start "$RUN/edit.csv"
D=$RUN/spool/active/$ID
# The same size, other values, far past what was read so far.
printf 'X' | dd of="$D/data.csv" bs=1 seek=1500000 conv=notrunc status=none
it_wait_file "$ID"
check_eq "a file rewritten in place (same size) fails too" failed "$(st .state)"
check "with the same reason" grep -q "changed while it was being imported" <<<"$(st .message)"

gen 300 "$RUN/calm.csv" calm
it_import acme "$RUN/calm.csv"
check_eq "a file left alone is imported" "done 300" "$(st .state) $(st .created)"

it_done
