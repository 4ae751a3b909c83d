#!/usr/bin/env bash
# Throwaway MariaDB 10.11 and PostgreSQL 15 servers for Sluice's integration tests.
#
#   scripts/test-servers.sh start DIR             create fresh servers under DIR, write DIR/env
#   scripts/test-servers.sh stop DIR              stop the servers of DIR (by PID, never by name)
#   scripts/test-servers.sh restart-mariadb DIR   stop + start MariaDB, same port and data
#   scripts/test-servers.sh restart-postgres DIR  stop + start PostgreSQL, same port and data
#   scripts/test-servers.sh env DIR               print DIR/env (export lines)
#
# How it works: every server lives entirely under DIR (data, config, socket, pid file, log) and
# listens on 127.0.0.1 only, on a port chosen at random in [15000, 32000) that nothing listens on
# (checked with ss, or with /dev/tcp when ss is missing; no python needed). Two developers or CI
# jobs can therefore run their own servers side by side, each in its own DIR. If another process
# takes the port between the check and the bind, the server fails with "address in use" and
# `start` retries on another port. A PID is only ever signalled after checking that the process's
# working directory is the data directory under DIR, so a stale pid file can never hit an
# unrelated process. `start` on a DIR left behind by an earlier run first stops whatever still runs
# there and wipes the old server directories. `stop` sends SIGTERM to mariadbd and SIGINT (fast
# shutdown) to the postmaster, waits, then SIGKILLs.
#
# Logins: root (MariaDB) and postgres (PostgreSQL) need no password on 127.0.0.1; sluice_pw with
# password sluice-test-pw exists on both (all privileges) for tests of password handling, and
# PostgreSQL checks its password with SCRAM.
#
# Durability: the servers skip fsync (InnoDB flushes the redo log once a second, PostgreSQL runs
# with fsync=off) but still write every commit to the kernel before acknowledging it, so killing
# or restarting a server loses nothing; only an OS crash could. That is the trade tests want.
#
# Run as root (CI, containers): mariadbd runs with --user=root and PostgreSQL as the `postgres`
# user through runuser, so DIR must be reachable by `postgres` (e.g. under /tmp). Run as another
# user: both servers run as that user.
set -euo pipefail

readonly PG_BINDIR=${SLUICE_PG_BINDIR:-/usr/lib/postgresql/15/bin}
readonly PW_USER=sluice_pw
readonly PW_PASSWORD=sluice-test-pw
# Port ranges (start, size): disjoint, so the two servers, chosen in parallel, never collide.
readonly MARIADB_PORTS=(15000 8500) PG_PORTS=(23500 8500)
readonly START_TIMEOUT=60   # seconds until a server must accept connections
readonly STOP_TIMEOUT=30    # seconds of graceful shutdown before SIGKILL
readonly START_ATTEMPTS=5   # ports tried when the chosen one is taken meanwhile

log() { echo "test-servers: $*" >&2; }
die() { echo "test-servers: error: $*" >&2; exit 1; }

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------------------------------------
# Processes and ports

# True if PID runs and is not a zombie (a container's PID 1 may never reap).
alive() {
  local pid=$1 state
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# True if PID is a live server whose working directory is DATADIR (both servers chdir there).
is_server_of() {
  local pid=$1 datadir=$2 cwd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
  [[ $cwd == "$datadir" ]]
}

wait_gone() {  # PID SECONDS
  local pid=$1 deadline=$((SECONDS + $2))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# Stops PID (verified to be the server of DATADIR) with SIGNAL; SIGKILLs it and the children it
# had if it is still there after STOP_TIMEOUT seconds.
stop_server_pid() {  # NAME PID DATADIR SIGNAL
  local name=$1 pid=$2 datadir=$3 sig=$4 children
  is_server_of "$pid" "$datadir" || return 0
  children=$(pgrep -P "$pid" || true)
  kill "-$sig" "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
    log "$name (pid $pid) did not stop within ${STOP_TIMEOUT}s; sending SIGKILL"
    # shellcheck disable=SC2086  # children is a list of PIDs
    kill -KILL "$pid" $children 2>/dev/null || true
    wait_gone "$pid" 10 || die "$name (pid $pid) survived SIGKILL"
  fi
  local child
  for child in $children; do wait_gone "$child" 10 || log "warning: $name child $child still runs"; done
}

port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    ss -Htln "sport = :$port" 2>/dev/null | grep -q . && return 0
  fi
  # A successful connect means someone listens (also covers systems without ss).
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

pick_port() {  # FIRST COUNT
  local i port
  for ((i = 0; i < 200; i++)); do
    port=$(($1 + (RANDOM * 32768 + RANDOM + BASHPID) % $2))
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  die "no free port found in [$1, $(($1 + $2)))"
}

# Prints the last lines of a log, for error messages.
log_tail() {
  local file=$1
  if [[ -r $file ]]; then
    echo "---- last lines of $file ----" >&2
    tail -n 30 "$file" >&2
    echo "----" >&2
  else
    echo "(no log at $file)" >&2
  fi
}

as_pg_user() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

# ---------------------------------------------------------------------------------------------
# Paths

set_dir() {
  [[ -n ${1:-} ]] || usage
  if [[ ${2:-} == create ]]; then mkdir -p -- "$1"; fi
  [[ -d $1 ]] || die "directory $1 does not exist"
  DIR=$(cd -- "$1" && pwd -P)
  MY_DIR=$DIR/mariadb
  MY_DATA=$MY_DIR/data
  MY_CNF=$MY_DIR/my.cnf
  MY_SOCK=$MY_DIR/mariadbd.sock
  MY_PIDFILE=$MY_DIR/mariadbd.pid
  MY_LOG=$MY_DIR/mariadbd.log
  PG_DIR=$DIR/pg
  PG_DATA=$PG_DIR/data
  PG_RUN=$PG_DIR/run
  PG_LOG=$PG_DIR/postgres.log
  # Unix socket paths are limited to 107 bytes.
  ((${#PG_RUN} + 20 < 107 && ${#MY_SOCK} < 107)) ||
    die "DIR path too long for Unix sockets: $DIR (use a short path such as one from mktemp -d)"
}

read_port() {  # FILE
  local port
  port=$(cat "$1" 2>/dev/null) || die "$1 missing: were the servers started with '$0 start $DIR'?"
  [[ $port =~ ^[0-9]+$ ]] || die "bad port in $1"
  echo "$port"
}

# ---------------------------------------------------------------------------------------------
# MariaDB

write_mariadb_cnf() {  # PORT
  cat >"$MY_CNF" <<EOF
# Generated by scripts/test-servers.sh: a throwaway MariaDB for Sluice's integration tests.
[mariadbd]
datadir=$MY_DATA
socket=$MY_SOCK
pid-file=$MY_PIDFILE
log-error=$MY_LOG
port=$1
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
max_connections=300
max_allowed_packet=64M
log_bin_trust_function_creators=1

# Binary log as Sluice's CDC needs it (and as production sources are told to run).
log-bin=mariadb-bin
binlog_format=ROW
binlog_row_image=FULL
binlog_row_metadata=FULL
server_id=1
gtid_domain_id=0
gtid_strict_mode=ON
log_slave_updates=ON

# Small and fast: commits reach the kernel, fsync happens once a second at most.
innodb_buffer_pool_size=64M
innodb_log_file_size=32M
innodb_flush_log_at_trx_commit=2
innodb_flush_method=fsync
innodb_doublewrite=0
innodb_use_native_aio=0
sync_binlog=0
performance_schema=OFF

[client]
socket=$MY_SOCK
port=$1
EOF
}

mariadb_client() {  # args... (root over TCP)
  mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P "$(read_port "$MY_DIR/port")" -u root \
    --connect-timeout=5 "$@"
}

# Starts mariadbd on the configured port; returns 1 if the port was taken, dies on other errors.
start_mariadb_once() {
  local port pid="" deadline
  port=$(read_port "$MY_DIR/port")
  write_mariadb_cnf "$port"
  : >"$MY_LOG.start"
  local user_opt=()
  ((EUID == 0)) && user_opt=(--user=root)
  # setsid: the server must not get the Ctrl-C meant for the test run; the caller stops it.
  setsid mariadbd --defaults-file="$MY_CNF" "${user_opt[@]}" </dev/null >>"$MY_LOG.start" 2>&1 &
  pid=$!
  deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if ! alive "$pid"; then
      if grep -qs -e 'Address already in use' -e 'Bind on TCP/IP port' "$MY_LOG"; then
        log "MariaDB: port $port was taken meanwhile"
        return 1
      fi
      log_tail "$MY_LOG"
      log_tail "$MY_LOG.start"
      die "MariaDB failed to start (see $MY_LOG)"
    fi
    if mariadb-admin --no-defaults --protocol=TCP -h 127.0.0.1 -P "$port" -u root \
         --connect-timeout=1 status >/dev/null 2>&1; then
      break
    fi
    if ((SECONDS >= deadline)); then
      log_tail "$MY_LOG"
      stop_server_pid MariaDB "$pid" "$MY_DATA" TERM
      die "MariaDB did not accept connections on 127.0.0.1:$port within ${START_TIMEOUT}s"
    fi
    sleep 0.1
  done
  # The pid file is what `stop` trusts later; it must name the process we started.
  [[ $(cat "$MY_PIDFILE" 2>/dev/null) == "$pid" ]] || die "MariaDB pid file does not match pid $pid"
}

init_mariadb() {
  mkdir -p "$MY_DATA"
  local user_opt=()
  ((EUID == 0)) && user_opt=(--user=root)
  # Accounts are created at bootstrap (before the binlog exists), so the binlog starts empty.
  cat >"$MY_DIR/init.sql" <<EOF
FLUSH PRIVILEGES;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER '$PW_USER'@'127.0.0.1' IDENTIFIED BY '$PW_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$PW_USER'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER '$PW_USER'@'localhost' IDENTIFIED BY '$PW_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$PW_USER'@'localhost' WITH GRANT OPTION;
EOF
  if ! mariadb-install-db --no-defaults --datadir="$MY_DATA" "${user_opt[@]}" \
         --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
         --extra-file="$MY_DIR/init.sql" \
         --innodb-buffer-pool-size=64M --innodb-log-file-size=32M \
         --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 --innodb-use-native-aio=0 \
         >"$MY_DIR/install-db.log" 2>&1; then
    log_tail "$MY_DIR/install-db.log"
    die "mariadb-install-db failed"
  fi
}

start_mariadb_fresh() {
  local attempt
  init_mariadb
  for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
    pick_port "${MARIADB_PORTS[@]}" >"$MY_DIR/port"
    start_mariadb_once && return 0
  done
  die "MariaDB: no usable port after $START_ATTEMPTS attempts"
}

stop_mariadb() {
  [[ -d $MY_DIR ]] || return 0
  local pid
  pid=$(cat "$MY_PIDFILE" 2>/dev/null || true)
  [[ -n $pid ]] && stop_server_pid MariaDB "$pid" "$MY_DATA" TERM
  return 0
}

restart_mariadb() {
  [[ -d $MY_DATA ]] || die "no MariaDB under $DIR"
  stop_mariadb
  start_mariadb_once || die "MariaDB: port $(cat "$MY_DIR/port") is taken by another process"
  log "MariaDB restarted on 127.0.0.1:$(cat "$MY_DIR/port")"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

write_pg_conf() {  # PORT
  cat >"$PG_DATA/sluice_test.conf" <<EOF
# Generated by scripts/test-servers.sh: a throwaway PostgreSQL for Sluice's integration tests.
port = $1
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_RUN'
wal_level = logical
max_replication_slots = 10
max_wal_senders = 10
max_connections = 200
shared_buffers = 32MB
password_encryption = 'scram-sha-256'
# Commits still reach the kernel before they are acknowledged; only fsync is skipped.
fsync = off
full_page_writes = off
logging_collector = off
log_min_messages = warning
EOF
}

pg_start_once() {
  local port
  port=$(read_port "$PG_DIR/port")
  write_pg_conf "$port"
  as_pg_user truncate -s 0 "$PG_LOG"
  # pg_ctl detaches the postmaster into its own session and waits until it accepts connections.
  if as_pg_user "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$START_TIMEOUT" start \
       >"$PG_DIR/pg_ctl.log" 2>&1; then
    return 0
  fi
  if grep -qs 'Address already in use' "$PG_LOG"; then
    log "PostgreSQL: port $port was taken meanwhile"
    stop_postgres
    return 1
  fi
  cat "$PG_DIR/pg_ctl.log" >&2
  log_tail "$PG_LOG"
  stop_postgres
  die "PostgreSQL failed to start on 127.0.0.1:$port (see $PG_LOG)"
}

psql_admin() {  # args...
  PGCONNECT_TIMEOUT=5 "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 \
    "host=127.0.0.1 port=$(read_port "$PG_DIR/port") user=postgres dbname=postgres" "$@"
}

init_postgres() {
  mkdir -p "$PG_DIR"
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "user 'postgres' missing (install postgresql-15: scripts/setup.sh)"
    chown postgres: "$PG_DIR"
    # The postgres user must be able to walk down to DIR/pg.
    chmod go+x "$DIR"
    runuser -u postgres -- test -w "$PG_DIR" ||
      die "user 'postgres' cannot reach $PG_DIR; choose a DIR whose parents are world-traversable (e.g. mktemp -d)"
  fi
  as_pg_user mkdir -p "$PG_RUN"
  local locale=C.UTF-8
  locale -a 2>/dev/null | grep -qix -e 'C.UTF-8' -e 'C.utf8' || locale=C
  if ! as_pg_user "$PG_BINDIR/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 \
         --locale="$locale" --no-sync >"$PG_DIR/initdb.log" 2>&1; then
    log_tail "$PG_DIR/initdb.log"
    die "initdb failed"
  fi
  # First matching line wins: the password user must authenticate, everyone else is trusted.
  as_pg_user tee "$PG_DATA/pg_hba.conf" >/dev/null <<EOF
# Generated by scripts/test-servers.sh.
# TYPE  DATABASE     USER        ADDRESS        METHOD
local   all          all                        trust
host    all          $PW_USER   127.0.0.1/32   scram-sha-256
host    replication  $PW_USER   127.0.0.1/32   scram-sha-256
host    all          all         127.0.0.1/32   trust
host    replication  all         127.0.0.1/32   trust
EOF
  echo "include 'sluice_test.conf'" | as_pg_user tee -a "$PG_DATA/postgresql.conf" >/dev/null
  as_pg_user touch "$PG_DIR/port" "$PG_DATA/sluice_test.conf"
}

start_postgres_fresh() {
  local attempt
  init_postgres
  for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
    pick_port "${PG_PORTS[@]}" >"$PG_DIR/port"
    if pg_start_once; then
      psql_admin -c "CREATE ROLE $PW_USER LOGIN SUPERUSER REPLICATION PASSWORD '$PW_PASSWORD'" \
        >/dev/null || die "could not create role $PW_USER"
      return 0
    fi
  done
  die "PostgreSQL: no usable port after $START_ATTEMPTS attempts"
}

stop_postgres() {
  [[ -d $PG_DATA ]] || return 0
  local pid
  pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
  # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for clients to leave.
  [[ -n $pid ]] && stop_server_pid PostgreSQL "$pid" "$PG_DATA" INT
  return 0
}

restart_postgres() {
  [[ -d $PG_DATA ]] || die "no PostgreSQL under $DIR"
  stop_postgres
  pg_start_once || die "PostgreSQL: port $(cat "$PG_DIR/port") is taken by another process"
  log "PostgreSQL restarted on 127.0.0.1:$(cat "$PG_DIR/port")"
}

# ---------------------------------------------------------------------------------------------

write_env() {
  local my_port pg_port tmp
  my_port=$(read_port "$MY_DIR/port")
  pg_port=$(read_port "$PG_DIR/port")
  tmp=$DIR/env.tmp
  {
    echo "# Test servers of $DIR (scripts/test-servers.sh). Source this file."
    printf 'export SLUICE_TEST_SERVERS_DIR=%q\n' "$DIR"
    echo "export SLUICE_TEST_MARIADB_PORT=$my_port"
    echo "export SLUICE_TEST_MARIADB_DSN=mysql://root@127.0.0.1:$my_port/"
    echo "export SLUICE_TEST_PG_PORT=$pg_port"
    echo "export SLUICE_TEST_PG_DSN=postgresql://postgres@127.0.0.1:$pg_port/postgres"
    echo "export SLUICE_TEST_PW_USER=$PW_USER"
    echo "export SLUICE_TEST_PW_PASSWORD=$PW_PASSWORD"
  } >"$tmp"
  mv -f "$tmp" "$DIR/env"
}

check_tools() {
  local tool missing=()
  for tool in mariadbd mariadb-install-db mariadb mariadb-admin setsid pgrep; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  for tool in initdb pg_ctl psql; do
    [[ -x $PG_BINDIR/$tool ]] || missing+=("$PG_BINDIR/$tool")
  done
  ((EUID != 0)) || command -v runuser >/dev/null 2>&1 || missing+=(runuser)
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (run scripts/setup.sh)"
}

cmd_start() {
  check_tools
  local t0=$SECONDS
  # Leftovers of an earlier run: stop what still runs there, then start from scratch.
  stop_mariadb
  stop_postgres
  rm -rf -- "$MY_DIR" "$PG_DIR" "$DIR/env"
  mkdir -p "$MY_DIR"
  # Both servers are initialised and started in parallel (that halves the wait); if either
  # fails, both are stopped again.
  local pg_job my_ok=1 pg_ok=1
  (start_postgres_fresh) &
  pg_job=$!
  (start_mariadb_fresh) || my_ok=0
  wait "$pg_job" || pg_ok=0
  if ((!my_ok || !pg_ok)); then
    stop_mariadb
    stop_postgres
    die "could not start the test servers under $DIR"
  fi
  write_env
  log "MariaDB on 127.0.0.1:$(cat "$MY_DIR/port"), PostgreSQL on 127.0.0.1:$(cat "$PG_DIR/port")" \
      "ready in $((SECONDS - t0))s; env: $DIR/env"
}

cmd_stop() {
  stop_mariadb
  stop_postgres
  log "stopped the servers of $DIR"
}

main() {
  (($# == 2)) || usage
  local cmd=$1
  case $cmd in
    start) set_dir "$2" create; cmd_start ;;
    stop) set_dir "$2"; cmd_stop ;;
    restart-mariadb) set_dir "$2"; restart_mariadb ;;
    restart-postgres) set_dir "$2"; restart_postgres ;;
    env) set_dir "$2"; [[ -r $DIR/env ]] || die "no $DIR/env: run '$0 start $DIR'"; cat "$DIR/env" ;;
    *) usage ;;
  esac
}

main "$@"
