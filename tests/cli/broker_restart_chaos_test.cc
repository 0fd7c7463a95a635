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
#include <map>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "tests/cli/support/chaos_rig.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

// The broker of this test: started on construction, stopped (and its data removed) on exit.
class OwnBroker {
 public:
  OwnBroker() {
    const char* p = std::getenv("EARSHOT_CHAOS_KAFKA_PORT");
    if (p == nullptr || *p == '\0') {
      ADD_FAILURE() << "EARSHOT_CHAOS_KAFKA_PORT is not set: the broker-restart test runs a "
                       "broker of its own on that port (deploy/test.sh sets it)";
      std::abort();
    }
    port_ = p;
    state_ = temp_dir("kafka-state");
    brokers_ = "127.0.0.1:" + port_;
    start_ok_ = script("start.sh");
  }
  ~OwnBroker() {
    setenv("EARSHOT_KAFKA_KEEP_DATA", "0", 1);
    script("stop.sh");
    unsetenv("EARSHOT_KAFKA_KEEP_DATA");
  }
  bool started() const { return start_ok_; }
  const std::string& brokers() const { return brokers_; }
  // Stops the broker, keeping its data, and starts it again after `down`.
  bool restart(std::chrono::seconds down) {
    setenv("EARSHOT_KAFKA_KEEP_DATA", "1", 1);
    bool ok = script("stop.sh");
    std::this_thread::sleep_for(down);
    ok = ok && script("start.sh");
    unsetenv("EARSHOT_KAFKA_KEEP_DATA");
    return ok;
  }

 private:
  bool script(const char* name) {
    std::string cmd = "EARSHOT_KAFKA_STATE='" + state_ + "' '" + source_dir() + "/deploy/kafka/" +
                      name + "' " + port_ + " >>'" + state_ + "/script.log' 2>&1";
    return std::system(cmd.c_str()) == 0;
  }
  std::string port_, state_, brokers_;
  bool start_ok_ = false;
};

// Committed records in `topic` now (read_committed, from the beginning).
std::size_t committed(pipeline::log::Log& log, const std::string& topic) {
  return read_topic(log, topic, 0, 5s).size();
}

TEST(BrokerRestart, ProcessAndReactResumeExactly) {
  OwnBroker broker;
  ASSERT_TRUE(broker.started());
  ChaosScenario s =
      prepare_chaos("restart", 30000, broker.brokers(),
                    "windows: {sizes: [1h], allowed_lateness: 12h, idle_close: 5s}\n");
  pid_t process = spawn({"process", "--config", s.config, "--instance", "a"}, s.dir + "/p.log");
  pid_t react = spawn({"react", "--config", s.config, "--instance", "a"}, s.dir + "/r.log");
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
  // Mentions (exact, checked below) against the aggregates react made of them: the last
  // version of each (entity, 1h window) sums to the batch count of that entity's mentions.
  std::map<std::string, long> expected;
  for (const auto& r : read_topic(*s.log, s.prefix + ".mentions", 24000)) {
    auto m = pipeline::codec::decode_mention(r.value);
    ASSERT_TRUE(m) << m.error().message;
    ++expected[m->entity];
  }
  std::map<std::string, long> got;
  ASSERT_TRUE(wait_until(
      within(180s),
      [&] {
        std::map<std::string, pipeline::core::Aggregate> last;
        for (const auto& r : read_topic(*s.log, s.prefix + ".aggregates", 0, 5s)) {
          auto a = pipeline::codec::decode_aggregate(r.value);
          if (!a) continue;  // reported below if the totals never match
          auto& slot = last[a->entity + "|" + a->window_start];
          if (a->version >= slot.version || slot.entity.empty()) slot = *a;
        }
        got.clear();
        for (const auto& [key, a] : last) got[a.entity] += a.volume;
        return got == expected;
      },
      "aggregates equal to the batch count of mentions", 1s))
      << "aggregates: acme-air " << got["acme-air"] << ", globex " << got["globex"]
      << "; mentions: acme-air " << expected["acme-air"] << ", globex " << expected["globex"];
  kill(process, SIGTERM);
  kill(react, SIGTERM);
  EXPECT_EQ(wait_for(process), 0) << slurp(s.dir + "/p.log");
  EXPECT_EQ(wait_for(react), 0) << slurp(s.dir + "/r.log");
  expect_exact(s);
}

}  // namespace
}  // namespace earshot::testing
