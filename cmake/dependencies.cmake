# Every dependency is a Debian package (deploy/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)        # ships only a .pc file
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)                # ships only a .pc file
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)       # XXH3 128-bit (dedup store)
find_package(simdjson REQUIRED CONFIG)
find_package(SQLite3 REQUIRED)
find_package(yaml-cpp REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json REQUIRED CONFIG)
find_package(RapidJSON REQUIRED CONFIG)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
find_package(cpprestsdk REQUIRED CONFIG)
find_package(date REQUIRED CONFIG)  # date::date-tz on the OS zoneinfo (libhowardhinnant-date-dev)
# jemalloc replaces glibc malloc in the programs that run the pipeline (the `earshot` binary
# and the end-to-end benchmarks): under `earshot process` glibc's malloc/free/consolidate took
# ~17 % of the client CPU; with jemalloc the client CPU per post fell 13 % (bench/RESULTS.md).
# EARSHOT_JEMALLOC=OFF keeps glibc malloc: the sanitizer builds (deploy/sanitize.sh) need
# their runtime's own malloc.
option(EARSHOT_JEMALLOC "Link jemalloc into the pipeline programs" ON)
if(EARSHOT_JEMALLOC)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
# Links jemalloc into executable `target` so its malloc interposes libc's for the whole process
# (--no-as-needed: nothing calls it by name, the linker must keep it anyway).
function(earshot_use_jemalloc target)
  if(NOT EARSHOT_JEMALLOC)
    return()
  endif()
  target_link_libraries(${target} PRIVATE -Wl,--push-state,--no-as-needed PkgConfig::JEMALLOC
                        -Wl,--pop-state)
endfunction()
if(EARSHOT_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
if(EARSHOT_BUILD_BENCH)
  find_package(benchmark REQUIRED CONFIG)
endif()
