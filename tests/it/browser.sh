#!/bin/bash
# The web app in a real browser: Debian's chromium, headless, driven by
# playwright-core (tests/browser/app.test.mjs) against a private stack.
# Screenshots of the Contacts page, the import window and the task feed
# are kept in $top_builddir/tests/browser/screenshots/.
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
# playwright-core is found the way node finds it from tests/browser/: in
# node_modules there or in any directory above (make distcheck's copy of
# the tree sits inside the checkout).
if [ ! -x "$CHROMIUM" ] || ! (cd "$SRCDIR/tests/browser" &&
    node -e "require.resolve('playwright-core')" 2>/dev/null); then
	not_ok "chromium and playwright-core are installed" \
	    "need $CHROMIUM and node_modules (npm ci in $SRCDIR)"
	it_done
fi
stack_up || exit 1
it_workspace || exit 1
stack_intake workflow add --workspace acme "Welcome sequence" >/dev/null
stack_intake workflow add --workspace acme "Nurture" >/dev/null
stack_intake workflow default --workspace acme "Welcome sequence" >/dev/null

# What is there before the editor's import: an existing tag (VIP), a
# contact the import will update, and one whose name is markup.
cat > "$RUN/seed.csv" <<'CSV'
First name,Last name,Email,Account Name,Domain
Alan,Turing,alan@bletchley.example,Bletchley Park,bletchley.example
<img src=x onerror=alert(1)>,Mallory,mallory@evil.example,Evil Corp,evil.example
CSV
stack_intake import --workspace acme --as ed@acme.test --tag VIP \
    "$RUN/seed.csv" >/dev/null || not_ok "seed import"

SHOTS=$top_builddir/tests/browser/screenshots
mkdir -p "$SHOTS"
export BASE RUN SHOTS CHROMIUM
export WATCHD_PID=$(cat "$RUN/watchd.pid")
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"# node exited 0") ;;
	"# node exited "*) not_ok "the browser test ran to its end" "$line" ;;
	*) echo "$line" ;;
	esac
done < <(cd "$SRCDIR" && timeout 300 node tests/browser/app.test.mjs 2>&1;
    echo "# node exited $?")
# Keep watchd running whatever the test did with it.
kill -CONT "$WATCHD_PID" 2>/dev/null

check_eq "the viewer's forged upload left no import behind" 0 \
    "$(sql "SELECT COUNT(*) FROM imports i JOIN users u ON u.id = i.uploader_id
        WHERE u.email = 'vi@acme.test'")"
for f in contacts import-window task-feed; do
	check "screenshot $f.png saved" [ -s "$SHOTS/$f.png" ]
done
it_done
