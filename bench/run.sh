#!/usr/bin/env bash
# Reproduces the figures of bench/RESULTS.md, in this order (each step prints machine, load
# and date with its figures):
#   1. kernels: sentiment_bench (vader, default, tokenizer) and the Python vaderSentiment peer
#   2. linking: link_bench
#   3. memory: bench/memory.sh (10,000 entities, 1,000,000 customer handles)
#   4. `earshot score` end to end vs Python vaderSentiment: bench/score_e2e.sh (3 rounds)
#   5. `earshot process` vs Kafka Streams exactly_once_v2 (no work; + VADER) and the Python
#      peer: bench/e2e.sh, EARSHOT_RUN_E2E_RUNS runs (3) at each batch size of
#      EARSHOT_RUN_E2E_BATCHES ("5000 20000": process.batch_size's default and a large batch,
#      the two settings issue 18's targets name; 500, the earlier default, on request), on one input topic of EARSHOT_E2E_POSTS posts (200,000) and
#      EARSHOT_E2E_PARTITIONS partitions (4); medians printed at the end.
#
#   BUILD=build-bench EARSHOT_E2E_BROKERS=127.0.0.1:9092 bench/run.sh [STEP...]   # steps 1-5
# BUILD must be configured with -DEARSHOT_BUILD_BENCH=ON; the figures in RESULTS.md say which
# build type. Step 5 needs a broker (deploy/kafka/start.sh), java 17 and mvn. Figures are only
# comparable when taken on a quiet machine: say so when they were not.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BUILD="${BUILD:-$ROOT/build-bench}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
PY="${PY:-$ROOT/.venv-tools/bin/python}"
[[ "$PY" != "$ROOT/.venv-tools/bin/python" ]] || "$ROOT/bench/peers/setup.sh"
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(1 2 3 4 5)
cmake --build "$BUILD" -j2 --target earshot sentiment_bench link_bench process_bench >/dev/null

for step in "${steps[@]}"; do
  echo "== step $step: load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
  case "$step" in
    1) "$BUILD/bench/sentiment_bench" --benchmark_repetitions=3 --benchmark_min_time=1 \
         --benchmark_report_aggregates_only=true
       "$PY" "$ROOT/bench/peers/vader_peer.py" --seconds 5 ;;
    2) "$BUILD/bench/link_bench" ;;
    3) "$ROOT/bench/memory.sh" ;;
    4) "$ROOT/bench/score_e2e.sh" ;;
    5) export EARSHOT_E2E_POSTS="${EARSHOT_E2E_POSTS:-200000}"
       export EARSHOT_E2E_PARTITIONS="${EARSHOT_E2E_PARTITIONS:-4}"
       export EARSHOT_E2E_INPUT="${EARSHOT_E2E_INPUT:-e2e-$(date +%s)-$RANDOM.posts}"
       results="$(mktemp)"
       for batch in ${EARSHOT_RUN_E2E_BATCHES:-5000 20000}; do
         for ((r = 1; r <= ${EARSHOT_RUN_E2E_RUNS:-3}; r++)); do
           EARSHOT_E2E_BATCH=$batch "$ROOT/bench/e2e.sh" | tee /dev/stderr | grep '^RESULT' >> "$results"
         done
       done
       python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    kv = dict(x.split("=") for x in line.split()[1:])
    runs.setdefault(kv["batch"], []).append({k: float(v) for k, v in kv.items()})
print("| batch | runs | process | pass-through | Streams no work | Streams + VADER | Python | process / Streams no work (>= 0.8) | process / Streams + VADER (>= 3) |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for batch, rs in runs.items():
    m = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
    ratio_n = statistics.median(r["process"] / r["streams_none"] for r in rs)
    ratio_v = statistics.median(r["process"] / r["streams_vader"] for r in rs)
    print("| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.1f |" % (batch, len(rs), m["process"],
          m["passthrough"], m["streams_none"], m["streams_vader"], m["python"], ratio_n, ratio_v))
PY
       rm -f "$results" ;;
    *) echo "run.sh: no step $step" >&2; exit 2 ;;
  esac
done
