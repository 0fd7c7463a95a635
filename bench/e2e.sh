#!/usr/bin/env bash
# End-to-end comparison for `earshot process` (issue 6, "Speed"), in one run on one broker:
#   pass-through  TransactionalLoop re-emitting each record unchanged (the Kafka limit)
#   process       ProcessStage + Enricher (`default` model, 4 entities, 2 worker threads),
#                 pipelined: batch N+1 is enriched while batch N commits
#   (and BM_Process_HandlerCpu: the handler alone, no Kafka, CPU per post)
#   streams none  Kafka Streams 3.9.1, exactly_once_v2, 2 stream threads, mapValues(v -> v):
#                 the standard tool doing nothing (the fair limit of issue 18)
#   streams vader the same with Jackson + a Java VADER port (bench/peers/streams)
#   python peer   confluent-kafka + vaderSentiment transactional consumer-producer
# All of them read the same input topic (EARSHOT_E2E_POSTS posts, 3 partitions, loaded once by
# process_bench), one transaction per batch of EARSHOT_E2E_BATCH, read_committed; each run's
# output is counted (exactly one committed record per post) before its rate is printed.
#
#   bench/e2e.sh                      # builds build-e2e/bench/process_bench if missing
#   BUILD=build-bench bench/e2e.sh    # another build dir (configured with EARSHOT_BUILD_BENCH=ON)
#
# Needs a Kafka broker (EARSHOT_E2E_BROKERS, default 127.0.0.1:9092; deploy/kafka/start.sh)
# and .venv-tools with confluent-kafka and vaderSentiment==3.3.2 (the Python peer;
# EARSHOT_E2E_PYTHON=0 skips it), java 17 and mvn (the Streams peers; EARSHOT_E2E_STREAMS=0
# skips them). EARSHOT_E2E_BATCH defaults to 5000, process.batch_size's default. Kafka Streams commits every 100 ms under
# exactly_once_v2 (its default commit.interval.ms); earshot commits per EARSHOT_E2E_BATCH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build-e2e}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
PY="${PY:-$ROOT/.venv-tools/bin/python}"
export EARSHOT_E2E_BROKERS="${EARSHOT_E2E_BROKERS:-127.0.0.1:9092}"
export EARSHOT_E2E_POSTS="${EARSHOT_E2E_POSTS:-100000}"
export EARSHOT_E2E_BATCH="${EARSHOT_E2E_BATCH:-5000}"
export EARSHOT_E2E_INPUT="${EARSHOT_E2E_INPUT:-e2e-$(date +%s)-$RANDOM.posts}"
# process runs as `earshot process` does: one transactional loop. EARSHOT_E2E_LOOPS=K runs K
# independent loops instead (issue 18 experiment; bench/loops_ab.sh compares 1 and K).
export EARSHOT_E2E_LOOPS="${EARSHOT_E2E_LOOPS:-1}"
STREAMS="${EARSHOT_E2E_STREAMS:-1}"
PYTHON_PEER="${EARSHOT_E2E_PYTHON:-1}"

die() { echo "e2e.sh: $*" >&2; exit 1; }

host="${EARSHOT_E2E_BROKERS%%:*}" port="${EARSHOT_E2E_BROKERS##*:}"
(exec 3<>"/dev/tcp/$host/$port") 2>/dev/null || die "no broker at $EARSHOT_E2E_BROKERS (start one: deploy/kafka/start.sh)"
if [[ "$PYTHON_PEER" != 0 ]]; then
  [[ "$PY" != "$ROOT/.venv-tools/bin/python" ]] || "$ROOT/bench/peers/setup.sh"
  [[ -x "$PY" ]] || die "no $PY: python3 -m venv .venv-tools && .venv-tools/bin/pip install confluent-kafka vaderSentiment==3.3.2 (or EARSHOT_E2E_PYTHON=0)"
  "$PY" -c 'import confluent_kafka, vaderSentiment' 2>/dev/null || die "$PY lacks confluent-kafka or vaderSentiment"
else
  PY=python3  # only for the summary below
fi
if [[ ! -x "$BUILD/bench/process_bench" ]]; then
  [[ -f "$BUILD/build.ninja" ]] ||
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEARSHOT_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD" -j2 --target process_bench
fi

if [[ "$STREAMS" != 0 ]]; then
  streams_dir="$(OUT="$BUILD/peers/streams" "$ROOT/bench/peers/streams/build.sh")"
  streams_cp="$(cat "$streams_dir/classpath.txt"):$streams_dir/classes"
fi

# The broker's pid when it runs here (its CPU per run goes into the table).
EARSHOT_E2E_BROKER_PID="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)"
export EARSHOT_E2E_BROKER_PID

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "input topic $EARSHOT_E2E_INPUT: $EARSHOT_E2E_POSTS posts, batch $EARSHOT_E2E_BATCH, broker $EARSHOT_E2E_BROKERS"
echo "process: $EARSHOT_E2E_LOOPS transactional loop(s) (EARSHOT_E2E_LOOPS; \`earshot process\` runs 1)"
echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
"$BUILD/bench/process_bench" --benchmark_filter='BM_Process_' \
  --benchmark_out="$work/bench.json" --benchmark_out_format=json
: > "$work/streams.txt"
if [[ "$STREAMS" != 0 ]]; then
  for mode in none vader; do
    java -Xmx1g -Dlog4j.configuration="file:$ROOT/bench/peers/streams/log4j.properties" -cp "$streams_cp" \
      StreamsPeer run --brokers "$EARSHOT_E2E_BROKERS" --input "$EARSHOT_E2E_INPUT" \
      --posts "$EARSHOT_E2E_POSTS" --mode "$mode" --threads 2 --data "$ROOT/sentiment/data" \
      --broker-pid "$EARSHOT_E2E_BROKER_PID" 2>"$work/streams-$mode.err" | tee -a "$work/streams.txt" ||
      { tail -20 "$work/streams-$mode.err" >&2; die "streams peer ($mode) failed"; }
  done
fi
if [[ "$PYTHON_PEER" != 0 ]]; then
  "$PY" "$ROOT/bench/peers/process_peer.py" --brokers "$EARSHOT_E2E_BROKERS" --input "$EARSHOT_E2E_INPUT" \
    --posts "$EARSHOT_E2E_POSTS" --batch "$EARSHOT_E2E_BATCH" --broker-pid "$EARSHOT_E2E_BROKER_PID" | tee "$work/peer.txt"
else
  echo "peer posts_per_s=nan seconds=- cpu_s=- broker_cpu_s=-" > "$work/peer.txt"
fi

"$PY" - "$work/bench.json" "$work/peer.txt" "$work/streams.txt" <<'EOF'
import json, os, sys
bench = {b["name"].split("/")[0]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
for name in ("BM_Process_PassThrough", "BM_Process_Earshot"):
    if name not in bench or bench[name].get("error_occurred"):
        sys.exit("e2e.sh: %s failed: %s" % (name, bench.get(name, {}).get("error_message", "missing")))
peer = dict(kv.split("=") for kv in open(sys.argv[2]).read().split()[1:])
rows = [("pass-through (Kafka limit)", bench["BM_Process_PassThrough"]),
        ("earshot process", bench["BM_Process_Earshot"])]
print()
print("| run | posts/s | seconds | time in handler | client CPU s | broker CPU s |")
print("|---|---:|---:|---:|---:|---:|")
for title, b in rows:
    print("| %s | %.0f | %.2f | %.0f%% | %.1f | %.1f |" % (title, b["posts_per_s"], b["real_time"],
          100 * b["handle_share"], b["client_cpu_s"], b["broker_cpu_s"]))
streams = {}
for line in open(sys.argv[3]).read().splitlines():
    kv = dict(x.split("=") for x in line.split()[1:])
    streams[kv["mode"]] = kv
titles = {"none": "Kafka Streams exactly_once_v2, no work", "vader": "Kafka Streams exactly_once_v2, Jackson + Java VADER"}
for mode, kv in streams.items():
    print("| %s | %.0f | %s | — | %s | %s |" % (titles[mode], float(kv["posts_per_s"]), kv["seconds"],
          kv["cpu_s"], kv["broker_cpu_s"]))
if peer["posts_per_s"] != "nan":
    print("| Python peer (confluent-kafka + vaderSentiment) | %.0f | %s | — | %s | %s |"
          % (float(peer["posts_per_s"]), peer["seconds"], peer["cpu_s"], peer["broker_cpu_s"]))
pt, pr, py = (bench["BM_Process_PassThrough"]["posts_per_s"], bench["BM_Process_Earshot"]["posts_per_s"],
              float(peer["posts_per_s"]))
posts = float(os.environ["EARSHOT_E2E_POSTS"])
print()
print("process ran %d transactional loop(s)" % bench["BM_Process_Earshot"].get("loops", 1))
print("client CPU per post: process %.1f us, pass-through %.1f us" %
      (1e6 * bench["BM_Process_Earshot"]["client_cpu_s"] / posts, 1e6 * bench["BM_Process_PassThrough"]["client_cpu_s"] / posts))
if "BM_Process_HandlerCpu" in bench:
    h = bench["BM_Process_HandlerCpu"]
    print("handler alone (BM_Process_HandlerCpu, no Kafka): %.1f us CPU per post" % (1000.0 * h["cpu_time"] / 20000))
print("process / pass-through: %.2f (target >= 0.8: %s)" % (pr / pt, "met" if pr / pt >= 0.8 else "NOT met"))
if py == py:  # not nan: the Python peer ran
    print("process / Python peer:  %.1fx" % (pr / py))
if "none" in streams:
    sn = float(streams["none"]["posts_per_s"])
    print("process / Kafka Streams no work: %.2f (target >= 0.8: %s)" % (pr / sn, "met" if pr / sn >= 0.8 else "NOT met"))
if "vader" in streams:
    sv = float(streams["vader"]["posts_per_s"])
    print("process / Kafka Streams + VADER: %.1fx (target >= 3x: %s)" % (pr / sv, "met" if pr / sv >= 3 else "NOT met"))
print("RESULT batch=%s process=%.0f passthrough=%.0f streams_none=%s streams_vader=%s python=%.0f" % (
    os.environ["EARSHOT_E2E_BATCH"], pr, pt, streams.get("none", {}).get("posts_per_s", "nan"),
    streams.get("vader", {}).get("posts_per_s", "nan"), py))
EOF
