#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang + ASan + UBSan in build-fuzz/ and runs
# sentiment_fuzz for ${FUZZ_SECONDS:-60} s, seeded with texts from tests/sentiment/data.
# Exits non-zero when the fuzzer finds a crash, leak or broken invariant; the input that
# triggered it is left in build-fuzz/findings/ (replay: build-fuzz/tests/fuzz/sentiment_fuzz FILE).
#   FUZZ_SECONDS=600 deploy/fuzz.sh [extra libFuzzer flags, e.g. -max_len=65536]
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
cmake --build "$build" -j "${EARSHOT_JOBS:-2}" --target sentiment_fuzz

# Seed corpus: one file per text, from the parity, targeted and intent test data (last column).
corpus="$build/corpus"
mkdir -p "$corpus" "$build/findings"
if [ -z "$(ls -A "$corpus")" ]; then
  for spec in vader_parity:5 targeted:1 intent:2 language:2; do  # file:text column
    f=${spec%:*}
    grep -v '^#' "$root/tests/sentiment/data/$f.tsv" |
      awk -F'\t' -v col="${spec#*:}" 'NR % 97 == 1 { print $col }' |
      head -n 200 | split -l 1 -a 4 - "$corpus/$f-"
  done
fi
echo "fuzz.sh: $(ls "$corpus" | wc -l) seed inputs, running ${FUZZ_SECONDS:-60} s"
cd "$build/findings"
"$build/tests/fuzz/sentiment_fuzz" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 \
  -rss_limit_mb=4096 -print_final_stats=1 "$@" "$corpus"
