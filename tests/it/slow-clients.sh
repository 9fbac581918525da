#!/bin/bash
# Slow clients cannot take the API down: 8 connections trickling a body to
# POST /api/login and 8 to POST /api/imports (no session) for 30 s, and
# meanwhile GET /api/session answers every time within a second and an
# editor's real upload goes through. nginx reads small bodies whole before
# intake-fcgi sees them; the upload is refused from its headers, without
# reading its body. Past the per-address limits /api/ answers 429, as JSON.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
it_login ed@acme.test editor-pass-1

TRICKLE_FOR=30		# seconds
pids=()
stop_trickles() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	pids=()
}
trap 'stop_trickles; it_cleanup' EXIT

# trickle PATH TYPE: announce a 4 KB body and send a byte of it every
# second, for TRICKLE_FOR seconds at most.
trickle() {
	local i
	exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 0
	printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: 4096\r\n\r\n' \
	    "$1" "$2" >&3
	for ((i = 0; i < TRICKLE_FOR; i++)); do
		printf x >&3 2>/dev/null || break
		sleep 1
	done
	exec 3>&-
}
for i in 1 2 3 4 5 6 7 8; do
	trickle /api/login application/json &
	pids+=($!)
	trickle /api/imports 'multipart/form-data; boundary=b' &
	pids+=($!)
done
# An editor's upload trickled the same way is accepted, then cut off
# (408) once it is slower than 8 KB/s on average after its first 20 s.
slow_upload() {
	local i cookie t=$SECONDS line=
	cookie=$(awk '$6 == "intake_session" {print $7}' "$JAR")
	exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 0
	printf 'POST /api/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: intake_session=%s\r\nX-CSRF-Token: %s\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n' \
	    "$cookie" "$CSRF" >&3
	(for ((i = 0; i < TRICKLE_FOR; i++)); do
		[ -e "$RUN/slow.done" ] && break
		printf x >&3 2>/dev/null || break
		sleep 1
	done) &
	read -r -t $((TRICKLE_FOR + 5)) line <&3
	echo "${line%$'\r'} after $((SECONDS - t)) s" > "$RUN/slow.txt"
	touch "$RUN/slow.done"
	wait
	exec 3>&-
}
slow_upload &
pids+=($!)
sleep 1
t0=$SECONDS

# The page's first question, every half second while they trickle: 200
# or 401, within a second, every time.
polls=0 slow=0 upload=
printf 'First name,Last name,Account Name,Domain\nAda,Lovelace,Analytical,analytical.example\n' \
    > "$RUN/ok.csv"
while [ $((SECONDS - t0)) -lt $((TRICKLE_FOR - 3)) ]; do
	got=$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' \
	    -b "$JAR" "$BASE/api/session")
	polls=$((polls + 1))
	case $got in
	200|401) ;;
	*) slow=$((slow + 1)); echo "# GET /api/session: $got" ;;
	esac
	# Halfway, an editor uploads a real file.
	if [ -z "$upload" ] && [ $((SECONDS - t0)) -ge 10 ]; then
		it_upload "$RUN/ok.csv" --max-time 10
		upload=$HTTP_CODE
	fi
	sleep 0.5
done
check "GET /api/session was asked at least 30 times" [ "$polls" -ge 30 ]
check_eq "GET /api/session answered within 1 s every time ($polls polls)" \
    0 "$slow"
check_eq "the editor's upload meanwhile: 202" 202 "$upload"
st=$(it_wait "$ID")
check_eq "and its import finishes" done "$(echo "$st" | jq -r .state)"
stop_trickles
slow=$(cat "$RUN/slow.txt" 2>/dev/null)
check_eq "a trickled upload of the editor is cut off: 408" \
    "HTTP/1.1 408 Request Timeout" "${slow% after *}"
t=${slow##* after }; t=${t% s}
check "after its first 20 s, not before nor when the trickle ends ($t s)" \
    test "${t:-0}" -ge 19 -a "${t:-0}" -le 26
check_eq "nothing of it is kept: one drop, the real upload's" "1 1" \
    "$(ls "$RUN/spool/tmp" "$RUN/spool/incoming" "$RUN/spool/active" \
    "$RUN/spool/done" | grep -c '^20') $(sql 'SELECT COUNT(*) FROM imports')"

# A refused upload frees its worker at once: intake-fcgi closes instead
# of reading the body, so it says so within a second, not when the
# trickle ends.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /api/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 4096\r\n\r\nx' >&3
first=
read -r -t 2 first <&3
exec 3>&-
check_eq "an upload without a session is answered 401 before its body" \
    "HTTP/1.1 401 Unauthorized" "${first%$'\r'}"

# Past the per-address limits of /api/: 429, as JSON. 1000 requests, 100
# at a time: more than limit_conn, and than limit_req's burst.
mkdir "$RUN/flood"
urls=()
for i in $(seq 1 1000); do
	urls+=(-o "$RUN/flood/$i" "$BASE/api/nope")
done
curl -s -Z --parallel-max 100 \
    -w '%{http_code} %{filename_effective} %header{x-frame-options}\n' \
    "${urls[@]}" > "$RUN/flood.txt"
echo "# flood: $(cut -d' ' -f1 "$RUN/flood.txt" | sort | uniq -c | tr '\n' ' ')"
check "the flood of /api/ met 429s" grep -q '^429 ' "$RUN/flood.txt"
set -- $(grep -m1 '^429 ' "$RUN/flood.txt") "" "" ""
check_eq "a 429 of the limits is JSON" too_many_requests \
    "$(jq -r .error "$2" 2>/dev/null)"
check_eq "with the security headers" DENY "$3"
sleep 4
check_eq "and the address is let in again soon after" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" "$BASE/api/session")"
it_done
