#!/usr/bin/env bash
# Soak (issue #16, the long run): for MINUTES (default 10) `earshot process` (two instances) and
# `react` run on a broker of the run's own while posts keep arriving; every ~20 s one of them
# is killed with SIGKILL and started again with the same instance id; the broker is stopped and
# started again (data kept) twice; a read_committed reader checks for duplicates every minute
# while it runs. Then everything drains and the output is checked: every post scored once,
# every mention once, aggregates equal to a recount, no alert id twice (bench/chaos/exact.py).
#   nice -n 5 bench/soak.sh [MINUTES]      (EARSHOT_CHAOS_KAFKA_PORT, default 19702)
# Prints the figures for bench/RESULTS.md ("Reliability"); exit 0 when exact.
set -euo pipefail
source "$(dirname "$0")/chaos/lib.sh"
minutes=${1:-10}
chunk=${CHUNK:-2000}
trap cleanup EXIT
started=$(date +%s)
broker_start
write_config 3 "alerts:
  - {name: globex-volume, kind: threshold, entity: globex, metric: volume, threshold: 10, window: 1m, cooldown: 1m, severity: warning}
  - {name: outage-words, kind: keyword, pattern: '(?i)outage', entity: '*', min_count: 5, window: 1m}"
say "soak: broker 127.0.0.1:$port, topics $prefix.*, work dir $work"
replay_chunk "$chunk"
start_role pa process a
start_role pb process b
start_role react react r
kills=0; died=0; restarts=0; live_checks=0; live_bad=0
t0=$(date +%s)  # after the broker and the first roles are up
end=$((t0 + minutes * 60))
restart_at_1=$((t0 + minutes * 60 / 3))
restart_at_2=$((t0 + minutes * 60 * 2 / 3))
last_check=$t0
roles=(pa pb react)
while [ "$(date +%s)" -lt "$end" ]; do
  sleep $((15 + RANDOM % 10))
  replay_chunk "$chunk" || { say "soak: replay failed 5 times"; exit 1; }
  for name in pa pb react; do  # a role that died on its own is a finding: count, restart it
    if ! kill -0 "${pids[$name]}" 2>/dev/null; then
      stop_role "$name" KILL
      say "soak: $name exited on its own (exit $stopped_rc); restarted"
      died=$((died + 1))
      case $name in pa) start_role pa process a ;; pb) start_role pb process b ;; react) start_role react react r ;; esac
    fi
  done
  victim=${roles[$((RANDOM % 3))]}
  stop_role "$victim" KILL
  case $victim in
    pa) start_role pa process a ;;
    pb) start_role pb process b ;;
    react) start_role react react r ;;
  esac
  kills=$((kills + 1))
  now=$(date +%s)
  if { [ "$restarts" -eq 0 ] && [ "$now" -ge "$restart_at_1" ]; } ||
     { [ "$restarts" -eq 1 ] && [ "$now" -ge "$restart_at_2" ]; }; then
    say "soak: restarting the broker"
    broker_restart
    restarts=$((restarts + 1))
  fi
  if [ $((now - last_check)) -ge 60 ]; then
    last_check=$now
    live=$(check --partial --alerts) || live_bad=$((live_bad + 1))
    live_checks=$((live_checks + 1))
    say "soak: live check $live"
  fi
done
say "soak: $kills kills, $restarts broker restarts; draining"
wait_scored 600 || say "soak: not every post scored after 10 min of draining"
wait_quiet aggregates || say "soak: aggregates still changing after 10 min"
bad_exits=0
for name in pa pb react; do stop_role "$name" TERM; [ "$stopped_rc" -eq 0 ] || bad_exits=$((bad_exits + 1)); done
rc=0
result=$(check --aggregates --alerts) || rc=1
say "soak: result $result"
say "soak: $minutes min, $kills SIGKILLs, $restarts broker restarts, $posts posts, live checks $live_checks ($live_bad with duplicates), roles that died on their own: $died, non-zero exits on SIGTERM: $bad_exits, wall $(( $(date +%s) - started )) s"
[ "$live_bad" -eq 0 ] && [ "$bad_exits" -eq 0 ] && [ "$died" -eq 0 ] || rc=1
exit $rc
