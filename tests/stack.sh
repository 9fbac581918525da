# The intake stack on one machine, private to a directory: MariaDB on a
# unix socket, intake-fcgi, intake-watchd and nginx on a loopback port.
# Sourced by ./run and by every integration test; nothing here touches a
# system-wide service or file. Every process is started with a pid file
# under $RUN and stopped by that pid.
#
# Needs: RUN (the directory), SRCDIR (the source tree), BINDIR (where the
# programs were built), PORT (for nginx).

STACK_DBPASS=${STACK_DBPASS:-intake-local}
STACK_MAX_UPLOAD=${STACK_MAX_UPLOAD:-256M}
STACK_BATCH=${STACK_BATCH:-1000}

stack_mysqld_opts() {
	echo --no-defaults --datadir="$RUN/db" --socket="$RUN/mysql.sock" \
	    --pid-file="$RUN/mariadb.pid" --log-error="$RUN/mariadb.log" \
	    --tmpdir="$RUN/tmp" \
	    --user="$(id -un)" --skip-networking --skip-name-resolve \
	    --character-set-server=utf8mb4 \
	    --collation-server=utf8mb4_unicode_ci \
	    --innodb-buffer-pool-size="${STACK_BUFFER_POOL:-128M}" \
	    --innodb-log-file-size=64M --local-infile=1 \
	    --max-connections=200 ${STACK_MYSQLD_EXTRA:-}
}

# Is the process of pid file $1 alive? A killed daemon whose parent has
# gone may linger as a zombie where nobody reaps it: that is not alive.
stack_alive() {
	[ -f "$1" ] && stack_pid_alive "$(cat "$1")"
}

stack_pid_alive() {
	local stat
	kill -0 "$1" 2>/dev/null || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

stack_wait_for() {
	# $1 seconds, then a command that must succeed
	local n=$(( $1 * 10 )); shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

stack_sql_root() {
	mariadb --no-defaults -uroot --socket="$RUN/mysql.sock" "$@"
}

# A fresh data directory: mariadb-install-db once, then copies of it.
# With STACK_CACHE the first one made is kept there, under a lock, so
# tests running side by side install once and copy after that.
stack_db_install() {
	mkdir -p "$RUN/tmp"
	mariadb-install-db --no-defaults --datadir="$1" --tmpdir="$RUN/tmp" \
	    --user="$(id -un)" --auth-root-authentication-method=normal \
	    --skip-test-db >"$RUN/install-db.log" 2>&1 || {
		cat "$RUN/install-db.log" >&2; return 1; }
}

stack_db_init() {
	local cache=${STACK_CACHE:-}
	if [ -z "$cache" ]; then
		stack_db_install "$RUN/db"
		return
	fi
	mkdir -p "$cache"
	(
		flock 9
		[ -d "$cache/db" ] || {
			stack_db_install "$cache/db.$$" &&
			mv -T "$cache/db.$$" "$cache/db"
		}
	) 9>"$cache/.lock" || return 1
	cp -a "$cache/db" "$RUN/db"
}

stack_db_start() {
	stack_alive "$RUN/mariadb.pid" && return 0
	mkdir -p "$RUN/tmp"
	if [ ! -d "$RUN/db/mysql" ]; then
		stack_db_init || return 1
	fi
	# shellcheck disable=SC2046
	setsid mariadbd $(stack_mysqld_opts) >/dev/null 2>&1 < /dev/null &
	if ! stack_wait_for 60 mariadb-admin --no-defaults -uroot \
	    --socket="$RUN/mysql.sock" ping; then
		echo "mariadbd did not start; see $RUN/mariadb.log" >&2
		tail -20 "$RUN/mariadb.log" >&2
		return 1
	fi
	stack_sql_root -e "CREATE DATABASE IF NOT EXISTS intake
	    CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
	    CREATE USER IF NOT EXISTS 'intake'@'localhost'
	    IDENTIFIED BY '$STACK_DBPASS';
	    GRANT ALL ON intake.* TO 'intake'@'localhost';"
}

stack_write_conf() {
	mkdir -p "$RUN/nginx" "$RUN/spool"
	sed -e "s|@RUN@|$RUN|g" -e "s|@SRCDIR@|$SRCDIR|g" \
	    -e "s|@DBPASS@|$STACK_DBPASS|g" \
	    -e "s|@MAX_UPLOAD@|$STACK_MAX_UPLOAD|g" \
	    -e "s|@BATCH@|$STACK_BATCH|g" \
	    "$SRCDIR/conf/intake.conf.in" > "$RUN/intake.conf"
	# Settings a test or ./run adds (the enrichment provider, ...).
	[ -z "${STACK_CONF_EXTRA:-}" ] ||
	    printf '%s\n' "$STACK_CONF_EXTRA" >> "$RUN/intake.conf"
	# It holds db_password (the daemons warn when anyone can read it).
	chmod 0600 "$RUN/intake.conf"
	sed -e "s|@RUN@|$RUN|g" -e "s|@WWW@|$SRCDIR/www|g" \
	    -e "s|@PORT@|$PORT|g" -e "s|@MAX_UPLOAD@|$STACK_MAX_UPLOAD|g" \
	    -e "s|@USER@|$(id -un)|g" -e "s|@GROUP@|$(id -gn)|g" \
	    "$SRCDIR/conf/nginx.conf.in" > "$RUN/nginx.conf"
}

stack_intake() {
	"$BINDIR/intake" -c "$RUN/intake.conf" "$@"
}

stack_fcgi_start() {
	stack_alive "$RUN/fcgi.pid" && return 0
	setsid "$BINDIR/intake-fcgi" -c "$RUN/intake.conf" -s "$RUN/fcgi.sock" \
	    >>"$RUN/fcgi.log" 2>&1 < /dev/null &
	echo $! > "$RUN/fcgi.pid"; disown $! 2>/dev/null
	stack_wait_for 10 test -S "$RUN/fcgi.sock" || {
		echo "intake-fcgi did not start; see $RUN/fcgi.log" >&2
		return 1; }
}

stack_watchd_start() {
	stack_alive "$RUN/watchd.pid" && return 0
	setsid "$BINDIR/intake-watchd" -f -c "$RUN/intake.conf" \
	    >>"$RUN/watchd.log" 2>&1 < /dev/null &
	echo $! > "$RUN/watchd.pid"; disown $! 2>/dev/null
}

stack_nginx_start() {
	stack_alive "$RUN/nginx.pid" && return 0
	stack_nginx_try "$RUN" "$RUN/nginx.conf" PORT stack_write_conf || {
		echo "nginx did not start; see $RUN/nginx-error.log" >&2
		return 1; }
	BASE="http://127.0.0.1:$PORT"
}

stack_nginx_ready() {
	stack_alive "$1/nginx.pid" &&
	    curl -s -m 2 -o /dev/null "http://127.0.0.1:$2/"
}

# stack_nginx_try DIR CONF PORTVAR REWRITE: start nginx on the port in
# $PORTVAR and wait until it answers. A port picked by stack_free_port
# can be taken before nginx binds it (by another test, or as the local
# port of some connection): then, when STACK_REPICK is set, pick another,
# run REWRITE to write the config again, and retry.
stack_nginx_try() {
	local dir=$1 conf=$2 var=$3 rewrite=$4 try err
	err=$dir/${conf##*/}; err=${err%.conf}-error.log
	for try in 1 2 3 4 5; do
		: > "$err"; rm -f "$dir/nginx.pid"
		setsid nginx -p "$dir" -c "$conf" -e "$err" \
		    >>"${err%-error.log}.log" 2>&1 < /dev/null &
		# its pid file, written once it has bound the port, and an
		# answer (not from whatever else may be listening there)
		stack_wait_for 10 stack_nginx_ready "$dir" "${!var}" && return 0
		grep -q 'Address already in use' "$err" &&
		    [ -n "${STACK_REPICK:-}" ] || return 1
		printf -v "$var" %s "$(stack_free_port)"
		$rewrite
	done
	return 1
}

# Start everything that is not running.
stack_up() {
	mkdir -p "$RUN"
	stack_write_conf &&
	stack_db_start &&
	stack_intake db migrate >/dev/null &&
	stack_fcgi_start &&
	stack_watchd_start &&
	stack_nginx_start
}

# Stop one process by its pid file: TERM, then KILL after $2 seconds.
stack_stop_one() {
	local f=$1 pid n=$(( ${2:-5} * 10 ))
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	if stack_pid_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		while stack_pid_alive "$pid" && [ $n -gt 0 ]; do
			sleep 0.1; n=$((n - 1))
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$f"
}

stack_down() {
	stack_stop_one "$RUN/provider/nginx.pid"
	stack_stop_one "$RUN/nginx.pid"
	stack_stop_one "$RUN/watchd.pid"
	stack_stop_one "$RUN/fcgi.pid"
	# mariadbd needs longer to shut down cleanly; it removes its own pid
	# file, so keep the pid first
	if [ -f "$RUN/mariadb.pid" ]; then
		cp "$RUN/mariadb.pid" "$RUN/mariadb.stop"
		stack_stop_one "$RUN/mariadb.stop" 60
		rm -f "$RUN/mariadb.pid"
	fi
}

# A free loopback port, below the kernel's range for the local ports of
# outgoing connections (which could take it before nginx binds it).
stack_free_port() {
	local p lo=32768 hi
	read -r lo hi < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	[ "${lo:-0}" -gt 12000 ] 2>/dev/null || lo=32768
	while :; do
		p=$(( 10000 + (RANDOM * 32768 + RANDOM) % (lo - 10000) ))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo $p; return; }
	done
}

# The local enrichment provider (tests/provider): nginx serving profile
# fixtures. stack_provider_fixtures FROM TO copies the profiles and makes
# the padded copies the slow and delayed endpoints send; stack_provider_start
# starts it on $PPORT with its files under $RUN/provider.
stack_provider_fixtures() {
	local f json pad
	mkdir -p "$2/profiles" "$2/padded"
	cp "$1"/*.json "$2/profiles/"
	# Padded to 1200 bytes: with the endpoint's limit_rate, nginx sends
	# the first second's worth at once and the rest ~50 ms later.
	for f in "$2"/profiles/*.json; do
		json=$(cat "$f")
		pad=$(printf '%*s' $((1200 - ${#json} - 11)) '' | tr ' ' x)
		printf '%s\n' "${json%\}\}},\"pad\":\"$pad\"}}" > "$2/padded/${f##*/}"
	done
}

stack_provider_start() {
	local dir=$RUN/provider
	stack_alive "$dir/nginx.pid" && return 0
	mkdir -p "$dir/tmp"
	[ -d "$dir/fixtures" ] ||
	    stack_provider_fixtures "$SRCDIR/tests/provider/profiles" \
	    "$dir/fixtures"
	stack_provider_conf_write
	stack_nginx_try "$dir" "$dir/nginx.conf" PPORT \
	    stack_provider_conf_write || {
		echo "the provider did not start; see $dir/nginx-error.log" >&2
		return 1; }
}

stack_provider_conf_write() {
	local dir=$RUN/provider
	rm -f "$dir/hold.sock"	# left by an nginx that could not bind
	sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$PPORT|g" \
	    -e "s|@FIXTURES@|$dir/fixtures|g" \
	    -e "s|@USER@|$(id -un)|g" -e "s|@GROUP@|$(id -gn)|g" \
	    "$SRCDIR/tests/provider/nginx.conf.in" > "$dir/nginx.conf"
}

# intake.conf lines that point the watcher at the local provider; $1 is
# the path prefix ("" or /delay, /busy, /down, /slow).
stack_provider_conf() {
	cat <<EOT
enrich_url = http://127.0.0.1:$PPORT${1:-}/v1/person?profile={url}
enrich_allow_http = yes
enrich_map_first = data.first_name
enrich_map_last = data.last_name
enrich_map_account = data.job_company_name
enrich_map_domain = data.job_company_website
enrich_map_email = data.work_email
enrich_map_phone = data.mobile_phone
enrich_map_title = data.job_title
EOT
}
