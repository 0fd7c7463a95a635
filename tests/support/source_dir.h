// Test support shared by every folder's tests: the checkout, to find test data from.
//
//   std::ifstream in(earshot::testing::source_path("tests/ingest/data/posts.jsonl"));
//
// It is $EARSHOT_SOURCE_DIR, which tests/support/test_env.cc sets in every test program (to
// the checkout it was built from) unless the environment already has it. Not __FILE__: a
// compiler cache with a base directory (CCACHE_BASEDIR) makes __FILE__ relative to the build
// directory, and CTest runs the programs from another one.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace earshot::testing {

inline std::filesystem::path source_path(std::string_view relative = "") {
  const char* dir = std::getenv("EARSHOT_SOURCE_DIR");
  const std::filesystem::path root =
      dir && *dir ? std::filesystem::path(dir) : std::filesystem::current_path();
  return relative.empty() ? root : root / relative;
}

}  // namespace earshot::testing
