#!/bin/bash
# `intake import` queues the same drop as the web upload and gives the
# same contacts; its exit code says whether the import finished.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
stack_intake workspace add beta >/dev/null
stack_intake user add --workspace beta --email ed@beta.test --role editor \
    >/dev/null
stack_intake user add --workspace beta --email vi@beta.test --role viewer \
    >/dev/null

it_login ed@acme.test editor-pass-1
it_upload "$SRCDIR/tests/data/contacts.csv" -F tags=Event
web=$ID
it_wait "$web" >/dev/null

out=$(stack_intake import --workspace beta --as ed@beta.test --tag Event \
    "$SRCDIR/tests/data/contacts.csv")
rc=$?
check_eq "CLI exit 0 when the import finished" 0 "$rc"
echo "$out" | grep -q '^Import started. Processing contacts…' &&
    ok "says the import started" || not_ok "says the import started" "$out"
echo "$out" | grep -q 'row 5: skipped: Missing Last name' &&
    ok "lists the skipped row" || not_ok "lists the skipped row" "$out"
cli=$(echo "$out" | sed -n 's/.*(\(.*\))$/\1/p' | head -1)

snapshot() {
	sql "SELECT c.first_name, c.last_name, c.email, c.phone,
	    c.custom, a.name, a.domain, u.email LIKE 'ed@%'
	    FROM contacts c JOIN accounts a ON a.id = c.account_id
	    JOIN users u ON u.id = c.owner_id
	    JOIN workspaces w ON w.id = c.workspace_id
	    WHERE w.slug = '$1' ORDER BY c.last_name"
}
check_eq "CLI and web give the same contacts" "$(snapshot acme)" \
    "$(snapshot beta)"
check "and there are some" [ -n "$(snapshot beta)" ]
check_eq "the manifests differ only by source" "cli web" \
    "$(jq -r .source "$RUN/spool/done/$cli/manifest.json" \
        "$RUN/spool/done/$web/manifest.json" | xargs)"
check_eq "the options are the same" \
    "$(jq -c '{flow,tags,workflow,on_existing,dnt,override_owners}' \
        "$RUN/spool/done/$web/manifest.json")" \
    "$(jq -c '{flow,tags,workflow,on_existing,dnt,override_owners}' \
        "$RUN/spool/done/$cli/manifest.json")"

# Options this issue does not use yet are still written down.
id=$(stack_intake import --workspace beta --as ed@beta.test --update \
    --tag A --tag B --workflow none --on-existing duplicate --dnt \
    --override-owners --no-wait "$SRCDIR/tests/data/contacts.csv")
it_wait_file "$id"
check_eq "every option lands in the manifest" \
    '{"flow":"update","tags":["A","B"],"workflow":"none","on_existing":"duplicate","dnt":true,"override_owners":true}' \
    "$(jq -c '{flow,tags,workflow,on_existing,dnt,override_owners}' \
        "$RUN/spool/"*"/$id/manifest.json")"

printf 'Name,Phone\nA,1\n' > "$RUN/bad.csv"
out=$(stack_intake import --workspace beta --as ed@beta.test "$RUN/bad.csv")
check_eq "CLI exit non-zero when the import failed" 1 "$?"
echo "$out" | grep -q 'Missing: Account Name, Domain, First name, Last name' &&
    ok "and says why" || not_ok "and says why" "$out"

out=$(stack_intake import --workspace beta --as vi@beta.test \
    "$SRCDIR/tests/data/contacts.csv" 2>&1)
check_eq "a viewer cannot import from the CLI either" 1 "$?"
out=$(stack_intake import --workspace beta --as nobody@beta.test \
    "$SRCDIR/tests/data/contacts.csv" 2>&1)
check_eq "an unknown uploader is refused" 1 "$?"
printf 'PK\003\004' > "$RUN/x.csv"
out=$(stack_intake import --workspace beta --as ed@beta.test "$RUN/x.csv" 2>&1)
check_eq "a non-CSV file is refused before queueing" 1 "$?"
check "nothing left in tmp/" test -z "$(ls "$RUN/spool/tmp")"

out=$(stack_intake status)
echo "$out" | grep -q "$cli  done" && ok "intake status lists imports" ||
    not_ok "intake status lists imports" "$out"
it_done
