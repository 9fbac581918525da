#!/bin/bash
# Logging in and out, editing and view-only sessions, and workspaces that
# cannot see each other.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
stack_intake workspace add other >/dev/null
echo 'other-pass-12' | stack_intake user add --workspace other \
    --email ed@other.test --role editor --password-stdin >/dev/null

code() { curl -s -o "$RUN/r.json" -w '%{http_code}' "$@"; }

check_eq "no session: 401" 401 "$(code "$BASE/api/session")"
check_eq "bad password: 401" 401 "$(code -H 'Content-Type: application/json' \
    -d '{"email":"ed@acme.test","password":"nope-nope"}' "$BASE/api/login")"
check_eq "the message is plain" "That email and password do not match" \
    "$(jq -r .message "$RUN/r.json")"

it_login ED@Acme.Test editor-pass-1
check_eq "login is case-insensitive in the email" edit \
    "$(jq -r .mode "$RUN/login.json")"
grep -q 'HttpOnly' "$JAR" && ok "cookie is HttpOnly" || not_ok "cookie is HttpOnly"
check_eq "GET /api/session: editing" edit \
    "$(curl -s -b "$JAR" "$BASE/api/session" | jq -r .mode)"
check_eq "session names the workspace" acme \
    "$(curl -s -b "$JAR" "$BASE/api/session" | jq -r .workspace.slug)"
check "csrf token is 64 hex" [ "${#CSRF}" -eq 64 ]
hdr=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"email":"ed@acme.test","password":"editor-pass-1"}' "$BASE/api/login")
echo "$hdr" | grep -qi '^Set-Cookie: intake_session=.*SameSite=Lax' &&
    ok "cookie is SameSite=Lax" || not_ok "cookie is SameSite=Lax" "$hdr"

printf 'First name,Last name,Account Name,Domain\nA,B,C,c.example\n' > "$RUN/ok.csv"
it_upload "$RUN/ok.csv"
acme_import=$ID
it_wait "$acme_import" >/dev/null

it_login vi@acme.test viewer-pass-1
check_eq "viewer gets a view-only session" view \
    "$(curl -s -b "$JAR" "$BASE/api/session" | jq -r .mode)"
check_eq "viewer can read an import" 200 \
    "$(code -b "$JAR" "$BASE/api/imports/$acme_import")"

it_login ed@other.test other-pass-12
check_eq "another workspace's import: 404" 404 \
    "$(code -b "$JAR" "$BASE/api/imports/$acme_import")"
check_eq "and it is not listed" 0 \
    "$(curl -s -b "$JAR" "$BASE/api/imports" | jq '.imports | length')"
check_eq "a malformed import id: 404" 404 \
    "$(code -b "$JAR" "$BASE/api/imports/..%2f..%2fetc")"

check_eq "logout without the CSRF token: 403" 403 \
    "$(code -b "$JAR" -X POST "$BASE/api/logout")"
check_eq "and the session still works" 200 \
    "$(code -b "$JAR" "$BASE/api/session")"
HTTP=$(code -b "$JAR" -H "X-CSRF-Token: $CSRF" -X POST "$BASE/api/logout")
check_eq "logout: 204" 204 "$HTTP"
# The old cookie no longer works even if a client kept it.
check_eq "after logout: 401" 401 "$(code -b "$JAR" "$BASE/api/session")"

# The token of the cookie in a jar (the session id the client holds).
jar_token() { awk '$6 == "intake_session" { print $7 }' "$1"; }
# Its row in the sessions table: the table keeps only the SHA-256.
token_rows() {
	sql "SELECT COUNT(*) FROM sessions WHERE token_hash = \
	    SHA2('$1', 256)"
}

# Fixation: a session id the client had before logging in (planted by
# someone else, or its own earlier one) is never the one after login.
planted=$(printf '%064d' 7)
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tintake_session\t%s\n' "$planted" \
    > "$RUN/planted"
curl -s -c "$RUN/fix" -b "$RUN/planted" -H 'Content-Type: application/json' \
    -d '{"email":"ed@acme.test","password":"editor-pass-1"}' \
    "$BASE/api/login" >/dev/null
fresh=$(jar_token "$RUN/fix")
check "login with a planted cookie: a new session id" \
    [ "${#fresh}" -eq 64 -a "$fresh" != "$planted" ]
check_eq "the planted id is no session" 401 \
    "$(code -b "$RUN/planted" "$BASE/api/session")"
cp "$RUN/fix" "$RUN/fix.old"
curl -s -c "$RUN/fix" -b "$RUN/fix" -H 'Content-Type: application/json' \
    -d '{"email":"ed@acme.test","password":"editor-pass-1"}' \
    "$BASE/api/login" >/dev/null
again=$(jar_token "$RUN/fix")
check "logging in again: another new session id" \
    [ "${#again}" -eq 64 -a "$again" != "$fresh" ]
check_eq "the session logged in over is gone" 401 \
    "$(code -b "$RUN/fix.old" "$BASE/api/session")"
check_eq "and deleted server-side" 0 "$(token_rows "$fresh")"

# Logout ends the session in the database, not only in the browser: a
# copy of the cookie kept from before is refused, and no row is left.
it_login ed@acme.test editor-pass-1
tok=$(jar_token "$JAR")
check_eq "a live session has its row" 1 "$(token_rows "$tok")"
hdr=$(curl -s -D - -o /dev/null -b "$JAR" -H "X-CSRF-Token: $CSRF" \
    -X POST "$BASE/api/logout")
echo "$hdr" | grep -qi '^Set-Cookie: intake_session=;.*Max-Age=0' &&
    ok "logout clears the cookie" || not_ok "logout clears the cookie" "$hdr"
check_eq "logout deletes the session row" 0 "$(token_rows "$tok")"
check_eq "a kept copy of the cookie: 401" 401 \
    "$(code -b "$JAR" "$BASE/api/session")"
check_eq "another session of the same user lives on" 200 \
    "$(code -b "$RUN/fix" "$BASE/api/session")"

# Expiry, idle (session_idle, 3600 s) and absolute (session_max, 43200 s),
# by ageing the session's timestamps in the database.
it_login ed@acme.test editor-pass-1
tok=$(jar_token "$JAR")
sql "UPDATE sessions SET last_seen_at = NOW() - INTERVAL 3500 SECOND
    WHERE token_hash = SHA2('$tok', 256)"
check_eq "idle for less than session_idle: still in" 200 \
    "$(code -b "$JAR" "$BASE/api/session")"
sql "UPDATE sessions SET last_seen_at = NOW() - INTERVAL 3601 SECOND
    WHERE token_hash = SHA2('$tok', 256)"
check_eq "idle for longer than session_idle: 401" 401 \
    "$(code -b "$JAR" "$BASE/api/session")"
it_login ed@acme.test editor-pass-1
tok=$(jar_token "$JAR")
sql "UPDATE sessions SET last_seen_at = NOW() - INTERVAL 3000 SECOND
    WHERE token_hash = SHA2('$tok', 256)"
code -b "$JAR" "$BASE/api/session" >/dev/null
check_eq "a request moves last_seen_at: activity keeps it alive" 1 \
    "$(sql "SELECT COUNT(*) FROM sessions WHERE
    token_hash = SHA2('$tok', 256)
    AND last_seen_at > NOW() - INTERVAL 60 SECOND")"
sql "UPDATE sessions SET created_at = NOW() - INTERVAL 43201 SECOND,
    last_seen_at = NOW() WHERE token_hash = SHA2('$tok', 256)"
check_eq "older than session_max, though active: 401" 401 \
    "$(code -b "$JAR" "$BASE/api/session")"

# Polling an import's status may use a session its worker checked less
# than a second ago (sesscache.c), never one that has ended: a logout in
# any worker is seen by all of them at once, an expiry in the database
# within the second.
printf 'First name,Last name,Email\nAda,Poll,ada@poll.example\n' \
    > "$RUN/poll.csv"
it_import acme "$RUN/poll.csv"
poll() {
	seq 1 40 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	    -b "$RUN/poll.jar" "$BASE/api/imports/$ID" | sort | uniq -c |
	    awk '{printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1}'
}
it_login ed@acme.test editor-pass-1
cp "$JAR" "$RUN/poll.jar"
check_eq "polling the status: 200 from every worker" "200:40" "$(poll)"
curl -s -o /dev/null -b "$JAR" -H "X-CSRF-Token: $CSRF" -X POST \
    "$BASE/api/logout"
check_eq "logged out: no worker answers on what it remembers" "401:40" \
    "$(poll)"
it_login ed@acme.test editor-pass-1
cp "$JAR" "$RUN/poll.jar"
check_eq "polling again" "200:40" "$(poll)"
tok=$(jar_token "$JAR")
sql "UPDATE sessions SET last_seen_at = NOW() - INTERVAL 3601 SECOND
    WHERE token_hash = SHA2('$tok', 256)"
sleep 1.1
check_eq "expired in the database: refused a second later" "401:40" \
    "$(poll)"

check_eq "unknown endpoint: 404" 404 "$(code "$BASE/api/nope")"
check_eq "wrong method: 405" 405 "$(code -X DELETE "$BASE/api/session")"
it_done
