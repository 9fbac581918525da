#!/bin/bash
# Review first (#20.3), as a property: over many generated files (random
# flows and policies, Do Not Touch and owner override, tags and a
# workflow; in-file duplicates, updates of earlier rows, moved domains,
# owners who are and are not users, LinkedIn-only rows the provider
# completes; review-gen.pl), in small batches so that every file spans
# several, each review writes nothing (the workspace's checksums), and
# the import of the same file with the same options then gives every row
# the outcome the review said, field for field (code, message, column,
# contact, key), every change it said (field, before, after), and the
# same counts. The workspace grows from round to round, so later rounds
# review against what earlier ones imported. Rounds take turns at the
# review's two ways (review.c): odd ones write a copy of the workspace's
# contacts, even ones the tables themselves, rolled back.
. "$(dirname "$0")/lib.sh"
ROUNDS=${REVIEW_ROUNDS:-14}
PPORT=$(stack_free_port)
mkdir -p "$RUN"
stack_provider_start || exit 1
STACK_CONF_EXTRA="$(stack_provider_conf "")
batch_size = 5
keep_changes = yes"
stack_up || exit 1
it_ws pr
stack_intake workflow add --workspace pr Welcome >/dev/null

state() {
	sql "CHECKSUM TABLE contacts, accounts, tags, contact_tags,
	    workflow_enrolments, enrich_cache, import_links" |
	    awk '{ printf "%s ", $2 }'
}
news() {
	sql "SELECT contact FROM import_rows WHERE import_id = '$1' AND
	    severity = 'created' UNION SELECT public_id FROM contacts
	    WHERE created_by_import = '$1'" | sed 's/.*/s|&|NEW|g/'
}
outcomes() {
	sql "SELECT row_no, severity, code, message, COALESCE(column_name, ''),
	    IF(severity = 'created', '', COALESCE(contact, '')),
	    COALESCE(match_key, '') FROM import_rows WHERE import_id = '$1'
	    AND severity <> 'created' ORDER BY row_no, severity, code, message" |
	    sed -f <(news "$1")
}
changes() {
	sql "SELECT row_no, contact, field, COALESCE(before_value, '-'),
	    COALESCE(after_value, '-') FROM import_changes
	    WHERE import_id = '$1' ORDER BY row_no, id" | sed -f <(news "$1")
}
COUNTS='"\(.created) \(.updated) \(.unchanged) \(.skipped) \(.failed) \(.warnings) \(.tagged) \(.queued_to_workflow) \(.dnt) \(.enriched) \(.enrich_failed)"'

# The watcher again, copying always (1) or never (0).
copying() {
	sed -i '/^review_copy_percent/d' "$RUN/intake.conf"
	echo "review_copy_percent = $(($1 ? 100000000 : 0))" >> "$RUN/intake.conf"
	stack_stop_one "$RUN/watchd.pid"
	stack_watchd_start
}

RANDOM=20
bad=0
for round in $(seq 1 "$ROUNDS"); do
	copying $((round % 2))
	opts=()
	flow=create
	if [ "$round" -gt 3 ] && [ $((RANDOM % 3)) -eq 0 ]; then
		flow=update
		opts+=(--update)
	else
		pol=(skip update update duplicate)
		opts+=(--on-existing "${pol[RANDOM % 4]}")
	fi
	[ $((RANDOM % 4)) -eq 0 ] && opts+=(--dnt)
	[ $((RANDOM % 3)) -eq 0 ] && opts+=(--override-owners)
	[ $((RANDOM % 2)) -eq 0 ] && opts+=(--tag "Round $((round % 3))")
	[ $((RANDOM % 2)) -eq 0 ] && opts+=(--workflow Welcome) ||
	    opts+=(--workflow none)
	sql "SELECT public_id FROM contacts c JOIN workspaces w
	    ON w.id = c.workspace_id WHERE w.slug = 'pr'" > "$RUN/ids"
	f=$RUN/round$round.csv
	perl "$SRCDIR/tests/it/review-gen.pl" "$round" $((20 + RANDOM % 40)) \
	    "$flow" "$RUN/ids" | sed 's/@W\.test/@pr.test/' > "$f"
	what="round $round ($flow ${opts[*]})"

	before=$(state)
	it_import pr "$f" --review "${opts[@]}"
	R=$ID RS=$ST
	[ "$(st .state)" = done ] || { not_ok "$what: the review ended $(st .state): $(st .message)"; bad=1; continue; }
	check_eq "$what: the review wrote nothing" "$before" "$(state)"
	it_import pr "$f" "${opts[@]}"
	I=$ID
	check_eq "$what: the import's counts are the review's" \
	    "$(echo "$RS" | jq -r "$COUNTS")" "$(st "$COUNTS")"
	check_eq "$what: every row's outcome is the review's" \
	    "$(outcomes "$R")" "$(outcomes "$I")"
	check_eq "$what: every change is the review's" \
	    "$(changes "$R")" "$(changes "$I")"
done
check_eq "half the reviews wrote a copy, half the tables" \
    "$(((ROUNDS + 1) / 2)) $((ROUNDS / 2))" \
    "$(grep -c "review: the workspace's contacts copied" "$RUN/watchd.log") $(grep -c 'review: in the tables' "$RUN/watchd.log")"
check "the rounds made and updated contacts, flagged and enrolled some" \
    test "$(sql "SELECT (SELECT COUNT(*) FROM contacts) > 20 AND
        (SELECT COUNT(*) FROM import_changes) > 20 AND
        (SELECT COUNT(*) FROM contacts WHERE dnt) > 0 AND
        (SELECT COUNT(*) FROM workflow_enrolments) > 0")" = 1
it_done
