#!/usr/bin/env bash
# Post → alert latency at 10k posts/s (issue 8, "Speed"): `earshot run` (process + react with
# a webhook sink) on the local Kafka broker, fed and measured by bench/alert_latency_bench.cc
# (see its header for the method). Prints the benchmark's counters: p50_ms, p99_ms over
# `samples` spike alerts, and `missed` / `unexpected` (must be 0).
#
#   bench/alert_latency.sh                     # (re)builds its targets in build-e2e first
#   BUILD=build-bench bench/alert_latency.sh   # another build dir (-DEARSHOT_BUILD_BENCH=ON)
#   EARSHOT_AL_RATE=2500 EARSHOT_AL_DURATION_S=60 bench/alert_latency.sh
#   EARSHOT_AL_FEED=mentions bench/alert_latency.sh   # mentions straight in, `earshot react` only
#
# Needs a Kafka broker (EARSHOT_AL_BROKERS, default 127.0.0.1:9092; deploy/kafka/start.sh).
# Topics and group are fresh per run (prefix al-<time>-<random>).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build-e2e}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
export EARSHOT_AL_BROKERS="${EARSHOT_AL_BROKERS:-127.0.0.1:9092}"
export EARSHOT_AL_PORT="${EARSHOT_AL_PORT:-$((18000 + RANDOM % 1000))}"
export EARSHOT_AL_ENTITIES="${EARSHOT_AL_ENTITIES:-30}"
export EARSHOT_AL_BURST="${EARSHOT_AL_BURST:-30}"
PREFIX="al-$(date +%s)-$RANDOM"
export EARSHOT_AL_POSTS="$PREFIX.posts"
export EARSHOT_AL_MENTIONS="$PREFIX.mentions"
export EARSHOT_AL_FEED="${EARSHOT_AL_FEED:-posts}"   # posts: `earshot run`; mentions: `earshot react`
ROLE=run
[[ "$EARSHOT_AL_FEED" == mentions ]] && ROLE=react

die() { echo "alert_latency.sh: $*" >&2; exit 1; }
host="${EARSHOT_AL_BROKERS%%:*}" port="${EARSHOT_AL_BROKERS##*:}"
(exec 3<>"/dev/tcp/$host/$port") 2>/dev/null || die "no broker at $EARSHOT_AL_BROKERS (start one: deploy/kafka/start.sh)"
[[ -f "$BUILD/build.ninja" ]] ||
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEARSHOT_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target alert_latency_bench earshot >/dev/null  # up to date with the tree
EARSHOT="$BUILD/pipeline/cli/earshot"
[[ -x "$EARSHOT" ]] || EARSHOT="$(find "$BUILD" -name earshot -type f -perm -u+x | head -1)"

work="$(mktemp -d)"
earshot_pid=""
cleanup() {
  if [[ -n "$earshot_pid" ]]; then kill -INT "$earshot_pid" 2>/dev/null || true; wait "$earshot_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cfg="$work/alert-latency.yaml"
{
  cat <<EOF
log:
  kind: kafka
  brokers: $EARSHOT_AL_BROKERS
  partitions: 3
  replication_factor: 1
  group: $PREFIX
  topics: {posts: $PREFIX.posts, scored: $PREFIX.scored, mentions: $PREFIX.mentions,
           deadletter: $PREFIX.deadletter, aggregates: $PREFIX.aggregates,
           alerts: $PREFIX.alerts, replies: $PREFIX.replies}
sentiment: {model: default}
process: {threads: 0, batch_size: ${EARSHOT_AL_BATCH:-500}}
windows: {sizes: [1m, 1h], allowed_lateness: 30s, idle_close: 30s}
api: {listen: 127.0.0.1:$((EARSHOT_AL_PORT + 1))}
alerts:
  - {name: complaint-spike, kind: spike, entity: "*", label: negative, window: 10s, baseline: 60s,
     min_volume: $EARSHOT_AL_BURST, sensitivity: 3.0, cooldown: 0s, severity: warning}
sinks:
  - {type: webhook, url: "http://127.0.0.1:$EARSHOT_AL_PORT/hook", secret: bench-secret, max_attempts: 3}
outbound: {allow_private: [127.0.0.1]}  # the bench's receiver listens on loopback
entities:
EOF
  for ((i = 0; i < EARSHOT_AL_ENTITIES; i++)); do
    printf '  - {id: brand%02d, name: Brand%02d, kind: company, aliases: ["Brand%02d"]}\n' "$i" "$i" "$i"
  done
} >"$cfg"

echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "earshot $ROLE, feed $EARSHOT_AL_FEED, topics $PREFIX.*, rate ${EARSHOT_AL_RATE:-10000} posts/s, $EARSHOT_AL_ENTITIES entities, burst $EARSHOT_AL_BURST, receiver :$EARSHOT_AL_PORT"
"$EARSHOT" "$ROLE" --config "$cfg" >"$work/earshot.log" 2>&1 &
earshot_pid=$!
# Wait until react has started (it logs its rules and sinks), so the group join is not timed.
for _ in $(seq 1 120); do
  grep -q "react: .* alert rule" "$work/earshot.log" 2>/dev/null && break
  kill -0 "$earshot_pid" 2>/dev/null || { cat "$work/earshot.log"; die "earshot exited"; }
  sleep 0.5
done
"$BUILD/bench/alert_latency_bench" --benchmark_counters_tabular=true "$@"
kill -INT "$earshot_pid" 2>/dev/null || true
wait "$earshot_pid" 2>/dev/null || true
earshot_pid=""
tail -n 5 "$work/earshot.log"
