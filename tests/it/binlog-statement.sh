#!/bin/bash
# A server that logs statements (binlog_format=STATEMENT) refuses the
# array-bound writes an import is made of ("Only row based replication
# supported for bulk operations"), and writes at READ COMMITTED (the
# linker's). The import fails at once, saying why, instead of being
# retried batch after batch; nothing is written.
. "$(dirname "$0")/lib.sh"
STACK_MYSQLD_EXTRA="--log-bin=$RUN/binlog --binlog-format=STATEMENT
    --server-id=1 --log-bin-trust-function-creators=1"
stack_up || exit 1
check_eq "the server logs statements" "1 STATEMENT" \
    "$(sql "SELECT @@log_bin, @@binlog_format" | tr '\t' ' ')"
it_ws stmt
{ echo "First name,Last name,Account Name,Domain,Email"
  for i in $(seq 1 5); do echo "S$i,Stmt,S,s.example,s$i@s.example"; done
} > "$RUN/stmt.csv"
it_import stmt "$RUN/stmt.csv" --tag S1
check_eq "the import failed" failed "$(st .state)"
check_eq "saying why" "The database server logs statements \
(binlog_format=STATEMENT); imports need MIXED (its default) or ROW" \
    "$(st .message)"
check_eq "nothing was written, and it was not retried" "0 0" \
    "$(sql "SELECT COUNT(*) FROM contacts") $(grep -c \
    "$ID: temporary failure" "$RUN/watchd.log")"
it_done
