#!/usr/bin/env bash
# The long version of the crash-point chaos test (issue #16): `earshot process` aborted at each
# point of a transaction (after produce, after sending offsets, inside commit, after commit)
# REPEAT times each (default 20), then the output checked exact with read_committed. Needs a
# built build/ (cli_chaos_tests, earshot) and a broker:
#   EARSHOT_TEST_BROKERS=127.0.0.1:9092 bench/chaos/crash_points.sh [REPEAT]
# Prints gtest's result per point and the wall time; record them in bench/RESULTS.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${EARSHOT_TEST_BROKERS:?set EARSHOT_TEST_BROKERS to a broker (deploy/kafka/start.sh)}"
export EARSHOT_CHAOS_REPEAT=${1:-20}
start=$(date +%s)
"$root/build/tests/cli_chaos_tests" --gtest_filter='Points/CrashPoint.*' 2>&1 |
  grep -E '^\[ *(OK|FAILED|PASSED) *\]|Failure|Expected|Which is'
echo "crash_points.sh: $EARSHOT_CHAOS_REPEAT aborts per point, $(( $(date +%s) - start )) s"
