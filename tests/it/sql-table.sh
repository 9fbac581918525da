#!/bin/bash
# SQL made from the column table (lib.h's COLUMNS_TABLE) is literal SQL:
# tests/sqlcheck.pl expands the table with cpp and passes it only when
# what comes out is string literals. A row or a row macro that brings in
# a name (a variable, a call) is reported, as any other function-like
# macro is, and the statements src/ makes from the table pass.
. "$(dirname "$0")/lib.sh"

CHECK="perl $SRCDIR/tests/sqlcheck.pl"
mkdir -p "$RUN/src/x"

# The table as it is, and with a row that names a variable.
cp "$SRCDIR/src/lib/lib.h" "$RUN/src/x/lib.h"
cat > "$RUN/src/x/t.c" <<'EOF'
#define T_GOOD(name, header, sql, read, write, type, cmp, out)	sql ", "
#define T_VAR(name, header, sql, read, write, type, cmp, out)	sql ", " q
#define T_CALL(name, header, sql, read, write, type, cmp, out)	f(sql)
#define Q(x)	"SELECT " x
#define GOOD	"SELECT " COLUMNS_TABLE(T_GOOD) "1 FROM contacts"
#define VAR	"SELECT " COLUMNS_TABLE(T_VAR) "1 FROM contacts"
void
g(MYSQL *db, const char *q)
{
	s = db_prepare(db, GOOD);
	s = db_prepare(db, "SELECT " COLUMNS_TABLE(T_GOOD) "1");
	s = db_prepare(db, VAR); /* BAD */
	s = db_prepare(db, "SELECT " COLUMNS_TABLE(T_CALL) "1"); /* BAD */
	s = db_prepare(db, "SELECT " COLUMNS_TABLE(T_UNDEFINED) "1"); /* BAD */
	s = db_prepare(db, Q("1")); /* BAD */
	s = db_prepare(db, "SELECT " COLUMNS_TABLE(T_GOOD) q); /* BAD */
}
EOF
got=$(cd "$RUN" && $CHECK src/x/t.c | cut -d: -f2 | sort -n | tr '\n' ' ')
want=$(grep -n 'BAD' "$RUN/src/x/t.c" | cut -d: -f1 | sort -n | tr '\n' ' ')
check_eq "table expansions that bring in a name are reported, and only they" \
    "$want" "$got"

sed -i 's/X(LAST, "Last name", "last_name"/X(LAST, "Last name", last_name_var/' \
    "$RUN/src/x/lib.h"
got=$(cd "$RUN" && $CHECK src/x/t.c | cut -d: -f2 | sort -n | tr '\n' ' ')
check_eq "a table row that names a variable makes every expansion of it fail" \
    "10 11 $want" "$got"

out=$($CHECK "$SRCDIR"/src/*/*.c "$SRCDIR"/src/*/*.h)
check_eq "src/'s statements made from the table are literal SQL" "0 []" \
    "$? [$out]"
n=$(grep -l 'COLUMNS_TABLE(' "$SRCDIR"/src/*/*.c | wc -l)
check "the table makes statements in export.c, contact.c and snap.c" \
    test "$n" -ge 3
it_done
