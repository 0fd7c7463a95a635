#!/usr/bin/env bash
# A/B of `process` with one loop against K loops (issue 18: do K independent transactional
# loops fill the cores the single loop leaves idle while it waits on its commits?).
# Runs BM_Process_Earshot alternately with EARSHOT_E2E_LOOPS=1 and =K on the same input topic
# (created and loaded by the first run), PAIRS times, and prints each run and the medians of
# posts/s, steady posts/s (after every loop got its partitions) and client CPU per post.
# Meaningful on a quiet machine only: under other load, K loops have more runnable threads and
# take a bigger share of the cores, which says nothing about idle time.
#
#   EARSHOT_E2E_BROKERS=127.0.0.1:9092 bench/loops_ab.sh [PAIRS (3)] [K (2)]
# Environment as process_bench (EARSHOT_E2E_POSTS 200000, EARSHOT_E2E_BATCH 5000,
# EARSHOT_E2E_PARTITIONS 4 by default here, as bench/e2e.sh); BUILD (build-e2e).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build-e2e}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
PAIRS="${1:-3}" K="${2:-2}"
export EARSHOT_E2E_BROKERS="${EARSHOT_E2E_BROKERS:-127.0.0.1:9092}"
export EARSHOT_E2E_POSTS="${EARSHOT_E2E_POSTS:-200000}" EARSHOT_E2E_BATCH="${EARSHOT_E2E_BATCH:-5000}"
export EARSHOT_E2E_PARTITIONS="${EARSHOT_E2E_PARTITIONS:-4}"
export EARSHOT_E2E_INPUT="${EARSHOT_E2E_INPUT:-loops-ab-$(date +%s)-$RANDOM.posts}"
port="${EARSHOT_E2E_BROKERS##*:}"
EARSHOT_E2E_BROKER_PID="${EARSHOT_E2E_BROKER_PID:-$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)}"
export EARSHOT_E2E_BROKER_PID
[[ -x "$BUILD/bench/process_bench" ]] || { echo "loops_ab.sh: no $BUILD/bench/process_bench" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "input $EARSHOT_E2E_INPUT: $EARSHOT_E2E_POSTS posts, $EARSHOT_E2E_PARTITIONS partitions, batch $EARSHOT_E2E_BATCH; loops 1 vs $K, $PAIRS pairs"
for ((i = 1; i <= PAIRS; i++)); do
  for k in 1 "$K"; do
    echo "run $i loops $k: load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%T)"
    EARSHOT_E2E_LOOPS="$k" "$BUILD/bench/process_bench" --benchmark_filter='BM_Process_Earshot' \
      --benchmark_out="$work/$i-$k.json" --benchmark_out_format=json >"$work/$i-$k.txt" 2>&1 ||
      { cat "$work/$i-$k.txt" >&2; exit 1; }
  done
done
python3 - "$work" "$EARSHOT_E2E_POSTS" <<'EOF'
import glob, json, statistics, sys
work, posts = sys.argv[1], int(sys.argv[2])
runs = {}
for f in sorted(glob.glob(work + "/*.json")):
    b = json.load(open(f))["benchmarks"][0]
    if b.get("error_occurred"):
        sys.exit(f"{f}: {b.get('error_message')}")
    runs.setdefault(int(b["loops"]), []).append(b)
cols = ("posts_per_s", "steady_posts_per_s", "client_cpu_s", "broker_cpu_s", "offsets_wait_s", "commit_wait_s")
print("loops | " + " | ".join(cols) + " | client µs/post")
for k, bs in sorted(runs.items()):
    for b in bs:
        print(f"{k} | " + " | ".join(f"{b.get(c, 0):.2f}" for c in cols) + f" | {b['client_cpu_s'] / posts * 1e6:.1f}")
for k, bs in sorted(runs.items()):
    med = {c: statistics.median(b.get(c, 0) for b in bs) for c in cols}
    print(f"median loops {k}: {med['posts_per_s']:.0f} posts/s, steady {med['steady_posts_per_s']:.0f}, "
          f"client {med['client_cpu_s'] / posts * 1e6:.1f} µs/post, broker {med['broker_cpu_s'] / posts * 1e6:.1f} µs/post")
EOF
