#!/bin/bash
# SQL is never built from strings: tests/sqlcheck.pl finds none in src/
# (and, checked first, does find every kind it looks for in a bad
# example); and cells full of SQL metacharacters, uploaded through the
# web, are stored exactly as written, and found literally by a search.
. "$(dirname "$0")/lib.sh"

CHECK="perl $SRCDIR/tests/sqlcheck.pl"

# The checker against examples: every line marked BAD must be reported,
# and nothing else.
cat > "$RUN/bad.c" <<'EOF'
static const char *Q = "SELECT 1";
#define DYN "SELECT * FROM t WHERE a = " /* not a literal: */ NAME
void
f(MYSQL *db, struct buf *b, const char *email, char *q, char *buf)
{
	struct dbstmt *s;
	char *sql;

	xasprintf(&sql, "SELECT id FROM contacts WHERE email = '%s'", /* BAD */
	    email);
	s = db_prepare(db, sql); /* BAD */
	snprintf(buf, 256, "DELETE FROM tags WHERE name = '%s'", q); /* BAD */
	mysql_query(db, buf); /* BAD */
	mysql_real_query(db, "SELECT 1", 8); /* BAD */
	strcat(q, " WHERE id = "); /* BAD */
	buf_add(b, "UPDATE contacts SET email = ", 28); /* BAD */
	db_run(db, q, 0, NULL); /* BAD */
	s = db_prepare(db, /* BAD */
	    Q);
	s = db_prepare(db, strcat(q, "'")); /* BAD */
	s = db_prepare(db, "SELECT a FROM t WHERE b = '" DYN "'"); /* BAD */
	s = db_prepare(db, email ? q : "SELECT 1"); /* BAD */
	sprintf(buf, "INSERT INTO t VALUES (%d)", 1); /* BAD */
}
EOF
cat > "$RUN/good.c" <<'EOF'
#define WHERE_WS \
	"workspace_id = ? " \
	"AND name = ?"
/* sprintf(q, "SELECT %s", x); db_prepare(db, q); in a comment */
int
g(MYSQL *db, const char *name, char *buf, int lock)
{
	struct dbstmt *s;
	const char *arg[1] = { name };

	s = db_prepare(db, "SELECT id FROM tags WHERE " WHERE_WS
	    " ORDER BY id /* not a comment */");
	s = db_prepare(db, lock ? "SELECT 1 FOR UPDATE" : "SELECT 1");
	db_run(db, "DELETE FROM tags WHERE name = ?", 1, arg);
	snprintf(buf, 64, "Update with CSV: %s", name);
	log_warnx("prepare: %s: %s", "x", "SELECT");
	return (0);
}
EOF
got=$($CHECK "$RUN/bad.c" | cut -d: -f2 | sort -n | tr '\n' ' ')
want=$(grep -n 'BAD' "$RUN/bad.c" | cut -d: -f1 | sort -n | tr '\n' ' ')
check_eq "the check finds every string-built SQL of the bad example" \
    "$want" "$got"
$CHECK "$RUN/bad.c" >/dev/null
check_eq "and then fails" 1 $?
out=$($CHECK "$RUN/good.c")
check_eq "the check passes prepared statements with literal SQL" "0 []" \
    "$? [$out]"

out=$($CHECK "$SRCDIR"/src/*/*.c "$SRCDIR"/src/*/*.h)
check_eq "no SQL built from strings in src/" "0 []" "$? [$out]"

# Cells full of SQL metacharacters, through the web upload.
stack_up || exit 1
it_workspace || exit 1
it_login ed@acme.test editor-pass-1

F1="'; DROP TABLE contacts; --"
L1='Robert"); DELETE FROM users WHERE 1=1; --'
A1='100% _under_ \back\slash'
N1="\`tick\` \\0 \\' \\\" %s %d ' OR '1'='1 \\x00 \\n"
F2='\'
L2='%'
A2='_'
F3='"'
L3='``'
A3="\\'; SELECT SLEEP(5); -- \`users\`"
H='Note "q" `x` \'
csvq() { printf '"%s"' "${1//\"/\"\"}"; }
{
	printf 'First name,Last name,Account Name,Domain,Email,%s\n' "$(csvq "$H")"
	printf '%s,%s,%s,meta1.example,o'"'"'brien@meta1.example,%s\n' \
	    "$(csvq "$F1")" "$(csvq "$L1")" "$(csvq "$A1")" "$(csvq "$N1")"
	printf '%s,%s,%s,meta2.example,,\n' "$(csvq "$F2")" "$(csvq "$L2")" \
	    "$(csvq "$A2")"
	printf '%s,%s,%s,meta3.example,,\n' "$(csvq "$F3")" "$(csvq "$L3")" \
	    "$(csvq "$A3")"
} > "$RUN/meta.csv"
users_before=$(sql "SELECT COUNT(*) FROM users")
it_upload "$RUN/meta.csv"
check_eq "the upload is accepted" 202 "$HTTP_CODE"
ST=$(it_wait "$ID")
check_eq "three contacts created" "done 3 0" \
    "$(st '"\(.state) \(.created) \(.skipped)"')"

hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F; }
# The stored value, as hex (no client escaping in the way).
stored() {	# stored DOMAIN EXPR
	sql "SELECT HEX($2) FROM contacts c JOIN accounts a
	    ON a.id = c.account_id WHERE a.domain = '$1'"
}
for t in "meta1.example c.first_name F1" "meta1.example c.last_name L1" \
    "meta1.example a.name A1" "meta2.example c.first_name F2" \
    "meta2.example c.last_name L2" "meta2.example a.name A2" \
    "meta3.example c.first_name F3" "meta3.example c.last_name L3" \
    "meta3.example a.name A3"; do
	set -- $t
	check_eq "stored literally: ${!3}" "$(hex "${!3}")" "$(stored "$1" "$2")"
done
check_eq "stored literally: the email with a quote" \
    "$(hex "o'brien@meta1.example")" "$(stored meta1.example c.email)"
check_eq "stored literally: custom data, key and value" \
    "$(jq -cn --arg k "$H" --arg v "$N1" '{($k): $v}')" \
    "$(sql "SELECT HEX(custom) FROM contacts c JOIN accounts a
    ON a.id = c.account_id WHERE a.domain = 'meta1.example'" |
    perl -pe 's/([0-9A-F]{2})/chr hex $1/ge' |
    jq -c .)"
check_eq "no table was dropped, no user deleted" "$users_before 3" \
    "$(sql "SELECT COUNT(*) FROM users") $(sql "SELECT COUNT(*) FROM contacts")"

# A search is a LIKE with the text escaped: %, _ and \ match themselves.
search() {
	curl -s -b "$JAR" -G --data-urlencode "q=$1" "$BASE/api/contacts" |
	    jq -r '[.contacts[].first_name] | sort | join("|")'
}
check_eq "search for %: only the contacts with a %" "$F1|$F2" "$(search '%')"
check_eq "search for _: only the contacts with a _" "$F1|$F2" "$(search '_')"
check_eq "search for \\: only the contacts with a \\" "$F3|$F1|$F2" \
    "$(search '\')"
check_eq "search for a quote and SQL: the contact" "$F1" \
    "$(search "'; DROP TABLE")"
check_eq "search for ' OR '1'='1: nothing" "" "$(search "' OR '1'='1")"
check_eq "a tag filter with SQL in it: nothing" 0 \
    "$(curl -s -b "$JAR" -G --data-urlencode "tag=x' OR '1'='1" \
    "$BASE/api/contacts" | jq .total)"
it_done
