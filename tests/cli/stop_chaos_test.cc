// SIGTERM while the broker is gone (label `chaos`, issue #16): `process`, `react` and `run`
// work against a broker of their own ($EARSHOT_CHAOS_KAFKA_PORT), the broker is killed with
// SIGKILL, and once every role has noticed (librdkafka logs the refused connections) each gets
// SIGTERM. A role blocked in a librdkafka call (a commit, init_transactions, a consumer close
// with 60 s timeouts, several times over) must still exit within a bound: the producer's
// transactional calls give up 5 s after the stop request, and the stop watchdog
// (pipeline/cli/cli_common.h, 10 s) ends whatever is still waiting. No signal death, exit code
// 0 or 1, and no half batch: after the broker is back, a fresh `process` finishes the input and
// the output read with read_committed is exact.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <string>

#include "tests/cli/support/chaos_rig.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

std::size_t committed(pipeline::log::Log& log, const std::string& topic) {
  return read_topic(log, topic, 0, 5s).size();
}

// What librdkafka logs (level 3, printed by earshot) once it cannot reach the broker.
bool saw_broker_gone(const std::string& log_text) {
  return log_text.find("Connection refused") != std::string::npos ||
         log_text.find("brokers are down") != std::string::npos ||
         log_text.find("Disconnected") != std::string::npos;
}

TEST(StopChaos, EveryRoleExitsSoonAfterSigtermWhenTheBrokerIsGone) {
  OwnBroker broker("EARSHOT_CHAOS_KAFKA_PORT");
  ASSERT_TRUE(broker.started()) << broker.script_log();
  ChaosScenario s = prepare_chaos("sigterm", 20000, broker.brokers(),
                                  "windows: {sizes: [1h], allowed_lateness: 12h}\n");
  struct Role {
    std::string name;
    pid_t pid;
  };
  std::vector<Role> roles{
      {"process",
       spawn({"process", "--config", s.config, "--instance", "a"}, s.dir + "/process.log")},
      {"react", spawn({"react", "--config", s.config, "--instance", "a"}, s.dir + "/react.log")},
      {"run", spawn({"run", "--config", s.config, "--instance", "r", "--listen", "127.0.0.1:0"},
                    s.dir + "/run.log")}};
  ChildGuard guard{roles[0].pid, roles[1].pid, roles[2].pid};
  auto log_of = [&](const Role& r) { return slurp(s.dir + "/" + r.name + ".log"); };
  // Mid-stream: some batches committed, most of the input still to do.
  ASSERT_TRUE(wait_until(
      within(180s), [&] { return committed(*s.log, s.prefix + ".scored") >= 2000; },
      "progress before the broker dies", 500ms))
      << log_of(roles[0]);
  s.log.reset();  // the test's own clients must not outlive the broker's death either
  ASSERT_TRUE(broker.kill_hard()) << broker.script_log();
  for (const Role& r : roles) {
    ASSERT_TRUE(wait_until(
        within(90s), [&] { return saw_broker_gone(log_of(r)); }, r.name + " to see the broker gone",
        200ms))
        << log_of(r);
  }
  for (const Role& r : roles) ASSERT_EQ(kill(r.pid, SIGTERM), 0) << r.name;
  // The bound: 10 s of stop watchdog, with room for a loaded machine.
  std::map<std::string, int> exits;
  EXPECT_TRUE(wait_until(
      within(25s),
      [&] {
        for (const Role& r : roles) {
          int status = 0;
          if (exits.count(r.name) == 0 && waitpid(r.pid, &status, WNOHANG) == r.pid) {
            exits[r.name] = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
          }
        }
        return exits.size() == roles.size();
      },
      "every role to exit after SIGTERM", 100ms))
      << "exited: " << ::testing::PrintToString(exits) << "\nprocess:\n"
      << log_of(roles[0]) << "\nreact:\n"
      << log_of(roles[1]) << "\nrun:\n"
      << log_of(roles[2]);
  for (const Role& r : roles) {
    ASSERT_EQ(exits.count(r.name), 1u) << r.name << " still running 25 s after SIGTERM";
    EXPECT_TRUE(exits[r.name] == 0 || exits[r.name] == 1)
        << r.name << " exit " << exits[r.name] << "\n"
        << log_of(r);
  }
  // No half batch and nothing lost: the broker comes back and a fresh instance finishes.
  ASSERT_TRUE(broker.start_again()) << broker.script_log();
  auto log = pipeline::log::open_log({.kind = "kafka",
                                      .brokers = broker.brokers(),
                                      .path = "",
                                      .properties = {},
                                      .partitions = 3});
  ASSERT_TRUE(log) << log.error().message;
  s.log = std::move(*log);
  // Until the broker aborts the transactions the killed instances left open (transaction
  // timeout 15 s), read_committed readers wait at them: wait for the count, not for idleness.
  pid_t again = spawn({"process", "--config", s.config, "--instance", "a"}, s.dir + "/again.log");
  ChildGuard guard_again{again};
  ASSERT_TRUE(wait_until(
      within(240s),
      [&] { return committed(*s.log, s.prefix + ".scored") >= static_cast<std::size_t>(s.posts); },
      "every post scored after the broker came back", 1s))
      << slurp(s.dir + "/again.log");
  ASSERT_EQ(kill(again, SIGTERM), 0);
  EXPECT_EQ(wait_for(again), 0) << slurp(s.dir + "/again.log");
  expect_exact(s);
}

}  // namespace
}  // namespace earshot::testing
