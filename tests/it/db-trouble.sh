#!/bin/bash
# Healthy drops are not given up for trouble that is not theirs: a fast
# kill loop of the watcher (11 kills in a few seconds, max_attempts is 10)
# does not give a big import up: it ends done with every row. Giving up
# needs max_attempts tries without progress over stall_timeout seconds.
STACK_BATCH=100
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_ws acme || exit 1

state() { sql "SELECT state FROM imports WHERE id = '$1'"; }
wait_state() {	# wait_state ID SECONDS: until done or failed
	local n=$(( $2 * 10 ))
	until case $(state "$1") in done|failed) true;; *) false;; esac ||
	    [ $n -le 0 ]; do sleep 0.1; n=$((n - 1)); done
}

# A fast kill loop: 11 kill -9 and restarts of the watcher in a few
# seconds, during a 20k-row import.
it_gen 20000 "$RUN/big.csv" big
ID=$(stack_intake import --workspace acme --as ed@acme.test --no-wait "$RUN/big.csv")
n=0
until [ -f "$RUN/spool/status/$ID.json" ] &&
    [ "$(jq -r .state "$RUN/spool/status/$ID.json")" = running ] || [ $n -ge 100 ]; do
	sleep 0.1; n=$((n + 1))
done
for k in $(seq 1 11); do
	sleep 0.5
	kill -9 "$(cat "$RUN/watchd.pid")" 2>/dev/null
	stack_watchd_start
done
wait_state "$ID" 120
check_eq "a kill loop does not give a healthy import up" "done 20000" \
    "$(sql "SELECT state, created FROM imports WHERE id = '$ID'" | tr '\t' ' ')"
check_eq "no contact doubled" 20000 \
    "$(sql "SELECT COUNT(DISTINCT email) FROM contacts WHERE email LIKE 'big%'")"

it_done
