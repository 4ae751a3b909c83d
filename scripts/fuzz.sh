#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (in build-fuzz/) and runs each for a
# bounded time over its corpus in tests/fuzz/<target>/corpus.
#
#   scripts/fuzz.sh [--seconds N] [target...]     (default: 60 s, every target)
#
# New interesting inputs go to a temporary directory, so the repository's
# corpora stay small; copy a finding into the corpus by hand when it matters.
# A crash leaves its input in tests/fuzz/<target>/ (crash-*, git-ignored) and
# makes this script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done

if ! command -v clang++-14 >/dev/null; then
  echo "fuzz.sh: clang++-14 is needed (apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 1
fi

# Every folder whose CMakeLists defines a *_fuzz target when SLUICE_FUZZ is on.
known=(plan_fuzz expr_fuzz binlog_fuzz pgoutput_fuzz change_log_fuzz ddl_sync_fuzz)
[ ${#targets[@]} -eq 0 ] && targets=("${known[@]}")

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DSLUICE_FUZZ=ON \
  ${SLUICE_SUBDIRS:+-DSLUICE_SUBDIRS="$SLUICE_SUBDIRS"} >/dev/null
ninja -C build-fuzz -j2 "${targets[@]}"

status=0
for t in "${targets[@]}"; do
  corpus="tests/fuzz/${t%_fuzz}/corpus"
  [ -d "$corpus" ] || corpus="tests/fuzz/${t%_fuzz}"
  bin=$(find build-fuzz -name "$t" -type f -perm -u+x | head -n1)
  scratch=$(mktemp -d)
  echo "== fuzzing $t for ${seconds}s (corpus: $corpus)"
  if ! (cd "tests/fuzz/${t%_fuzz}" && "$OLDPWD/$bin" "$scratch" "$OLDPWD/$corpus" \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 2>&1 | tail -n 15); then
    status=1
  fi
  if compgen -G "tests/fuzz/${t%_fuzz}/crash-*" >/dev/null || \
     compgen -G "tests/fuzz/${t%_fuzz}/timeout-*" >/dev/null || \
     compgen -G "tests/fuzz/${t%_fuzz}/leak-*" >/dev/null; then
    echo "fuzz.sh: $t found a failing input; see tests/fuzz/${t%_fuzz}/" >&2
    status=1
  fi
  rm -rf "$scratch"
done
exit $status
