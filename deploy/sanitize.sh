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
#                                   # (their placeholder `<program>_NOT_BUILT` has no label)
# Exits non-zero when a build fails, any test fails, or any process reported: every report
# (of the test programs and of the `earshot` processes the CLI tests start) is also written
# to build-<kind>/sanitizer-reports/report.<pid>, which the script prints and counts at the
# end, so a report in a child process whose exit status a test ignores still fails the run.
# Except UBSan's: GCC 12's UBSan inside an ASan build ignores log_path and writes to stderr
# (of the test, or of the child, whose exit status 1 the CLI tests check).
# Third-party reports not caused by us are suppressed in tests/sanitize/*.supp (one reason per
# entry); our own code is never suppressed.
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
supp="$root/tests/sanitize"
# What the caller sets in *_OPTIONS comes last, so it overrides these.
user_asan=${ASAN_OPTIONS:-} user_ubsan=${UBSAN_OPTIONS:-} user_lsan=${LSAN_OPTIONS:-}
user_tsan=${TSAN_OPTIONS:-}

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
  # GCC 12 warns (-Wtsan, fatal with -Werror) that TSan does not model the
  # std::atomic_thread_fence of Boost.Asio's std_fenced_block and ref_count_down; a report
  # that comes from such a fence is Asio's, and would be suppressed in tsan.supp.
  if [ "$kind" = tsan ]; then quiet="-Wno-tsan"; fi
  build="$root/build-$kind"
  # -O1 -g1 (line tables only), the sanitizers' usual build: compiles faster than
  # RelWithDebInfo's -O2 -g on this shared 2-core machine, and stacks still name file:line.
  # jemalloc replaces malloc, which the sanitizers must own: EARSHOT_JEMALLOC=OFF.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS="$flags $quiet" -DCMAKE_EXE_LINKER_FLAGS="$flags" -DEARSHOT_JEMALLOC=OFF \
    -DEARSHOT_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
  # Only the unit-test programs (and the earshot binary the CLI tests run).
  programs=$(cmake --build "$build" --target help | sed -n 's/^\([a-z_]*_unit_tests\):.*/\1/p')
  programs="earshot $programs"
  if [ -n "${SANITIZE_PROGRAMS:-}" ]; then programs=$SANITIZE_PROGRAMS; fi
  # shellcheck disable=SC2086  # one word per program
  cmake --build "$build" -j "$jobs" --target $programs
  if [ "$kind" = tsan ]; then
    # librdkafka's C11 threads and locks through the pthread calls TSan intercepts (why: the
    # comment of tests/sanitize/thrd_create_shim.c); the earshot children inherit it.
    cc -O2 -Wall -Werror -shared -fPIC "$supp/thrd_create_shim.c" -o "$build/libthrd_shim.so" -lpthread
    export LD_PRELOAD="$build/libthrd_shim.so${LD_PRELOAD:+:$LD_PRELOAD}"
  fi
  reports="$build/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  log="log_path=$reports/report"
  # Any report aborts the process with a non-zero status: ASan (abort_on_error), UBSan
  # (-fno-sanitize-recover at compile time, halt_on_error here), LSan at exit (ASan's
  # exitcode), TSan (halt_on_error: the first race, exit 66).
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:$log${user_asan:+:$user_asan}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:$log${user_ubsan:+:$user_ubsan}"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0:$log${user_lsan:+:$user_lsan}"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp:print_suppressions=0:$log${user_tsan:+:$user_tsan}"
  echo "sanitize.sh: $kind: running the unit label"
  if ! (cd "$build" && ctest -L unit --output-on-failure --no-tests=error -j "$jobs" "$@"); then
    echo "sanitize.sh: $kind: FAILED (tests)" >&2
    status=1
  fi
  found=$(find "$reports" -type f -size +0 | sort)
  if [ -n "$found" ]; then
    for f in $found; do
      echo "==== sanitize.sh: $kind: $f" >&2
      cat "$f" >&2
    done
    echo "sanitize.sh: $kind: FAILED: $(echo "$found" | wc -l) process(es) reported (above)" >&2
    status=1
  else
    echo "sanitize.sh: $kind: no sanitizer report"
  fi
done
exit $status
