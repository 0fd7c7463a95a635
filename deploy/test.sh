#!/usr/bin/env bash
# Installs what is missing, builds, starts a local Apache Kafka broker, runs every test
# (CTest labels unit, kafka, browser, chaos), stops Kafka, then runs every libFuzzer target
# briefly (deploy/fuzz.sh, FUZZ_SECONDS=10 each; EARSHOT_TEST_FUZZ=0 skips it, and it is
# skipped when ctest arguments select a subset); exits non-zero on any failure.
#   deploy/test.sh [ctest arguments, e.g. -L unit or -R "LogContract|ProcessStage"]
# The chaos tests that restart a broker or need SASL run brokers of their own on
# EARSHOT_CHAOS_KAFKA_PORT (port+2) and EARSHOT_SASL_KAFKA_PORT (port+4), controllers one above.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/install-deps.sh"
"$root/deploy/build.sh"
"$root/tests/browser/install.sh" "$root/build"   # playwright-core for the browser label

port=${EARSHOT_TEST_KAFKA_PORT:-19092}
export EARSHOT_KAFKA_STATE=${EARSHOT_KAFKA_STATE:-/tmp/earshot-test-kafka-$port}
brokers=$("$root/deploy/kafka/start.sh" "$port")
stop_kafka() { "$root/deploy/kafka/stop.sh" "$port" || true; }
trap stop_kafka EXIT
export EARSHOT_TEST_BROKERS="$brokers"
export EARSHOT_CHAOS_KAFKA_PORT=${EARSHOT_CHAOS_KAFKA_PORT:-$((port + 2))}
export EARSHOT_SASL_KAFKA_PORT=${EARSHOT_SASL_KAFKA_PORT:-$((port + 4))}
echo "test.sh: $(grep -o 'Kafka version: [0-9.]*' "$EARSHOT_KAFKA_STATE/server.log" | head -1) at $brokers"

cd "$root/build"
status=0
ctest --output-on-failure --no-tests=error --timeout 900 -j 2 "$@" || status=$?
if [ "${EARSHOT_TEST_FUZZ:-1}" != 0 ] && [ "$#" -eq 0 ]; then
  FUZZ_SECONDS=${FUZZ_SECONDS:-10} "$root/deploy/fuzz.sh" || status=1
fi
exit $status
