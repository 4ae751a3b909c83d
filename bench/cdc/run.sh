#!/usr/bin/env bash
# bench/cdc: Sluice's incremental sync (MariaDB -> MariaDB) against native
# MariaDB replication and mariadb-binlog, side by side in one run, on
# throwaway local servers (not a test).
#
#   bench/cdc/run.sh            200,000-row-change backlog, 4 tables x 100,000 rows (~4 min on 2 cores)
#   bench/cdc/run.sh full       1,000,000-row-change backlog, 4 tables x 250,000 rows (issue #6's size, ~9 min)
#   bench/cdc/run.sh CHANGES    a backlog of about CHANGES row changes
#
# Environment: BUILD (default build; needs BUILD/cli/sluice), SLUICE (the
# binary), ROWS_PER_TABLE, KEEP=1 (keep the temp dir), PARALLEL (Sluice's
# incremental.parallel, default 2), BATCH_ROWS (incremental.batch_rows, default
# 25000, the plan default), LAG_SECONDS (the lag run, default 60; 0 skips it), BUFFER_POOL (every server's
# innodb_buffer_pool_size, default 512M).
#
# Four mariadbd instances under one temp dir, all with the same InnoDB settings
# as scripts/test-servers.sh (flush at commit to the kernel, fsync once a
# second) except a larger buffer pool and redo log so the tables fit:
#   source  server_id 1, binlog ROW/FULL/FULL metadata, GTID strict
#   target  Sluice's target (schema + full copy of the source's tables)
#   rep1    native replica, slave_parallel_threads=0 (single-threaded SQL thread)
#   rep2    native replica, slave_parallel_threads=2, slave_parallel_mode=optimistic
# Both replicas replicate the sysbench prepare and stop at the GTID after it;
# Sluice's first `apply` (schema, full, incremental) copies the tables and is
# stopped once caught up to that GTID (nothing else writes), so all
# three start the backlog from the same data.
#
# Figures (goals from issue #6):
#   backlog apply  a recorded backlog (sysbench oltp_write_only, 4 row changes
#                  per transaction) applied from a cold start: Sluice's second
#                  `apply` until sluice_meta's complete position reaches the
#                  backlog's last GTID, against START SLAVE + MASTER_GTID_WAIT on
#                  each replica. Goal: Sluice >= 1.5x the better replica.
#   decode         bench/cdc/binlog_drain (Sluice's BinlogClient + decoder, no
#                  apply) against `mariadb-binlog --read-from-remote-server -v
#                  --to-last-log` > /dev/null on the same binlog files, best of 3.
#                  Goal: >= 1.0x.
#   lag            the source's max TPS (oltp_write_only, 4 threads, 15 s, Sluice
#                  stopped), then 50% of it (--rate) for LAG_SECONDS while Sluice
#                  streams; a heartbeat row updated with NOW(6) on the source
#                  every 100 ms is read on the target every 100 ms; lag = target
#                  NOW(6) - the heartbeat's ts (includes up to 100 ms of heartbeat
#                  period, as pt-heartbeat's does). Goal: p99 <= 1 s.
# Every table is checked equal (count + CRC32 sum) on the target and both
# replicas after the backlog.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO"
source bench/cdc_common.sh
LAG_SECONDS=${LAG_SECONDS:-60}
BUFFER_POOL=${BUFFER_POOL:-512M}
for tool in sysbench mariadb-binlog mariadbd mariadb-install-db; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-cdc.XXXXXX")
declare -A PORT PID
cleanup() {
  touch "$dir/stop-heartbeat" 2>/dev/null || true
  [[ -n ${APPLY_PID:-} ]] && kill "$APPLY_PID" 2>/dev/null && wait "$APPLY_PID" 2>/dev/null
  # Every server started wrote DIR/NAME/port ("port pid"), also when it or a sibling failed.
  local f n pid pids=()
  for f in "$dir"/*/port; do
    [[ -s $f ]] || continue
    n=$(basename "$(dirname "$f")")
    read -r _ pid <"$f"
    # Only a process whose working directory is our data directory (a stale pid never hits another).
    [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$dir/$n/data" ]] && kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 300); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
  done
  [[ -n ${KEEP:-} ]] && echo "bench: kept $dir" >&2 || rm -rf -- "$dir"
}
trap cleanup EXIT

my() { local n=$1; shift; mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P "${PORT[$n]}" -u root -N -B "$@"; }
seq_of() { sed -E 's/.*0-[0-9]+-([0-9]+).*/\1/' <<<"$1"; }  # domain 0's sequence number of a GTID list

# ---- servers -------------------------------------------------------------------------------

pick_port() {
  local p
  for _ in $(seq 200); do
    p=$((33000 + (RANDOM * 32768 + RANDOM) % 7000))
    ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
  done
  echo "bench: no free port" >&2; exit 1
}

start_server() {  # NAME SERVER_ID EXTRA_CNF_LINES
  local n=$1 id=$2 extra=$3 d=$dir/$1 port
  mkdir -p "$d/data" "$d/tmp"
  port=$(pick_port)
  # Each server has its own tmpdir: bootstraps side by side in one /tmp trip over each other.
  cat >"$d/my.cnf" <<EOF
[mariadbd]
datadir=$d/data
tmpdir=$d/tmp
socket=$d/sock
pid-file=$d/pid
log-error=$d/error.log
port=$port
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
max_connections=300
max_allowed_packet=64M
server_id=$id
gtid_domain_id=0
skip-slave-start
innodb_buffer_pool_size=$BUFFER_POOL
innodb_log_file_size=256M
innodb_flush_log_at_trx_commit=2
innodb_flush_method=fsync
innodb_doublewrite=0
innodb_use_native_aio=0
sync_binlog=0
performance_schema=OFF
$extra
EOF
  cat >"$d/init.sql" <<'EOF'
FLUSH PRIVILEGES;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
EOF
  mariadb-install-db --defaults-file="$d/my.cnf" --user=root --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --extra-file="$d/init.sql" >"$d/install.log" 2>&1 ||
    { echo "bench: mariadb-install-db failed for $n:" >&2; grep -iE "error|fail" "$d/install.log" | head >&2; exit 1; }
  setsid mariadbd --defaults-file="$d/my.cnf" --user=root </dev/null >"$d/start.log" 2>&1 &
  local pid=$!
  echo "$port $pid" >"$d/port"  # for cleanup, also if it never comes up
  for _ in $(seq 600); do
    mariadb-admin --no-defaults --protocol=TCP -h 127.0.0.1 -P "$port" -u root --connect-timeout=1 ping \
      >/dev/null 2>&1 && { touch "$d/up"; return; }
    [[ -d /proc/$pid ]] || break
    sleep 0.1
  done
  tail -20 "$d/error.log" >&2
  echo "bench: mariadbd $n did not start" >&2
  exit 1
}

log "starting 4 mariadbd (source, target, rep1, rep2) under $dir"
start_server source 1 "log-bin=mariadb-bin
binlog_format=ROW
binlog_row_image=FULL
binlog_row_metadata=FULL
gtid_strict_mode=ON
log_slave_updates=ON" &
start_server target 2 "" &
start_server rep1 3 "slave_parallel_threads=0" &
start_server rep2 4 "slave_parallel_threads=2
slave_parallel_mode=optimistic" &
wait
for n in source target rep1 rep2; do
  [[ -e $dir/$n/up ]] || { echo "bench: server $n failed" >&2; exit 1; }
  read -r PORT[$n] PID[$n] <"$dir/$n/port"
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- data: the replicas follow the prepare, Sluice copies it ------------------------------

for r in rep1 rep2; do
  my $r -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${PORT[source]}, MASTER_USER='root',
            MASTER_USE_GTID=slave_pos; SET GLOBAL gtid_slave_pos=''; START SLAVE"
done
log "preparing $TABLES sysbench tables x $TABLE_SIZE rows on the source"
my source -e "CREATE DATABASE bench;
  CREATE TABLE bench.heartbeat (id int PRIMARY KEY, ts datetime(6) NOT NULL);
  INSERT INTO bench.heartbeat VALUES (1, NOW(6));
  CREATE TABLE bench.marker (id int PRIMARY KEY, at datetime(6) NOT NULL)"
SB_MY=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="${PORT[source]}" --mysql-user=root --mysql-db=bench
       --tables=$TABLES --table-size="$TABLE_SIZE")
sysbench oltp_write_only "${SB_MY[@]}" --threads=2 prepare >/dev/null
my source -e "ANALYZE TABLE bench.sbtest1" >/dev/null
G0=$(my source -e "SELECT @@gtid_binlog_pos")
for r in rep1 rep2; do
  [[ $(my $r -e "SELECT MASTER_GTID_WAIT('$G0', 600)") == 0 ]] || { echo "bench: $r did not reach $G0" >&2; exit 1; }
  my $r -e "STOP SLAVE"
done

cat >"$dir/cdc.yaml" <<YAML
version: 1
name: cdc-bench
source: { dialect: mariadb, dsn: "mysql://root@127.0.0.1:${PORT[source]}/bench" }
target: { dialect: mariadb, dsn: "mysql://root@127.0.0.1:${PORT[target]}/bench" }
steps: [schema, full, incremental]
objects: [{ from: "bench.*", to: "bench.{table}" }]
full: { parallel: 2, chunk_rows: 50000 }
incremental: { batch_rows: $BATCH_ROWS, parallel: $PARALLEL }
YAML
STATE=$dir/state
# sluice_meta's complete position (worker -1) on the target, domain 0's sequence number.
applied_seq() {
  local p
  p=$(my target -e "SELECT position FROM sluice_meta.apply_position WHERE migration LIKE 'cdc-bench/%' AND worker = -1" 2>/dev/null)
  [[ -n $p ]] && seq_of "$p" || echo 0
}

first_apply

# ---- the backlog ---------------------------------------------------------------------------

my source -e "FLUSH BINARY LOGS"
FIRST_LOG=$(my source -e "SHOW MASTER STATUS" | cut -f1)
G_START=$(my source -e "SELECT @@gtid_binlog_pos")
log "recording the backlog: sysbench oltp_write_only, $EVENTS transactions, 4 threads (from $G_START)"
sysbench oltp_write_only "${SB_MY[@]}" --threads=4 --events="$EVENTS" --time=0 --report-interval=0 run >"$dir/backlog.txt"
WRITES=$(awk '/write:/ { print $2; exit }' "$dir/backlog.txt")
BACKLOG_TPS=$(awk '/transactions:/ { gsub(/\(/, "", $3); print int($3); exit }' "$dir/backlog.txt")
my source -e "INSERT INTO bench.marker VALUES (1, NOW(6))"
G_END=$(my source -e "SELECT @@gtid_binlog_pos")
END_SEQ=$(seq_of "$G_END")
TXNS=$((END_SEQ - $(seq_of "$G_START")))
log "backlog: $WRITES row changes in $TXNS transactions (source wrote them at $BACKLOG_TPS TPS), up to $G_END"

# ---- decode: Sluice's binlog reader against mariadb-binlog ---------------------------------

DRAIN=$BUILD/bench/cdc/binlog_drain
if [[ ! -x $DRAIN ]]; then
  # No CMake target yet (bench/ is not a subdirectory of the build): compile it against the build's libraries.
  DRAIN=$dir/binlog_drain
  libs=()
  for l in dialects/mysql/libsluice_binlog.a dialects/mysql/libsluice_mysql.a catalog/libsluice_catalog.a \
           common/libsluice_common.a; do
    [[ -f $BUILD/$l ]] && libs+=("$BUILD/$l")
  done
  log "compiling bench/cdc/binlog_drain.cc against $BUILD"
  g++ -std=c++20 -O3 -DNDEBUG -I"$REPO" "$REPO/bench/cdc/binlog_drain.cc" -o "$DRAIN" \
    -Wl,--start-group "${libs[@]}" -Wl,--end-group $(pkg-config --libs libmariadb libzstd) -lz -lfmt -lpthread \
    2>"$dir/drain-build.log" || { cat "$dir/drain-build.log" >&2; exit 1; }
fi
log "decode: Sluice binlog_drain x3"
DRAIN_S=() DRAIN_ROWS=0
for _ in 1 2 3; do
  t0=$(now)
  out=$("$DRAIN" "mysql://root@127.0.0.1:${PORT[source]}/bench" "$G_START" "$G_END" bench 600)
  DRAIN_S+=("$(secs "$t0" "$(now)")")  # wall time of the process, as for mariadb-binlog
  DRAIN_ROWS=$(awk '{ print $2 }' <<<"$out")
  DRAIN_MB=$(awk '{ printf "%.1f", $6 / 1e6 }' <<<"$out")
done
drain_s=$(printf '%s\n' "${DRAIN_S[@]}" | best)
log "decode: mariadb-binlog --read-from-remote-server -v x3 (and --base64-output=decode-rows -v x3)"
MB_S=() MBD_S=()
for _ in 1 2 3; do
  t0=$(now)
  mariadb-binlog --no-defaults --read-from-remote-server -h 127.0.0.1 -P "${PORT[source]}" -u root -v \
    --to-last-log "$FIRST_LOG" >/dev/null
  MB_S+=("$(secs "$t0" "$(now)")")
  t0=$(now)
  mariadb-binlog --no-defaults --read-from-remote-server -h 127.0.0.1 -P "${PORT[source]}" -u root -v \
    --base64-output=decode-rows --to-last-log "$FIRST_LOG" >/dev/null
  MBD_S+=("$(secs "$t0" "$(now)")")
done
mb_s=$(printf '%s\n' "${MB_S[@]}" | best)
mbd_s=$(printf '%s\n' "${MBD_S[@]}" | best)
# The row count mariadb-binlog sees (one untimed run): must equal the drain's.
MB_ROWS=$(mariadb-binlog --no-defaults --read-from-remote-server -h 127.0.0.1 -P "${PORT[source]}" -u root -v \
  --base64-output=decode-rows --to-last-log "$FIRST_LOG" | grep -cE '^### (INSERT INTO|UPDATE|DELETE FROM) ')

# ---- backlog apply: Sluice, then each replica, each alone on the machine -------------------

log "backlog apply: Sluice (parallel $PARALLEL, batch_rows $BATCH_ROWS)"
t0=$(now)
target_cpu0=$(cpu_of "${PID[target]}")
start_apply
while (( $(applied_seq) < END_SEQ )); do
  kill -0 "$APPLY_PID" 2>/dev/null || { tail -30 "$dir/apply.log" >&2; echo "bench: sluice apply exited" >&2; exit 1; }
  sleep 0.05
done
sluice_s=$(secs "$t0" "$(now)")
SLUICE_CPU=$(cpu_of "$APPLY_PID")
TARGET_CPU=$(secs "$target_cpu0" "$(cpu_of "${PID[target]}")")
sleep 1.5  # sync status is published once a second
"$SLUICE" status "$dir/cdc.yaml" --state-dir "$STATE" --json >"$dir/status.json"
stop_apply
declare -A NATIVE_S NATIVE_CPU
for r in rep1 rep2; do
  log "backlog apply: native replica $r"
  t0=$(now)
  cpu0=$(cpu_of "${PID[$r]}")
  rc=$(my $r -e "START SLAVE; SELECT MASTER_GTID_WAIT('$G_END', 3600)")
  NATIVE_S[$r]=$(secs "$t0" "$(now)")
  NATIVE_CPU[$r]=$(secs "$cpu0" "$(cpu_of "${PID[$r]}")")
  [[ $rc == 0 ]] || { my $r -e "SHOW SLAVE STATUS\G" >&2; echo "bench: $r did not reach $G_END" >&2; exit 1; }
  my $r -e "STOP SLAVE"
done

log "checking the tables on target, rep1, rep2 against the source"
CHECK=ok
for t in $(seq -f "sbtest%g" "$TABLES") heartbeat marker; do
  case $t in sbtest*) cols="id, k, c, pad" ;; heartbeat) cols="id, ts" ;; marker) cols="id, at" ;; esac
  q="SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('#', $cols))), 0) FROM bench.$t"
  want=$(my source -e "$q")
  for n in target rep1 rep2; do
    got=$(my $n -e "$q")
    [[ $got == "$want" ]] || { CHECK="DIFFERS"; log "bench.$t on $n: $got, source: $want"; }
  done
done

# ---- lag at 50% of the source's max TPS ----------------------------------------------------
if (( LAG_SECONDS > 0 )); then

  log "lag: the source's max TPS (oltp_write_only, 4 threads, 15 s, nothing replicating)"
  sysbench oltp_write_only "${SB_MY[@]}" --threads=4 --time=15 --report-interval=0 run >"$dir/max.txt"
  MAX_TPS=$(awk '/transactions:/ { gsub(/\(/, "", $3); print int($3); exit }' "$dir/max.txt")
  HALF=$((MAX_TPS / 2))
  log "lag: Sluice catching up with that, then $HALF TPS for ${LAG_SECONDS}s while it streams"
  start_apply
  sluice_wait 1800
  rm -f "$dir/stop-heartbeat"
  (while [[ ! -e $dir/stop-heartbeat ]]; do echo "UPDATE bench.heartbeat SET ts = NOW(6) WHERE id = 1;"; sleep 0.1; done |
    my source) &
  hb_writer=$!
  (while [[ ! -e $dir/stop-heartbeat ]]; do echo "SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(6)) / 1e6 FROM bench.heartbeat;"; sleep 0.1; done |
    my target -n >"$dir/lag-heartbeat.txt") &
  hb_reader=$!
  (while [[ ! -e $dir/stop-heartbeat ]]; do
     "$SLUICE" status "$dir/cdc.yaml" --state-dir "$STATE" --json 2>/dev/null | jq '.sync.lag_seconds // empty'
     sleep 1
   done >"$dir/lag-status.txt") &
  st_reader=$!
  sleep 3
  sysbench oltp_write_only "${SB_MY[@]}" --threads=4 --rate="$HALF" --time="$LAG_SECONDS" --report-interval=0 run \
    >"$dir/lag-run.txt"
  touch "$dir/stop-heartbeat"
  wait "$hb_writer" "$hb_reader" "$st_reader" || true
  LAG_TPS=$(awk '/transactions:/ { gsub(/\(/, "", $3); print int($3); exit }' "$dir/lag-run.txt")
  stop_apply
  pct() {  # FILE P: the P-th percentile (nearest rank) of the numbers in FILE
    sort -g "$1" | awk -v p="$2" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.3f", v[i] }'
  }
  # The heartbeat samples of the loaded period: after the 3 s lead-in.
  tail -n +31 "$dir/lag-heartbeat.txt" | head -n $((LAG_SECONDS * 10)) >"$dir/lag-hb-run.txt"
fi

# ---- report --------------------------------------------------------------------------------

rows=$DRAIN_ROWS  # the row changes in the binlog (the marker row included)
better_native=$(printf '%s\n' "${NATIVE_S[rep1]}" "${NATIVE_S[rep2]}" | best)
s_rows=$(jq '.sync.rows' "$dir/status.json")
s_ttx=$(jq '.sync.target_transactions' "$dir/status.json")
echo
echo "cdc MariaDB -> MariaDB: backlog of $rows row changes in $TXNS transactions ($TABLES tables x $TABLE_SIZE rows);"
echo "  $(nproc) cores, load average $LOAD_BEFORE at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
printf '  %-58s %8s s %9s rows/s  CPU s: sluice %s + target %s\n' "backlog apply: Sluice (parallel $PARALLEL, batch_rows $BATCH_ROWS)" \
  "$sluice_s" "$(rate $rows "$sluice_s")" "$SLUICE_CPU" "$TARGET_CPU"
printf '  %-58s %8s s %9s rows/s  CPU s: %s\n' "backlog apply: native replica, single-threaded" "${NATIVE_S[rep1]}" \
  "$(rate $rows "${NATIVE_S[rep1]}")" "${NATIVE_CPU[rep1]}"
printf '  %-58s %8s s %9s rows/s  CPU s: %s\n' "backlog apply: native replica, 2 threads optimistic" "${NATIVE_S[rep2]}" \
  "$(rate $rows "${NATIVE_S[rep2]}")" "${NATIVE_CPU[rep2]}"
printf '  %-58s %8sx (goal >= 1.5x)\n' "  Sluice / better native replica" "$(ratio "$better_native" "$sluice_s")"
printf '  %-58s %8s s %9s rows/s  (%s MB of binlog, %s rows)\n' "decode: Sluice binlog_drain (best of 3)" "$drain_s" \
  "$(rate "$DRAIN_ROWS" "$drain_s")" "$DRAIN_MB" "$DRAIN_ROWS"
printf '  %-58s %8s s %9s rows/s  (%s rows)\n' "decode: mariadb-binlog --read-from-remote-server -v" "$mb_s" "$(rate "$MB_ROWS" "$mb_s")" "$MB_ROWS"
printf '  %-58s %8s s %9s rows/s\n' "decode: mariadb-binlog -v --base64-output=decode-rows" "$mbd_s" "$(rate "$MB_ROWS" "$mbd_s")"
printf '  %-58s %8sx (goal >= 1.0x); vs decode-rows: %sx\n' "  Sluice / mariadb-binlog -v" "$(ratio "$mb_s" "$drain_s")" "$(ratio "$mbd_s" "$drain_s")"
if (( LAG_SECONDS > 0 )); then
printf '  %-58s %s TPS max, %s TPS asked, %s TPS run for %ss\n' "lag: source oltp_write_only (4 threads)" "$MAX_TPS" "$HALF" "$LAG_TPS" "$LAG_SECONDS"
printf '  %-58s p50 %ss  p99 %ss  max %ss  (%s samples; goal p99 <= 1 s)\n' "lag: heartbeat (100 ms) on the target" \
  "$(pct "$dir/lag-hb-run.txt" 50)" "$(pct "$dir/lag-hb-run.txt" 99)" "$(pct "$dir/lag-hb-run.txt" 100)" "$(wc -l <"$dir/lag-hb-run.txt")"
printf '  %-58s p50 %ss  p99 %ss  max %ss\n' "lag: sluice status lag_seconds (1 s samples)" \
  "$(pct "$dir/lag-status.txt" 50)" "$(pct "$dir/lag-status.txt" 99)" "$(pct "$dir/lag-status.txt" 100)"
fi
echo "  first apply (schema + full + catch-up): ${COPY_SECS}s; backlog apply per Sluice status: $s_rows rows in $s_ttx target transactions"
echo "  tables equal on target, rep1, rep2: $CHECK"
