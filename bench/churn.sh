#!/usr/bin/env bash
# Rebalance churn (issue #16, the long run): three `earshot process` instances and one `react`
# on a broker of the run's own; every PERIOD seconds (default 30) for MINUTES (default 10) one
# process instance is added or removed (SIGTERM; between 2 and 4 run at any time) while posts
# keep arriving (a chunk of CHUNK, default 3000, per period). Then everything drains and the
# committed output (read_committed) is checked: every post scored once, every mention once, the
# 1-minute aggregates equal to a recount of the mentions (bench/chaos/exact.py).
#   nice -n 5 bench/churn.sh [MINUTES] [PERIOD]      (EARSHOT_CHAOS_KAFKA_PORT, default 19702)
# Prints the figures for bench/RESULTS.md ("Reliability"); exit 0 when exact.
set -euo pipefail
source "$(dirname "$0")/chaos/lib.sh"
minutes=${1:-10}
period=${2:-30}
chunk=${CHUNK:-3000}
trap cleanup EXIT
started=$(date +%s)
broker_start
write_config 6 ""
say "churn: broker 127.0.0.1:$port, topics $prefix.*, work dir $work"
replay_chunk "$chunk"
next_id=0
live=()
add() { start_role "p$next_id" process "p$next_id"; live+=("p$next_id"); next_id=$((next_id + 1)); }
remove() {
  local i=$((RANDOM % ${#live[@]})) name
  name=${live[$i]}
  stop_role "$name" TERM
  say "churn: removed $name (exit $stopped_rc)"
  [ "$stopped_rc" -eq 0 ] || bad_exits=$((bad_exits + 1))
  live=("${live[@]:0:$i}" "${live[@]:$((i + 1))}")
}
bad_exits=0
add; add; add
start_role react react r0
changes=0
t0=$(date +%s)  # after the broker and the first roles are up
end=$((t0 + minutes * 60))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep "$period"
  replay_chunk "$chunk"
  n=${#live[@]}
  if [ "$n" -le 2 ] || { [ "$n" -lt 4 ] && [ $((RANDOM % 2)) -eq 0 ]; }; then
    add
    say "churn: added ${live[-1]} (${#live[@]} running, $posts posts in)"
  else
    remove
  fi
  changes=$((changes + 1))
done
say "churn: $changes membership changes; draining"
wait_scored 600 || say "churn: not every post scored after 10 min of draining"
wait_quiet aggregates || say "churn: aggregates still changing after 10 min"
for name in "${live[@]}"; do stop_role "$name" TERM; [ "$stopped_rc" -eq 0 ] || bad_exits=$((bad_exits + 1)); done
stop_role react TERM
rc=0
result=$(check --aggregates) || rc=1
say "churn: result $result"
say "churn: $minutes min, $changes changes, $posts posts, non-zero exits on SIGTERM: $bad_exits, wall $(( $(date +%s) - started )) s"
[ "$bad_exits" -eq 0 ] || rc=1
exit $rc
