# Shared by bench/cdc/run.sh and bench/cdc_pg/run.sh (sourced, from the repo
# root, with the script's first argument): the backlog's size, the build to
# run, and the small helpers both print their figures with.
#
#   (none)    200,000 row changes, 4 tables x 100,000 rows
#   full      1,000,000 row changes, 4 tables x 250,000 rows (the issues' size)
#   CHANGES   about CHANGES row changes, 4 tables of CHANGES/4 (at least 100,000) rows
case ${1:-} in
  "") CHANGES=200000; TABLE_SIZE=100000 ;;
  full) CHANGES=1000000; TABLE_SIZE=250000 ;;
  *[!0-9]*) echo "usage: $0 [full|CHANGES]" >&2; exit 2 ;;
  *) CHANGES=$1; TABLE_SIZE=$((CHANGES / 4 < 100000 ? 100000 : CHANGES / 4)) ;;
esac
TABLES=4
TABLE_SIZE=${ROWS_PER_TABLE:-$TABLE_SIZE}
EVENTS=$((CHANGES / 4))  # oltp_write_only: index update + non-index update + delete + insert
PARALLEL=${PARALLEL:-2}
BATCH_ROWS=${BATCH_ROWS:-25000}  # the plan default
BUILD=${BUILD:-$REPO/build}
[[ $BUILD == /* ]] || BUILD=$REPO/$BUILD
SLUICE=${SLUICE:-$BUILD/cli/sluice}
[[ -x $SLUICE ]] || { echo "bench: build sluice first (ninja -C $BUILD sluice) or set BUILD=" >&2; exit 1; }
for p in sysbench jq; do
  command -v "$p" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null
done

log() { echo "bench: $(date +%T) $*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }  # a / b
best() { sort -g | head -1; }
# User + system CPU seconds of PID ("" once it is gone).
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null; }

# Sluice's apply of DIR/cdc.yaml with its state in $STATE, logged to
# DIR/apply.log (the callers set `dir` and `STATE` before calling these).
start_apply() {
  "$SLUICE" apply "$dir/cdc.yaml" --state-dir "$STATE" >>"$dir/apply.log" 2>&1 &
  APPLY_PID=$!
}
stop_apply() {
  "$SLUICE" stop "$dir/cdc.yaml" --state-dir "$STATE" >/dev/null 2>&1
  wait "$APPLY_PID" || true  # a stopped apply exits 1
  APPLY_PID=
}
sluice_wait() {  # TIMEOUT
  "$SLUICE" wait "$dir/cdc.yaml" --state-dir "$STATE" --caught-up --timeout "$1" 2>>"$dir/wait.log" ||
    { tail -30 "$dir/apply.log" >&2; echo "bench: sluice did not catch up" >&2; exit 1; }
}
# The first apply: schema, full copy and catch-up, then stopped, so the
# backlog recorded next starts from a copied target. Sets COPY_SECS.
first_apply() {
  local t0 left
  log "Sluice: schema + full copy + catch-up (then stopped: the backlog starts here)"
  t0=$(now)
  start_apply
  for _ in $(seq 600); do
    [[ -s $STATE/plan.json ]] && break
    kill -0 "$APPLY_PID" 2>/dev/null || { tail -20 "$dir/apply.log" >&2; echo "bench: sluice apply did not start" >&2; exit 1; }
    sleep 0.1
  done
  sluice_wait 1800
  # `sluice wait --caught-up` can return before the schema.indexes tasks are done; the
  # backlog must not start (nor its timed apply pay for them) until every setup task is.
  for _ in $(seq 6000); do
    left=$("$SLUICE" status "$dir/cdc.yaml" --state-dir "$STATE" --json |
      jq '[.tasks[] | select(.kind != "incremental.stream" and .state != "done")] | length')
    [[ $left == 0 ]] && break
    sleep 0.2
  done
  COPY_SECS=$(secs "$t0" "$(now)")
  stop_apply
}
