#!/bin/bash
# An SFTP account cannot make the watcher write into another workspace
# (issue #14): rejected/ planted as a link to the other folder before,
# during and after the settle window, a .why planted as a link or a hard
# link, the file swapped for a link after it settled, a hard link to the
# other folder's file, rejected/ renamed and replaced while the watcher
# works, an entry named rejected that is a file, a link or a folder that
# is not the watcher's. After each, nothing reached workspace bravo (no
# import, no contact, its folder and files as they were), the watcher
# runs on, the attacker's files are still in alpha's folder, and the
# watcher logged what it refused.
STACK_CONF_EXTRA="drop_settle = 3
drop_hold = 4"
. "$(dirname "$0")/lib.sh"
SFTP_SERVER=${SFTP_SERVER:-/usr/lib/openssh/sftp-server}
[ -x "$SFTP_SERVER" ] || { echo "not ok - no $SFTP_SERVER"; exit 1; }
stack_up || exit 1
it_ws alpha || exit 1
it_ws bravo || exit 1
A=$RUN/spool/drop/alpha
B=$RUN/spool/drop/bravo
LOG=$RUN/watchd.log
mkdir -p "$A" "$B/keep"

# bravo's own file, which the links below point at, and one outside the
# spool. The watcher never takes what is in a sub-folder.
row() {	# row FIRST LAST EMAIL: a file of one contact
	printf 'First name,Last name,Account Name,Domain,Email\n'
	printf '%s,%s,Co,co.example,%s\n' "$@"
}
row Vic Tim vic@bravo.example > "$B/keep/victim.csv"
echo "nobody writes here" > "$RUN/outside.txt"

# sftp DIR: run the batch on stdin against a local sftp-server, in DIR.
sftp_batch() {
	{ echo "cd $1"; cat; } | sftp -q -b - -D "$SFTP_SERVER" 2>&1
}

snap_b() {	# bravo's folder, its files' contents, the outside file
	(cd "$B" && find . -printf '%p %y %l\n' | sort &&
	    find . -type f -exec md5sum {} + | sort)
	md5sum "$RUN/outside.txt"
}
SNAP=$(snap_b)

# evil NAME: NAME.csv and a sidecar naming bravo's editor, which alpha's
# folder rejects (the uploader is not a user of alpha): the issue's pair.
evil() {
	row Eve "$1" "eve.$1@evil.example" > "$RUN/$1.csv"
	echo '{ "uploader": "ed@bravo.test" }' > "$RUN/$1.csv.json"
}

wait_log() {	# wait_log TEXT: the watcher logged it (8 s at most)
	local n=80
	while [ $n -gt 0 ]; do
		grep -qF -- "$1" "$LOG" && { sleep 1; return 0; }
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

wait_file() {	# wait_file PATH (5 s at most)
	local n=50
	while [ $n -gt 0 ]; do
		[ -f "$1" ] && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

in_alpha() {	# in_alpha NAME: a plain file NAME (or ID-NAME) in alpha's folder
	[ -n "$(find "$A" \( -name "$1" -o -name "*-$1" \) -type f)" ]
}

refused() {	# refused NAME: the watcher said it left NAME where it was
	wait_log "drop/alpha/$1: not rejected, left in place"
}

# safe WHAT: nothing reached bravo, and the watcher still runs.
safe() {
	check_eq "$1: no import in bravo" 0 "$(sql "SELECT COUNT(*) FROM
	    imports i JOIN workspaces w ON w.id = i.workspace_id
	    WHERE w.slug = 'bravo'")"
	check_eq "$1: no contact in bravo" 0 "$(sql "SELECT COUNT(*) FROM
	    contacts c JOIN workspaces w ON w.id = c.workspace_id
	    WHERE w.slug = 'bravo'")"
	check_eq "$1: bravo's folder and files as they were" "$SNAP" \
	    "$(snap_b)"
	check "$1: the watcher runs on" kill -0 "$(cat "$RUN/watchd.pid")"
}

PARKED=0
park() {	# clear alpha's folder for the next case: all but folders, and
	# rejected whatever it is, go to kept/N/ (which the watcher ignores)
	PARKED=$((PARKED + 1))
	# rejected last: with it gone and a refused file still there, a
	# scan woken by the moves would make rejected/ itself
	mkdir -p "$A/kept/$PARKED"
	find "$A" -maxdepth 1 ! -type d ! -name rejected \
	    -exec mv -t "$A/kept/$PARKED/" {} +
	find "$A" -maxdepth 1 -name rejected -exec mv -t "$A/kept/$PARKED/" {} +
}

# 1. rejected -> ../bravo before the upload.
evil v1
sftp_batch "$A" >/dev/null <<EOF
symlink ../bravo rejected
put $RUN/v1.csv.json v1.csv.json
put $RUN/v1.csv v1.csv
EOF
check "link before: planted over SFTP" test -L "$A/rejected"
check "link before: the watcher refuses rejected/ and says so" refused v1.csv
safe "link before"
check "link before: the file stays in alpha" in_alpha v1.csv
check "link before: its sidecar too" in_alpha v1.csv.json
park

# 2. The link planted during the settle window (the watcher counts whole
# seconds, so the pair may be due 2 s after it was put; a busy machine
# can be slow to start sftp, so the link is made here).
evil v2
sftp_batch "$A" >/dev/null <<EOF
put $RUN/v2.csv.json v2.csv.json
put $RUN/v2.csv v2.csv
EOF
sleep 0.5
ln -s ../bravo "$A/rejected"
check "link while settling: planted" test -L "$A/rejected"
check "link while settling: refused" refused v2.csv
safe "link while settling"
check "link while settling: the file stays in alpha" in_alpha v2.csv
check "link while settling: its sidecar too" in_alpha v2.csv.json
park

# 3. After a first rejection: the watcher's rejected/ renamed away and a
# link put in its place.
printf '\x89PNG\r\n\x1a\nxxxxxxxx\n' > "$RUN/pic.png"
echo "put $RUN/pic.png pic.png" | sftp_batch "$A" >/dev/null
check "a first rejection makes rejected/" wait_file "$A/rejected/pic.png.why"
evil v3
sftp_batch "$A" >/dev/null <<EOF
put $RUN/v3.csv.json v3.csv.json
put $RUN/v3.csv v3.csv
EOF
sleep 0.5
mv -T "$A/rejected" "$A/rejected.old"
ln -s ../bravo "$A/rejected"
check "link after a rejection: planted" test -L "$A/rejected"
check "link after a rejection: refused" refused v3.csv
safe "link after a rejection"
check "link after a rejection: the file stays in alpha" in_alpha v3.csv
check "link after a rejection: its sidecar too" in_alpha v3.csv.json
check "link after a rejection: the rejected file is kept" \
    test -f "$A/rejected.old/pic.png"
park
mv -T "$A/rejected.old" "$A/rejected"

# 4. rejected/NAME.why planted as a link to a file outside, and the
# sidecar's .why as a hard link to bravo's file: never written through.
ln -s "$RUN/outside.txt" "$A/rejected/v4.csv.why"
ln "$B/keep/victim.csv" "$A/rejected/v4.csv.json.why"
evil v4
row No Tes notes@alpha.example > "$RUN/notes.why"
sftp_batch "$A" >/dev/null <<EOF
put $RUN/notes.why notes.why
put $RUN/v4.csv.json v4.csv.json
put $RUN/v4.csv v4.csv
EOF
check "planted .why: the pair is rejected" \
    wait_log "drop/alpha/v4.csv: rejected"
check "planted .why: the link was replaced by the reason" \
    eval '[ ! -L "$A/rejected/v4.csv.why" ] &&
    grep -q "ed@bravo.test is not a user" "$A/rejected/v4.csv.why"'
check "planted .why: the hard link was replaced, not written through" \
    eval '[ "$(stat -c %h "$A/rejected/v4.csv.json.why")" = 1 ] &&
    grep -q "Its file was rejected" "$A/rejected/v4.csv.json.why"'
safe "planted .why"
check "planted .why: the file is in alpha's rejected/" \
    test -f "$A/rejected/v4.csv"
check "a .why in the folder is the watcher's name: left alone" \
    cmp -s "$RUN/notes.why" "$A/notes.why"

# 5. The file swapped for a link to bravo's file after it settled (its
# sidecar kept fresh meanwhile, so the watcher looks at the settled file
# and waits for the sidecar).
row Al Pha al@alpha.example > "$RUN/v5.csv"
echo '{ "uploader": "ed@alpha.test" }' > "$RUN/v5.csv.json"
sftp_batch "$A" >/dev/null <<EOF
put $RUN/v5.csv.json v5.csv.json
put $RUN/v5.csv v5.csv
EOF
for i in $(seq 20); do touch "$A/v5.csv.json"; sleep 0.2; done
ln -s ../bravo/keep/victim.csv "$A/v5.tmp"
mv -T "$A/v5.tmp" "$A/v5.csv"
check "swapped for a link: the link is rejected" \
    wait_log "drop/alpha/v5.csv: rejected: This is not a plain file"
check "swapped for a link: moved as a link, not followed" \
    test -L "$A/rejected/v5.csv"
check_eq "swapped for a link: bravo's rows were not imported anywhere" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE email = 'vic@bravo.example'")"
safe "swapped for a link"

# 6. A hard link to bravo's file.
ln "$B/keep/victim.csv" "$A/v6.csv"
check "hard link: rejected for its other name" \
    wait_log "drop/alpha/v6.csv: rejected: The file has other names"
check_eq "hard link: bravo's rows were not imported anywhere" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE email = 'vic@bravo.example'")"
safe "hard link"
park

# 7. rejected/ renamed away and replaced by a link, again and again, while
# the watcher rejects four pairs.
(end=$(( $(date +%s) + 4 )); i=0
while [ "$(date +%s)" -lt "$end" ]; do
	i=$((i + 1))
	mv -T "$A/rejected" "$A/old.$i" 2>/dev/null
	ln -sT ../bravo "$A/rejected" 2>/dev/null
	sleep 0.05
	[ -L "$A/rejected" ] && rm -f "$A/rejected"
	sleep 0.05
done) &
flipper=$!
for v in v7a v7b v7c v7d; do
	evil $v
	sftp_batch "$A" >/dev/null <<EOF
put $RUN/$v.csv.json $v.csv.json
put $RUN/$v.csv $v.csv
EOF
	sleep 0.5
done
wait "$flipper"
[ -L "$A/rejected" ] && rm -f "$A/rejected"
sleep 3
safe "rejected/ renamed while working"
for v in v7a v7b v7c v7d; do
	check "rejected/ renamed while working: $v.csv stays in alpha" \
	    eval 'in_alpha $v.csv && in_alpha $v.csv.json'
done
check "rejected/ renamed while working: some refusals were logged" \
    grep -q "drop/alpha/v7.*not rejected, left in place" "$LOG"
park
find "$A" -maxdepth 1 -name 'old.*' -exec mv -t "$A/kept/$PARKED/" {} +

# 8. An entry named rejected that is a file (of CSV rows), then one that
# is a link to a CSV file: neither is taken, nothing is moved into them.
row Re Jected re@alpha.example > "$RUN/rejected"
evil v8
sftp_batch "$A" >/dev/null <<EOF
put $RUN/rejected rejected
put $RUN/v8.csv.json v8.csv.json
put $RUN/v8.csv v8.csv
EOF
check "rejected a file: refused" refused v8.csv
check "rejected a file: left as it was" cmp -s "$RUN/rejected" "$A/rejected"
check_eq "rejected a file: never taken" 0 \
    "$(sql "SELECT COUNT(*) FROM imports WHERE file_name = 'rejected'")"
safe "rejected a file"
check "rejected a file: the pair stays in alpha" \
    eval 'in_alpha v8.csv && in_alpha v8.csv.json'
park
evil v9
sftp_batch "$A" >/dev/null <<EOF
symlink ../bravo/keep/victim.csv rejected
put $RUN/v9.csv.json v9.csv.json
put $RUN/v9.csv v9.csv
EOF
check "rejected a link to a CSV: refused" refused v9.csv
check_eq "rejected a link to a CSV: left as it was" ../bravo/keep/victim.csv \
    "$(readlink "$A/rejected")"
check_eq "rejected a link to a CSV: never taken" 0 \
    "$(sql "SELECT COUNT(*) FROM imports WHERE file_name = 'rejected'")"
safe "rejected a link to a CSV"
check "rejected a link to a CSV: the pair stays in alpha" \
    eval 'in_alpha v9.csv && in_alpha v9.csv.json'
park

# 10. rejected a real folder, but the account's own (over SFTP it would
# be the account's uid; here another one): nothing is moved into it.
if [ "$(id -u)" = 0 ]; then
	mkdir "$A/rejected"
	chown 65534 "$A/rejected"
	evil v10
	sftp_batch "$A" >/dev/null <<EOF
put $RUN/v10.csv.json v10.csv.json
put $RUN/v10.csv v10.csv
EOF
	check "rejected someone else's folder: refused" refused v10.csv
	check_eq "rejected someone else's folder: nothing moved into it" "" \
	    "$(ls -A "$A/rejected")"
	safe "rejected someone else's folder"
	check "rejected someone else's folder: the pair stays in alpha" \
	    eval 'in_alpha v10.csv && in_alpha v10.csv.json'
	park
else
	echo "# skipped: rejected/ of another uid (needs root to chown)"
fi
check "an entry named rejected was never taken for a drop" \
    eval '! grep -q "drop/alpha/rejected: " "$LOG"'

# 11. The file swapped for another plain file while the watcher takes it:
# a table lock holds the watcher's lookups up between the check and the
# take. What is taken must be what was checked; this one goes back, and
# is then rejected for what it is.
row Al Pha al2@alpha.example > "$RUN/v11.csv"
printf 'PK\x03\x04 not a csv at all\n' > "$RUN/v11.zip"
sql "LOCK TABLES users WRITE; SELECT SLEEP(6); UNLOCK TABLES" >/dev/null &
locker=$!
sleep 0.5
echo "put $RUN/v11.csv v11.csv" | sftp_batch "$A" >/dev/null
n=120
while [ $n -gt 0 ] && [ "$(sql "SELECT COUNT(*) FROM
    information_schema.processlist WHERE state LIKE 'Waiting for table%'")" \
    = 0 ]; do
	sleep 0.05; n=$((n - 1))
done
check "swapped while taken: the watcher checked it and waits" [ $n -gt 0 ]
cp "$RUN/v11.zip" "$A/v11.tmp"
mv -T "$A/v11.tmp" "$A/v11.csv"
wait "$locker"
check "swapped while taken: given back" \
    wait_log "drop/alpha/v11.csv changed while it was taken"
check "swapped while taken: then rejected for what it is" \
    wait_log "drop/alpha/v11.csv: rejected: This is not a CSV file"
check_eq "swapped while taken: never imported" 0 \
    "$(sql "SELECT COUNT(*) FROM imports WHERE file_name = 'v11.csv'")"
safe "swapped while taken"
park

# Once rejected/ is the watcher's again, alpha's folder works as before.
row Go Od good@alpha.example > "$RUN/good.csv"
cp "$RUN/pic.png" "$RUN/pic2.png"
sftp_batch "$A" >/dev/null <<EOF
put $RUN/pic2.png pic2.png
put $RUN/good.csv good.csv
EOF
check "afterwards a rejection works again" wait_file "$A/rejected/pic2.png.why"
check "into a real folder" test -d "$A/rejected" -a ! -L "$A/rejected"
n=60
while [ $n -gt 0 ] && [ "$(sql "SELECT COUNT(*) FROM imports WHERE
    file_name = 'good.csv' AND state = 'done'")" != 1 ]; do
	sleep 0.1; n=$((n - 1))
done
check_eq "and a good file is imported into alpha" "alpha	1" \
    "$(sql "SELECT w.slug, i.created FROM imports i JOIN workspaces w
        ON w.id = i.workspace_id WHERE i.file_name = 'good.csv'")"
safe "at the end"
it_done
