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
#   bench/verify/run.sh                 # starts throwaway servers under a temp dir
#   ROWS=200000 bench/verify/run.sh     # smaller
#   SERVERS_DIR=/tmp/srv bench/verify/run.sh   # reuse running test servers (source DIR/env first)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROWS=${ROWS:-1000000}
BUILD=${BUILD:-$ROOT/build}
SLUICE=${SLUICE:-$BUILD/cli/sluice}
WORK=$(mktemp -d /tmp/sluice-bench-verify-XXXXXX)
OWN_SERVERS=0

cleanup() {
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

echo "bench: generating $ROWS rows" >&2
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
echo "bench: sluice verify (parallel $PARALLEL)" >&2
t0=$(now)
set +e
"$SLUICE" verify "$WORK/plan/plan.json" --no-fix --parallel "$PARALLEL" --chunk-rows 10000 >"$WORK/sluice.out" 2>&1
rc=$?
set -e
t1=$(now)
[[ $rc == 0 ]] || { cat "$WORK/sluice.out" >&2; echo "bench: sluice verify exited $rc" >&2; exit 1; }
sluice_s=$(echo "$t1 - $t0" | bc -l)

echo "bench: pt-table-checksum" >&2
t0=$(now)
pt-table-checksum "h=127.0.0.1,P=$PORT,u=root" --databases bench_src --tables sbtest1 \
  --no-check-binlog-format --no-check-replication-filters --recursion-method=none \
  --replicate percona.checksums --create-replicate-table --chunk-size 10000 --no-version-check \
  >"$WORK/pt.out" 2>&1 || true
t1=$(now)
grep -q "sbtest1" "$WORK/pt.out" || { cat "$WORK/pt.out" >&2; echo "bench: pt-table-checksum failed" >&2; exit 1; }
pt_s=$(echo "$t1 - $t0" | bc -l)

echo "bench: in-database scan of both sides at once" >&2
t0=$(now)
my -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('#', id, k, c, pad))) FROM bench_src.sbtest1" >/dev/null &
p1=$!
my -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('#', id, k, c, pad))) FROM bench_tgt.sbtest1" >/dev/null &
p2=$!
wait $p1 $p2
t1=$(now)
scan_s=$(echo "$t1 - $t0" | bc -l)

rate() { echo "scale=0; $ROWS / $1" | bc -l; }
printf '%-34s %10s %14s\n' "checker ($ROWS rows, both sides)" "seconds" "rows/s"
printf '%-34s %10.2f %14s\n' "sluice verify" "$sluice_s" "$(rate "$sluice_s")"
printf '%-34s %10.2f %14s\n' "pt-table-checksum (one side)" "$pt_s" "$(rate "$pt_s")"
printf '%-34s %10.2f %14s\n' "scan bound (CRC32 sum, concurrent)" "$scan_s" "$(rate "$scan_s")"
printf 'sluice / pt-table-checksum: %.2fx (goal >= 1.0)\n' "$(echo "$pt_s / $sluice_s" | bc -l)"
printf 'sluice / scan bound:        %.2fx (goal >= 0.7)\n' "$(echo "$scan_s / $sluice_s" | bc -l)"
my -e "DROP DATABASE bench_src; DROP DATABASE bench_tgt; DROP DATABASE IF EXISTS percona;" >/dev/null
