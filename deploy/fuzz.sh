#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: one per parser) with clang + ASan + UBSan in
# build-fuzz/ and runs each for ${FUZZ_SECONDS:-60} s (or FUZZ_RUNS executions), seeded from
# tests/fuzz/corpus/<target>/ (sentiment: texts from tests/sentiment/data). The working corpus
# grows in build-fuzz/corpus/<target>/. Exits non-zero when a fuzzer finds a crash, leak or
# broken invariant; the input is left in build-fuzz/findings/<target>/ (replay:
# build-fuzz/tests/fuzz/<target>_fuzz FILE) — make it a test before fixing it.
#   deploy/fuzz.sh                                 # every target, 60 s each
#   FUZZ_SECONDS=10 deploy/fuzz.sh feed config     # some targets (names without _fuzz)
#   FUZZ_RUNS=10000000 deploy/fuzz.sh linker       # a fixed number of executions
# Extra libFuzzer flags go in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-max_len=65536); they come after the
# per-target ones (a dictionary tests/fuzz/<target>.dict, config's -max_len), so they win.
#
# Clang 19 (Debian 12): clang 14 and 16 report __cpp_concepts < 202002L, so libstdc++'s
# <expected> is empty for them. libclang-rt-19-dev holds libFuzzer and the sanitizer runtimes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/install-deps.sh"

llvm=${EARSHOT_FUZZ_LLVM:-19}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in "clang-$llvm" "libclang-rt-$llvm-dev"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -ne 0 ]; then
  echo "fuzz.sh: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

build="$root/build-fuzz"
if ! grep -q 'add_subdirectory(tests/fuzz)' "$root/CMakeLists.txt"; then
  echo "fuzz.sh: CMakeLists.txt lacks: if(EARSHOT_BUILD_FUZZ) add_subdirectory(tests/fuzz) endif()" >&2
  exit 2
fi
CC="clang-$llvm" CXX="clang++-$llvm" cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEARSHOT_BUILD_FUZZ=ON -DEARSHOT_BUILD_TESTS=OFF \
  -DEARSHOT_BUILD_BENCH=OFF >/dev/null
targets=(sentiment post_decoder config linker webhook_batch mastodon jetstream reddit hackernews feed)
if [ "$#" -gt 0 ]; then targets=("$@"); fi
cmake --build "$build" -j "${EARSHOT_JOBS:-2}" --target "${targets[@]/%/_fuzz}"

# Seed corpus of sentiment_fuzz: one file per text, from the parity, targeted and intent test
# data (last column).
corpus="$build/corpus/sentiment"
mkdir -p "$corpus"
if [ -z "$(ls -A "$corpus")" ]; then
  for spec in vader_parity:5 targeted:1 intent:2 language:2; do  # file:text column
    f=${spec%:*}
    grep -a -v '^#' "$root/tests/sentiment/data/$f.tsv" |  # -a: the parity data has bytes grep calls binary
      awk -F'\t' -v col="${spec#*:}" 'NR % 97 == 1 && n++ < 200 { print $col }' |
      split -l 1 -a 4 - "$corpus/$f-"
  done
fi

# No allocation stacks while fuzzing: recording one per malloc cost ~20% of the config
# target's time (yaml-cpp allocates per node). A crash report still has its own stack; replay
# the saved input without this to get the allocation/free stacks of a heap report or a leak.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
limit=(-max_total_time="${FUZZ_SECONDS:-60}")
if [ -n "${FUZZ_RUNS:-}" ]; then limit=(-runs="$FUZZ_RUNS"); fi
status=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  mkdir -p "$work" "$build/findings/$t"
  seeds=()
  if [ -d "$root/tests/fuzz/corpus/$t" ]; then seeds=("$root/tests/fuzz/corpus/$t"); fi
  # Per-target flags: a dictionary tests/fuzz/<target>.dict when there is one; config inputs
  # at most 2 KiB. The loader reads each top-level section on its own and collects every error
  # (no early stop), so an input holding one section (the seeds split per section, each under
  # 1.8 KB) reaches that section's code; 2 KiB still holds cross-references (entities used by
  # alerts and replies, sinks under outbound) and nesting past yaml-cpp's depth guard (2,000).
  # yaml-cpp's time grows with the input: 0.35 ms per input instead of 0.93 (bench/RESULTS.md).
  extra=()
  if [ -f "$root/tests/fuzz/$t.dict" ]; then extra+=(-dict="$root/tests/fuzz/$t.dict"); fi
  case "$t" in config) extra+=(-max_len=2048) ;; esac
  echo "fuzz.sh: $t: ${limit[*]} ${extra[*]}, seeds ${seeds[*]:-none}"
  log="$build/findings/$t/last-run.log"
  rc=0
  (cd "$build/findings/$t" &&
    "$build/tests/fuzz/${t}_fuzz" "${limit[@]}" -timeout=10 -rss_limit_mb=4096 \
      -print_final_stats=1 "${extra[@]}" ${FUZZ_FLAGS:-} "$work" "${seeds[@]}") >"$log" 2>&1 || rc=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|fuzz:)|Done [0-9]+ runs' "$log" || true
  if [ "$rc" != 0 ]; then
    echo "fuzz.sh: $t FAILED (exit $rc): see $log" >&2
    status=1
  fi
done
exit $status
