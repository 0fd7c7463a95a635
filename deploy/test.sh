#!/usr/bin/env bash
# Installs what is missing, builds, starts a local Apache Kafka broker, runs every test
# (CTest labels unit, kafka, browser, chaos), stops Kafka; exits non-zero on any failure.
#   deploy/test.sh [ctest arguments, e.g. -L unit or -R "LogContract|ProcessStage"]
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
echo "test.sh: $(grep -o 'Kafka version: [0-9.]*' "$EARSHOT_KAFKA_STATE/server.log" | head -1) at $brokers"

cd "$root/build"
ctest --output-on-failure --no-tests=error --timeout 900 -j 2 "$@"
