#!/bin/bash
# Review first (#20) in a real browser: Debian's chromium, headless,
# driven by playwright-core (tests/browser/review.test.mjs) against a
# private stack, with axe-core. A file with an update, new contacts and a
# skipped row is reviewed from the Create with CSV window: the review's
# page counts what the import would do, its grid shows each change before
# → after and which key matched which contact, filtered and searched and
# paged; nothing is written until Import, and the import then says how
# many rows came out differently (the workspace changed in between).
# Screenshots go to $top_builddir/tests/browser/screenshots/ (review-*).
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
stack_intake workflow default --workspace acme "Welcome sequence" >/dev/null

# What is there before the review: Ada (whose phone and colour the file
# changes) and Bob (whom it leaves as he is).
cat > "$RUN/seed.csv" <<'CSV'
First name,Last name,Account Name,Domain,Email,Phone,Colour
Ada,Lovelace,Analytical,analytical.example,ada@analytical.example,+1 555 0100,red
Bob,Builder,Builders,builders.example,bob@builders.example,+1 555 0111,blue
CSV
SEED=$(stack_intake import --workspace acme --as ed@acme.test --no-wait "$RUN/seed.csv")
it_wait_file "$SEED" || not_ok "the seed import ends"
check_eq "seed: two contacts" 2 "$(sql "SELECT COUNT(*) FROM contacts")"
ADA=$(sql "SELECT public_id FROM contacts WHERE email = 'ada@analytical.example'")

SHOTS=$top_builddir/tests/browser/screenshots
mkdir -p "$SHOTS"
export BASE RUN SHOTS CHROMIUM ADA
export DBSOCK=$RUN/mysql.sock DBPASS=$STACK_DBPASS
export INTAKE_BIN=$BINDIR/intake INTAKE_CONF=$RUN/intake.conf
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"# node exited 0") ;;
	"# node exited "*) not_ok "the browser test ran to its end" "$line" ;;
	*) echo "$line" ;;
	esac
done < <(cd "$SRCDIR" && timeout 400 node tests/browser/review.test.mjs 2>&1;
    echo "# node exited $?")

for f in review-1280 review-390 review-updated review-feed review-imported; do
	check "screenshot $f.png saved" [ -s "$SHOTS/$f.png" ]
done
it_done
