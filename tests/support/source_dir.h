// The checkout the tests read their fixtures from: $EARSHOT_SOURCE_DIR, which every test
// program sets to the configured source tree unless the environment already names one
// (tests/support/test_env.cc). Not __FILE__: a compiler cache or an out-of-tree build may
// make that a path relative to some other folder.
#pragma once

#include <cstdlib>
#include <filesystem>

namespace earshot::testing {

inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("EARSHOT_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::current_path();
}

}  // namespace earshot::testing
