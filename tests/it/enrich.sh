#!/bin/bash
# LinkedIn-only rows are completed from the enrichment provider: found,
# not found, incomplete; the file's values win; answers are cached; 429,
# 5xx and timeouts are retried and then given up without failing the
# import; lookups overlap; the rate limit holds. The provider is a real
# nginx on loopback serving fixtures (tests/provider).
. "$(dirname "$0")/lib.sh"
PPORT=$(stack_free_port)
LOG=$RUN/provider/access.log
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }
calls() { grep -c "profile=.*${1:-}" "$LOG" 2>/dev/null || true; }

# Restart the watcher against provider endpoint $1 with settings $2.
provider() {
	stack_stop_one "$RUN/watchd.pid"
	STACK_CONF_EXTRA="$(stack_provider_conf "$1")
enrich_backoff_ms = 50
${2:-}"
	stack_write_conf
	stack_watchd_start
}

mkdir -p "$RUN"
stack_provider_start || exit 1
STACK_CONF_EXTRA=$(stack_provider_conf "")
stack_up || exit 1
it_ws en

f=$(csv found <<'X'
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL,Note
,,,,,https://www.linkedin.com/in/ada-lovelace,first
Augusta,,,,a@hopper.example,https://uk.linkedin.com/in/Grace-Hopper/?trk=x,second
,,,,,https://www.linkedin.com/in/unknown-person,third
,,,,,https://www.linkedin.com/in/no-company,fourth
Ken,Thompson,Bell,bell.example,,,fifth
X
)
it_import en "$f"
check_eq "found profiles complete their rows" "done 3 2" \
    "$(st '"\(.state) \(.created) \(.skipped)"')"
check_eq "not found and incomplete are skipped with reasons" \
    "4:profile_not_found 5:profile_incomplete" "$(st_codes)"
check_eq "the profile fills every empty field" \
    "Ada	Lovelace	ada@analytical.example	+44 20 7946 0001	Analytical Engines	analytical.example	https://www.linkedin.com/in/ada-lovelace" \
    "$(sql "SELECT c.first_name, c.last_name, c.email, c.phone, a.name, a.domain,
        c.linkedin_url FROM contacts c JOIN accounts a ON a.id = c.account_id
        WHERE c.last_name = 'Lovelace'")"
check_eq "the title goes to custom data, beside the file's own" \
    '{"Note":"first","Title":"Countess"}' \
    "$(sql "SELECT custom FROM contacts WHERE last_name = 'Lovelace'")"
check_eq "values in the file win over the profile" \
    "Augusta	a@hopper.example	navy.example" \
    "$(sql "SELECT c.first_name, c.email, a.domain FROM contacts c
        JOIN accounts a ON a.id = c.account_id WHERE c.last_name = 'Hopper'")"
check_eq "status counts enrichment" "2 0 0" \
    "$(st '"\(.enriched) \(.enrich_failed) \(.enrich_pending)"')"
check_eq "one provider request per profile" 4 "$(calls)"
check_eq "rows without a LinkedIn-only identity are not looked up" 0 \
    "$(calls thompson)"

it_import en "$f"
check_eq "a re-import asks the provider nothing (cache)" 4 "$(calls)"
check_eq "and the cached profiles still match and skip" \
    "2:exists 3:exists 4:profile_not_found 5:profile_incomplete 6:exists" \
    "$(st_codes)"

# 429 with Retry-After: waited for, then success.
provider /busy "enrich_concurrency = 4
enrich_rate = 0"
f=$(csv busy <<'X'
Contact LinkedIn URL
https://www.linkedin.com/in/person-1
https://www.linkedin.com/in/person-2
https://www.linkedin.com/in/person-3
https://www.linkedin.com/in/person-4
https://www.linkedin.com/in/person-5
X
)
it_import en "$f"
check_eq "429s were retried until every profile came" "5 0" \
    "$(st '"\(.created) \(.skipped)"')"
check "the provider did answer 429" grep -q ' 429 /busy' "$LOG"
first429=$(awk '$3 == 429 {print $1; exit}' "$LOG")
last200=$(awk '$3 == 200 && $4 ~ /busy/ {t = $1} END {print t}' "$LOG")
check "Retry-After (1 s) was honoured" \
    awk -v a="$first429" -v b="$last200" 'BEGIN {exit !(b - a >= 0.9)}'

# 5xx until the retry budget is spent: the row is skipped, the import
# goes on.
provider /down "enrich_retries = 2"
f=$(csv down <<'X'
Contact LinkedIn URL,First name
https://www.linkedin.com/in/person-6,
https://www.linkedin.com/in/person-7,
X
)
it_import en "$f"
check_eq "a provider that is down does not fail the import" "done 0 2" \
    "$(st '"\(.state) \(.created) \(.skipped)"')"
check_eq "each row: enrichment_failed" \
    "2:enrichment_failed 3:enrichment_failed" "$(st_codes)"
check_eq "after 1 + 2 retries" 3 "$(grep -c '/down/v1/person.*person-6' "$LOG")"
check_eq "the reason says what the provider did" \
    "The profile could not be looked up: the provider kept answering 503" \
    "$(st '.errors[0].message')"
check_eq "failures are counted" 2 "$(st .enrich_failed)"
check_eq "failures are not cached" 0 \
    "$(sql "SELECT COUNT(*) FROM enrich_cache WHERE url LIKE '%person-6'")"

# A provider too slow for the timeout.
provider /slow "enrich_timeout = 1
enrich_retries = 1"
f=$(csv slow <<'X'
Contact LinkedIn URL
https://www.linkedin.com/in/person-8
X
)
it_import en "$f"
check_eq "a timeout ends as enrichment_failed" \
    "2:enrichment_failed" "$(st_codes)"
st '.errors[0].message' | grep -qi 'timeout\|timed out' &&
    ok "and says it timed out" || not_ok "and says it timed out" "$(st '.errors[0].message')"

# Lookups overlap: 16 profiles that take ~50 ms each, 8 at a time.
provider /delay "enrich_concurrency = 8
enrich_rate = 0"
{ echo "Contact LinkedIn URL"
  for i in $(seq 11 26); do echo "https://www.linkedin.com/in/person-$i"; done
} > "$RUN/delay.csv"
it_import en "$RUN/delay.csv"
check_eq "all 16 created" 16 "$(st .created)"
overlap=$(awk '$4 ~ /delay/ { printf "%.3f 1\n%.3f -1\n", $1 - $2, $1 }' "$LOG" |
    sort -n | awk '{ c += $2; if (c > m) m = c } END { print m + 0 }')
check "requests overlapped (at most $overlap at once, want >= 4)" [ "$overlap" -ge 4 ]
check "never more than the configured 8" [ "$overlap" -le 8 ]

# The rate limit: 6 requests at 4 per second take over a second to start.
provider "" "enrich_concurrency = 8
enrich_rate = 4"
{ echo "Contact LinkedIn URL"
  for i in $(seq 30 35); do echo "https://www.linkedin.com/in/person-$i"; done
} > "$RUN/rate.csv"
it_import en "$RUN/rate.csv"
span=$(awk '$4 ~ /person-3[0-5]/ { if (!a) a = $1; b = $1 } END { print b - a }' "$LOG")
check "6 requests at 4/s span >= 1.2 s (took $span)" \
    awk -v s="$span" 'BEGIN {exit !(s >= 1.2)}'

# The watcher reads the next batch while it writes one (import.c), but
# not a batch with rows to look up: those still get their profiles.
# Batches of two; the LinkedIn-only rows are in the second and third.
STACK_BATCH=2
provider "" "enrich_rate = 0"
{ echo "First name,Last name,Account Name,Domain,Contact LinkedIn URL"
  echo "Ken,Thompson,Unix,unix.example,"
  echo "Dennis,Ritchie,Unix,unix.example,"
  echo ",,,,https://www.linkedin.com/in/person-36"
  echo "Brian,Kernighan,Unix,unix.example,"
  echo ",,,,https://www.linkedin.com/in/person-37"
  echo "Rob,Pike,Unix,unix.example,"
} > "$RUN/ahead.csv"
it_import en "$RUN/ahead.csv"
check_eq "batches read ahead still look their rows up" "6 2 0" \
    "$(st '"\(.created) \(.enriched) \(.skipped)"')"
STACK_BATCH=1000

# Enrichment is off without a provider: the row says so.
stack_stop_one "$RUN/watchd.pid"
STACK_CONF_EXTRA="" stack_write_conf
stack_watchd_start
f=$(csv off <<'X'
Contact LinkedIn URL
https://www.linkedin.com/in/person-40
X
)
it_import en "$f"
check_eq "no provider configured: enrichment_unavailable" \
    "2:enrichment_unavailable" "$(st_codes)"
it_done
