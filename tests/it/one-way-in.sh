#!/bin/bash
# One way in: the web upload, `intake import` and an SFTP sidecar check
# the import options through one module (src/lib/options.c) and the content
# through one sniffing decision (sniff_feed), so what one entry takes the
# others take, and what the watcher would refuse is refused before
# anything is queued: a 129-character tag, 51 tags, a yes/no that is
# neither. A manifest over the limits (written by hand) fails with its
# workspace kept, its database row failed, and the uploader able to read
# why. UTF-16 files with a byte order mark (Excel's "Unicode text") are
# taken by all three.
STACK_CONF_EXTRA="drop_settle = 1
drop_hold = 5"
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_workspace || exit 1
DROP=$RUN/spool/drop/acme
mkdir -p "$DROP"
it_login ed@acme.test editor-pass-1

printf '%s\n' 'First name,Last name,Account Name,Domain,Email' \
    'Zoë,Müller,Straße GmbH,strasse.example,zoe@strasse.example' \
    '太郎,山田,株式会社,kaisha.example,taro@kaisha.example' > "$RUN/u8.csv"
long=$(printf 'x%.0s' $(seq 1 129))
ok128=$(printf 'é%.0s' $(seq 1 128))
queued() { sql "SELECT COUNT(*) FROM imports"; }
spool_empty() { [ -z "$(find "$RUN/spool/incoming" "$RUN/spool/tmp" -mindepth 1)" ]; }

# The web form.
n0=$(queued)
it_upload "$RUN/u8.csv" -F "tags=$long"
check_eq "web: a 129-character tag is refused, 400" "400 bad_option" \
    "$HTTP_CODE $(jq -r .error <<<"$BODY")"
check_eq "web: saying why" "The tag \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\" is longer than 128 characters" \
    "$(jq -r .message <<<"$BODY")"
tags=(); for i in $(seq 1 51); do tags+=(-F "tags=t$i"); done
it_upload "$RUN/u8.csv" "${tags[@]}"
check_eq "web: 51 tags are refused" "400 An import takes at most 50 tags" \
    "$HTTP_CODE $(jq -r .message <<<"$BODY")"
it_upload "$RUN/u8.csv" -F dnt=maybe
check_eq "web: a yes/no that is neither is refused" "400 dnt must be true or false" \
    "$HTTP_CODE $(jq -r .message <<<"$BODY")"
it_upload "$RUN/u8.csv" -F on_existing=overwrite
check_eq "web: an unknown on_existing is refused" 400 "$HTTP_CODE"
check_eq "web: none of them was queued" "$n0" "$(queued)"
check "web: nothing left in the spool" spool_empty
it_upload "$RUN/u8.csv" -F "tags=$ok128" -F dnt=on
check_eq "web: a 128-character tag is taken" 202 "$HTTP_CODE"
st=$(it_wait "$ID")
check_eq "web: and imported with it" "done 2 1" \
    "$(jq -r .state <<<"$st") $(jq -r .created <<<"$st") \
$(sql "SELECT COUNT(*) FROM tags WHERE name = '$ok128'")"

# The CLI: the same module, the same words.
n0=$(queued)
out=$(stack_intake import --workspace acme --as ed@acme.test --tag "$long" \
    --no-wait "$RUN/u8.csv" 2>&1)
check "cli: a 129-character tag is refused" test $? -ne 0
check "cli: saying why" grep -q "is longer than 128 characters" <<<"$out"
out=$(stack_intake import --workspace acme --as ed@acme.test \
    $(for i in $(seq 1 51); do printf -- '--tag t%s ' "$i"; done) \
    --no-wait "$RUN/u8.csv" 2>&1)
check "cli: 51 tags are refused" grep -q "at most 50 tags" <<<"$out"
check_eq "cli: nothing was queued" "$n0" "$(queued)"

# An SFTP sidecar: rejected with a .why, as the folder's protocol says.
cp "$RUN/u8.csv" "$DROP/side.csv"
jq -n --arg t "$long" '{tags: [$t]}' > "$DROP/side.csv.json"
n=0; until [ -f "$DROP/rejected/side.csv.why" ] || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
check "sftp: a sidecar with a 129-character tag is rejected" \
    test -f "$DROP/rejected/side.csv"
check "sftp: its .why says why" \
    grep -q "is longer than 128 characters" "$DROP/rejected/side.csv.why"
check_eq "sftp: nothing was queued" "$n0" "$(queued)"

# A manifest over the limits, made by hand from a drop the CLI queued
# while no watcher runs: the watcher fails it, keeping its workspace.
stack_stop_one "$RUN/watchd.pid"
ID=$(stack_intake import --workspace acme --as ed@acme.test --no-wait \
    "$RUN/u8.csv")
M=$RUN/spool/incoming/$ID/manifest.json
jq '.tags = [range(51) | "t\(.)"]' "$M" > "$RUN/m.json" && cat "$RUN/m.json" > "$M"
stack_watchd_start
st=$(it_wait "$ID")
check_eq "a manifest with 51 tags fails" failed "$(jq -r .state <<<"$st")"
check "saying why" grep -q "at most 50" <<<"$(jq -r .message <<<"$st")"
check_eq "its status keeps its workspace (the uploader can read it)" acme \
    "$(jq -r .workspace "$RUN/spool/status/$ID.json")"
check_eq "its database row says failed" failed \
    "$(sql "SELECT state FROM imports WHERE id = '$ID'")"
stack_stop_one "$RUN/watchd.pid"
ID=$(stack_intake import --workspace acme --as ed@acme.test --no-wait \
    "$RUN/u8.csv")
echo '{ not json' > "$RUN/spool/incoming/$ID/manifest.json"
stack_watchd_start
it_wait "$ID" >/dev/null
check_eq "a corrupt manifest: the row says failed too" failed \
    "$(sql "SELECT state FROM imports WHERE id = '$ID'")"
check_eq "and the status keeps the workspace" acme \
    "$(jq -r .workspace "$RUN/spool/status/$ID.json")"

# UTF-16 with a byte order mark, by all three ways in.
sql "DELETE FROM contacts" >/dev/null
tail -n +2 "$RUN/u8.csv" > "$RUN/rows"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$RUN/u8.csv"; } > "$RUN/le.csv"
{ printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE "$RUN/u8.csv"; } > "$RUN/be.csv"
for enc in le be; do
	it_upload "$RUN/$enc.csv"
	check_eq "web: a UTF-16${enc^^} file is taken" 202 "$HTTP_CODE"
	st=$(it_wait "$ID")
	check_eq "web: UTF-16${enc^^} imported, names intact" "done UTF-16${enc^^} 1" \
	    "$(jq -r .state <<<"$st") $(jq -r .encoding <<<"$st") \
$(sql "SELECT COUNT(*) FROM contacts WHERE first_name = '太郎' AND last_name = '山田'")"
	sql "DELETE FROM contacts" >/dev/null
done
out=$(stack_intake import --workspace acme --as ed@acme.test "$RUN/le.csv" 2>&1)
check "cli: a UTF-16LE file is imported" test $? -eq 0
cp "$RUN/be.csv" "$DROP/be.csv"
# (by SFTP: the web's upload of be.csv above is done too)
n=0; until [ "$(sql "SELECT COUNT(*) FROM imports WHERE file_name = 'be.csv' AND source = 'sftp' AND state = 'done'")" = 1 ] ||
    [ $n -ge 150 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "sftp: a UTF-16BE file is imported" 1 \
    "$(sql "SELECT COUNT(*) FROM imports WHERE file_name = 'be.csv' AND source = 'sftp' AND state = 'done'")"


# Review first by all three ways in: the web's review=true, the CLI's
# --review and the sidecar's "review": true each make a review, which
# writes no contact.
sql "DELETE FROM contacts" >/dev/null
it_upload "$RUN/u8.csv" -F review=true
st=$(it_wait "$ID")
check_eq "web: review=true makes a review, no contact" "true done 2 0" \
    "$(jq -r '"\(.review) \(.state) \(.created)"' <<<"$st") $(sql "SELECT COUNT(*) FROM contacts")"
ID=$(stack_intake import --workspace acme --as ed@acme.test --review \
    --no-wait "$RUN/u8.csv")
it_wait_file "$ID"
check_eq "cli: --review makes a review, no contact" "true done 2 0" \
    "$(st '"\(.review) \(.state) \(.created)"') $(sql "SELECT COUNT(*) FROM contacts")"
n0=$(sql "SELECT COUNT(*) FROM contacts")
cp "$RUN/u8.csv" "$DROP/rv.csv"
echo '{"review": true}' > "$DROP/rv.csv.json"
n=0; until [ "$(sql "SELECT COUNT(*) FROM imports WHERE file_name = 'rv.csv' AND state = 'done'")" = 1 ] ||
    [ $n -ge 150 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "sftp: a sidecar's \"review\": true makes a review, no contact" "1 done $n0" \
    "$(sql "SELECT review, state FROM imports WHERE file_name = 'rv.csv'" | tr '\t' ' ') $(sql "SELECT COUNT(*) FROM contacts")"
echo '{"review": "maybe"}' > "$DROP/bad.csv.json"
cp "$RUN/u8.csv" "$DROP/bad.csv"
n=0; until [ -e "$DROP/rejected/bad.csv.why" ] || [ $n -ge 150 ]; do sleep 0.1; n=$((n + 1)); done
check "sftp: a review that is not true or false is rejected, saying so" \
    grep -q 'review' "$DROP/rejected/bad.csv.why"

it_done
