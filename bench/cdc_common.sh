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
