#!/usr/bin/env bash
# The main job: what Sluice can do today, on this machine, end to end.
#
#   scripts/demo.sh
#
# Installs what is missing and builds (scripts/setup.sh), then:
#   1. validates every example plan in plans/ (one per supported path);
#   2. shows what a broken plan gets: located diagnostics with hints.
# Each later capability (plan, apply, verify, sync) adds its stage here.
set -euo pipefail
REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"

stage() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

bash scripts/setup.sh
SLUICE=${SLUICE_BUILD_DIR:-build}/cli/sluice

stage "1. Validate the example plans (no connection needed; unset secrets are warnings)"
"$SLUICE" validate plans/*.yaml 2>/dev/null

stage "2. A broken plan: every problem at once, located, with a hint"
"$SLUICE" validate tests/golden/diagnostics/wrong_values.yaml || echo "(exit code $? — as documented: 1 = errors)"

stage "Done"
echo "Read docs/plan-language.md to write your own plan; 'sluice --help' lists the commands."
