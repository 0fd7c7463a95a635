#!/usr/bin/env bash
# Configures and builds earshot into build/ (Release-with-debug-info, Ninja, 2 jobs).
#   deploy/build.sh [extra cmake -D options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${EARSHOT_JOBS:-2}
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$root/build" -j "$jobs"
