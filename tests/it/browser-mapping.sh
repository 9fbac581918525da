#!/bin/bash
# The import windows' mapping step in a real browser: Debian's chromium,
# headless, driven by playwright-core (tests/browser/mapping.test.mjs)
# against a private stack, with axe-core for the accessibility checks.
# Screenshots go to $top_builddir/tests/browser/screenshots/ (mapping-*).
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! (cd "$SRCDIR/tests/browser" &&
    node -e "require.resolve('playwright-core'); require.resolve('axe-core')" 2>/dev/null); then
	not_ok "chromium, playwright-core and axe-core are installed" \
	    "need $CHROMIUM and node_modules (npm ci in $SRCDIR)"
	it_done
fi
# A LinkedIn export's rows have a profile URL and no domain: the local
# enrichment provider completes them (names as in the file, company and
# site; no email, so an ignored Email column stays empty).
PPORT=$(stack_free_port)
mkdir -p "$RUN/profiles" "$RUN/provider"
while read -r slug first last company site; do
	printf '{"status": 200, "likelihood": 9, "data": {"first_name": "%s", "last_name": "%s", "job_company_name": "%s", "job_company_website": "%s"}}\n' \
	    "$first" "${last//_/ }" "${company//_/ }" "$site" > "$RUN/profiles/$slug.json"
done <<'EOT'
ada-lovelace-1815 Ada Lovelace Analytical_Engines https://analytical.example/
hedy-lamarr Hedy Lamarr MGM https://mgm.example/
cs-wu Chien-Shiung Wu_吴健雄 Columbia_University https://columbia.example/
EOT
stack_provider_fixtures "$RUN/profiles" "$RUN/provider/fixtures"
stack_provider_start || exit 1
STACK_CONF_EXTRA="$(stack_provider_conf "")
enrich_backoff_ms = 50"
stack_up || exit 1
it_workspace || exit 1

SHOTS=$top_builddir/tests/browser/screenshots
mkdir -p "$SHOTS"
export BASE RUN SHOTS CHROMIUM
export DBSOCK=$RUN/mysql.sock DBPASS=$STACK_DBPASS
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"# node exited 0") ;;
	"# node exited "*) not_ok "the browser test ran to its end" "$line" ;;
	*) echo "$line" ;;
	esac
done < <(cd "$SRCDIR" && timeout 400 node tests/browser/mapping.test.mjs 2>&1;
    echo "# node exited $?")

for f in mapping-linkedin mapping-problem settings-mappings mapping-30-1280 \
    mapping-30-390 mapping-600-1280 mapping-600-390; do
	check "screenshot $f.png saved" [ -s "$SHOTS/$f.png" ]
done
it_done
