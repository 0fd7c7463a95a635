# Every dependency is a Debian package (deploy/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)        # ships only a .pc file
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)                # ships only a .pc file
find_package(simdjson REQUIRED CONFIG)
find_package(SQLite3 REQUIRED)
find_package(yaml-cpp REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json REQUIRED CONFIG)
find_package(RapidJSON REQUIRED CONFIG)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
find_package(cpprestsdk REQUIRED CONFIG)
if(EARSHOT_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
if(EARSHOT_BUILD_BENCH)
  find_package(benchmark REQUIRED CONFIG)
endif()
