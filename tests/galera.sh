# A private 3-node MariaDB Galera cluster on loopback, and the intake
# stack on it: one intake-watchd per node on one shared spool, intake-fcgi
# and nginx on nodes 1 and 2. Sourced after tests/stack.sh; like it,
# nothing here touches a system-wide service or file, and every process
# has a pid file under $RUN and is stopped by it.
#
# Node N lives in $RUN/nodeN (its datadir, socket, logs, intake.conf,
# nginx); the stack_* functions run with RUN set to that directory. The
# shared spool is $RUN/spool. Each node listens on three loopback ports
# of its own (group communication, IST, rsync SST), kept in
# $RUN/nodeN/ports so that a restarted node finds the cluster again.
#
# Needs: RUN, SRCDIR, BINDIR, and what tests/stack.sh needs (STACK_CACHE
# for the datadir template). Needs galera-4 and rsync (and, through
# wsrep_sst_rsync, ss or lsof: mariadb-server depends on iproute2 and
# lsof).

GALERA_NODES=${GALERA_NODES:-3}
GALERA_PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
GALERA_BUFFER_POOL=${GALERA_BUFFER_POOL:-64M}

galera_dir() {
	echo "$GALERA_TOP/node$1"
}

# galera_ports N: "gcomm IST SST" of node N
galera_ports() {
	cat "$(galera_dir "$1")/ports"
}

# The wsrep options of node N (STACK_MYSQLD_EXTRA); $2 is
# --wsrep-new-cluster for the node that starts the cluster.
galera_opts() {
	local i g ist sst addr=
	for i in $(seq 1 "$GALERA_NODES"); do
		read -r g ist sst < "$(galera_dir "$i")/ports"
		addr=$addr${addr:+,}127.0.0.1:$g
	done
	read -r g ist sst < "$(galera_dir "$1")/ports"
	echo --wsrep-on=ON --wsrep-provider="$GALERA_PROVIDER" \
	    --wsrep-cluster-name=intake-it --wsrep-node-name="node$1" \
	    --wsrep-cluster-address="gcomm://$addr" \
	    --wsrep-node-address=127.0.0.1 \
	    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$g;ist.recv_addr=127.0.0.1:$ist;gcache.size=256M" \
	    --wsrep-sst-method=rsync \
	    --wsrep-sst-receive-address="127.0.0.1:$sst" \
	    --binlog-format=ROW --innodb-autoinc-lock-mode=2 \
	    --default-storage-engine=InnoDB ${2:-} ${GALERA_EXTRA:-}
}

# galera_sql N ...: the root client on node N's socket
galera_sql() {
	local n=$1; shift
	mariadb --no-defaults -uroot --socket="$(galera_dir "$n")/mysql.sock" \
	    -N -B "$@"
}

galera_status() {	# galera_status N VAR
	galera_sql "$1" -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null |
	    cut -f2
}

# Node N is in a primary component of $GALERA_NODES, and Synced.
galera_synced() {
	[ "$(galera_status "$1" wsrep_cluster_size)" = "$GALERA_NODES" ] &&
	[ "$(galera_status "$1" wsrep_local_state_comment)" = Synced ] &&
	[ "$(galera_status "$1" wsrep_ready)" = ON ]
}

# galera_node_start N [--wsrep-new-cluster | --wsrep-start-position=P]:
# start node N's mariadbd (its datadir made from the template at first; a
# joiner's is replaced by the SST). The node that starts the cluster is
# started by stack_db_start, which makes the intake database and user
# (the cluster replicates them); the others only launched: wait with
# galera_wait_synced (they refuse statements until they are).
galera_node_start() {
	local n=$1 dir RUN STACK_MYSQLD_EXTRA STACK_BUFFER_POOL
	dir=$(galera_dir "$n")
	RUN=$dir STACK_BUFFER_POOL=$GALERA_BUFFER_POOL
	STACK_MYSQLD_EXTRA="$(galera_opts "$n" "${2:-}")"
	if [ "${2:-}" = --wsrep-new-cluster ]; then
		stack_db_start
		return
	fi
	stack_alive "$RUN/mariadb.pid" && return 0
	mkdir -p "$RUN/tmp"
	[ -d "$RUN/db/mysql" ] || stack_db_init || return 1
	if [ "$(id -u)" = 0 ]; then
		# As root, the joiner's rsync daemon (wsrep_sst_rsync) runs
		# as nobody: let it reach and write the datadir, as it could
		# the mysql user's own.
		chmod o+x "$GALERA_TOP" "$dir" &&
		chown -R nobody:nogroup "$dir/db" || return 1
	fi
	# shellcheck disable=SC2046
	setsid mariadbd $(stack_mysqld_opts) >/dev/null 2>&1 < /dev/null &
	disown $! 2>/dev/null
	return 0
}

# Write node N's intake.conf and nginx.conf (stack_write_conf, RUN and
# PORT set to the node's) with the shared spool.
galera_write_conf() {
	stack_write_conf &&
	sed -i "s|^spool_dir = .*|spool_dir = $GALERA_TOP/spool|" \
	    "$RUN/intake.conf"
}

# galera_node_intake N: intake-watchd on node N, and with $2 = web
# intake-fcgi and nginx too (its port in $RUN/nodeN/port).
galera_node_intake() {
	local RUN PORT
	RUN=$(galera_dir "$1")
	PORT=$(cat "$RUN/port" 2>/dev/null || stack_free_port)
	galera_write_conf || return 1
	stack_watchd_start || return 1
	[ "${2:-}" = web ] || return 0
	stack_fcgi_start || return 1
	stack_alive "$RUN/nginx.pid" ||
	    stack_nginx_try "$RUN" "$RUN/nginx.conf" PORT galera_write_conf || {
		echo "nginx did not start; see $RUN/nginx-error.log" >&2
		return 1; }
	echo "$PORT" > "$RUN/port"
}

# galera_wait_synced N [SECONDS]
galera_wait_synced() {
	stack_wait_for "${2:-120}" galera_synced "$1" || {
		echo "node $1 is not Synced; see $(galera_dir "$1")/mariadb.log" >&2
		tail -30 "$(galera_dir "$1")/mariadb.log" >&2
		return 1; }
}

# The cluster, the intake schema (migrated once, on node 1), a watcher on
# every node and the web on nodes 1 and 2. GALERA_TOP is $RUN as it was.
galera_up() {
	local i
	GALERA_TOP=${GALERA_TOP:-$RUN}
	mkdir -p "$GALERA_TOP/spool"
	# every node's ports first: each names all in its cluster address
	for i in $(seq 1 "$GALERA_NODES"); do
		mkdir -p "$(galera_dir "$i")"
		echo "$(stack_free_port) $(stack_free_port) $(stack_free_port)" \
		    > "$(galera_dir "$i")/ports"
	done
	galera_node_start 1 --wsrep-new-cluster || return 1
	for i in $(seq 2 "$GALERA_NODES"); do
		galera_node_start "$i" || return 1
	done
	for i in $(seq 1 "$GALERA_NODES"); do
		galera_wait_synced "$i" || return 1
	done
	(RUN=$(galera_dir 1) PORT=0; galera_write_conf &&
	    stack_intake db migrate >/dev/null) || return 1
	for i in $(seq 1 "$GALERA_NODES"); do
		galera_node_intake "$i" $([ "$i" -le 2 ] && echo web) ||
		    return 1
	done
}

# Node N's base URL (nginx), and its intake CLI.
galera_base() {
	echo "http://127.0.0.1:$(cat "$(galera_dir "$1")/port")"
}

galera_intake() {
	local n=$1; shift
	"$BINDIR/intake" -c "$(galera_dir "$n")/intake.conf" "$@"
}

# kill -9 node N: its mariadbd, and its watcher, fcgi and nginx (a
# machine that dies takes them all).
galera_kill() {
	local dir f pids=""
	dir=$(galera_dir "$1")
	for f in mariadb watchd fcgi nginx; do
		[ -f "$dir/$f.pid" ] && pids="$pids $(cat "$dir/$f.pid")"
	done
	# each was started by setsid: its process group holds its children
	# too (intake-fcgi's and nginx's workers, the SST script)
	for f in $pids; do kill -KILL -- "-$f" 2>/dev/null; done
	for f in $pids; do
		while stack_pid_alive "$f"; do sleep 0.05; done
	done
	for f in mariadb watchd fcgi nginx; do rm -f "$dir/$f.pid"; done
}

# galera_recover N: the position a crashed node N's InnoDB holds, as
# mariadbd --wsrep-recover finds it (what the systemd unit's
# galera_recovery does). Started with --wsrep-start-position=that, the
# node asks the others for the writes it missed (IST), not for a copy
# of everything (SST): after kill -9 its grastate.dat says seqno -1.
galera_recover() {
	local dir
	dir=$(galera_dir "$1")
	# shellcheck disable=SC2046
	(RUN=$dir STACK_BUFFER_POOL=$GALERA_BUFFER_POOL;
	    mariadbd $(stack_mysqld_opts) $(galera_opts "$1") \
	    --log-error="$dir/recover.log" --wsrep-recover) \
	    >/dev/null 2>&1 </dev/null
	sed -n 's/.*WSREP: Recovered position: *//p' "$dir/recover.log" |
	    tail -1
}

galera_down() {
	local i
	[ -n "${GALERA_TOP:-}" ] || return 0
	# the joiners first, the node that started the cluster last
	for i in $(seq "$GALERA_NODES" -1 1); do
		[ -d "$(galera_dir "$i")" ] || continue
		(RUN=$(galera_dir "$i"); stack_down)
	done
}
