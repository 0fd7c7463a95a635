// Rebalance churn, the short version of bench/churn.sh (label `chaos`, issue #16): three
// `earshot process` instances and one `react` on EARSHOT_TEST_BROKERS; every ~8 s one process
// instance is removed (SIGTERM) or a new one added (between 2 and 4 run at any time) while
// posts keep arriving in chunks. After each change the group must commit again (it resumed);
// at the end every post is scored once, every (post, entity) mention is emitted once (read
// with read_committed), every SIGTERM exits 0, and the 1-minute aggregates react made equal a
// batch recount of the committed mentions (the same checks as bench/chaos/exact.py).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/support/chaos_rig.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/kafka_env.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

// Multiples of 5 (make_posts() links four posts of five).
constexpr int kFirstChunk = 3000;
constexpr int kChunkBefore = 2500;  // arrives just before a membership change
constexpr int kChunkAfter = 500;    // just after it
constexpr int kChanges = 6;
constexpr auto kPeriod = 8s;

std::size_t committed(pipeline::log::Log& log, const std::string& topic) {
  return read_topic(log, topic, 0, 5s).size();
}

TEST(ChurnChaos, MembershipChangesKeepTheOutputExact) {
  ChaosScenario s = prepare_chaos("churn", kFirstChunk, test_brokers(),
                                  "windows: {sizes: [1m], allowed_lateness: 12h, idle_close: 5s}\n");
  std::fprintf(stderr, "churn: topics %s.*, files in %s\n", s.prefix.c_str(), s.dir.c_str());
  struct Member {
    std::string name;
    pid_t pid;
  };
  std::vector<Member> live;
  ChildGuard guard{};
  int next_id = 0;
  auto add = [&] {
    const std::string name = "p" + std::to_string(next_id++);
    const pid_t pid =
        spawn({"process", "--config", s.config, "--instance", name}, s.dir + "/" + name + ".log");
    guard.add(pid);
    live.push_back({name, pid});
  };
  std::vector<std::string> history;  // what happened, for failure messages
  auto remove = [&](std::size_t i) {
    const Member m = live[i];
    live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    ASSERT_EQ(kill(m.pid, SIGTERM), 0) << m.name;
    EXPECT_EQ(wait_for(m.pid), 0) << m.name << " on SIGTERM\n" << slurp(s.dir + "/" + m.name + ".log");
  };
  add();
  add();
  add();
  const pid_t react = spawn({"react", "--config", s.config, "--instance", "r"}, s.dir + "/r.log");
  guard.add(react);
  auto all_logs = [&] {
    std::string out = "history: " + ::testing::PrintToString(history) + "\n";
    for (int i = 0; i < next_id; ++i) {
      const std::string name = "p" + std::to_string(i);
      out += "--- " + name + "\n" + slurp(s.dir + "/" + name + ".log");
    }
    return out + "--- react\n" + slurp(s.dir + "/r.log");
  };

  std::mt19937 rng(std::random_device{}());
  auto replay_next = [&](int n) {
    write_file(s.dir + "/chunk.jsonl", posts_between(s.prefix, s.posts, s.posts + n));
    RunResult r = run({"replay", "--config", s.config, "--file", s.dir + "/chunk.jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    s.posts += n;
  };
  for (int change = 0; change < kChanges; ++change) {
    const auto period_end = WaitClock::now() + kPeriod;
    // A chunk arrives and the membership changes while it is being processed; a small one
    // after the change must then be finished too (the group resumed).
    replay_next(kChunkBefore);
    if (HasFatalFailure()) return;
    const std::size_t n = live.size();
    if (n <= 2 || (n < 4 && rng() % 2 == 0)) {
      add();
      history.push_back("+" + live.back().name);
    } else {
      const std::size_t i = rng() % n;
      history.push_back("-" + live[i].name);
      remove(i);
      if (HasFatalFailure()) return;
    }
    const auto changed = WaitClock::now();
    replay_next(kChunkAfter);
    if (HasFatalFailure()) return;
    ASSERT_TRUE(wait_until(
        within(60s),
        [&] { return committed(*s.log, s.prefix + ".scored") >= static_cast<std::size_t>(s.posts); },
        "every post scored after membership change " + history.back(), 200ms))
        << all_logs();
    std::fprintf(stderr, "churn: %s, %d posts scored %lld ms after it\n", history.back().c_str(),
                 s.posts,
                 static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            WaitClock::now() - changed)
                                            .count()));
    ASSERT_EQ(waitpid(react, nullptr, WNOHANG), 0) << "react exited\n" << all_logs();
    // Pacing of the fault schedule (not a synchronisation: the wait above is).
    std::this_thread::sleep_until(period_end);
  }
  ASSERT_TRUE(wait_until(
      within(120s),
      [&] { return committed(*s.log, s.prefix + ".scored") >= static_cast<std::size_t>(s.posts); },
      "every post scored", 500ms))
      << all_logs();
  expect_aggregates_recount(s, kMinuteWindows, 120s);
  for (std::size_t i = live.size(); i-- > 0;) remove(i);
  ASSERT_EQ(kill(react, SIGTERM), 0);
  EXPECT_EQ(wait_for(react), 0) << slurp(s.dir + "/r.log");
  expect_exact(s);
  std::printf("churn: %d changes %s, %d posts\n", kChanges,
              ::testing::PrintToString(history).c_str(), s.posts);
}

}  // namespace
}  // namespace earshot::testing
