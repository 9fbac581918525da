# Shared by the resume tests (kill-resume.sh, db-restart.sh): a file with
# every kind of outcome, and a canonical dump of what an import made of it
# in one workspace, so an interrupted import can be compared with an
# uninterrupted one. Sourced after lib.sh.

# canon_gen N FILE: N rows with tags-worthy people, owners (known, unknown),
# bad emails (warnings), duplicates in the same batch and across batches
# (skipped: exists), rows skipped for a missing name, a bad domain, too
# many fields or only a LinkedIn URL, quoted cells holding commas and
# newlines, and UTF-8.
canon_gen() {
	awk -v n="$1" 'BEGIN {
		print "First name,Last name,Account Name,Domain,Email,Phone," \
		    "Contact LinkedIn URL,Contact Owner Email,Region"
		for (i = 1; i <= n; i++) {
			j = i
			if (i % 17 == 0 && i > 5) j = i - 5
			if (i % 31 == 0 && i > 120) j = i - 120
			k = j % 53
			fn = "F" j; ln = "L" j; acc = "Co " k
			dom = "co" k ".example"; em = "p" j "@" dom
			ph = sprintf("+1 415 555 %04d", i % 10000)
			li = i % 3 == 0 ? "https://www.linkedin.com/in/p" j : ""
			own = ""; reg = i % 4 ? "R" i % 4 : ""
			if (i % 5 == 0) own = "boss@corp.test"
			if (i % 11 == 0) own = "ghost@nowhere.test"
			if (i % 13 == 0) em = "bad-email-" i
			if (i % 19 == 0) ln = ""
			if (i % 23 == 0) dom = "not a domain"
			if (i % 37 == 0) {
				fn = ln = acc = dom = em = ""
				li = "https://www.linkedin.com/in/only" i
			}
			if (i % 41 == 0) reg = "\"multi, line\nregion " i "\""
			if (i % 43 == 0) fn = "Zoë" j
			printf "%s,%s,%s,%s,%s,%s,%s,%s,%s%s\n", fn, ln, acc,
			    dom, em, ph, li, own, reg, i % 29 == 0 ? ",extra" : ""
		}
	}' > "$2"
}

# canon_ws SLUG: a workspace as it_ws makes it, plus boss@corp.test (named
# as an owner in the file) and a workflow "Nurture".
canon_ws() {
	it_ws "$1" &&
	stack_intake user add --workspace "$1" --email boss@corp.test \
	    --role editor >/dev/null &&
	stack_intake workflow add --workspace "$1" Nurture >/dev/null
}

# canon_import SLUG FILE: queue the file the way both runs import it.
canon_import() {
	stack_intake import --workspace "$1" --as "ed@$1.test" --no-wait \
	    --tag "Fair 2026" --tag Resume --workflow Nurture "$2"
}

# canon_dump SLUG: everything the imports of the workspace made, without
# ids, public ids or times; the workspace's own user emails read @WS.
# Ordered by every column shown, so that ties cannot differ.
canon_dump() {
	local ws="(SELECT id FROM workspaces WHERE slug = '$1')"
	echo "== contacts"
	sql "SELECT c.first_name, c.last_name, c.email, c.phone,
	    c.linkedin_url, a.domain, c.custom, c.dnt,
	    REPLACE(u.email, '@$1.test', '@WS'),
	    (SELECT GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR '|')
	        FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
	        WHERE ct.contact_id = c.id),
	    (SELECT GROUP_CONCAT(CONCAT(f.name, ':', e.state)
	        ORDER BY f.name SEPARATOR '|')
	        FROM workflow_enrolments e JOIN workflows f
	        ON f.id = e.workflow_id WHERE e.contact_id = c.id)
	    FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
	    LEFT JOIN users u ON u.id = c.owner_id
	    WHERE c.workspace_id = $ws
	    ORDER BY 3, 1, 2, 5, 4, 7, 6, 8, 9, 10, 11"
	echo "== accounts"
	sql "SELECT domain, name FROM accounts WHERE workspace_id = $ws
	    ORDER BY domain"
	echo "== tags"
	sql "SELECT name FROM tags WHERE workspace_id = $ws ORDER BY name"
	echo "== outcomes"
	# The row's contact by its email, and its public id out of the words.
	sql "SELECT r.row_no, r.severity, r.code, r.column_name, r.match_key,
	    c.email, c.first_name,
	    IF(r.contact IS NULL, r.message, REPLACE(r.message, r.contact, '#'))
	    FROM import_rows r JOIN imports i ON i.id = r.import_id
	    LEFT JOIN contacts c ON c.public_id = r.contact
	    WHERE i.workspace_id = $ws ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
	echo "== imports"
	sql "SELECT state, rows_total, rows_processed, created, updated,
	    skipped, failed, warnings, errors_total, tagged,
	    queued_to_workflow, dnt, checkpoint_row, checkpoint_offset
	    FROM imports WHERE workspace_id = $ws ORDER BY created_at"
}

# canon_compare WHAT A B: the dumps of two workspaces are equal.
canon_compare() {
	canon_dump "$2" > "$RUN/dump-$2"
	canon_dump "$3" > "$RUN/dump-$3"
	if cmp -s "$RUN/dump-$2" "$RUN/dump-$3"; then
		ok "$1 ($(grep -c . "$RUN/dump-$2") lines)"
	else
		not_ok "$1" "diff $RUN/dump-$2 $RUN/dump-$3:
$(diff "$RUN/dump-$2" "$RUN/dump-$3" | head -20)"
	fi
}

# canon_counts SLUG: contacts, outcomes, enrolments, tag links; one line.
canon_counts() {
	local ws="(SELECT id FROM workspaces WHERE slug = '$1')"
	sql "SELECT (SELECT COUNT(*) FROM contacts WHERE workspace_id = $ws),
	    (SELECT COUNT(*) FROM import_rows r JOIN imports i
	        ON i.id = r.import_id WHERE i.workspace_id = $ws),
	    (SELECT COUNT(*) FROM workflow_enrolments e JOIN contacts c
	        ON c.id = e.contact_id WHERE c.workspace_id = $ws),
	    (SELECT COUNT(*) FROM contact_tags ct JOIN contacts c
	        ON c.id = ct.contact_id WHERE c.workspace_id = $ws)"
}
