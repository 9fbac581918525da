#!/bin/bash
# Export -> edit -> Update with CSV -> export gives back the first export
# with exactly the edited cells changed, whatever the values hold.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
stack_intake user add --workspace acme --email owner@acme.test --role editor >/dev/null
it_login ed@acme.test editor-pass-1
T0="2026-01-01 00:00:00.000"

cat > "$RUN/awkward.csv" <<'X'
First name,Last name,Email,Phone,Account Name,Domain,Contact Owner Email,Phone Intent Score,Note,Formula,Handle
Zoë,Ångström,ZOE@Acme.example,+1 555 0100,"Acme, Inc.",acme.example,owner@acme.test,7,"line one
line two",=SUM(A1:A2),@zoe
李,雷,li@example.cn,-42,北京公司,beijing.example,,,"say ""hi""",''=already quoted,
"O""Brien",Pat,pat@obrien.example,,O'Brien & Sons,obrien.example,,100,"tab	inside",-5,+plus
X
it_import acme "$RUN/awkward.csv" --tag "Round Trip" --tag "Ünïcode"
check_eq "awkward file imported" "3 0" "$(st '"\(.created) \(.skipped)"')"
sql "UPDATE contacts SET updated_at = '$T0'"

curl -s -b "$JAR" -D "$RUN/hdr" -o "$RUN/e1.csv" "$BASE/api/contacts/export.csv"
stack_intake export --workspace acme -o "$RUN/cli.csv"
check "the web and the CLI export the same bytes" cmp -s "$RUN/e1.csv" "$RUN/cli.csv"
grep -qi '^Content-Type: text/csv; charset=utf-8' "$RUN/hdr" &&
    ok "served as text/csv" || not_ok "served as text/csv"
grep -qi '^Content-Disposition: attachment; filename="contacts-acme-' "$RUN/hdr" &&
    ok "as a download" || not_ok "as a download"
check_eq "starts with a UTF-8 BOM" "efbbbf" "$(head -c 3 "$RUN/e1.csv" | od -An -tx1 | tr -d ' \n')"
check_eq "header: id, the create columns, export-only, custom keys sorted" \
    '"EG-CON-ID","First name","Last name","Email","Phone","Account Name","Domain","Contact LinkedIn URL","Contact Owner Email","Phone Verification Result","Phone Verification Provider","Phone Type","Phone Intent Score","Tags","Do Not Touch","Created At","Updated At","Formula","Handle","Note"' \
    "$(head -1 "$RUN/e1.csv" | tail -c +4 | tr -d '\r')"
check_eq "records end in CRLF (header + 3)" 4 "$(grep -c $'\r$' "$RUN/e1.csv")"
grep -q '"'"'"'+1 555 0100"' "$RUN/e1.csv" &&
    ok "a phone starting with + is escaped against formulas" ||
    not_ok "a phone starting with + is escaped against formulas"
grep -q '"'"'"'=SUM(A1:A2)"' "$RUN/e1.csv" && ok "=formula escaped" ||
    not_ok "=formula escaped"
grep -q "\"''=already quoted\"" "$RUN/e1.csv" &&
    ok "a value already starting with a quote gets one more" ||
    not_ok "a value already starting with a quote gets one more"
grep -q '"Round Trip; Ünïcode"' "$RUN/e1.csv" && ok "tags joined with '; '" ||
    not_ok "tags joined with '; '"

# Edit exactly two cells of one contact (unique values, so sed is exact),
# and re-import the whole file with the update flow.
sed -e 's/"'"'"'+1 555 0100"/"'"'"'+1 555 0199"/' -e 's/"@zoe"/"@zoe2"/' \
    "$RUN/e1.csv" > "$RUN/edited.csv"
differs() { ! cmp -s "$1" "$2"; }
check "the edit changed the file" differs "$RUN/e1.csv" "$RUN/edited.csv"
it_import acme "$RUN/edited.csv" --update
# (the one edited row is updated; the two as exported change nothing)
check_eq "update flow: all three matched, one changed" "done 0 1 2 0" \
    "$(st '"\(.state) \(.created) \(.updated) \(.unchanged) \(.skipped)"')"
check_eq "the phone came back without the escape quote" "+1 555 0199" \
    "$(sql "SELECT phone FROM contacts WHERE last_name = 'Ångström'")"
check_eq "only the edited contact's Updated At moved" "1 2" \
    "$(sql "SELECT SUM(updated_at > '$T0'), SUM(updated_at = '$T0') FROM contacts" | tr '\t' ' ')"
check_eq "export-only columns are not custom data" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE JSON_EXISTS(custom, '\$.Tags')
        OR JSON_EXISTS(custom, '\$.\"Updated At\"')")"

sql "UPDATE contacts SET updated_at = '$T0'"
curl -s -b "$JAR" -o "$RUN/e2.csv" "$BASE/api/contacts/export.csv"
check "second export = first export with exactly those cells changed" \
    cmp -s "$RUN/edited.csv" "$RUN/e2.csv"
[ "$IT_FAILED" -gt 0 ] && diff "$RUN/edited.csv" "$RUN/e2.csv" | head -20

# Filters: the same filters on the web export.
curl -s -b "$JAR" -o "$RUN/f.csv" "$BASE/api/contacts/export.csv?q=brien"
check_eq "q= filters (header + 1 contact)" 2 "$(grep -c $'\r$' "$RUN/f.csv")"
stack_intake export --workspace acme --tag "round trip" > "$RUN/t.csv"
check_eq "--tag filters, any case" 4 "$(grep -c $'\r$' "$RUN/t.csv")"
check_eq "a tag nobody has: header only" 1 \
    "$(curl -s -b "$JAR" "$BASE/api/contacts/export.csv?tag=nope" | grep -c $'\r$')"
check_eq "no session: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' \
    "$BASE/api/contacts/export.csv")"
it_login vi@acme.test viewer-pass-1
check_eq "a view-only session may export" 200 "$(curl -s -o /dev/null \
    -w '%{http_code}' -b "$JAR" "$BASE/api/contacts/export.csv")"

# intake's own export imported into another workspace keeps every
# contact's tags and Do Not Touch flag, and a flagged contact is never
# enrolled into that workspace's default workflow (#16.7: it was).
sql "UPDATE contacts SET dnt = 1 WHERE last_name IN ('Ångström', '雷')"
sql "INSERT INTO tags (workspace_id, name) SELECT id, 'VIP, Gold' FROM workspaces
    WHERE slug = 'acme'"
sql "INSERT INTO contact_tags (contact_id, tag_id) SELECT c.id, t.id
    FROM contacts c JOIN tags t ON t.name = 'VIP, Gold'
    WHERE c.last_name IN ('Pat', '雷')"
stack_intake export --workspace acme -o "$RUN/rt.csv"
it_ws beta
stack_intake workflow add --workspace beta Nurture >/dev/null
stack_intake workflow default --workspace beta Nurture >/dev/null
it_import beta "$RUN/rt.csv" --workflow default
check_eq "the export imports into another workspace: all created" "done 3 0" \
    "$(st '"\(.state) \(.created) \(.skipped)"')"
each() {	# each SLUG: every contact's email, tags and flag
	sql "SELECT c.email, c.dnt, (SELECT GROUP_CONCAT(t.name ORDER BY t.name
	    SEPARATOR '|') FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
	    WHERE ct.contact_id = c.id) FROM contacts c JOIN workspaces w
	    ON w.id = c.workspace_id WHERE w.slug = '$1' ORDER BY c.email"
}
check_eq "every contact keeps its tags and its Do Not Touch flag" \
    "$(each acme)" "$(each beta)"
[ "$IT_FAILED" -gt 0 ] && diff <(each acme) <(each beta)
check_eq "a tag holding a comma comes through whole" 2 \
    "$(sql "SELECT COUNT(*) FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
    JOIN workspaces w ON w.id = t.workspace_id
    WHERE w.slug = 'beta' AND t.name = 'VIP, Gold'")"
check_eq "the status counts the flagged and the tagged" "2 3" \
    "$(st '"\(.dnt) \(.tagged)"')"
check_eq "no Do Not Touch contact enrolled; the others are" "0 1" \
    "$(sql "SELECT COALESCE(SUM(c.dnt), 0), COUNT(*) FROM workflow_enrolments e
    JOIN contacts c ON c.id = e.contact_id JOIN workspaces w
    ON w.id = c.workspace_id WHERE w.slug = 'beta'" | tr '\t' ' ')"
check_eq "Tags and Do Not Touch are not kept as custom data" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE JSON_EXISTS(custom, '\$.Tags')
        OR JSON_EXISTS(custom, '\$.\"Do Not Touch\"')")"
it_done
