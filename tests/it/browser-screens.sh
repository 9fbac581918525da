#!/bin/bash
# Every screen of the web app at 1280 and 390 px in a real browser
# (Debian's chromium, headless, driven by playwright-core:
# tests/browser/screens.test.mjs), with axe-core: no sideways scroll, no
# two interactive elements on top of each other, nothing hidden shown,
# no serious or critical accessibility violation; both import flows by
# keyboard alone; a failed import told as one; the notice when an import
# ends; the contacts' filters and the contact view. And, first, the API
# the contact view and the filters read (GET /api/contacts/ID, dnt=,
# import=), another workspace's contact included.
# Screenshots go to $top_builddir/tests/browser/screenshots/ (screen-*).
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! (cd "$SRCDIR/tests/browser" &&
    node -e "require.resolve('playwright-core'); require.resolve('axe-core')" 2>/dev/null); then
	not_ok "chromium, playwright-core and axe-core are installed" \
	    "need $CHROMIUM and node_modules (npm ci in $SRCDIR)"
	it_done
fi
stack_up || exit 1
it_workspace || exit 1
stack_intake workflow add --workspace acme "Welcome sequence" >/dev/null
stack_intake workflow add --workspace acme "Nurture" >/dev/null
stack_intake workflow default --workspace acme "Welcome sequence" >/dev/null
it_ws other || exit 1

# acme's contacts: one import that creates them (custom data, a row's own
# DNT, tags, the default workflow), then one that updates one of them.
cat > "$RUN/seed.csv" <<'CSV'
First name,Last name,Email,Account Name,Domain,Lead Source,Do Not Touch
Ada,Lovelace,ada@analytical.example,Analytical Engines,analytical.example,Event 2026,
Grace,Hopper,grace@navy.example,US Navy,navy.example,Webinar,yes
Alan,Turing,alan@bletchley.example,Bletchley Park,bletchley.example,Referral,
CSV
SEED=$(stack_intake import --workspace acme --as ed@acme.test --tag VIP \
    --workflow default --no-wait "$RUN/seed.csv")
it_wait_file "$SEED" || not_ok "the seed import ends"
printf 'First name,Last name,Account Name,Domain,Phone\nAda,Lovelace,Analytical Engines,analytical.example,+44 20 7946 0000\n' \
    > "$RUN/touch.csv"
TOUCH=$(stack_intake import --workspace acme --as ed@acme.test \
    --on-existing update --no-wait "$RUN/touch.csv")
it_wait_file "$TOUCH" || not_ok "the update import ends"
ADA=$(sql "SELECT public_id FROM contacts WHERE email = 'ada@analytical.example'")
printf 'First name,Last name,Account Name,Domain\nOtto,Other,Other Co,other.example\n' \
    > "$RUN/other.csv"
it_import other "$RUN/other.csv"
OTHERIMP=$ID
OTHER=$(sql "SELECT public_id FROM contacts WHERE last_name = 'Other'")

it_login ed@acme.test editor-pass-1
get() {	# get PATH: the answer in $RUN/r.json, the code printed
	curl -s -o "$RUN/r.json" -w '%{http_code}' -b "$JAR" "$BASE$1"
}
check_eq "GET /api/contacts/ID: 200" 200 "$(get "/api/contacts/$ADA")"
check_eq "the contact view has every field, custom data and tags" \
    "Ada Lovelace ada@analytical.example +44 20 7946 0000 Analytical Engines analytical.example ed@acme.test Event 2026 VIP false" \
    "$(jq -r '"\(.first_name) \(.last_name) \(.email) \(.phone) \(.account) \(.domain) \(.owner) \(.custom["Lead Source"]) \(.tags | join(",")) \(.dnt)"' "$RUN/r.json")"
check_eq "its enrolment in the default workflow, by the seed import" \
    "Welcome sequence queued $SEED" \
    "$(jq -r '.enrolments[] | "\(.workflow) \(.state) \(.import_id)"' "$RUN/r.json")"
check_eq "the imports that created and updated it, newest first" \
    "$TOUCH:updated touch.csv $SEED:created seed.csv" \
    "$(jq -r '[.imports[] | "\(.id):\(.did) \(.file)"] | join(" ")' "$RUN/r.json")"
check_eq "another workspace's contact: 404" 404 "$(get "/api/contacts/$OTHER")"
check_eq "a made-up contact: 404" 404 "$(get "/api/contacts/EG-CON-nothing")"
check_eq "the export still answers at its own path" 200 \
    "$(get "/api/contacts/export.csv")"
get "/api/contacts?dnt=1" >/dev/null
check_eq "dnt=1: the Do Not Touch contacts only" "1 Grace" \
    "$(jq -r '"\(.total) \([.contacts[].first_name] | join(","))"' "$RUN/r.json")"
get "/api/contacts?dnt=0" >/dev/null
check_eq "dnt=0: the others" "2 Alan,Ada" \
    "$(jq -r '"\(.total) \([.contacts[].first_name] | join(","))"' "$RUN/r.json")"
get "/api/contacts?import=$TOUCH" >/dev/null
check_eq "import=ID: the contacts it updated" "1 Ada" \
    "$(jq -r '"\(.total) \([.contacts[].first_name] | join(","))"' "$RUN/r.json")"
get "/api/contacts?import=$SEED&dnt=0&q=Tur" >/dev/null
check_eq "import=ID with the other filters: the contacts it created that match" \
    "1 Alan" "$(jq -r '"\(.total) \([.contacts[].first_name] | join(","))"' "$RUN/r.json")"
get "/api/contacts?import=$OTHERIMP" >/dev/null
check_eq "import=ID of another workspace: no contact" 0 "$(jq -r .total "$RUN/r.json")"

# A failed import (the window would have refused this file: it comes by
# the API), for the task page of a failed import.
printf 'Name,Company\nAda,Engines\n' > "$RUN/names-only.csv"
it_upload "$RUN/names-only.csv" -F flow=create
FAILED=$ID
it_wait "$FAILED" >/dev/null
check_eq "the file without the required columns failed" failed \
    "$(jq -r .state "$RUN/status.json")"

# A file big enough to be seen running (the test holds the watcher).
awk 'BEGIN { print "First name,Last name,Account Name,Domain,Email"
	for (i = 1; i <= 15000; i++)
		printf "F%d,Big%d,Co %d,co%d.example,big%d@co%d.example\n", i, i, i % 50, i % 50, i, i % 50 }' \
    > "$RUN/big.csv"

SHOTS=$top_builddir/tests/browser/screenshots
mkdir -p "$SHOTS"
export BASE RUN SHOTS CHROMIUM FAILED SEED TOUCH ADA
export WATCHD_PID=$(cat "$RUN/watchd.pid")
start=$(date +%s)
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"# node exited 0") ;;
	"# node exited "*) not_ok "the browser test ran to its end" "$line" ;;
	*) echo "$line" ;;
	esac
done < <(cd "$SRCDIR" && timeout 500 node tests/browser/screens.test.mjs 2>&1;
    echo "# node exited $?")
kill -CONT "$WATCHD_PID" 2>/dev/null
echo "# the browser part took $(( $(date +%s) - start )) s"

for s in login contacts create-3 create-30 create-600 update-3 tasks \
    task-done task-failed task-running settings contact; do
	for w in 1280 390; do
		check "screenshot screen-$s-$w.png saved" [ -s "$SHOTS/screen-$s-$w.png" ]
	done
done
it_done
