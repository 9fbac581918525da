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

HTTP=$(code -b "$JAR" -X POST "$BASE/api/logout")
check_eq "logout: 204" 204 "$HTTP"
# The old cookie no longer works even if a client kept it.
check_eq "after logout: 401" 401 "$(code -b "$JAR" "$BASE/api/session")"
check_eq "unknown endpoint: 404" 404 "$(code "$BASE/api/nope")"
check_eq "wrong method: 405" 405 "$(code -X DELETE "$BASE/api/session")"
it_done
