#!/usr/bin/env bash
# Stops the broker that deploy/kafka/start.sh [PORT] started (that pid only) and removes its data
# (kept with EARSHOT_KAFKA_KEEP_DATA=1, for a restart: see start.sh). Without it the broker is
# killed at once (SIGKILL: nothing of it is kept); with it, stopped with SIGTERM (a controlled
# shutdown, SIGKILL after 30 s).
set -euo pipefail
port=${1:-9092}
state=${EARSHOT_KAFKA_STATE:-/tmp/earshot-kafka-$port}
pidfile="$state/kafka.pid"
if [ ! -f "$pidfile" ]; then echo "kafka: not running (no $pidfile)" >&2; exit 0; fi
pid=$(cat "$pidfile")
keep=${EARSHOT_KAFKA_KEEP_DATA:-0}
if [ "$keep" != 1 ] && kill -0 "$pid" 2>/dev/null; then
  # The data goes too: no controlled shutdown to wait for.
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
elif kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
fi
rm -f "$pidfile"
if [ "$keep" != 1 ] && [ -f "$state/data_dir" ]; then rm -rf "$(cat "$state/data_dir")"; rm -f "$state/data_dir"; fi
echo "kafka: stopped (pid $pid)" >&2
