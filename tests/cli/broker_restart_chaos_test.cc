// `earshot process` and `react` while their Kafka broker is stopped and started again twice
// (label `chaos`). The test runs a broker of its own with deploy/kafka/start.sh on
// $EARSHOT_CHAOS_KAFKA_PORT (deploy/test.sh sets it; the controller takes the port after it),
// so restarting it disturbs no other test; EARSHOT_KAFKA_KEEP_DATA=1 keeps the topics across
// each restart. Both roles must resume within 60 s of the broker's return, never exit, and
// the output must be exact: every post scored once, every mention once, and the aggregates'
// volumes equal to a batch count of the mentions (allowed lateness covers the whole input,
// which arrives out of event-time order across partitions, so no mention is late).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "tests/cli/support/chaos_rig.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

// Committed records in `topic` now (read_committed, from the beginning).
std::size_t committed(pipeline::log::Log& log, const std::string& topic) {
  return read_topic(log, topic, 0, 5s).size();
}

TEST(BrokerRestart, ProcessAndReactResumeExactly) {
  OwnBroker broker("EARSHOT_CHAOS_KAFKA_PORT");
  ASSERT_TRUE(broker.started());
  ChaosScenario s =
      prepare_chaos("restart", 30000, broker.brokers(),
                    "windows: {sizes: [1h], allowed_lateness: 12h, idle_close: 5s}\n");
  pid_t process = spawn({"process", "--config", s.config, "--instance", "a"}, s.dir + "/p.log");
  pid_t react = spawn({"react", "--config", s.config, "--instance", "a"}, s.dir + "/r.log");
  ChildGuard guard{process, react};
  for (int round = 0; round < 2; ++round) {
    const std::size_t floor = (round + 1) * 3000;
    ASSERT_TRUE(wait_until(
        within(180s), [&] { return committed(*s.log, s.prefix + ".scored") >= floor; },
        "progress before restart", 1s))
        << slurp(s.dir + "/p.log");
    const std::size_t before = committed(*s.log, s.prefix + ".scored");
    ASSERT_TRUE(broker.restart(5s)) << slurp(s.dir + "/p.log");
    // Resumes within 60 s of the broker's return: a committed record beyond `before`.
    EXPECT_TRUE(wait_until(
        within(60s), [&] { return committed(*s.log, s.prefix + ".scored") > before; },
        "process to commit again after the broker came back", 1s))
        << slurp(s.dir + "/p.log");
    ASSERT_EQ(waitpid(process, nullptr, WNOHANG), 0) << "process exited\n"
                                                     << slurp(s.dir + "/p.log");
    ASSERT_EQ(waitpid(react, nullptr, WNOHANG), 0) << "react exited\n" << slurp(s.dir + "/r.log");
  }
  ASSERT_TRUE(wait_until(
      within(300s), [&] { return committed(*s.log, s.prefix + ".scored") >= 30000u; },
      "every post scored", 1s))
      << slurp(s.dir + "/p.log");
  // Mentions (exact, checked below) against the aggregates react made of them: 16 hourly
  // windows (two entities, eight closed hours of make_posts() times; the window of the latest
  // event stays open, allowed lateness covers the whole input).
  EXPECT_EQ(expect_aggregates_recount(s, kHourWindows, 180s), 16u)
      << "two entities, eight closed hours";
  kill(process, SIGTERM);
  kill(react, SIGTERM);
  EXPECT_EQ(wait_for(process), 0) << slurp(s.dir + "/p.log");
  EXPECT_EQ(wait_for(react), 0) << slurp(s.dir + "/r.log");
  expect_exact(s);
}

}  // namespace
}  // namespace earshot::testing
