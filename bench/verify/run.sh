#!/usr/bin/env bash
# Benchmark of `sluice verify` (not a test): MariaDB -> MariaDB, a sysbench-shaped
# table (id, k, c char(120), pad char(60)) of ROWS rows (default 1,000,000).
#
# Compared against, in the same run:
#   - pt-table-checksum (percona-toolkit, installed with apt if missing) over the
#     source table: its chunked BIT_XOR(CRC32(CONCAT_WS(...))) is what a replica
#     would redo, so one run is its cost of checking one pair;
#   - the scan bound: one in-database full scan hashing every row
#     (SUM(CRC32(CONCAT_WS(...)))) on source and target at once: the least time
#     any checker that reads every row of both sides can take.
# Goals: sluice >= 1.0x pt-table-checksum, >= 0.7x the scan bound.
#
# The buffer pool is set to BUFFER_POOL_MB (default 1024: both tables in
# memory, as a production server's hot tables are) for the run and restored
# after; the test servers' own 64 MB makes every scan read pages through the
# OS cache, a cost that is the same for every checker and flatters the ratios.
#
#   bench/verify/run.sh                 # starts throwaway servers under a temp dir
#   ROWS=200000 bench/verify/run.sh     # smaller
#   SERVERS_DIR=/tmp/srv bench/verify/run.sh   # reuse running test servers (source DIR/env first)
#   BUFFER_POOL_MB=64 RUNS=5 bench/verify/run.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROWS=${ROWS:-1000000}
BUILD=${BUILD:-$ROOT/build}
SLUICE=${SLUICE:-$BUILD/cli/sluice}
WORK=$(mktemp -d /tmp/sluice-bench-verify-XXXXXX)
chmod 755 "$WORK"  # the test servers' PostgreSQL (started too) runs as postgres and must reach $WORK/srv
OWN_SERVERS=0

POOL_BEFORE=""
cleanup() {
  if [[ -n $POOL_BEFORE ]]; then
    mariadb -h127.0.0.1 -P"$PORT" -uroot -e "SET GLOBAL innodb_buffer_pool_size = $POOL_BEFORE" >/dev/null 2>&1 || true
  fi
  if [[ $OWN_SERVERS == 1 ]]; then "$ROOT/scripts/test-servers.sh" stop "$WORK/srv" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK/plan" "$WORK"/*.out 2>/dev/null || true
}
trap cleanup EXIT

[[ -x $SLUICE ]] || { echo "bench: build sluice first (ninja -C $BUILD sluice) or set SLUICE=" >&2; exit 1; }
if ! command -v pt-table-checksum >/dev/null; then
  echo "bench: installing percona-toolkit" >&2
  apt-get install -y percona-toolkit >/dev/null
fi

if [[ -n ${SERVERS_DIR:-} ]]; then
  source "$SERVERS_DIR/env"
else
  "$ROOT/scripts/test-servers.sh" start "$WORK/srv" >&2
  OWN_SERVERS=1
  source "$WORK/srv/env"
fi
PORT=$SLUICE_TEST_MARIADB_PORT
my() { mariadb -h127.0.0.1 -P"$PORT" -uroot -N -B "$@"; }
now() { date +%s.%N; }

POOL_BEFORE=$(my -e "SELECT @@innodb_buffer_pool_size")
my -e "SET GLOBAL innodb_buffer_pool_size = ${BUFFER_POOL_MB:-1024} * 1048576"
sleep 2  # the resize runs in the background
echo "bench: generating $ROWS rows (buffer pool $(my -e "SELECT @@innodb_buffer_pool_size DIV 1048576") MB)" >&2
my -e "DROP DATABASE IF EXISTS bench_src; DROP DATABASE IF EXISTS bench_tgt; DROP DATABASE IF EXISTS percona;
       CREATE DATABASE bench_src; CREATE DATABASE bench_tgt; USE bench_src;
       CREATE TABLE bench_src.sbtest1 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0,
         c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k)) ENGINE=InnoDB;
       INSERT INTO bench_src.sbtest1 (id, k, c, pad)
         SELECT seq, FLOOR(RAND(seq) * $ROWS),
                CONCAT_WS('-', LPAD(FLOOR(RAND(seq+1)*1e11), 11, '0'), LPAD(FLOOR(RAND(seq+2)*1e11), 11, '0'),
                          LPAD(FLOOR(RAND(seq+3)*1e11), 11, '0'), LPAD(FLOOR(RAND(seq+4)*1e11), 11, '0'),
                          LPAD(FLOOR(RAND(seq+5)*1e11), 11, '0'), LPAD(FLOOR(RAND(seq+6)*1e11), 11, '0'),
                          LPAD(FLOOR(RAND(seq+7)*1e11), 11, '0'), LPAD(FLOOR(RAND(seq+8)*1e11), 11, '0'),
                          LPAD(FLOOR(RAND(seq+9)*1e11), 11, '0'), LPAD(FLOOR(RAND(seq+10)*1e11), 11, '0')),
                CONCAT_WS('-', LPAD(FLOOR(RAND(seq+11)*1e11), 11, '0'), LPAD(FLOOR(RAND(seq+12)*1e11), 11, '0'),
                          LPAD(FLOOR(RAND(seq+13)*1e11), 11, '0'), LPAD(FLOOR(RAND(seq+14)*1e11), 11, '0'),
                          LPAD(FLOOR(RAND(seq+15)*1e11), 11, '0'))
         FROM seq_1_to_$ROWS;
       CREATE TABLE bench_tgt.sbtest1 LIKE bench_src.sbtest1;
       INSERT INTO bench_tgt.sbtest1 SELECT * FROM bench_src.sbtest1;
       ANALYZE TABLE bench_src.sbtest1, bench_tgt.sbtest1;" >/dev/null

mkdir -p "$WORK/plan"
cat >"$WORK/plan/bench.yaml" <<EOF
version: 1
name: bench-verify
source: { dialect: mariadb, dsn: "mysql://root@127.0.0.1:$PORT/bench_src" }
target: { dialect: mariadb, dsn: "mysql://root@127.0.0.1:$PORT/bench_tgt" }
steps: [schema, full, verify]
objects:
  - from: bench_src.sbtest1
    to: bench_tgt.{table}
EOF
"$SLUICE" plan "$WORK/plan/bench.yaml" --out "$WORK/plan/plan.json" >/dev/null 2>&1

# Warm both buffer pools the same way for everyone.
my -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('#', id, k, c, pad))) FROM bench_src.sbtest1;
       SELECT COUNT(*), SUM(CRC32(CONCAT_WS('#', id, k, c, pad))) FROM bench_tgt.sbtest1;" >/dev/null

PARALLEL=${PARALLEL:-2}
RUNS=${RUNS:-3}

sluice_run() {
  local t0 t1 rc
  t0=$(now)
  set +e
  "$SLUICE" verify "$WORK/plan/plan.json" --no-fix --parallel "$PARALLEL" --chunk-rows 10000 >"$WORK/sluice.out" 2>&1
  rc=$?
  set -e
  t1=$(now)
  [[ $rc == 0 ]] || { cat "$WORK/sluice.out" >&2; echo "bench: sluice verify exited $rc" >&2; exit 1; }
  echo "$t1 - $t0" | bc -l
}

pt_run() {
  local t0 t1
  t0=$(now)
  pt-table-checksum "h=127.0.0.1,P=$PORT,u=root" --databases bench_src --tables sbtest1 \
    --no-check-binlog-format --no-check-replication-filters --recursion-method=none \
    --replicate percona.checksums --create-replicate-table --chunk-size 10000 --no-version-check \
    >"$WORK/pt.out" 2>&1 || true
  t1=$(now)
  grep -q "sbtest1" "$WORK/pt.out" || { cat "$WORK/pt.out" >&2; echo "bench: pt-table-checksum failed" >&2; exit 1; }
  echo "$t1 - $t0" | bc -l
}

scan_run() {
  local t0 t1 p1 p2
  t0=$(now)
  my -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('#', id, k, c, pad))) FROM bench_src.sbtest1" >/dev/null &
  p1=$!
  my -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('#', id, k, c, pad))) FROM bench_tgt.sbtest1" >/dev/null &
  p2=$!
  wait $p1 $p2
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

# Each checker RUNS times, interleaved; the best time of each counts (one
# run of a sub-second job swings by 10% on two shared cores).
sluice_times="" pt_times="" scan_times=""
for ((run = 1; run <= RUNS; run++)); do
  echo "bench: run $run/$RUNS: sluice verify (parallel $PARALLEL), pt-table-checksum, scan of both sides at once" >&2
  sluice_times+="$(sluice_run)"$'\n'
  pt_times+="$(pt_run)"$'\n'
  scan_times+="$(scan_run)"$'\n'
done
best() { grep . | sort -g | head -1; }
sluice_s=$(best <<<"$sluice_times")
pt_s=$(best <<<"$pt_times")
scan_s=$(best <<<"$scan_times")
echo "bench: all runs (s): sluice $(echo $sluice_times) | pt-table-checksum $(echo $pt_times) | scan $(echo $scan_times)" >&2

rate() { echo "scale=0; $ROWS / $1" | bc -l; }
printf '%-34s %10s %14s\n' "checker ($ROWS rows, best of $RUNS)" "seconds" "rows/s"
printf '%-34s %10.2f %14s\n' "sluice verify" "$sluice_s" "$(rate "$sluice_s")"
printf '%-34s %10.2f %14s\n' "pt-table-checksum (one side)" "$pt_s" "$(rate "$pt_s")"
printf '%-34s %10.2f %14s\n' "scan bound (CRC32 sum, concurrent)" "$scan_s" "$(rate "$scan_s")"
printf 'sluice / pt-table-checksum: %.2fx (goal >= 1.0)\n' "$(echo "$pt_s / $sluice_s" | bc -l)"
printf 'sluice / scan bound:        %.2fx (goal >= 0.7)\n' "$(echo "$scan_s / $sluice_s" | bc -l)"
my -e "DROP DATABASE bench_src; DROP DATABASE bench_tgt; DROP DATABASE IF EXISTS percona;" >/dev/null
