#!/bin/bash
# What an operator's machine keeps private: `make install` writes
# intake.conf (it holds db_password) 0640 and the spool 0750 (drop/ 0751,
# for SFTP accounts to pass through); the watcher's status files (uploader
# emails, rejected cells) are 0640 in 0750 folders; and each program warns
# when its config file can be read by every user.
. "$(dirname "$0")/lib.sh"

mode() { stat -c %a "$1"; }

DEST=$RUN/dest
if make -C "$top_builddir" install DESTDIR="$DEST" prefix=/usr \
    sysconfdir=/etc localstatedir=/var >"$RUN/install.log" 2>&1; then
	ok "make install into a DESTDIR"
else
	not_ok "make install into a DESTDIR" "$(tail -5 "$RUN/install.log")"
fi
check_eq "intake.conf is installed 0640" 640 "$(mode "$DEST/etc/intake/intake.conf")"
check_eq "the spool is 0750" 750 "$(mode "$DEST/var/spool/intake")"
check_eq "its queues are 0750" "750 750 750 750 750 750" \
    "$(for q in tmp incoming active done failed status; do
        mode "$DEST/var/spool/intake/$q"; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "drop/ is 0751: SFTP accounts pass, nobody lists it" 751 \
    "$(mode "$DEST/var/spool/intake/drop")"
check_eq "the spool's README is 0640" 640 \
    "$(mode "$DEST/var/spool/intake/README")"

stack_up || exit 1
it_ws acme || exit 1
printf '%s\n' 'First name,Last name,Account Name,Domain,Email' \
    'Ada,Lovelace,Analytical,analytical.example,ada@analytical.example' \
    'Bad,Row,,,' > "$RUN/a.csv"
it_import acme "$RUN/a.csv"
check_eq "the import ran" done "$(jq -r .state <<<"$ST")"
check_eq "a status file is 0640" 640 "$(mode "$RUN/spool/status/$ID.json")"
check_eq "the spool's queues the watcher made are 0750" "750 750 750" \
    "$(for q in status done incoming; do mode "$RUN/spool/$q"; done |
        tr '\n' ' ' | sed 's/ $//')"

# The warning, from the programs themselves.
check_eq "a config only its owner reads: no warning" 0 \
    "$("$BINDIR/intake" -c "$RUN/intake.conf" status 2>&1 >/dev/null |
        grep -c 'every user of this machine')"
chmod 0644 "$RUN/intake.conf"
check "intake-watchd warns when everyone can read its config" \
    grep -q "holds db_password and every user of this machine can read it" \
    <<<"$(timeout 20 "$BINDIR/intake-watchd" -f --once -c "$RUN/intake.conf" 2>&1)"
check "so does intake" \
    grep -q "holds db_password and every user of this machine can read it" \
    <<<"$("$BINDIR/intake" -c "$RUN/intake.conf" status 2>&1 >/dev/null)"
chmod 0640 "$RUN/intake.conf"
check_eq "0640 (the intake group) is fine" 0 \
    "$(timeout 20 "$BINDIR/intake-watchd" -f --once -c "$RUN/intake.conf" 2>&1 |
        grep -c 'every user of this machine')"

it_done
