#!/usr/bin/env bash
# bench/cdc_pg: Sluice's incremental sync from PostgreSQL (pgoutput) to
# MariaDB: decode rate against pg_recvlogical on the same changes, and the
# end-to-end apply rate of a recorded backlog, in one run on throwaway local
# servers (not a test).
#
#   bench/cdc_pg/run.sh           200,000-change backlog, 4 tables x 100,000 rows (~1 min on 2 cores)
#   bench/cdc_pg/run.sh full      1,000,000-change backlog, 4 tables x 250,000 rows (issue #7's size, ~3.5 min)
#   bench/cdc_pg/run.sh CHANGES   a backlog of about CHANGES row changes
#
# Environment: BUILD (default build; needs BUILD/cli/sluice and
# BUILD/dialects/postgresql/pgoutput_drain), PARALLEL (incremental.parallel,
# default 2), BATCH_ROWS (incremental.batch_rows, default 25000), SLUICE (the
# binary), ROWS_PER_TABLE, KEEP=1 (keep the temp dir and its logs).
#
# Servers: scripts/test-servers.sh (PostgreSQL 15 with wal_level=logical,
# MariaDB 10.11), with PostgreSQL's shared_buffers and MariaDB's buffer pool
# raised to 512 MB so the tables fit, and 16 replication slots and WAL senders.
#
# Method: sysbench oltp_write_only tables on PostgreSQL; Sluice's first apply
# (schema, full, incremental) copies them into MariaDB, catches up and is
# stopped. Then twelve twin slots (pgoutput) are created at one point, the
# backlog is recorded (sysbench oltp_write_only, 4 row changes per
# transaction, then one marker row), and:
#   decode      dialects/postgresql/pgoutput_drain (Sluice's replication
#               connection + pgoutput decoder, no apply) and pg_recvlogical
#               (-o proto_version=1 -o publication_names=..., -f /dev/null) each
#               drain their own slot to the end LSN, in turn, three times; best
#               of three, wall time of each process. Goal (issue #7): Sluice >=
#               1.0x pg_recvlogical. Two more readers are printed:
#               pg_recvlogical with the options Sluice asks for (proto_version
#               2, streaming on, messages true: the same server work), and
#               Sluice with read coalescing off (--coalesce-us 0: reads each
#               message as it arrives, as pg_recvlogical does). The CPU seconds
#               of the server's walsender are printed for Sluice's and
#               pg_recvlogical's runs: about the wall time of each, so the
#               walsender sets the pace and a reader is faster only by making
#               the walsender's work cheaper.
#   end-to-end  Sluice's second apply, from start until sluice_meta's complete
#               position on MariaDB has passed the backlog's last commit.
# The tables are then checked equal (count + sum of a per-row MD5 prefix) on both sides.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO"
source bench/cdc_common.sh
DRAIN=$BUILD/dialects/postgresql/pgoutput_drain
[[ -x $DRAIN ]] || { echo "bench: build pgoutput_drain first (ninja -C $BUILD pgoutput_drain) or set BUILD=" >&2; exit 1; }
PG_BIN=/usr/lib/postgresql/15/bin

dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-cdcpg.XXXXXX")
cleanup() {
  [[ -n ${APPLY_PID:-} ]] && kill "$APPLY_PID" 2>/dev/null && wait "$APPLY_PID" 2>/dev/null
  bash scripts/test-servers.sh stop "$dir" >/dev/null 2>&1 || true
  [[ -n ${KEEP:-} ]] && echo "bench: kept $dir" >&2 || rm -rf -- "$dir"
}
trap cleanup EXIT
# The CPU seconds of the walsender serving SLOT, sampled every 50 ms until
# DIR/stop-sampler appears (a walsender exits with its client): written to FILE.
sample_walsender() {  # SLOT FILE
  local pid="" c last=0
  while [[ ! -e $dir/stop-sampler ]]; do
    [[ -z $pid ]] && pid=$(pg -c "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '$1' AND active")
    [[ -n $pid ]] && c=$(cpu_of "$pid") && [[ -n $c ]] && last=$c
    sleep 0.05
  done
  echo "$last" >"$2"
}
lsn() { local h=${1%/*} l=${1#*/}; echo $(( (16#$h << 32) | 16#$l )); }  # "0/16B3748" -> a number

log "starting PostgreSQL and MariaDB under $dir"
bash scripts/test-servers.sh start "$dir" >/dev/null 2>&1
source "$dir/env"
MYPORT=$SLUICE_TEST_MARIADB_PORT PGPORT=$SLUICE_TEST_PG_PORT
my() { mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P "$MYPORT" -u root -N -B "$@"; }
pg() { psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d "${PGDB:-bench}" "$@"; }
PGDB=postgres pg -c "ALTER SYSTEM SET shared_buffers = '512MB'"
PGDB=postgres pg -c "ALTER SYSTEM SET max_replication_slots = 16"  # 4 readers x 3 rounds + Sluice's own
PGDB=postgres pg -c "ALTER SYSTEM SET max_wal_senders = 16"
bash scripts/test-servers.sh restart-postgres "$dir" >/dev/null 2>&1
my -e "SET GLOBAL innodb_buffer_pool_size = 512 * 1024 * 1024"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

log "preparing $TABLES sysbench tables x $TABLE_SIZE rows on PostgreSQL"
PGDB=postgres pg -c "CREATE DATABASE bench"
pg -c "CREATE TABLE marker (id int PRIMARY KEY, at timestamptz NOT NULL)"
SB_PG=(--db-driver=pgsql --pgsql-host=127.0.0.1 --pgsql-port="$PGPORT" --pgsql-user=postgres --pgsql-db=bench
       --tables=$TABLES --table-size="$TABLE_SIZE")
sysbench oltp_write_only "${SB_PG[@]}" --threads=2 prepare >/dev/null
pg -c "ANALYZE"

cat >"$dir/cdc.yaml" <<YAML
version: 1
name: cdc-pg-bench
source: { dialect: postgresql, dsn: "postgresql://postgres@127.0.0.1:$PGPORT/bench" }
target: { dialect: mariadb, dsn: "mysql://root@127.0.0.1:$MYPORT/pgbench" }
steps: [schema, full, incremental]
objects: [{ from: "public.*", to: "pgbench.{table}" }]
full: { parallel: 2, chunk_rows: 50000 }
incremental: { batch_rows: $BATCH_ROWS, parallel: $PARALLEL }
YAML
STATE=$dir/state
applied_lsn() {  # sluice_meta's complete position on MariaDB, as a number
  local p
  p=$(my -e "SELECT position FROM sluice_meta.apply_position WHERE migration LIKE 'cdc-pg-bench/%' AND worker = -1" 2>/dev/null)
  [[ $p == */* ]] && lsn "$p" || echo 0
}

first_apply

# Twin slots at one point: nothing writes to the tables between their creations.
ROUNDS="1 2 3"
SLOTS=$(for i in $ROUNDS; do echo "drain$i recv$i same$i eager$i"; done)
TABLE_LIST=$(seq -f "sbtest%g" -s ", " "$TABLES")
pg -c "CREATE PUBLICATION bench_pub FOR TABLE $TABLE_LIST, marker"
for s in $SLOTS; do
  pg -c "SELECT pg_create_logical_replication_slot('$s', 'pgoutput')" >/dev/null
done

log "recording the backlog: sysbench oltp_write_only, $EVENTS transactions, 4 threads"
sysbench oltp_write_only "${SB_PG[@]}" --threads=4 --events="$EVENTS" --time=0 --report-interval=0 run >"$dir/backlog.txt"
WRITES=$(awk '/write:/ { print $2; exit }' "$dir/backlog.txt")
BACKLOG_TPS=$(awk '/transactions:/ { gsub(/\(/, "", $3); print int($3); exit }' "$dir/backlog.txt")
ERRORS=$(awk '/ignored errors:/ { print $3; exit }' "$dir/backlog.txt")
LAST_BACKLOG=$(pg -c "SELECT pg_current_wal_lsn()")
pg -c "INSERT INTO marker VALUES (1, now())"
END_LSN=$(pg -c "SELECT pg_current_wal_lsn()")
WAL_MB=$(pg -c "SELECT round(pg_wal_lsn_diff('$END_LSN', confirmed_flush_lsn) / 1e6, 1) FROM pg_replication_slots WHERE slot_name = 'drain1'")
log "backlog: $WRITES row changes (source wrote them at $BACKLOG_TPS TPS, $ERRORS ignored errors), $WAL_MB MB of WAL, up to $END_LSN"

DSN="postgresql://postgres@127.0.0.1:$PGPORT/bench"
D_S=() R_S=() R2_S=() E_S=() D_INNER=() WS_D=() WS_R=()
recvlogical() {  # SLOT OPTIONS...: wall time of pg_recvlogical draining SLOT to END_LSN
  local slot=$1 t0
  shift
  t0=$(now)
  "$PG_BIN/pg_recvlogical" -h 127.0.0.1 -p "$PGPORT" -U postgres -d bench --slot "$slot" --start --no-loop \
    "$@" -o publication_names=bench_pub -E "$END_LSN" -f /dev/null
  secs "$t0" "$(now)"
}
for i in $ROUNDS; do
  log "decode round $i: pgoutput_drain, pg_recvlogical (proto 1), pg_recvlogical (Sluice's options)"
  rm -f "$dir/stop-sampler"
  sample_walsender "drain$i" "$dir/ws-drain$i" &
  sampler=$!
  t0=$(now)
  out=$("$DRAIN" "$DSN" "drain$i" bench_pub "$END_LSN" 600)
  D_S+=("$(secs "$t0" "$(now)")")  # wall time of the process, as for pg_recvlogical
  touch "$dir/stop-sampler"
  wait "$sampler"
  WS_D+=("$(cat "$dir/ws-drain$i")")
  echo "$out" >>"$dir/drain.txt"
  D_ROWS=$(awk '{ print $1 }' <<<"$out")
  D_TXNS=$(awk '{ print $4 }' <<<"$out")
  D_MB=$(awk '{ print $6 }' <<<"$out")
  D_INNER+=("$(awk '{ print $9 }' <<<"$out")")
  rm -f "$dir/stop-sampler"
  sample_walsender "recv$i" "$dir/ws-recv$i" &
  sampler=$!
  R_S+=("$(recvlogical "recv$i" -o proto_version=1)")
  touch "$dir/stop-sampler"
  wait "$sampler"
  WS_R+=("$(cat "$dir/ws-recv$i")")
  # What Sluice asks of a PostgreSQL 15 server: protocol 2, streaming of large transactions, logical messages.
  R2_S+=("$(recvlogical "same$i" -o proto_version=2 -o streaming=on -o messages=true)")
  # Sluice reading each message as it arrives, as pg_recvlogical does: shows what read coalescing buys.
  t0=$(now)
  "$DRAIN" "$DSN" "eager$i" bench_pub "$END_LSN" 600 --coalesce-us 0 >/dev/null
  E_S+=("$(secs "$t0" "$(now)")")
done
for s in $SLOTS; do
  left=$(pg -c "SELECT pg_wal_lsn_diff('$END_LSN', confirmed_flush_lsn) > 0 FROM pg_replication_slots WHERE slot_name = '$s'")
  [[ $left == f ]] || log "warning: slot $s was not drained to $END_LSN"
  pg -c "SELECT pg_drop_replication_slot('$s')" >/dev/null
done
d_s=$(printf '%s\n' "${D_S[@]}" | best)
r_s=$(printf '%s\n' "${R_S[@]}" | best)
r2_s=$(printf '%s\n' "${R2_S[@]}" | best)
e_s=$(printf '%s\n' "${E_S[@]}" | best)

log "end-to-end: Sluice applies the backlog to MariaDB (parallel $PARALLEL, batch_rows $BATCH_ROWS)"
want=$(lsn "$LAST_BACKLOG")
t0=$(now)
start_apply
while (( $(applied_lsn) < want )); do
  kill -0 "$APPLY_PID" 2>/dev/null || { tail -30 "$dir/apply.log" >&2; echo "bench: sluice apply exited" >&2; exit 1; }
  sleep 0.05
done
e2e_s=$(secs "$t0" "$(now)")
sleep 1.5  # sync status is published once a second
"$SLUICE" status "$dir/cdc.yaml" --state-dir "$STATE" --json >"$dir/status.json"
stop_apply

log "checking the tables on MariaDB against PostgreSQL"
CHECK=ok
for t in $(seq -f "sbtest%g" "$TABLES"); do
  a=$(pg -c "SELECT count(*) || ' ' || coalesce(sum(('x' || substr(md5(id || '#' || k || '#' || c || '#' || pad), 1, 8))::bit(32)::bigint), 0) FROM $t")
  b=$(my -e "SELECT CONCAT(COUNT(*), ' ', COALESCE(SUM(CONV(SUBSTR(MD5(CONCAT_WS('#', id, k, c, pad)), 1, 8), 16, 10)), 0)) FROM pgbench.$t")
  [[ $a == "$b" ]] || { CHECK=DIFFERS; log "$t: PostgreSQL $a, MariaDB $b"; }
done

rows=$D_ROWS  # the row changes decoded from the slot (the marker row included)
s_rows=$(jq '.sync.rows' "$dir/status.json")
s_ttx=$(jq '.sync.target_transactions' "$dir/status.json")
echo
echo "cdc PostgreSQL -> MariaDB: backlog of $rows row changes ($TABLES tables x $TABLE_SIZE rows), $WAL_MB MB of WAL;"
echo "  $(nproc) cores, load average $LOAD_BEFORE at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
printf '  %-52s %8s s %9s rows/s  (%s rows, %s transactions, %s MB pgoutput; runs: %s)\n' \
  "decode: Sluice pgoutput_drain (best of 3)" "$d_s" "$(rate "$D_ROWS" "$d_s")" "$D_ROWS" "$D_TXNS" "$D_MB" "${D_S[*]}; inside the tool: ${D_INNER[*]}"
printf '  %-52s %8s s %9s rows/s  (runs: %s)\n' "decode: pg_recvlogical -o proto_version=1 (best of 3)" "$r_s" "$(rate "$D_ROWS" "$r_s")" "${R_S[*]}"
printf '  %-52s %8s s %9s rows/s  (runs: %s)\n' "decode: pg_recvlogical, Sluice's options (best of 3)" "$r2_s" "$(rate "$D_ROWS" "$r2_s")" "${R2_S[*]}"
printf '  %-52s %8s s %9s rows/s  (runs: %s)\n' "decode: Sluice, read coalescing off (best of 3)" "$e_s" "$(rate "$D_ROWS" "$e_s")" "${E_S[*]}"
printf '  %-52s drain runs %s s, pg_recvlogical runs %s s\n' "  CPU of the server's walsender (bounds both)" "${WS_D[*]}" "${WS_R[*]}"
printf '  %-52s %8sx (goal >= 1.0x); vs the same options: %sx\n' "  Sluice / pg_recvlogical" "$(ratio "$r_s" "$d_s")" "$(ratio "$r2_s" "$d_s")"
printf '  %-52s %8s s %9s rows/s  (%sx the decode rate)\n' "end-to-end: Sluice apply into MariaDB (parallel $PARALLEL)" \
  "$e2e_s" "$(rate $rows "$e2e_s")" "$(ratio "$d_s" "$e2e_s")"
echo "  first apply (schema + full + catch-up): ${COPY_SECS}s; backlog apply per Sluice status: $s_rows rows in $s_ttx target transactions"
echo "  tables equal on MariaDB and PostgreSQL: $CHECK"
