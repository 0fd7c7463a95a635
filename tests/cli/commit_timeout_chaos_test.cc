// A commit whose answer never comes (label `chaos`, issue #16). A loopback proxy
// (support/delay_proxy.h) sits between `earshot process` and a broker of the test's own
// ($EARSHOT_CHAOS_KAFKA_PORT, advertising the proxy, so every client connection goes through
// it). Twice, the proxy holds the broker's answer to an EndTxn request for 15 s: the broker has
// committed, but the client's commit (log.commit_timeout 2 s, 3 attempts) times out. librdkafka
// 2.0 lacks KIP-890, so the producer is destroyed and created again before the next transaction
// (logged "transactional producer recreated"), and the loop learns the outcome from the group's
// committed offsets (counted in its summary line). The output read with read_committed must be
// exact: every post scored once, every mention once — nothing lost, nothing doubled.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <string>

#include "tests/cli/support/chaos_rig.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/cli/support/delay_proxy.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

std::size_t committed(pipeline::log::Log& log, const std::string& topic) {
  return read_topic(log, topic, 0, 5s).size();
}

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(CommitTimeout, ProducerIsRecreatedAndTheOutputStaysExact) {
  const char* port = std::getenv("EARSHOT_CHAOS_KAFKA_PORT");
  ASSERT_TRUE(port != nullptr && *port != '\0')
      << "EARSHOT_CHAOS_KAFKA_PORT is not set (deploy/test.sh sets it)";
  KafkaDelayProxy proxy(std::atoi(port));
  const std::string via_proxy = "127.0.0.1:" + std::to_string(proxy.port());
  OwnBroker broker("EARSHOT_CHAOS_KAFKA_PORT", "", via_proxy);
  ASSERT_TRUE(broker.started()) << broker.script_log();
  ChaosScenario s = prepare_chaos("committimeout", 8000, via_proxy);
  {
    std::string config = slurp(s.config);
    const std::string at = "\n  partitions: 3\n";
    ASSERT_NE(config.find(at), std::string::npos) << config;
    config.replace(config.find(at), at.size(), at + "  commit_timeout: 2s\n");
    write_file(s.config, config);
  }
  const std::string plog = s.dir + "/p.log";
  // Armed before the start, the first commit is held; re-armed once the producer was
  // recreated, so is the next one.
  proxy.delay_next_end_txn(15s);
  pid_t process = spawn({"process", "--config", s.config, "--instance", "a"}, plog);
  ChildGuard guard{process};
  for (int round = 1; round <= 2; ++round) {
    ASSERT_TRUE(wait_until(
        within(90s), [&] { return proxy.delayed() == round; }, "an EndTxn answer held", 100ms))
        << "EndTxn requests seen: " << proxy.end_txn_seen() << "\n"
        << slurp(plog);
    // 3 attempts of 2 s each run out long before the 15 s hold ends.
    ASSERT_TRUE(wait_until(
        within(60s),
        [&] { return count_of(slurp(plog), "transactional producer recreated") >= round; },
        "the producer recreated after the commit timed out", 200ms))
        << slurp(plog);
    if (round == 1) proxy.delay_next_end_txn(15s);
  }
  ASSERT_TRUE(wait_until(
      within(180s),
      [&] { return committed(*s.log, s.prefix + ".scored") >= static_cast<std::size_t>(s.posts); },
      "every post scored", 1s))
      << slurp(plog);
  ASSERT_EQ(kill(process, SIGTERM), 0);
  EXPECT_EQ(wait_for(process), 0) << slurp(plog);
  const std::string text = slurp(plog);
  // Both held commits were committed by the broker: the loop read that back from the group's
  // offsets instead of redoing (or losing the state of) those batches.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      text, m, std::regex(R"((\d+) unknown commit\(s\), (\d+) of them committed)")))
      << text;
  EXPECT_EQ(std::stoi(m[1]), 2) << text;
  EXPECT_EQ(std::stoi(m[2]), 2) << text;
  EXPECT_GE(proxy.end_txn_seen(), 4);
  expect_exact(s);
}

}  // namespace
}  // namespace earshot::testing
