#!/bin/bash
# What nginx serves and how: only www/ and /api/ (never the spool, status
# files, sources, migrations or dotfiles, even by an encoded path); the
# FastCGI socket is 0660 (fcgi_socket_mode) and nginx's workers still
# reach it; the security headers are on every answer, the API's errors
# included, once each; the config sets the FastCGI parameters explicitly,
# timeouts, per-address limits on /api/, and buffers every body but the
# upload's; the example serves https (HSTS, port 80 redirected).
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
it_login ed@acme.test editor-pass-1
printf 'First name,Last name,Account Name,Domain\nA,B,C,c.example\n' \
    > "$RUN/ok.csv"
it_upload "$RUN/ok.csv"
it_wait "$ID" >/dev/null

code() { curl -s -o "$RUN/r.out" -w '%{http_code}' "$@"; }

# The files exist on disk (so a 404 is nginx refusing, not absence).
check "the status file exists in the spool" \
    [ -f "$RUN/spool/status/$ID.json" ]
check_eq "and is served through intake-fcgi to its workspace" 200 \
    "$(code -b "$JAR" "$BASE/api/imports/$ID")"
for p in "/spool/" "/spool/status/$ID.json" "/spool/done/$ID/data.csv" \
    "/status/$ID.json" "/var/" "/var/spool/intake/status/$ID.json" \
    "/.git/" "/.git/config" "/.env" "/sql/001-init.sql" "/src/fcgi.c" \
    "/conf/intake.conf" "/tests/stack.sh" "/intake.conf" "/js/.hidden"; do
	check_eq "GET $p: 404" 404 "$(code -b "$JAR" "$BASE$p")"
done
# Encoded and dotted paths: refused (400 or 404), and never the file.
for p in "/..%2fspool%2fstatus%2f$ID.json" "/%2e%2e/spool/status/$ID.json" \
    "/js/../../spool/status/$ID.json" "/api/../spool/status/$ID.json" \
    "/api/imports/..%2f..%2fspool%2fstatus%2f$ID.json" \
    "/api/imports/$ID/..%2f..%2f..%2fintake.conf"; do
	got=$(code --path-as-is -b "$JAR" "$BASE$p")
	if [ "$got" -ge 400 ] && ! grep -q "rows_total\|db_password" "$RUN/r.out"
	then ok "GET $p: $got, nothing served"
	else not_ok "GET $p: refused" "$got $(head -c 200 "$RUN/r.out")"; fi
done

# The socket: 0660, and nginx's workers (this user) connect to it.
check_eq "the FastCGI socket is mode 0660" 660 \
    "$(stat -c %a "$RUN/fcgi.sock")"
check_eq "nginx's workers reach it" 200 \
    "$(code -b "$JAR" "$BASE/api/session")"
stack_stop_one "$RUN/fcgi.pid"
echo 'fcgi_socket_mode = 0600' >> "$RUN/intake.conf"
stack_fcgi_start || exit 1
check_eq "fcgi_socket_mode sets it" 600 "$(stat -c %a "$RUN/fcgi.sock")"
sed -i '/^fcgi_socket_mode/d' "$RUN/intake.conf"
echo 'fcgi_socket_mode = 0666x' >> "$RUN/intake.conf"
"$BINDIR/intake-fcgi" -c "$RUN/intake.conf" -s "$RUN/bad.sock" \
    > "$RUN/bad.log" 2>&1 < /dev/null
check_eq "a bad mode stops start-up with file:line" 1 \
    "$(grep -c 'intake.conf:[0-9]*: fcgi_socket_mode' "$RUN/bad.log")"
sed -i '/^fcgi_socket_mode/d' "$RUN/intake.conf"
stack_stop_one "$RUN/fcgi.pid"
stack_fcgi_start || exit 1

# The security headers, on the page, the API's answers and its errors,
# and nginx's own errors.
headers() {	# headers NAME CURL-ARGS...
	local name=$1 h; shift
	curl -s -o /dev/null -D "$RUN/h" "$@"
	for h in Content-Security-Policy X-Content-Type-Options \
	    X-Frame-Options Referrer-Policy; do
		check_eq "$name: $h, once" 1 "$(grep -ci "^$h:" "$RUN/h")"
	done
}
headers "the page" "$BASE/"
headers "GET /api/imports/ID" -b "$JAR" "$BASE/api/imports/$ID"
headers "a 401 of the API" "$BASE/api/session"
headers "a 403 of the API" -b "$JAR" -X POST "$BASE/api/tags"
headers "a 404 of the API" -b "$JAR" "$BASE/api/imports/nope"
headers "a 404 of nginx" "$BASE/spool/"
grep -qi "^Content-Security-Policy:.*script-src 'self'" "$RUN/h" &&
    ok "the CSP allows scripts from this origin only" ||
    not_ok "the CSP allows scripts from this origin only"
curl -s -D "$RUN/h" -o /dev/null -b "$JAR" "$BASE/api/imports/$ID"
check_eq "API answers are not cached" 1 \
    "$(grep -ci '^Cache-Control: no-store' "$RUN/h")"
check_eq "no server version" 0 "$(grep -ci '^Server: nginx/' "$RUN/h")"

# The config: explicit FastCGI parameters, timeouts, the body size.
for f in "$RUN/nginx.conf" "$SRCDIR/conf/nginx.conf.example"; do
	n=${f##*/}
	check_eq "$n: no shared fastcgi_params include" 0 \
	    "$(grep -c 'include.*fastcgi_params' "$f")"
	for p in REQUEST_METHOD DOCUMENT_URI QUERY_STRING CONTENT_TYPE \
	    CONTENT_LENGTH REMOTE_ADDR HTTP_PROXY; do
		check_eq "$n: fastcgi_param $p" 1 \
		    "$(grep -c "^[[:space:]]*fastcgi_param $p " "$f")"
	done
	for d in client_header_timeout client_body_timeout send_timeout \
	    keepalive_timeout fastcgi_read_timeout limit_req_zone \
	    limit_conn_zone "limit_req zone=intake_api" \
	    "limit_conn intake_addr" "error_page 429"; do
		check_eq "$n: $d" 1 "$(grep -c "^[[:space:]]*$d " "$f")"
	done
	check_eq "$n: the limits answer 429" 2 \
	    "$(grep -c '^[[:space:]]*limit_\(req\|conn\)_status 429;' "$f")"
	# Bodies are buffered by nginx but the upload's (slow-clients.sh):
	# one location streams, and it is the upload's.
	check_eq "$n: only the upload's body streams" \
	    "1 location = /api/imports {" \
	    "$(grep -c 'fastcgi_request_buffering off' "$f") $(grep -B3 \
	    'fastcgi_request_buffering off' "$f" | grep -o 'location.*{')"
	check_eq "$n: three body limits: 1m for /api/, the preview's 3m, the upload's" \
	    "3 1" "$(grep -c '^[[:space:]]*client_max_body_size ' "$f") $(grep -A1 \
	    'location = /api/imports/preview' "$f" | grep -c 'client_max_body_size 3m;')"
done
check_eq "client_max_body_size is the stack's max_upload for uploads" 1 \
    "$(grep -A1 'location = /api/imports' "$RUN/nginx.conf" |
    grep -c "client_max_body_size $STACK_MAX_UPLOAD;")"
# The example serves https: HSTS, TLS 1.2 and 1.3 only, and its port 80
# only redirects there.
f=$SRCDIR/conf/nginx.conf.example
check_eq "the example listens on 443 with TLS" 2 \
    "$(grep -c '^[[:space:]]*listen .*443 ssl http2;' "$f")"
check_eq "with HSTS on every answer" 1 \
    "$(grep -c '^[[:space:]]*add_header Strict-Transport-Security "max-age=[0-9]*; includeSubDomains" always;' "$f")"
check_eq "modern protocols only" 1 \
    "$(grep -c '^[[:space:]]*ssl_protocols TLSv1.2 TLSv1.3;' "$f")"
check_eq "port 80 only redirects to https" \
    'return 301 https://$host$request_uri;' \
    "$(sed -n '/listen 80;/,/^}/p' "$f" | grep -v '^[[:space:]]*#' |
    grep -o 'return.*\|fastcgi_pass\|root ')"
# The example is a server block: nginx -t it inside a minimal http block.
mkdir -p "$RUN/ngt"
cat > "$RUN/ngt/t.conf" <<EOF
pid $RUN/ngt/pid;
events {}
http {
	client_body_temp_path $RUN/ngt/b;
	fastcgi_temp_path $RUN/ngt/f;
	proxy_temp_path $RUN/ngt/p;
	uwsgi_temp_path $RUN/ngt/u;
	scgi_temp_path $RUN/ngt/s;
	access_log off;
	include $RUN/ngt/example.conf;
}
EOF
# The example's certificate is a placeholder: a self-signed one for -t.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=intake.test \
    -keyout "$RUN/ngt/key.pem" -out "$RUN/ngt/cert.pem" > /dev/null 2>&1
sed -e "s|ssl_certificate .*;|ssl_certificate $RUN/ngt/cert.pem;|" \
    -e "s|ssl_certificate_key .*;|ssl_certificate_key $RUN/ngt/key.pem;|" \
    "$SRCDIR/conf/nginx.conf.example" > "$RUN/ngt/example.conf"
nginx -t -q -p "$RUN/ngt" -c "$RUN/ngt/t.conf" -e "$RUN/ngt/err.log" \
    > "$RUN/ngt/out" 2>&1
check_eq "conf/nginx.conf.example passes nginx -t" "0 []" \
    "$? [$(cat "$RUN/ngt/out")]"
it_done
