#!/bin/bash
# An SFTP upload paused at a line break for longer than drop_settle is
# taken as it was; resumed, the rest of it arrives under the same name. The
# rest must not become a second import of rows read as a header: it goes
# to rejected/ with a .why that names the file it continues. A new file
# under the same name (the same header, or another) is a new import.
STACK_CONF_EXTRA="drop_settle = 1
drop_hold = 5"
. "$(dirname "$0")/lib.sh"
SFTP_SERVER=${SFTP_SERVER:-/usr/lib/openssh/sftp-server}
[ -x "$SFTP_SERVER" ] || { echo "not ok - no $SFTP_SERVER"; exit 1; }
stack_up || exit 1
it_ws acme || exit 1
DROP=$RUN/spool/drop/acme
mkdir -p "$DROP"

sftp_put() {	# sftp_put LOCAL REMOTE, with the real client and server
	echo "put $1 $2" | { echo "cd $DROP"; cat; } |
	    sftp -q -b - -D "$SFTP_SERVER" >/dev/null 2>&1
}
imports() { sql "SELECT COUNT(*) FROM imports WHERE file_name = '$1'"; }
wait_for() {	# wait_for COMMAND...: until it succeeds, at most 20 s
	local n=200
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
done_n() { [ "$(sql "SELECT COUNT(*) FROM imports WHERE file_name =
    'list.csv' AND state IN ('done', 'failed')")" = "$1" ]; }

H='First name,Last name,Account Name,Domain,Email,Phone,Title'
{ echo "$H"
  for i in 1 2 3; do echo "Ann$i,Part,Co,co.example,a$i@co.example,+1 555 010$i,CEO"; done
} > "$RUN/part1.csv"
{ for i in 4 5 6; do echo "Ann$i,Part,Co,co.example,a$i@co.example,+1 555 010$i,CTO"; done
} > "$RUN/rest.csv"

sftp_put "$RUN/part1.csv" list.csv
wait_for done_n 1
check_eq "the first part is imported" "done 3" \
    "$(sql "SELECT CONCAT(state, ' ', created) FROM imports
    WHERE file_name = 'list.csv'")"

# The resumed rest, under the same name.
sftp_put "$RUN/rest.csv" list.csv
wait_for test -f "$DROP/rejected/list.csv.why"
check "the rest is rejected, not imported" test -f "$DROP/rejected/list.csv"
check_eq "no second import of it" 1 "$(imports list.csv)"
check "its .why says it continues the file taken before" \
    grep -q 'the rest of "list.csv", taken at .*: its first line is a row' \
    "$DROP/rejected/list.csv.why"
check_eq "no contact was made of its rows" 0 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE email = 'a4@co.example'")"

# The same export again, whole: a new import (the header is the same).
{ echo "$H"; cat "$RUN/rest.csv"; } > "$RUN/whole.csv"
sftp_put "$RUN/whole.csv" list.csv
wait_for done_n 2
check_eq "the same name with its header: a second import" 2 \
    "$(imports list.csv)"
check_eq "and its rows are contacts" 1 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE email = 'a4@co.example'")"
# Another file under the same name, with another header: a new import.
printf 'Vorname,Nachname,Firma,Domain,E-Mail\nBea,Other,Co,co.example,b@co.example\n' \
    > "$RUN/other.csv"
sftp_put "$RUN/other.csv" list.csv
wait_for done_n 3
check_eq "the same name with another header: a third import" 3 \
    "$(imports list.csv)"
it_done
