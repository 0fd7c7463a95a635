// What the chaos tests of `earshot` share (tests/cli/*_chaos_test.cc): a scenario on a real
// Kafka broker (config, topics with a fresh prefix, posts replayed), the exactness check read
// with read_committed, and $EARSHOT_TEST_FAULT for the processes a test starts.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include "pipeline/log/log.h"

namespace earshot::testing {

// Records per transaction of `process` in the chaos scenarios.
inline constexpr int kChaosBatch = 100;

// EARSHOT_CHAOS_REPEAT (default 3): how many times a chaos test repeats its fault.
int chaos_repeat();

struct ChaosScenario {
  std::string dir, config, prefix, brokers;
  int posts = 0;  // a multiple of 5 (make_posts() links four posts of five)
  std::unique_ptr<pipeline::log::Log> log;
};

// A config on `brokers` (3 partitions, entities Acme Air and Globex, process batches of
// kChaosBatch, then `extra_yaml`), and `posts` posts replayed into its posts topic.
ChaosScenario prepare_chaos(const std::string& name, int posts, const std::string& brokers,
                            const std::string& extra_yaml = "");

// Every post scored exactly once and every linked (post, entity) mention exactly once, read
// with read_committed (the Kafka log's consumers always are). Adds gtest failures.
void expect_exact(ChaosScenario& s);

std::string slurp(const std::string& path);

// $EARSHOT_TEST_FAULT for the earshot processes started while it lives.
struct FaultEnv {
  explicit FaultEnv(const std::string& spec) { setenv("EARSHOT_TEST_FAULT", spec.c_str(), 1); }
  ~FaultEnv() { unsetenv("EARSHOT_TEST_FAULT"); }
  FaultEnv(const FaultEnv&) = delete;
  FaultEnv& operator=(const FaultEnv&) = delete;
};

}  // namespace earshot::testing
