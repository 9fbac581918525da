#!/bin/bash
# Files put into a workspace's drop folder with the real OpenSSH sftp
# client (and sftp-server) become imports, exactly once: a partial upload
# never does, a .part name is ignored until renamed, a sidecar gives the
# options, a file that is not CSV is moved to rejected/ with a .why, and a
# folder made while the watcher runs is watched too.
STACK_CONF_EXTRA="drop_settle = 1
drop_hold = 5"
. "$(dirname "$0")/lib.sh"
SFTP_SERVER=${SFTP_SERVER:-/usr/lib/openssh/sftp-server}
[ -x "$SFTP_SERVER" ] || { echo "not ok - no $SFTP_SERVER"; exit 1; }
stack_up || exit 1
it_ws acme || exit 1
DROP=$RUN/spool/drop/acme
mkdir -p "$DROP"

gen() {	# gen N FILE PREFIX: N people, rows of 81 bytes
	awk -v n="$1" -v p="$3" 'BEGIN {
		print "First name,Last name,Account Name,Domain,Email"
		for (i = 1; i <= n; i++)
			printf "F%07d,%s%07d,Co %02d,co%02d.example,%s%07d@co%02d.example%s\n",
			    i, p, i, i % 97, i % 97, p, i, i % 97, "xxx"
	}' > "$2"
}

# sftp DIR: run the batch on stdin against a local sftp-server, in DIR.
sftp_batch() {
	{ echo "cd $1"; cat; } | sftp -q -b - -D "$SFTP_SERVER" 2>&1
}

imports() {	# how many imports a file name became
	sql "SELECT COUNT(*) FROM imports WHERE file_name = '$1'"
}

wait_import() {	# wait_import NAME: its import done; sets ID
	local n=200
	while [ $n -gt 0 ]; do
		ID=$(sql "SELECT id FROM imports WHERE file_name = '$1'
		    AND state IN ('done', 'failed') LIMIT 1")
		[ -n "$ID" ] && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

# A plain put.
gen 50 "$RUN/good.csv" good
echo "put $RUN/good.csv good.csv" | sftp_batch "$DROP" >/dev/null
check "a file put over SFTP is imported" wait_import good.csv
check_eq "as an SFTP import with every row" "sftp	done	50" \
    "$(sql "SELECT source, state, created FROM imports WHERE id = '$ID'")"
check_eq "by the workspace's first editor (the drop default)" ed@acme.test \
    "$(sql "SELECT u.email FROM imports i JOIN users u
        ON u.id = i.uploader_id WHERE i.id = '$ID'")"
check "the file left the drop folder" test ! -e "$DROP/good.csv"
check "it was moved, not copied: the drop holds it" \
    cmp -s "$RUN/good.csv" "$RUN/spool/done/$ID/data.csv"

# A .part name is never looked at; the rename makes it an import.
gen 40 "$RUN/part.csv" part
echo "put $RUN/part.csv up.csv.part" | sftp_batch "$DROP" >/dev/null
sleep 3
check_eq "a .part file is left alone" 0 "$(imports up.csv.part)"
check "and stays where it is" test -f "$DROP/up.csv.part"
echo "rename up.csv.part up.csv" | sftp_batch "$DROP" >/dev/null
check "renamed, it is imported" wait_import up.csv
sleep 2
check_eq "once" 1 "$(imports up.csv)"
check_eq "with its rows" 40 "$(sql "SELECT created FROM imports
    WHERE id = '$ID'")"

# A sidecar sent first gives the options.
gen 30 "$RUN/opts.csv" opts
cat > "$RUN/opts.csv.json" <<'EOF'
{ "uploader": "owner@acme.test", "tags": ["Fair 2026"],
  "on_existing": "update", "dnt": true }
EOF
sftp_batch "$DROP" >/dev/null <<EOF
put $RUN/opts.csv.json opts.csv.json
put $RUN/opts.csv opts.csv
EOF
check "a file with a sidecar is imported" wait_import opts.csv
check_eq "with the sidecar's uploader and options" \
    "owner@acme.test	update	1" \
    "$(sql "SELECT u.email, JSON_VALUE(i.options, '\$.on_existing'),
        JSON_VALUE(i.options, '\$.dnt') FROM imports i JOIN users u
        ON u.id = i.uploader_id WHERE i.id = '$ID'")"
check_eq "its tag on every row" 30 "$(sql "SELECT COUNT(*) FROM contact_tags
    ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = 'Fair 2026'")"
check "the sidecar went with the file" \
    test -f "$RUN/spool/done/$ID/sidecar.json" -a ! -e "$DROP/opts.csv.json"

# A sidecar that names someone who is not in the workspace.
gen 5 "$RUN/who.csv" who
echo '{ "uploader": "nobody@else.test" }' > "$RUN/who.csv.json"
sftp_batch "$DROP" >/dev/null <<EOF
put $RUN/who.csv.json who.csv.json
put $RUN/who.csv who.csv
EOF
it_wait_why() {	# wait for rejected/$1.why
	local n=100
	while [ $n -gt 0 ]; do
		[ -f "$DROP/rejected/$1.why" ] && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}
check "an unknown uploader: rejected with a reason" it_wait_why who.csv
check "the reason names the uploader" \
    grep -q "nobody@else.test is not a user" "$DROP/rejected/who.csv.why"
check_eq "and nothing was imported" 0 "$(imports who.csv)"

# Not CSV: by name, and by content.
printf '\x89PNG\r\n\x1a\nxxxxxxxx\n' > "$RUN/pic.png"
printf 'PK\x03\x04 not a csv at all\n' > "$RUN/book.csv"
sftp_batch "$DROP" >/dev/null <<EOF
put $RUN/pic.png pic.png
put $RUN/book.csv book.csv
EOF
check "a .png is moved to rejected/" it_wait_why pic.png
check "next to its .why" grep -q "Only .csv files" "$DROP/rejected/pic.png.why"
check "a ZIP named .csv too" it_wait_why book.csv
check "which says what it looks like" grep -q "ZIP" \
    "$DROP/rejected/book.csv.why"
check "rejected files are kept, not deleted" \
    cmp -s "$RUN/book.csv" "$DROP/rejected/book.csv"

# A put killed half-way: never imported. Rows are 81 bytes, so the cut
# (at a multiple of sftp's 32 KB blocks) falls inside a row.
gen 40000 "$RUN/cut.csv" cut
(printf 'cd %s\nput %s cut.csv\n' "$DROP" "$RUN/cut.csv" |
    sftp -q -l 2000 -b - -D "$SFTP_SERVER" & echo $! > "$RUN/sftp.pid"
    wait) >/dev/null 2>&1 &
sub=$!
sleep 1.5
kill -KILL "$(cat "$RUN/sftp.pid")"
wait "$sub"
sleep 0.5
size=$(stat -c %s "$DROP/cut.csv" 2>/dev/null || echo 0)
check "the put was cut off half-way ($size of $(stat -c %s "$RUN/cut.csv"))" \
    [ "$size" -gt 0 -a "$size" -lt "$(stat -c %s "$RUN/cut.csv")" ]
sleep 3
check_eq "a cut-off file is not imported while held" 0 "$(imports cut.csv)"
check "after drop_hold it is rejected" it_wait_why cut.csv
check "saying it looks cut off" grep -q "cut off" "$DROP/rejected/cut.csv.why"
check_eq "and it was never imported" 0 "$(imports cut.csv)"

# A folder made while the watcher runs is watched at once (the timer
# scan is a minute away).
it_ws beta || exit 1
mkdir "$RUN/spool/drop/beta"
sleep 0.5
gen 7 "$RUN/late.csv" late
echo "put $RUN/late.csv late.csv" | sftp_batch "$RUN/spool/drop/beta" \
    >/dev/null
check "a drop folder made later is watched" wait_import late.csv
check_eq "into its workspace" beta "$(sql "SELECT w.slug FROM imports i
    JOIN workspaces w ON w.id = i.workspace_id WHERE i.id = '$ID'")"

check_eq "nothing is left in the drop folders but rejected/" "rejected" \
    "$(ls "$DROP"; ls "$RUN/spool/drop/beta")"
check_eq "nothing is left in tmp/" "" "$(ls "$RUN/spool/tmp")"
it_done
