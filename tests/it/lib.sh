# Shared by the integration tests: a private stack in a temp dir, started
# per test and stopped (by pid) when the test ends, pass or fail; and small
# assertions that count what passed and failed.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
SRCDIR=$top_srcdir
BINDIR=$top_builddir
STACK_CACHE=$top_builddir/tests/.cache
RUN=$(mktemp -d "${TMPDIR:-/tmp}/intake-it.XXXXXX")
. "$SRCDIR/tests/stack.sh"
STACK_REPICK=1
PORT=$(stack_free_port)
BASE="http://127.0.0.1:$PORT"
JAR="$RUN/cookies"
IT_FAILED=0
IT_PASSED=0
IT_NAME=$(basename "$0" .sh)

it_cleanup() {
	local rc=$?
	stack_down
	if [ "$IT_FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
		echo "--- logs of $IT_NAME (kept in $RUN) ---"
		for f in "$RUN"/watchd.log "$RUN"/fcgi.log "$RUN"/nginx-error.log; do
			[ -f "$f" ] && { echo "== $f"; tail -30 "$f"; }
		done
	else
		rm -rf "$RUN"
	fi
}
trap it_cleanup EXIT
trap 'exit 1' INT TERM

ok() {
	IT_PASSED=$((IT_PASSED + 1))
	echo "ok - $1"
}

not_ok() {
	IT_FAILED=$((IT_FAILED + 1))
	echo "not ok - $1"
	[ $# -gt 1 ] && echo "#   $2"
	return 0
}

# check "what" [ test args ]
check() {
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what" "failed: $*"; fi
}

# check_eq "what" expected actual
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"
	else not_ok "$1" "expected [$2], got [$3]"; fi
}

it_done() {
	echo "# $IT_NAME: $IT_PASSED passed, $IT_FAILED failed"
	[ "$IT_FAILED" -eq 0 ] && [ "$IT_PASSED" -gt 0 ]
	exit $?
}

sql() {
	mariadb --no-defaults -uintake -p"$STACK_DBPASS" \
	    --default-character-set=utf8mb4 \
	    --socket="$RUN/mysql.sock" -N -B intake -e "$1"
}

# A workspace "acme" with an editor and a viewer.
it_workspace() {
	stack_intake workspace add acme --name "Acme Inc" >/dev/null &&
	echo 'editor-pass-1' | stack_intake user add --workspace acme \
	    --email ed@acme.test --role editor --password-stdin >/dev/null &&
	echo 'viewer-pass-1' | stack_intake user add --workspace acme \
	    --email vi@acme.test --role viewer --password-stdin >/dev/null
}

# Log in (cookie jar $JAR); sets CSRF.
it_login() {
	curl -s -c "$JAR" -b "$JAR" -H 'Content-Type: application/json' \
	    -d "{\"email\":\"$1\",\"password\":\"$2\"}" "$BASE/api/login" \
	    > "$RUN/login.json"
	CSRF=$(jq -r .csrf_token "$RUN/login.json")
}

# Upload a file: it_upload FILE [curl -F args...]; sets HTTP_CODE, BODY
# and ID (of the import, when accepted).
it_upload() {
	local f=$1; shift
	HTTP_CODE=$(curl -s -o "$RUN/upload.json" -w '%{http_code}' \
	    -b "$JAR" -H "X-CSRF-Token: ${CSRF:-}" -F "file=@$f" "$@" \
	    "$BASE/api/imports")
	BODY=$(cat "$RUN/upload.json")
	ID=$(jq -r '.id // empty' "$RUN/upload.json" 2>/dev/null)
}

# Wait until an import is done or failed; prints its status JSON.
it_wait() {
	local id=$1 n=600 state
	while [ $n -gt 0 ]; do
		curl -s -b "$JAR" "$BASE/api/imports/$id" > "$RUN/status.json"
		state=$(jq -r .state "$RUN/status.json" 2>/dev/null)
		case $state in done|failed) cat "$RUN/status.json"; return 0;; esac
		sleep 0.1; n=$((n - 1))
	done
	cat "$RUN/status.json"
	return 1
}

# A workspace SLUG with an editor ed@SLUG.test (the uploader) and a
# second user owner@SLUG.test.
it_ws() {
	stack_intake workspace add "$1" >/dev/null &&
	stack_intake user add --workspace "$1" --email "ed@$1.test" \
	    --role editor >/dev/null &&
	stack_intake user add --workspace "$1" --email "owner@$1.test" \
	    --role editor >/dev/null
}

# it_import SLUG FILE [intake import options]: import through the spool
# as ed@SLUG.test and wait; sets ID and ST (the final status JSON).
it_import() {
	local ws=$1 f=$2; shift 2
	ID=$(stack_intake import --workspace "$ws" --as "ed@$ws.test" \
	    --no-wait "$@" "$f")
	it_wait_file "$ID"
}

# Wait for import $1 by its status file (any workspace); sets ST.
it_wait_file() {
	local n=600 state
	while [ $n -gt 0 ]; do
		ST=$(cat "$RUN/spool/status/$1.json" 2>/dev/null)
		state=$(echo "$ST" | jq -r .state 2>/dev/null)
		case $state in done|failed) return 0;; esac
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

# it_gen N FILE PREFIX: N people of 7 companies, a create file
it_gen() {
	awk -v n="$1" -v p="$3" 'BEGIN {
		print "First name,Last name,Account Name,Domain,Email"
		for (i = 1; i <= n; i++)
			printf "F%d,%s%d,Co %d,co%d.example,%s%d@co%d.example\n",
			    i, p, i, i % 7, i % 7, p, i, i % 7
	}' > "$2"
}

# A field of ST: st .created
st() {
	echo "$ST" | jq -r "$1"
}

# The codes of ST's errors, one line: "row:code row:code"
st_codes() {
	echo "$ST" | jq -r '[.errors[] | "\(.row):\(.code)"] | join(" ")'
}
