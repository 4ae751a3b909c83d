#!/usr/bin/env bash
# The main job: a live demo migration between local throwaway servers.
#
#   scripts/demo.sh            (SLUICE_DEMO_KEEP=1 keeps the servers running afterwards)
#
# 1. installs what is missing and builds (scripts/setup.sh);
# 2. starts throwaway PostgreSQL 15 and MariaDB 10.11 servers on free
#    loopback ports under a temporary directory (scripts/test-servers.sh);
# 3. loads a sample shop database into PostgreSQL (scripts/demo/shop-postgresql.sql);
# 4. validates the plan, shows `sluice plan` (the dry run), starts `sluice apply`
#    (schema, full copy, then incremental sync) while an "application" keeps
#    changing the source;
# 5. waits until the target has caught up, compares source and target table by
#    table with each engine's own SQL, runs `sluice verify`;
# 6. stops the sync and drops its replication slot (`sluice stop --drop-capture`).
# The servers are stopped by PID on exit, also on failure or Ctrl-C.
set -euo pipefail
REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"

stage() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# SLUICE_DEMO_NO_BUILD=1 (the demo_script test): install what is missing, but
# the build directory is already built.
bash scripts/setup.sh ${SLUICE_DEMO_NO_BUILD:+--no-build}
BUILD_DIR=${SLUICE_BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
SLUICE=$BUILD_DIR/cli/sluice

stage "1. Throwaway servers"
dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-demo.XXXXXX")
apply_pid=""
cleanup() {
  # A demo that failed half-way must not leave its sync retrying against stopped servers.
  if [[ -n $apply_pid ]] && kill -0 "$apply_pid" 2>/dev/null; then
    kill "$apply_pid" 2>/dev/null || true
    wait "$apply_pid" 2>/dev/null || true
  fi
  if [[ ${SLUICE_DEMO_KEEP:-0} == 1 ]]; then
    echo "servers kept: source ${SLUICE_DEMO_PG_PORT:-?}, target ${SLUICE_DEMO_MARIADB_PORT:-?}; stop with: scripts/test-servers.sh stop $dir"
  else
    bash "$REPO/scripts/test-servers.sh" stop "$dir" || true
    rm -rf -- "$dir"
  fi
}
trap cleanup EXIT
bash scripts/test-servers.sh start "$dir"
source "$dir/env"
export SLUICE_DEMO_PG_PORT=$SLUICE_TEST_PG_PORT SLUICE_DEMO_MARIADB_PORT=$SLUICE_TEST_MARIADB_PORT
echo "PostgreSQL on 127.0.0.1:$SLUICE_DEMO_PG_PORT, MariaDB on 127.0.0.1:$SLUICE_DEMO_MARIADB_PORT"

stage "2. A sample shop on PostgreSQL"
psql -X -q -h 127.0.0.1 -p "$SLUICE_DEMO_PG_PORT" -U postgres -c "CREATE DATABASE shop"
psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SLUICE_DEMO_PG_PORT" -U postgres -d shop -f scripts/demo/shop-postgresql.sql
psql -X -h 127.0.0.1 -p "$SLUICE_DEMO_PG_PORT" -U postgres -d shop -c \
  "SELECT relname AS table, n_live_tup AS rows FROM pg_stat_user_tables ORDER BY relname"

PLAN=scripts/demo/shop-to-mariadb.yaml
stage "3. Validate the plan ($PLAN)"
"$SLUICE" validate "$PLAN"

stage "4. sluice plan: what apply will do (nothing is changed yet)"
workdir=$dir/work
mkdir -p "$workdir"
"$SLUICE" plan "$PLAN" --out "$workdir/plan.json"

stage "5. sluice apply (the reviewed plan.json): copy, then sync, while the application writes"
"$SLUICE" apply "$workdir/plan.json" --state-dir "$workdir/state" 2> "$workdir/apply.log" &
apply_pid=$!
app() { psql -X -q -h 127.0.0.1 -p "$SLUICE_DEMO_PG_PORT" -U postgres -d shop -c "$1" > /dev/null; }
for i in $(seq 1 40); do
  app "INSERT INTO orders (customer_id, status, placed_at, note) VALUES ($((i * 37 % 2000 + 1)), 'pending', now(), 'placed during the migration #$i')"
  app "UPDATE orders SET status = 'shipped' WHERE id = $((i * 211 % 20000 + 1))"
  app "UPDATE products SET price = price + 0.01 WHERE id = $((i % 500 + 1))"
  app "DELETE FROM order_items WHERE order_id = $((i * 97 % 20000 + 1)) AND line = 3"
  app "INSERT INTO page_views VALUES (now(), '/live/$i', NULL)"
  sleep 0.1
done
echo "the application made 200 changes while Sluice was copying and syncing"
"$SLUICE" wait "$workdir/plan.json" --state-dir "$workdir/state" --caught-up --timeout 300
"$SLUICE" status "$workdir/plan.json" --state-dir "$workdir/state" | head -n 3

stage "6. Source and target hold the same rows"
bash scripts/demo/compare.sh "$SLUICE_DEMO_PG_PORT" "$SLUICE_DEMO_MARIADB_PORT"
"$SLUICE" verify "$workdir/plan.json" --state-dir "$workdir/state" | tail -n 3

stage "7. Stop the sync; drop its replication slot (the migration is finished)"
"$SLUICE" stop "$workdir/plan.json" --state-dir "$workdir/state" --drop-capture
wait "$apply_pid"
tail -n 3 "$workdir/apply.log"

stage "Done"
echo "Read docs/plan-language.md to write your own plan; 'sluice --help' lists the commands."
