#!/usr/bin/env bash
# The whole suite N times in a row under `stress --cpu 2` (issue 18's "green 10 times in a row"):
# `bash scripts/stress-tests.sh [N]` from a clone of the commit to judge (its own node_modules or a
# link to one), after `npm run build`. Every suite is required (none may skip for a missing tool).
# Each run's output goes to stress-run-I.log in the working folder; one line per run is printed.
# Needs Debian's `stress`. Stops at the first failed run, so the count printed is the streak.
set -u
runs=${1:-10}
export PATH="$PWD/node_modules/.bin:$PATH"
command -v stress >/dev/null || { echo "stress is not installed (apt-get install stress)"; exit 2; }
stress --cpu 2 >/dev/null 2>&1 &
load=$!
trap 'kill $load 2>/dev/null' EXIT
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  TASK_FARM_REQUIRE_ALL_SUITES=1 npx vitest run >"stress-run-$i.log" 2>&1
  rc=$?
  summary=$(grep -aE 'Tests ' "stress-run-$i.log" | tail -1 | sed 's/\x1b\[[0-9;]*m//g')
  echo "run $i: exit $rc, $(($(date +%s) - started)) s, $summary"
  [ $rc -eq 0 ] || exit 1
done
