// Compiled into every test program: sets EARSHOT_SOURCE_DIR and EARSHOT_BINARY (the checkout
// and the built `earshot`) unless the environment already has them, so a test program run by
// hand, by CTest or by gtest_discover_tests finds its data and the binary the same way.
#include <cstdlib>

namespace {

struct TestEnv {
  TestEnv() {
    setenv("EARSHOT_SOURCE_DIR", EARSHOT_TEST_SOURCE_DIR, /*overwrite=*/0);
    setenv("EARSHOT_BINARY", EARSHOT_TEST_BINARY, /*overwrite=*/0);
  }
};
const TestEnv test_env;

}  // namespace
