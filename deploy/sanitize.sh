#!/usr/bin/env bash
# Runs the whole `unit` label under the sanitizers, one build directory each (GCC, the
# project's own compiler): build-asan/ with AddressSanitizer + UndefinedBehaviorSanitizer
# (leaks included, any UB report fails the test), build-tsan/ with ThreadSanitizer. Run it
# before each submission; it takes a full build per sanitizer (ccache helps the next time).
#   deploy/sanitize.sh              # asan then tsan, every unit test
#   deploy/sanitize.sh tsan -R Log  # one sanitizer, extra ctest arguments (a subset)
#   SANITIZE_PROGRAMS="sentiment_unit_tests layout_unit_tests" deploy/sanitize.sh asan
#                                   # build and run only these programs (a shared machine);
#                                   # the tests of programs not built are not run at all
# Exits non-zero when a build fails or any test fails or reports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${EARSHOT_JOBS:-2}
kinds=(asan tsan)
if [ $# -gt 0 ] && { [ "$1" = asan ] || [ "$1" = tsan ]; }; then
  kinds=("$1")
  shift
fi
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

status=0
for kind in "${kinds[@]}"; do
  case "$kind" in
    asan) flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" ;;
    tsan) flags="-fsanitize=thread -fno-omit-frame-pointer" ;;
  esac
  # GCC 12 with -fsanitize=address warns "may be used uninitialized" inside libstdc++'s
  # <regex> (std::function in _State, tests/layout/cmake_deps_test.cc), which -Werror makes
  # fatal; the plain build does not warn there.
  quiet=""
  if [ "$kind" = asan ]; then quiet="-Wno-maybe-uninitialized"; fi
  build="$root/build-$kind"
  # jemalloc replaces malloc, which the sanitizers must own: EARSHOT_JEMALLOC=OFF.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$flags $quiet" -DCMAKE_EXE_LINKER_FLAGS="$flags" -DEARSHOT_JEMALLOC=OFF \
    -DEARSHOT_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
  # Only the unit-test programs (and the earshot binary the CLI tests run).
  programs=$(cmake --build "$build" --target help | sed -n 's/^\([a-z_]*_unit_tests\):.*/\1/p')
  programs="earshot $programs"
  if [ -n "${SANITIZE_PROGRAMS:-}" ]; then programs=$SANITIZE_PROGRAMS; fi
  # shellcheck disable=SC2086  # one word per program
  cmake --build "$build" -j "$jobs" --target $programs
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  echo "sanitize.sh: $kind: running the unit label"
  if ! (cd "$build" && ctest -L unit --output-on-failure --no-tests=error -j "$jobs" "$@"); then
    echo "sanitize.sh: $kind: FAILED" >&2
    status=1
  fi
done
exit $status
