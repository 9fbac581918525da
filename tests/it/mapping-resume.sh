#!/bin/bash
# An import given no mapping maps its columns as they were suggested (or
# remembered) when it first started, also after it is stopped and resumed:
# a mapping remembered for the same headers meanwhile (another user's
# import) does not change how the rest of its rows are read.
STACK_BATCH=100
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_ws acme || exit 1

awk 'BEGIN { print "First name,Last name,Account Name,Domain,Email,Note"
	for (i = 1; i <= 20000; i++)
		printf "F%d,Pin%d,Co %d,co%d.example,p%d@co%d.example,n%d\n",
		    i, i, i % 7, i % 7, i, i % 7, i }' > "$RUN/pin.csv"
ID=$(stack_intake import --workspace acme --as ed@acme.test --no-wait \
    "$RUN/pin.csv")
n=600
while [ $n -gt 0 ]; do
	p=$(jq -r '.rows_processed // 0' "$RUN/spool/status/$ID.json" 2>/dev/null)
	[ "${p:-0}" -ge 1000 ] && break
	sleep 0.05; n=$((n - 1))
done
stack_stop_one "$RUN/watchd.pid"	# stops after the batch it writes
ST=$(cat "$RUN/spool/status/$ID.json")
check "stopped mid-way ($(st .rows_processed) of 20000)" \
    [ "$(st .state)" = running ] && [ "$(st .rows_processed)" -lt 20000 ]

# Meanwhile the workspace remembers another mapping of these headers:
# Email ignored (as a user's choice would have saved it).
sql "INSERT INTO mappings (workspace_id, headers_sha, headers, mapping)
    SELECT w.id, '$(printf 'first name\nlast name\naccount name\ndomain\nemail\nnote\n' |
    sha256sum | cut -d' ' -f1)', '[]',
    '{\"#1\":\"First name\",\"#2\":\"Last name\",\"#3\":\"Account Name\",\"#4\":\"Domain\",\"#5\":\"ignore\",\"#6\":\"custom:Note\"}'
    FROM workspaces w WHERE w.slug = 'acme'"
check_eq "a mapping is remembered for its headers meanwhile" 1 \
    "$(sql "SELECT COUNT(*) FROM mappings")"
# (it is the one a new file of these headers gets)
printf 'First name,Last name,Account Name,Domain,Email,Note\nA,New,Co,co.example,a@co.example,x\n' \
    > "$RUN/new.csv"
check "a new file of these headers gets it" grep -q 'Email.*-> ignore' \
    <<< "$(stack_intake preview --workspace acme "$RUN/new.csv")"

stack_watchd_start
it_wait_file "$ID"
check_eq "the resumed import finished" "done 20000" \
    "$(st '"\(.state) \(.created)"')"
check_eq "every one of its contacts has its email: mapped as it began" 20000 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE last_name LIKE 'Pin%'
    AND email IS NOT NULL")"
check_eq "and its status says Email is Email" "Email header alias" \
    "$(st '.columns[] | select(.header == "Email") | "\(.as) \(.why)"')"
it_done
