#!/usr/bin/env bash
# bench/full_copy: Sluice's full copy against the peers and a physical bound,
# side by side in one run, on throwaway local servers (not a test).
#
#   bench/full_copy/run.sh [ROWS]      (default 1000000; the mixed-types table gets ROWS/5)
#
# Paths and baselines:
#   MariaDB -> MariaDB      Sluice   vs  mydumper + myloader (2 threads each; neither writes the target binlog:
#                                        myloader by default, Sluice with full.target_binlog: skip)
#   PostgreSQL -> MariaDB   Sluice   vs  psql \copy ... | LOAD DATA LOCAL INFILE (the raw pipe)
#   MariaDB -> PostgreSQL   Sluice   vs  pgloader
# Prints rows/s, the ratio Sluice/baseline (>1 means Sluice is faster), and
# Sluice's peak RSS; then peak RSS at ROWS/10 against ROWS (memory must not
# grow with the table). Goals (shared/reference/performance.md): >= 1.25x
# mydumper+myloader, >= 0.9x the raw pipe, >= 1.5x pgloader, RSS growth <= 1.2x.
set -euo pipefail
ROWS=${1:-1000000}
MIXED=$((ROWS / 5))
REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO"
for p in mydumper pgloader sysbench; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null
done
bash scripts/setup.sh >/dev/null
SLUICE=$REPO/${SLUICE_BUILD_DIR:-build}/cli/sluice

dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")
trap 'bash scripts/test-servers.sh stop "$dir" >/dev/null 2>&1 || true; rm -rf -- "$dir"' EXIT
bash scripts/test-servers.sh start "$dir" >/dev/null
source "$dir/env"
MY="mariadb -h 127.0.0.1 -P $SLUICE_TEST_MARIADB_PORT -u root"
PG="psql -X -q -h 127.0.0.1 -p $SLUICE_TEST_PG_PORT -U postgres"
export MYPORT=$SLUICE_TEST_MARIADB_PORT PGPORT=$SLUICE_TEST_PG_PORT

log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", r / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }  # time_baseline / time_sluice

log "preparing $ROWS sysbench rows and $MIXED mixed-type rows on each source"
$MY -e "CREATE DATABASE bench"
$PG -c "CREATE DATABASE bench"
sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$MYPORT" --mysql-user=root \
  --mysql-db=bench --tables=1 --table-size="$ROWS" --threads=2 prepare >/dev/null
sysbench oltp_read_write --db-driver=pgsql --pgsql-host=127.0.0.1 --pgsql-port="$PGPORT" --pgsql-user=postgres \
  --pgsql-db=bench --tables=1 --table-size="$ROWS" --threads=2 prepare >/dev/null
$MY bench -e "
  CREATE TABLE mixed (id bigint PRIMARY KEY, amount decimal(14,4), at datetime(6), note varchar(200),
    doc json, payload blob, kind enum('a','b','c'), flag tinyint(1), score double);
  INSERT INTO mixed SELECT seq, seq * 1.2345, '2024-01-01' + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
      concat('note ', seq, ' ünïcødé'), json_object('n', seq, 'tags', json_array('x', seq % 7)),
      unhex(md5(seq)), elt(1 + seq % 3, 'a', 'b', 'c'), seq % 2, seq / 7 FROM seq_1_to_$MIXED;"
$PG -d bench -c "
  CREATE TABLE mixed (id bigint PRIMARY KEY, amount numeric(14,4), at timestamptz, note varchar(200),
    doc jsonb, payload bytea, tags text[], flag boolean, score double precision);
  INSERT INTO mixed SELECT n, n * 1.2345, timestamptz '2024-01-01 00:00:00+00' + n * interval '1.000001 second',
    'note ' || n || ' ünïcødé', jsonb_build_object('n', n, 'tags', jsonb_build_array('x', n % 7)),
    decode(md5(n::text), 'hex'), ARRAY['t' || n % 5, 'all'], n % 2 = 0, n / 7.0 FROM generate_series(1, $MIXED) n;
  ANALYZE;"
$MY -e "ANALYZE TABLE bench.sbtest1, bench.mixed" >/dev/null

# A plan for one path; target schema name as given; FULL_EXTRA adds full: settings.
plan() {  # name source_dialect source_dsn target_dialect target_dsn from to
  cat > "$dir/$1.yaml" <<YAML
version: 1
name: $1
source: { dialect: $2, dsn: "$3" }
target: { dialect: $4, dsn: "$5" }
steps: [schema, full]
objects: [{ from: "$6", to: "$7" }]
full: { parallel: 2, chunk_rows: 50000${FULL_EXTRA:-} }
YAML
}
# Runs sluice apply on a plan; prints "seconds peak_rss_kb".
run_sluice() {
  local t0 t1
  t0=$(now)
  /usr/bin/time -f "%M" -o "$dir/rss" "$SLUICE" apply "$dir/$1.yaml" --state-dir "$dir/state-$1" >"$dir/$1.log" 2>&1 \
    || { tail -20 "$dir/$1.log" >&2; exit 1; }
  t1=$(now)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $(cat "$dir/rss")"
}
TOTAL=$((ROWS + MIXED))
results=()
report() {  # label baseline_label sluice_secs sluice_rss baseline_secs goal
  results+=("$(printf '%-24s %9s rows/s  vs %-22s %9s rows/s  ratio %5sx (goal %s)  peak RSS %s MB' \
    "$1" "$(rate $TOTAL "$3")" "$2" "$(rate $TOTAL "$5")" "$(ratio "$3" "$5")" "$6" "$(( $4 / 1024 ))")")
}

log "MariaDB -> MariaDB: Sluice"
# myloader keeps what it loads out of the target's binlog (SQL_LOG_BIN=0 unless
# --enable-binlog); Sluice does the same here, with full.target_binlog: skip.
FULL_EXTRA=", target_binlog: skip" plan my2my mariadb "mysql://root@127.0.0.1:$MYPORT/bench" mariadb "mysql://root@127.0.0.1:$MYPORT/bench_sluice" "bench.*" "bench_sluice.{table}"
read -r s_sec s_rss < <(run_sluice my2my)
log "MariaDB -> MariaDB: mydumper + myloader"
t0=$(now)
mydumper -h 127.0.0.1 -P "$MYPORT" -u root -B bench -t 2 -o "$dir/dump" >/dev/null 2>&1
myloader -h 127.0.0.1 -P "$MYPORT" -u root -B bench_myloader -s bench -t 2 -d "$dir/dump" >/dev/null 2>&1
b_sec=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
report "MariaDB -> MariaDB" "mydumper+myloader" "$s_sec" "$s_rss" "$b_sec" "1.25x"

log "PostgreSQL -> MariaDB: Sluice"
plan pg2my postgresql "postgresql://postgres@127.0.0.1:$PGPORT/bench" mariadb "mysql://root@127.0.0.1:$MYPORT/pg_sluice" "public.*" "pg_sluice.{table}"
read -r s_sec s_rss < <(run_sluice pg2my)
log "PostgreSQL -> MariaDB: raw psql | LOAD DATA pipe (same target tables, emptied)"
$MY -e "CREATE DATABASE pg_pipe; CREATE TABLE pg_pipe.sbtest1 LIKE pg_sluice.sbtest1; CREATE TABLE pg_pipe.mixed LIKE pg_sluice.mixed;"
$MY -e "ALTER TABLE pg_pipe.sbtest1 DROP INDEX k_1" 2>/dev/null || true
t0=$(now)
for t in sbtest1 mixed; do
  cols=$([[ $t == mixed ]] && echo "id, amount, at, note, doc, encode(payload, 'hex'), array_to_json(tags), flag::int, score" || echo "*")
  set_clause=$([[ $t == mixed ]] && echo "(id, amount, at, note, doc, @p, tags, flag, score) SET payload = unhex(@p)" || echo "")
  $PG -d bench -c "\\copy (SELECT $cols FROM $t) TO STDOUT" | \
    mariadb --local-infile=1 -h 127.0.0.1 -P "$MYPORT" -u root -e \
      "SET time_zone='+00:00'; LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE pg_pipe.$t CHARACTER SET utf8mb4 $set_clause"
done
b_sec=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
report "PostgreSQL -> MariaDB" "raw psql|LOAD DATA pipe" "$s_sec" "$s_rss" "$b_sec" "0.9x"

log "MariaDB -> PostgreSQL: Sluice"
$PG -c "CREATE DATABASE from_my"
plan my2pg mariadb "mysql://root@127.0.0.1:$MYPORT/bench" postgresql "postgresql://postgres@127.0.0.1:$PGPORT/from_my" "bench.*" "sluice.{table}"
read -r s_sec s_rss < <(run_sluice my2pg)
log "MariaDB -> PostgreSQL: pgloader"
$PG -c "CREATE DATABASE from_pgloader"
t0=$(now)
pgloader --no-ssl-cert-verification "mysql://root@127.0.0.1:$MYPORT/bench" \
  "postgresql://postgres@127.0.0.1:$PGPORT/from_pgloader" >"$dir/pgloader.log" 2>&1 || { tail -20 "$dir/pgloader.log" >&2; }
b_sec=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
report "MariaDB -> PostgreSQL" "pgloader" "$s_sec" "$s_rss" "$b_sec" "1.5x"

log "memory: Sluice at ROWS/10 against ROWS (MariaDB -> MariaDB, sbtest1 only)"
$MY bench -e "CREATE TABLE small LIKE sbtest1; INSERT INTO small SELECT * FROM sbtest1 LIMIT $((ROWS / 10))"
plan small mariadb "mysql://root@127.0.0.1:$MYPORT/bench" mariadb "mysql://root@127.0.0.1:$MYPORT/small_copy" "bench.small" "small_copy.small"
plan large mariadb "mysql://root@127.0.0.1:$MYPORT/bench" mariadb "mysql://root@127.0.0.1:$MYPORT/large_copy" "bench.sbtest1" "large_copy.sbtest1"
read -r _ rss_small < <(run_sluice small)
read -r _ rss_large < <(run_sluice large)

echo
echo "full copy, $ROWS sysbench rows + $MIXED mixed-type rows per path, $(nproc) cores"
for r in "${results[@]}"; do echo "  $r"; done
echo "  peak RSS: $((rss_small / 1024)) MB at $((ROWS / 10)) rows, $((rss_large / 1024)) MB at $ROWS rows: growth $(awk -v a="$rss_small" -v b="$rss_large" 'BEGIN { printf "%.2f", b / a }')x (goal <= 1.2x)"
