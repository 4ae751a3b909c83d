#!/usr/bin/env bash
# The one command that builds Sluice and runs all its tests:
#
#   scripts/test.sh                      everything (unit + integration against real servers)
#   scripts/test.sh -R plan_loader       one test (any ctest arguments are passed on)
#   scripts/test.sh -L unit              unit tests only: no servers are started
#
# Steps: scripts/setup.sh (install missing packages, build into build/), start throwaway MariaDB
# and PostgreSQL servers in a fresh temporary directory (scripts/test-servers.sh), export their
# SLUICE_TEST_* variables, run ctest, then stop the servers and delete the directory, also on
# failure and on Ctrl-C. SLUICE_KEEP_TEST_DIR=1 keeps the directory (data and server logs) for a
# look afterwards. SLUICE_BUILD_DIR picks another build directory. The exit code is ctest's.
# shellcheck disable=SC2317  # cleanup and on_signal run from traps
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD_DIR=${SLUICE_BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
export SLUICE_BUILD_DIR=$BUILD_DIR

started=$SECONDS
test_dir=""
ctest_rc=""  # set once ctest has run
ctest_pid=""
signal=""

say() { echo "test.sh: $*" >&2; }

# Integration tests need the servers; skip them when the label filters exclude integration
# (e.g. `-L unit`, `-LE integration`). Anything else (-R, no filter) gets servers.
needs_servers() {
  local args=("$@") i arg regex
  local includes=() excludes=()
  for ((i = 0; i < ${#args[@]}; i++)); do
    arg=${args[i]}
    case $arg in
      -L | --label-regex) includes+=("${args[i + 1]:-}"); i=$((i + 1)) ;;
      -LE | --label-exclude) excludes+=("${args[i + 1]:-}"); i=$((i + 1)) ;;
      --label-regex=*) includes+=("${arg#*=}") ;;
      --label-exclude=*) excludes+=("${arg#*=}") ;;
    esac
  done
  for regex in "${excludes[@]}"; do
    [[ integration =~ $regex ]] && return 1
  done
  # ctest requires every -L regex to match (they are ANDed).
  for regex in "${includes[@]}"; do
    [[ integration =~ $regex ]] || return 1
  done
  return 0
}

cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if [[ -n $ctest_pid ]]; then
    # Interrupted: ctest and its tests got SIGTERM; let them go before the servers do.
    for ((i = 0; i < 50; i++)); do kill -0 -- "-$ctest_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$ctest_pid" 2>/dev/null || true
  fi
  if [[ -n $test_dir ]]; then
    if ! bash "$REPO/scripts/test-servers.sh" stop "$test_dir"; then
      say "could not stop the test servers of $test_dir"
      rc=1
    fi
    if [[ ${SLUICE_KEEP_TEST_DIR:-0} == 1 ]]; then
      say "kept the servers' directory (data, logs): $test_dir"
    else
      rm -rf -- "$test_dir"
    fi
  fi
  local took="$((SECONDS - started))s"
  if [[ -n $signal ]]; then
    say "INTERRUPTED by SIG$signal (exit code $rc, $took)"
  elif [[ -z $ctest_rc ]]; then
    say "FAILED before the tests ran (exit code $rc, $took)"
  elif ((rc == 0)); then
    say "PASSED: all selected tests passed ($took)"
  elif ((rc == ctest_rc)); then
    say "FAILED: ctest exit code $rc ($took)"
  else
    say "FAILED: exit code $rc, ctest exit code $ctest_rc ($took)"
  fi
  exit "$rc"
}
trap cleanup EXIT
# ctest runs in the background, in a session of its own, so that a signal (Ctrl-C, a CI timeout)
# reaches this script at once and can end ctest together with the tests it runs.
on_signal() {
  signal=$1
  [[ -z $ctest_pid ]] || kill -TERM -- "-$ctest_pid" 2>/dev/null || true
  exit "$2"
}
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

bash "$REPO/scripts/setup.sh"

if needs_servers "$@"; then
  test_dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-test.XXXXXX")
  bash "$REPO/scripts/test-servers.sh" start "$test_dir"
  # shellcheck source=/dev/null
  source "$test_dir/env"
else
  say "label filter excludes integration tests: not starting servers"
fi

rc=0
setsid -w ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j 2 "$@" </dev/null &
ctest_pid=$!
wait "$ctest_pid" || rc=$?
ctest_pid=""
ctest_rc=$rc
exit "$rc"  # the EXIT trap stops the servers and prints the final line
