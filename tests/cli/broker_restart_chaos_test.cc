// `earshot process` and `react` while their Kafka broker is stopped and started again twice
// (label `chaos`). The test runs a broker of its own with deploy/kafka/start.sh on
// $EARSHOT_CHAOS_KAFKA_PORT (deploy/test.sh sets it; the controller takes the port after it),
// so restarting it disturbs no other test; EARSHOT_KAFKA_KEEP_DATA=1 keeps the topics across
// each restart. The first outage is short (2 s away); the second is longer than
// transaction.timeout.ms (20 s away, timeout 15 s), so the broker aborts the open
// transactions on its return and fences their producers, which the roles must replace
// (TransactionalLoop). Both roles must resume within 90 s of the broker's return, never exit, and
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
  auto logs = [&] {
    return "--- process\n" + slurp(s.dir + "/p.log") + "--- react\n" + slurp(s.dir + "/r.log") +
           "--- broker scripts\n" + broker.script_log();
  };
  // A role that exited: what it said, and why that may be (for the failure message).
  auto exited = [&](pid_t pid, const char* name, const std::string& log, const std::string& when) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) != pid) return std::string();
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    std::string why = std::string(name) + " exited (" + std::to_string(code) + ") " + when;
    if (log.find("fenced") != std::string::npos) {
      why += ": fenced. The broker aborts a transaction open longer than transaction.timeout.ms "
             "(15 s) with an epoch bump; the loop should have opened a new producer";
    }
    return why + "\n" + log;
  };
  for (int round = 0; round < 2; ++round) {
    const std::size_t floor = (round + 1) * 3000;
    ASSERT_TRUE(wait_until(
        within(180s), [&] { return committed(*s.log, s.prefix + ".scored") >= floor; },
        "progress before restart " + std::to_string(round + 1), 1s))
        << logs();
    const std::size_t before = committed(*s.log, s.prefix + ".scored");
    const auto stopped_at = WaitClock::now();
    ASSERT_TRUE(broker.restart(round == 0 ? 2s : 20s)) << logs();
    const std::string when =
        "after restart " + std::to_string(round + 1) + " (broker away " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(WaitClock::now() -
                                                                        stopped_at)
                           .count()) +
        " s, " + std::to_string(before) + " posts scored before it)";
    // Resumes after the broker's return: a committed record beyond `before` (or every post).
    EXPECT_TRUE(wait_until(
        within(90s),
        [&] {
          const std::size_t n = committed(*s.log, s.prefix + ".scored");
          return n > before || n >= 30000u;
        },
        "process to commit again " + when, 1s))
        << logs();
    std::string gone = exited(process, "process", slurp(s.dir + "/p.log"), when);
    ASSERT_TRUE(gone.empty()) << gone;
    gone = exited(react, "react", slurp(s.dir + "/r.log"), when);
    ASSERT_TRUE(gone.empty()) << gone;
  }
  ASSERT_TRUE(wait_until(
      within(300s), [&] { return committed(*s.log, s.prefix + ".scored") >= 30000u; },
      "every post scored", 1s))
      << logs();
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
