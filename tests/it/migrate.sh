#!/bin/bash
# Migrations apply once, in order, and running them twice or at the same
# time is safe.
. "$(dirname "$0")/lib.sh"
stack_write_conf && stack_db_start || exit 1

for i in 1 2 3; do
	stack_intake db migrate > "$RUN/m$i.out" 2>&1 &
	eval "p$i=\$!"
done
rc=0
wait "$p1" || rc=1; wait "$p2" || rc=1; wait "$p3" || rc=1
check_eq "three concurrent runs all succeed" 0 "$rc"
check_eq "exactly one of them applied the migrations" 1 \
    "$(grep -L '^0 migrations applied' "$RUN"/m?.out | wc -l)"
check_eq "each migration recorded once" \
    "$(ls "$SRCDIR"/sql/*.sql | wc -l)" \
    "$(sql 'SELECT COUNT(*) FROM schema_migrations')"
check_eq "a second run applies nothing" "0 migrations applied" \
    "$(stack_intake db migrate)"
check_eq "the schema is there" 1 \
    "$(sql "SELECT COUNT(*) FROM information_schema.tables
        WHERE table_schema = 'intake' AND table_name = 'contacts'")"
check_eq "contacts are InnoDB utf8mb4" "InnoDB	utf8mb4_unicode_ci" \
    "$(sql "SELECT engine, table_collation FROM information_schema.tables
        WHERE table_schema = 'intake' AND table_name = 'contacts'")"
it_done
