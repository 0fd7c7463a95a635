# Shared by bench/churn.sh and bench/soak.sh (sourced): a broker of the run's own, a config
# with fresh topics, posts replayed in chunks, roles started and stopped by pid, the check.
#   EARSHOT_CHAOS_KAFKA_PORT (default 19702; the controller takes the port after it)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E=${EARSHOT:-$root/build/pipeline/cli/earshot}
port=${EARSHOT_CHAOS_KAFKA_PORT:-19702}
work=$(mktemp -d "${TMPDIR:-/tmp}/earshot-$(basename "$0" .sh)-XXXXXX")
export EARSHOT_KAFKA_STATE=$work/kafka
prefix=r$RANDOM$RANDOM
posts=0
declare -A pids=()   # name -> pid

say() { echo "[$(date -u +%H:%M:%S)] $*"; }

broker_start() { "$root/deploy/kafka/start.sh" "$port" >/dev/null 2>>"$work/kafka.log"; }
broker_stop_keep() { EARSHOT_KAFKA_KEEP_DATA=1 "$root/deploy/kafka/stop.sh" "$port" 2>>"$work/kafka.log"; }
broker_restart() {
  broker_stop_keep
  EARSHOT_KAFKA_KEEP_DATA=1 "$root/deploy/kafka/start.sh" "$port" >/dev/null 2>>"$work/kafka.log"
}

cleanup() {
  for name in "${!pids[@]}"; do kill -KILL "${pids[$name]}" 2>/dev/null || true; done
  "$root/deploy/kafka/stop.sh" "$port" 2>>"$work/kafka.log" || true
}

# write_config PARTITIONS EXTRA_YAML
write_config() {
  local topics="" t
  for t in posts scored mentions deadletter aggregates alerts replies; do
    topics+="${topics:+, }$t: $prefix.$t"
  done
  cat > "$work/earshot.yaml" <<YAML
log:
  kind: kafka
  brokers: 127.0.0.1:$port
  partitions: $1
  group: $prefix
  topics: {$topics}
entities:
  - {id: acme-air, name: Acme Air, kind: company, aliases: ["Acme Air"]}
  - {id: globex, name: Globex, kind: company, aliases: ["Globex"]}
process: {threads: 2, batch_size: 100}
windows: {sizes: [1m], allowed_lateness: 1h, idle_close: 5s}
$2
YAML
}

# replay_chunk N: the next N posts into the posts topic.
# A failed replay is tried again: posts already written twice are duplicates by uid, which
# process drops (its dedup store), so the check still expects each uid scored once.
replay_chunk() {
  python3 "$root/bench/chaos/exact.py" posts "$1" "$prefix" "$posts" > "$work/chunk.jsonl"
  for _ in 1 2 3 4 5; do
    if "$E" replay --config "$work/earshot.yaml" --file "$work/chunk.jsonl" 2>>"$work/replay.log"; then
      posts=$((posts + $1))
      return 0
    fi
    sleep 5
  done
  return 1
}

# start_role NAME ROLE INSTANCE
start_role() {
  "$E" "$2" --config "$work/earshot.yaml" --instance "$3" >>"$work/$1.log" 2>&1 &
  pids[$1]=$!
}

# stop_role NAME SIGNAL: signals it and waits for it (exit code in $stopped_rc).
stop_role() {
  local pid=${pids[$1]}
  kill "-$2" "$pid" 2>/dev/null || true
  stopped_rc=0
  wait "$pid" || stopped_rc=$?
  unset "pids[$1]"
}

check() { python3 "$root/bench/chaos/exact.py" check "$E" "$work/earshot.yaml" "$posts" "$@"; }

# wait_scored SECONDS: until every replayed post is scored (read_committed) or the time is up.
wait_scored() {
  local until=$(( $(date +%s) + $1 )) n
  while [ "$(date +%s)" -lt "$until" ]; do
    n=$("$E" tail --config "$work/earshot.yaml" scored 2>/dev/null | wc -l)
    [ "$n" -ge "$posts" ] && return 0
    sleep 5
  done
  return 1
}

# wait_quiet TOPIC: until TOPIC's committed record count stops growing (two reads 10 s apart).
wait_quiet() {
  local a b
  a=$("$E" tail --config "$work/earshot.yaml" "$1" 2>/dev/null | wc -l)
  for _ in $(seq 1 60); do
    sleep 10
    b=$("$E" tail --config "$work/earshot.yaml" "$1" 2>/dev/null | wc -l)
    [ "$a" = "$b" ] && return 0
    a=$b
  done
  return 1
}
