#!/usr/bin/env bash
# Stops the broker that deploy/kafka/start.sh [PORT] started (that pid only) and removes its data
# (kept with EARSHOT_KAFKA_KEEP_DATA=1, for a restart: see start.sh).
set -euo pipefail
port=${1:-9092}
state=${EARSHOT_KAFKA_STATE:-/tmp/earshot-kafka-$port}
pidfile="$state/kafka.pid"
if [ ! -f "$pidfile" ]; then echo "kafka: not running (no $pidfile)" >&2; exit 0; fi
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
fi
rm -f "$pidfile"
if [ "${EARSHOT_KAFKA_KEEP_DATA:-0}" != 1 ] && [ -f "$state/data_dir" ]; then rm -rf "$(cat "$state/data_dir")"; rm -f "$state/data_dir"; fi
echo "kafka: stopped (pid $pid)" >&2
