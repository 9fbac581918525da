#!/bin/bash
# Who may do what, over every route of intake-fcgi. The routes are read
# from the table in src/web/fcgi.c, so a new route this test has no case for
# fails it. What each cell expects comes from the route's method, not
# from its flags (the flags are what is under test):
#   anonymous, and a made-up cookie: 401 (POST /api/login: no session
#     and no cookie for bad or missing credentials);
#   viewer: reads 200, every write 403 (logout excepted: 204);
#   missing and wrong CSRF token (the viewer's, a real one of another
#     session): 403 on every write (login excepted: it has no session);
#   editor of another workspace: 404 for an import of this workspace,
#     its errors and errors.csv; elsewhere nothing of this workspace in
#     the answer, even when searched for by name;
#   editor: the route's 2xx.
# And the refused writes changed nothing.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
stack_intake workspace add other >/dev/null
echo 'other-pass-12' | stack_intake user add --workspace other \
    --email ed@other.test --role editor --password-stdin >/dev/null
stack_intake workflow add --workspace acme acmesecretwf >/dev/null
stack_intake workflow default --workspace acme acmesecretwf >/dev/null

# The routes: "METHOD PATH", from the table (joined, so that a route
# written over several lines is read too).
ROUTES=$(sed -n '/routes\[\] = {/,/^};/p' "$SRCDIR/src/web/fcgi.c" |
    tr -d '\n\t' | grep -oE '\{ *"[A-Z]+", *"/api/[^"]*"' |
    sed -E 's/^\{ *"([A-Z]+)", *"([^"]*)"$/\1 \2/')
check "the route table is read ($(echo "$ROUTES" | wc -l) routes)" \
    [ "$(echo "$ROUTES" | wc -l)" -ge 16 ]

# What an editor gets from each route: the routes this test knows.
declare -A EDITOR=(
	["POST /api/login"]=200
	["POST /api/logout"]=204
	["GET /api/session"]=200
	["POST /api/imports"]=202
	["GET /api/imports"]=200
	["GET /api/imports/*"]=200
	["GET /api/imports/*/errors"]=200
	["GET /api/imports/*/errors.csv"]=200
	["GET /api/imports/*/rows"]=200
	["POST /api/imports/*/import"]=202
	["GET /api/contacts"]=200
	["GET /api/contacts/export.csv"]=200
	["GET /api/contacts/*"]=200
	["GET /api/tags"]=200
	["POST /api/tags"]=201
	["GET /api/workflows"]=200
	["GET /api/settings"]=200
	["PUT /api/settings"]=200
	["POST /api/settings"]=200
	["POST /api/imports/preview"]=200
	["GET /api/mappings"]=200
	["DELETE /api/mappings/*"]=204
)
while read -r m p; do
	[ -n "${EDITOR["$m $p"]:-}" ] && ok "$m $p has a case here" ||
	    not_ok "$m $p has a case here" "add it to EDITOR in $0"
done <<< "$ROUTES"
for r in "${!EDITOR[@]}"; do
	grep -qxF "$r" <<< "$ROUTES" || not_ok "$r is in the route table" \
	    "a case for a route that does not exist: remove it"
done

# Logins: a jar per role; CSRF_role is its token.
login() {	# login JAR EMAIL PASSWORD
	curl -s -c "$1" -b "$1" -H 'Content-Type: application/json' \
	    -d "{\"email\":\"$2\",\"password\":\"$3\"}" "$BASE/api/login" |
	    jq -r .csrf_token
}
CSRF_ed=$(login "$RUN/ed" ed@acme.test editor-pass-1)
CSRF_vi=$(login "$RUN/vi" vi@acme.test viewer-pass-1)
CSRF_other=$(login "$RUN/other" ed@other.test other-pass-12)
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tintake_session\t%064d\n' 1 \
    > "$RUN/forged"

# This workspace's data, which the other workspace must never see: an
# import with a rejected row, a contact, a tag and a workflow.
# Its mapping is remembered, with a header only acme has.
printf 'First name,Last name,Account Name,Domain,Email,Private Notes\n%s\n%s\n' \
    'Zanzibar,Quokka,Acmemarker,acme-marker.example,zq@acme-marker.example,x' \
    ',NoName,Nowhere,,,' > "$RUN/secret.csv"
JAR=$RUN/ed CSRF=$CSRF_ed it_upload "$RUN/secret.csv" -F tags=acmesecrettag \
    -F 'mapping={"#5":"Email","Private Notes":"custom:acmemapkey"}'
IMPORT=$ID
JAR=$RUN/ed it_wait "$IMPORT" >/dev/null
check_eq "the import of this workspace is done" done "$(jq -r .state \
    "$RUN/status.json")"
MAPPING=$(sql "SELECT m.id FROM mappings m JOIN workspaces w
    ON w.id = m.workspace_id WHERE w.slug = 'acme'")
check "its mapping is remembered" [ -n "$MAPPING" ]
# A finished review of this workspace, for the route that imports one.
JAR=$RUN/ed CSRF=$CSRF_ed it_upload "$RUN/secret.csv" -F review=true
REVIEW=$ID
JAR=$RUN/ed it_wait "$REVIEW" >/dev/null
check_eq "the review of this workspace is done" "done true" \
    "$(jq -r '"\(.state) \(.review)"' "$RUN/status.json")"
MARKERS="$IMPORT acme-marker acmesecrettag acmesecretwf Zanzibar acmemapkey"
# The same headers as acme's remembered mapping, none of its values: only
# acme's own preview may be given that mapping.
printf 'First name,Last name,Account Name,Domain,Email,Private Notes\n%s\n' \
    'A,B,C,c.example,a@c.example,y' > "$RUN/samehead.csv"
printf 'First name,Last name,Account Name,Domain\nA,B,C,c.example\n' \
    > "$RUN/ok.csv"

# send JAR TOKEN ROLE METHOD PATH: one request of the route with the body
# its case needs; prints the HTTP code, the answer is in $RUN/r.out.
send() {
	local jar=$1 tok=$2 role=$3 m=$4 p=$5 a id=$IMPORT
	a=(-s -o "$RUN/r.out" -D "$RUN/r.hdr" -w '%{http_code}' -X "$m")
	[ -n "$jar" ] && a+=(-b "$jar")
	[ -n "$tok" ] && a+=(-H "X-CSRF-Token: $tok")
	case "$m $p" in
	"POST /api/login")
		a+=(-H 'Content-Type: application/json' -d "$LOGIN_BODY");;
	"POST /api/imports")
		a+=(-F "file=@$RUN/ok.csv" -F "tags=upload-$role");;
	"POST /api/imports/preview")
		a+=(-F flow=create -F "file=@$RUN/samehead.csv");;
	"DELETE /api/mappings/*")
		id=$MAPPING;;
	"POST /api/imports/*/import")
		id=$REVIEW;;
	"GET /api/contacts/*")	# the contact of this workspace's import
		id=$(sql "SELECT public_id FROM contacts
		    WHERE first_name = 'Zanzibar'");;
	"POST /api/tags")
		a+=(-H 'Content-Type: application/json' \
		    -d "{\"name\":\"matrix-$role\"}");;
	"PUT /api/settings"|"POST /api/settings")
		a+=(-H 'Content-Type: application/json' \
		    -d '{"default_workflow":null}');;
	esac
	curl "${a[@]}" "$BASE${p//\*/$id}"
}

# cell NAME EXPECTED ERROR-CODE JAR TOKEN ROLE METHOD PATH
cell() {
	local name=$1 want=$2 err=$3 got; shift 3
	got=$(send "$@")
	if [ "$got" != "$want" ]; then
		not_ok "$name" "expected $want, got $got: $(head -c 300 "$RUN/r.out")"
	elif [ -n "$err" ] && [ "$(jq -r .error "$RUN/r.out")" != "$err" ]; then
		not_ok "$name" "expected error $err: $(head -c 300 "$RUN/r.out")"
	else
		ok "$name"
	fi
}

# A fresh session of a role, for the cells that end it (logout).
fresh() {	# fresh ROLE: sets FJAR and FTOK
	FJAR=$RUN/fresh-$1
	rm -f "$FJAR"
	case $1 in
	ed) FTOK=$(login "$FJAR" ed@acme.test editor-pass-1);;
	vi) FTOK=$(login "$FJAR" vi@acme.test viewer-pass-1);;
	other) FTOK=$(login "$FJAR" ed@other.test other-pass-12);;
	esac
}

imports_before=$(sql "SELECT COUNT(*) FROM imports")

# The refusals first, so that what they must not have changed is still
# as it was when they are over.
while read -r m p; do
	r="$m $p"
	if [ "$r" = "POST /api/login" ]; then
		for b in '{}' '{"email":"ed@acme.test","password":"wrong-pass"}'; do
			LOGIN_BODY=$b
			got=$(send "" "" anon "$m" "$p")
			case $b in '{}') want=400;; *) want=401;; esac
			check_eq "$r, anonymous, $b: $want" "$want" "$got"
			grep -qi '^Set-Cookie' "$RUN/r.hdr" &&
			    not_ok "$r, anonymous, $b: no cookie" ||
			    ok "$r, anonymous, $b: no cookie"
		done
		continue
	fi
	cell "$r, anonymous: 401" 401 unauthenticated "" "" anon "$m" "$p"
	cell "$r, made-up cookie: 401" 401 unauthenticated "$RUN/forged" \
	    "$CSRF_ed" anon "$m" "$p"
	case $r in
	GET\ *)
		cell "$r, viewer: 200" 200 "" "$RUN/vi" "" vi "$m" "$p";;
	"POST /api/logout")
		fresh vi
		cell "$r, viewer: 204" 204 "" "$FJAR" "$FTOK" vi "$m" "$p"
		for role in ed vi; do
			fresh $role
			cell "$r, $role, no CSRF token: 403" 403 csrf "$FJAR" "" \
			    $role "$m" "$p"
			cell "$r, $role, another session's CSRF token: 403" 403 \
			    csrf "$FJAR" "$CSRF_ed" $role "$m" "$p"
		done;;
	*)
		cell "$r, viewer: 403" 403 view_only "$RUN/vi" "$CSRF_vi" vi \
		    "$m" "$p"
		cell "$r, editor, no CSRF token: 403" 403 csrf "$RUN/ed" "" ed \
		    "$m" "$p"
		cell "$r, editor, another session's CSRF token: 403" 403 csrf \
		    "$RUN/ed" "$CSRF_vi" ed "$m" "$p"
		cell "$r, editor, a made-up CSRF token: 403" 403 csrf \
		    "$RUN/ed" "$(printf '%064d' 0)" ed "$m" "$p";;
	esac
done <<< "$ROUTES"

check_eq "the refused uploads queued nothing" "$imports_before" \
    "$(sql "SELECT COUNT(*) FROM imports")"
check_eq "and left nothing in the spool's tmp/" "" \
    "$(ls "$RUN/spool/tmp" 2>/dev/null)"
check_eq "the refused writes created no tag" 0 \
    "$(sql "SELECT COUNT(*) FROM tags WHERE name LIKE 'matrix-%'
    OR name LIKE 'upload-%'")"
check_eq "and left the default workflow as it was" acmesecretwf \
    "$(sql "SELECT w.name FROM workspace_settings s JOIN workflows w
    ON w.id = s.default_workflow_id JOIN workspaces ws
    ON ws.id = s.workspace_id WHERE ws.slug = 'acme'")"
check_eq "the sessions that were refused still work" 200 \
    "$(send "$RUN/ed" "" ed GET /api/session)"

# The editor of another workspace sees nothing of this one.
leaks() {	# the markers found in the last answer
	local k
	for k in $MARKERS; do grep -qF "$k" "$RUN/r.out" && printf '%s ' "$k"
	done
}
while read -r m p; do
	r="$m $p"
	case $r in
	"POST /api/login") continue;;
	"POST /api/logout")
		fresh other
		cell "$r, another workspace's editor: 204" 204 "" "$FJAR" "$FTOK" \
		    other "$m" "$p"
		continue;;
	esac
	case $p in
	*'*'*)
		cell "$r, another workspace's editor: 404" 404 not_found \
		    "$RUN/other" "$CSRF_other" other "$m" "$p";;
	*)
		got=$(send "$RUN/other" "$CSRF_other" other "$m" "$p")
		l=$(leaks)
		if [ "${got#2}" != "$got" ] && [ -z "$l" ]; then
			ok "$r, another workspace's editor: $got, nothing of acme"
		else
			not_ok "$r, another workspace's editor: 2xx, nothing of acme" \
			    "got $got, leaks [$l]"
		fi;;
	esac
done <<< "$ROUTES"
for q in "contacts?q=Zanzibar" "contacts?tag=acmesecrettag" \
    "contacts/export.csv?tag=acmesecrettag" "contacts/export.csv?q=acme-marker" \
    "imports?limit=100"; do
	got=$(send "$RUN/other" "" other GET "/api/$q")
	l=$(leaks)
	check_eq "GET /api/$q, another workspace's editor: 200, nothing of acme" \
	    "200 " "$got $l"
done
check_eq "its upload could not name acme's workflow" 400 \
    "$(curl -s -o "$RUN/r.out" -w '%{http_code}' -b "$RUN/other" \
    -H "X-CSRF-Token: $CSRF_other" -F "file=@$RUN/ok.csv" \
    -F workflow=acmesecretwf "$BASE/api/imports")"

# The editor, last (logout with a fresh session of its own).
LOGIN_BODY='{"email":"ed@acme.test","password":"editor-pass-1"}'
while read -r m p; do
	r="$m $p"
	want=${EDITOR["$r"]:-2xx}
	case $r in
	"POST /api/logout"|"POST /api/login")
		fresh ed
		cell "$r, editor: $want" "$want" "" "$FJAR" "$FTOK" ed "$m" "$p"
		[ "$r" = "POST /api/login" ] && {
			grep -qi '^Set-Cookie: intake_session=[0-9a-f]\{64\};' \
			    "$RUN/r.hdr" && ok "$r, editor: a session cookie" ||
			    not_ok "$r, editor: a session cookie"; };;
	*)
		cell "$r, editor: $want" "$want" "" "$RUN/ed" "$CSRF_ed" ed \
		    "$m" "$p";;
	esac
done <<< "$ROUTES"
check_eq "the editor's writes took effect: its tag" 1 \
    "$(sql "SELECT COUNT(*) FROM tags WHERE name = 'matrix-ed'")"
check_eq "and the mapping it forgot" 0 \
    "$(sql "SELECT COUNT(*) FROM mappings WHERE id = '$MAPPING'")"
it_done
