#!/usr/bin/env bash
# Configures and builds earshot into build/ (Release-with-debug-info, Ninja, 2 jobs).
#   deploy/build.sh [--target NAME]... [extra cmake -D options]
# --target (repeatable) builds only those targets (and what they need), e.g. `--target earshot`
# for the binary alone; without it everything is built, test programs included. The cache is
# the same either way, so a later full build (deploy/test.sh) reuses what was built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${EARSHOT_JOBS:-2}
targets=()
configure=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target)
      [ $# -ge 2 ] || { echo "build.sh: --target needs a name" >&2; exit 2; }
      targets+=(--target "$2")
      shift 2
      ;;
    --target=*)
      targets+=(--target "${1#--target=}")
      shift
      ;;
    *)
      configure+=("$1")
      shift
      ;;
  esac
done
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${configure[@]+"${configure[@]}"} >/dev/null
cmake --build "$root/build" -j "$jobs" ${targets[@]+"${targets[@]}"}
