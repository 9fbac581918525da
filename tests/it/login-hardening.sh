#!/bin/bash
# Logging in can be neither forced, timed nor blocked from elsewhere: a
# login is JSON from intake's own origin (login CSRF, also in a real
# browser: tests/browser/login-csrf.test.mjs), an unknown email takes as
# long as a wrong password, failures from one address never stop a right
# password from another, and the watcher's housekeeping deletes expired
# sessions and old failed-login rows.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
# A user without a password (SSO only): no hash to check either.
stack_intake user add --workspace acme --email sso@acme.test \
    --role viewer >/dev/null

GOOD='{"email":"ed@acme.test","password":"editor-pass-1"}'
JSON='Content-Type: application/json'
# login [curl args]: the status; the body in r.json, the headers in r.hdr
login() {
	curl -s -o "$RUN/r.json" -D "$RUN/r.hdr" -w '%{http_code}' "$@" \
	    "$BASE/api/login"
}
sessions() { sql "SELECT COUNT(*) FROM sessions"; }
no_cookie() { ! grep -qi '^Set-Cookie' "$RUN/r.hdr"; }

# --- Login CSRF: JSON only, and only from our own origin.
check_eq "a form-encoded login: 415" 415 \
    "$(login -d 'email=ed@acme.test&password=editor-pass-1')"
check_eq "and it says to send JSON" "json_only A login must be sent as JSON (Content-Type: application/json)" \
    "$(jq -r '"\(.error) \(.message)"' "$RUN/r.json")"
check_eq "text/plain shaped like JSON: 415" 415 \
    "$(login -H 'Content-Type: text/plain' -d "$GOOD")"
check_eq "multipart: 415" 415 \
    "$(login -F email=ed@acme.test -F password=editor-pass-1)"
check_eq "no Content-Type: 415" 415 "$(login -H 'Content-Type:' -d "$GOOD")"
check_eq "application/jsonx: 415" 415 \
    "$(login -H 'Content-Type: application/jsonx' -d "$GOOD")"
check "and none of them set a cookie" no_cookie
check_eq "an Origin of another site: 403" 403 \
    "$(login -H "$JSON" -H 'Origin: http://evil.test' -d "$GOOD")"
check_eq "and it says why" "cross_site" "$(jq -r .error "$RUN/r.json")"
check "and sets no cookie" no_cookie
check_eq "the same host on another port: 403" 403 \
    "$(login -H "$JSON" -H "Origin: http://127.0.0.1:$((PORT + 1))" \
    -d "$GOOD")"
check_eq "the same host over https: 403" 403 \
    "$(login -H "$JSON" -H "Origin: https://127.0.0.1:$PORT" -d "$GOOD")"
check_eq "Origin: null (a sandboxed frame): 403" 403 \
    "$(login -H "$JSON" -H 'Origin: null' -d "$GOOD")"
check_eq "Sec-Fetch-Site: cross-site: 403" 403 \
    "$(login -H "$JSON" -H 'Sec-Fetch-Site: cross-site' -d "$GOOD")"
check_eq "Sec-Fetch-Site: same-site: 403" 403 \
    "$(login -H "$JSON" -H 'Sec-Fetch-Site: same-site' -d "$GOOD")"
check_eq "our Origin, but Sec-Fetch-Site: cross-site: 403" 403 \
    "$(login -H "$JSON" -H "Origin: http://127.0.0.1:$PORT" \
    -H 'Sec-Fetch-Site: cross-site' -d "$GOOD")"
check_eq "the refused logins made no session" 0 "$(sessions)"
check_eq "our own Origin, same-origin: 200" 200 \
    "$(login -H "$JSON" -H "Origin: http://127.0.0.1:$PORT" \
    -H 'Sec-Fetch-Site: same-origin' -d "$GOOD")"
check_eq "Sec-Fetch-Site: none (typed by the user): 200" 200 \
    "$(login -H "$JSON" -H 'Sec-Fetch-Site: none' -d "$GOOD")"
check_eq "neither header (curl, a script): 200" 200 \
    "$(login -H 'Content-Type: application/json; charset=utf-8' \
    -d "$GOOD")"
check_eq "three sessions" 3 "$(sessions)"

# --- An unknown email costs what a wrong password costs: the medians of
# 12 tries each, taken in turns, within 25 % of each other. Each round
# comes from an address of its own, so that no try is throttled.
declare -a t_known t_unknown t_nohash
try() {	# try ADDRESS EMAIL: seconds
	curl -s -o /dev/null -w '%{time_total}' --interface "$1" -H "$JSON" \
	    -d "{\"email\":\"$2\",\"password\":\"wrong-pass-$RANDOM\"}" \
	    "$BASE/api/login"
}
median() { printf '%s\n' "$@" | sort -g |
    awk '{ v[NR] = $1 } END { print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'; }
within() {	# within A B PERCENT: |A - B| <= PERCENT % of the larger
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN {
	    m = a > b ? a : b; d = a > b ? a - b : b - a; exit !(d <= m * p / 100) }'
}
for i in 1 2 3 4; do	# every worker makes its dummy hash
	try 127.0.0.9 nobody@acme.test >/dev/null
	try 127.0.0.9 ed@acme.test >/dev/null
done
for i in $(seq 1 12); do
	a=127.0.0.$((9 + i))
	t_known+=("$(try "$a" ed@acme.test)")
	t_unknown+=("$(try "$a" "nobody-$i@acme.test")")
	t_nohash+=("$(try "$a" sso@acme.test)")
done
m_known=$(median "${t_known[@]}")
m_unknown=$(median "${t_unknown[@]}")
m_nohash=$(median "${t_nohash[@]}")
echo "# medians (s): wrong password $m_known, unknown email $m_unknown," \
    "user without a password $m_nohash"
check "an unknown email takes as long as a wrong password (within 25 %)" \
    within "$m_known" "$m_unknown" 25
check "so does a user without a password" within "$m_known" "$m_nohash" 25

# --- Failures are counted per (email, address) and per address: from
# address X a wrong password locks that email for X only.
X=127.0.0.2 Y=127.0.0.3 Z=127.0.0.4
as() {	# as ADDRESS EMAIL PASSWORD: the status
	login --interface "$1" -H "$JSON" \
	    -d "{\"email\":\"$2\",\"password\":\"$3\"}"
}
codes=""
for i in 1 2 3 4 5 6 7; do
	codes="$codes $(as $X vi@acme.test "wrong-$i")"
done
check_eq "from X: 401 five times, then locked" \
    " 401 401 401 401 401 401 429" "$codes"
check_eq "from X the right password waits too: 429" 429 \
    "$(as $X vi@acme.test viewer-pass-1)"
grep -qi '^Retry-After: [0-9]' "$RUN/r.hdr" && ok "429 says Retry-After" ||
    not_ok "429 says Retry-After" "$(cat "$RUN/r.hdr")"
check_eq "from Y the right password logs in: 200" 200 \
    "$(as $Y vi@acme.test viewer-pass-1)"
# Locked as long as it gets (15 min): X kept failing for an hour.
sql "UPDATE login_failures SET failures = 40, last_failed_at = NOW()
    WHERE kind = 'pair' AND k = '$X vi@acme.test'"
check_eq "at the 15-minute cap from X: 429" 429 \
    "$(as $X vi@acme.test viewer-pass-1)"
check "for about 15 minutes" \
    grep -qi '^Retry-After: 9[0-9][0-9]' "$RUN/r.hdr"
check_eq "and still Y logs in: 200" 200 "$(as $Y vi@acme.test viewer-pass-1)"
as $Y vi@acme.test wrong-once >/dev/null
check_eq "Y's own failure is counted for Y" 1 \
    "$(sql "SELECT failures FROM login_failures
    WHERE kind = 'pair' AND k = '$Y vi@acme.test'")"
check_eq "a good login from Y clears Y's count" 200 \
    "$(as $Y vi@acme.test viewer-pass-1)"
check_eq "(its row is gone)" 0 \
    "$(sql "SELECT COUNT(*) FROM login_failures
    WHERE kind = 'pair' AND k = '$Y vi@acme.test'")"
check_eq "not X's" 40 \
    "$(sql "SELECT failures FROM login_failures
    WHERE kind = 'pair' AND k = '$X vi@acme.test'")"
# An address guessing at many emails: 20 failures are free, then it is
# locked whichever email it tries, and only it.
codes=""
for i in $(seq 1 21); do
	codes="$codes $(as $Z "guess-$i@acme.test" wrong)"
done
check_eq "from Z, 21 emails: 401 each (no pair reached its lock)" \
    "$(printf ' 401%.0s' $(seq 1 21))" "$codes"
check_eq "then Z is locked for every email: 429" 429 \
    "$(as $Z ed@acme.test editor-pass-1)"
check_eq "and Y is not: 200" 200 "$(as $Y ed@acme.test editor-pass-1)"

# --- Housekeeping (at the watcher's start, then hourly) deletes sessions
# past their idle or absolute expiry and failure rows older than an
# hour; the live ones stay.
sql "DELETE FROM sessions; DELETE FROM login_failures"
it_login ed@acme.test editor-pass-1
live=$(awk '$6 == "intake_session" { print $7 }' "$JAR")
uid=$(sql "SELECT id FROM users WHERE email = 'ed@acme.test'")
sql "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at,
    last_seen_at) VALUES
    (SHA2('idle', 256), $uid, REPEAT('a', 64), NOW(),
        NOW() - INTERVAL 3601 SECOND),
    (SHA2('old', 256), $uid, REPEAT('a', 64),
        NOW() - INTERVAL 43201 SECOND, NOW());
    INSERT INTO login_failures (kind, k, failures, last_failed_at) VALUES
    ('pair', '127.0.0.9 old@acme.test', 3, NOW() - INTERVAL 3601 SECOND),
    ('ip', '127.0.0.99', 30, NOW() - INTERVAL 2 HOUR),
    ('pair', '127.0.0.9 new@acme.test', 3, NOW() - INTERVAL 3000 SECOND),
    ('ip', '127.0.0.98', 3, NOW())"
stack_stop_one "$RUN/watchd.pid"
stack_watchd_start
purged() {
	[ "$(sql "SELECT COUNT(*) FROM sessions")" = 1 ] &&
	[ "$(sql "SELECT COUNT(*) FROM login_failures")" = 2 ]
}
stack_wait_for 10 purged
check_eq "expired sessions are deleted, the live one stays" \
    "$(sql "SELECT SHA2('$live', 256)")" \
    "$(sql "SELECT token_hash FROM sessions")"
check_eq "failure rows older than an hour are deleted, newer stay" \
    "127.0.0.9 new@acme.test 127.0.0.98" \
    "$(sql "SELECT k FROM login_failures ORDER BY k" | xargs)"
check_eq "the live session still works" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" "$BASE/api/session")"

# --- With public_origin set, that is the one origin a login may name.
printf 'public_origin = http://intake.example\n' >> "$RUN/intake.conf"
stack_stop_one "$RUN/fcgi.pid"
stack_fcgi_start
check_eq "public_origin: the request's own origin is not it: 403" 403 \
    "$(login -H "$JSON" -H "Origin: http://127.0.0.1:$PORT" -d "$GOOD")"
check_eq "public_origin itself: 200" 200 \
    "$(login -H "$JSON" -H 'Origin: http://intake.example' -d "$GOOD")"
sed -i '/^public_origin/d' "$RUN/intake.conf"
stack_stop_one "$RUN/fcgi.pid"
stack_fcgi_start

# --- In a real browser: pages of another origin auto-submit the login.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! (cd "$SRCDIR/tests/browser" &&
    node -e "require.resolve('playwright-core')" 2>/dev/null); then
	not_ok "chromium and playwright-core are installed" \
	    "need $CHROMIUM and node_modules (npm ci in $SRCDIR)"
	it_done
fi
sql "DELETE FROM sessions"
export BASE RUN CHROMIUM
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"# node exited 0") ;;
	"# node exited "*) not_ok "the browser test ran to its end" "$line" ;;
	*) echo "$line" ;;
	esac
done < <(cd "$SRCDIR" && timeout 120 node tests/browser/login-csrf.test.mjs \
    2>&1; echo "# node exited $?")
check_eq "the auto-submitted logins made no session, the app's own one" 1 \
    "$(sessions)"
it_done
