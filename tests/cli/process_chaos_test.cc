// Faults against `earshot process` on a real Apache Kafka broker (EARSHOT_TEST_BROKERS), label
// `chaos`: the process dies at each point of a transaction (the test-only fault hook,
// pipeline/cli/fault_hook.h), and one of two instances becomes a zombie (SIGSTOP past the
// session and transaction timeouts, then SIGCONT). After every fault the output read with
// read_committed is exact: every post scored once, every (post, entity) mention once.
//
// The short versions run in CI; EARSHOT_CHAOS_REPEAT (default 3) sets how many times each
// crash point is hit (bench/chaos/run.sh runs 20, as issue #16 asks).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/log/kafka/kafka_log.h"
#include "tests/cli/support/chaos_rig.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/http_server.h"
#include "tests/support/kafka_env.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

class CrashPoint : public ::testing::TestWithParam<const char*> {};

// The process aborts at the given point of its 1st–3rd transaction, `repeat()` times in a
// row with the same instance id (as a supervisor would restart it); then a clean run
// finishes the input. A transaction killed before its commit completed must leave nothing
// visible (its outputs and offsets are aborted by the next instance's init), one killed
// after its commit must not be redone. A killed instance stays in the consumer group until
// its session times out, and the next one's first assignment waits for that: the session
// timeout is the broker's minimum (6 s, not earshot's 10 s), which changes nothing else.
TEST_P(CrashPoint, NothingOfAKilledTransactionIsVisible) {
  const int rounds = chaos_repeat();
  ChaosScenario s =
      prepare_chaos(std::string("crash-") + GetParam(), rounds * 3 * kChaosBatch + 2000,
                    test_brokers(), "", "  properties: {session.timeout.ms: \"6000\"}\n");
  std::mt19937 rng(std::random_device{}());
  for (int i = 0; i < rounds; ++i) {
    const int nth = std::uniform_int_distribution<int>(1, 3)(rng);
    FaultEnv fault(std::string(GetParam()) + ":" + std::to_string(nth));
    RunResult r =
        run({"process", "--config", s.config, "--instance", "a", "--exit-when-idle", "20"});
    ASSERT_EQ(r.exit_code, -SIGABRT)
        << "round " << i << ": the fault at transaction " << nth << " did not fire\n"
        << r.err;
    EXPECT_NE(r.err.find("EARSHOT_TEST_FAULT: aborting"), std::string::npos) << r.err;
  }
  RunResult r = run({"process", "--config", s.config, "--instance", "a", "--exit-when-idle", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_exact(s);
}

INSTANTIATE_TEST_SUITE_P(Points, CrashPoint,
                         ::testing::Values("produced", "offsets_sent", "in_commit", "committed"),
                         [](const auto& info) { return std::string(info.param); });

// Linux: 'T' in /proc/PID/stat once the process stopped itself.
bool stopped(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'T';
}

// Instance a stops itself (SIGSTOP) inside its 3rd transaction, after producing its outputs:
// a zombie holding an open transaction; b starts then. a stays stopped until b has scored every post, which
// read_committed readers can only see once both happened: b took a's partitions (a's session
// timed out, 10 s) and the broker aborted a's open transaction (transaction.timeout.ms 15 s;
// its outputs sit in the partitions b writes to, below everything b wrote after them). On
// SIGCONT the zombie's commit must fail; it then either rejoins or exits, and the output stays
// exact.
TEST(ProcessChaos, ZombieIsFencedAfterSigstop) {
  ChaosScenario s = prepare_chaos("zombie", 20000, test_brokers());
  pid_t a, b;
  const int a_metrics = free_port();
  {
    FaultEnv fault("produced:3:stop");
    a = spawn({"process", "--config", s.config, "--instance", "a", "--metrics-listen",
               "127.0.0.1:" + std::to_string(a_metrics)},
              s.dir + "/a.log");
  }
  // b starts only once a is a zombie. Started together, b could join first and score the
  // whole input before a's first assignment, so a never reached its 3rd transaction (seen
  // with uncompressed batches under load).
  ChildGuard guard{a};
  ASSERT_TRUE(wait_until(
      within(120s), [&] { return stopped(a); }, "instance a to stop itself"))
      << slurp(s.dir + "/a.log");
  b = spawn({"process", "--config", s.config, "--instance", "b"}, s.dir + "/b.log");
  guard.add(b);
  // b finishes the input, a's batch included: past a's session and transaction timeouts.
  auto scored = read_topic(*s.log, s.prefix + ".scored", s.posts, 240s);
  ASSERT_GE(scored.size(), static_cast<std::size_t>(s.posts))
      << "b did not finish the input while a was stopped\n" << slurp(s.dir + "/b.log");
  ASSERT_TRUE(stopped(a)) << "the zombie ran on before SIGCONT";
  ASSERT_EQ(kill(a, SIGCONT), 0);
  // The zombie meets the aborted transaction: it exits, or counts the abort and goes on.
  auto aborts = [&] {
    std::smatch m;
    const std::string text =
        http_get("http://127.0.0.1:" + std::to_string(a_metrics) + "/metrics");
    static const std::regex re(R"(earshot_loop_aborts_total\{[^}]*\} (\d+))");
    return std::regex_search(text, m, re) ? std::stoi(m[1]) : 0;
  };
  int a_status = 0;
  bool a_exited = false;
  EXPECT_TRUE(wait_until(
      within(60s),
      [&] {
        a_exited = a_exited || waitpid(a, &a_status, WNOHANG) == a;
        return a_exited || aborts() >= 1;
      },
      "the zombie to exit or count an abort after SIGCONT", 200ms))
      << slurp(s.dir + "/a.log");
  if (!a_exited) kill(a, SIGTERM);
  kill(b, SIGTERM);
  const int a_exit = a_exited ? (WIFEXITED(a_status) ? WEXITSTATUS(a_status) : -WTERMSIG(a_status))
                              : wait_for(a);
  EXPECT_EQ(wait_for(b), 0) << slurp(s.dir + "/b.log");
  const std::string a_log = slurp(s.dir + "/a.log");
  // The zombie either exited on its own with a runtime error naming the fencing, or recovered
  // and stopped cleanly on SIGTERM; never a crash.
  EXPECT_TRUE(a_exit == 0 || a_exit == 1) << "zombie exit " << a_exit << "\n" << a_log;
  if (a_exit == 0) {
    // It recovered: its summary line counts the aborted zombie transaction.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(a_log, m, std::regex(R"(, (\d+) abort\(s\))"))) << a_log;
    EXPECT_GE(std::stoi(m[1]), 1) << "the zombie's transaction was not aborted\n" << a_log;
  } else {
    // It gave up: its log names why the zombie transaction could not commit. The broker
    // either fenced it (a newer epoch) or aborted it on transaction.timeout.ms, in which case
    // librdkafka reports the zombie's queued messages as timed out, "requires epoch bump".
    EXPECT_TRUE(std::regex_search(a_log, std::regex("fenced|requires epoch bump"))) << a_log;
  }
  expect_exact(s);
}

}  // namespace
}  // namespace earshot::testing
