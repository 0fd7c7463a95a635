// `earshot ingest` on a real Apache Kafka broker (EARSHOT_TEST_BROKERS): posts and source
// cursors commit in one Kafka transaction, so kill -9 mid-stream and a restart leave every
// post in the posts topic exactly once (read_committed); a webhook-id committed before a
// kill -9 is still known after the restart.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/log/kafka/kafka_log.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/ingest/support/webhook_push.h"
#include "tests/support/kafka_env.h"
#include "tests/support/wait.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

std::string brokers() { return earshot::testing::test_brokers(); }

// A config on the broker with topics of its own ("<t>.posts", ...), and `sources` appended.
std::string kafka_config(const std::string& t, const std::string& sources) {
  std::string topics;
  for (const char* logical :
       {"posts", "scored", "mentions", "deadletter", "aggregates", "alerts", "replies"}) {
    topics += std::string(topics.empty() ? "" : ", ") + logical + ": " + t + "." + logical;
  }
  return "log:\n  kind: kafka\n  brokers: " + brokers() + "\n  partitions: 3\n  group: " + t +
         "\n  topics: {" + topics + "}\nsources:\n" + sources;
}

std::unique_ptr<pipeline::log::Log> open_kafka() {
  auto log = pipeline::log::kafka::KafkaLog::open(
      {.kind = "kafka", .brokers = brokers(), .path = "", .properties = {}, .partitions = 3});
  EXPECT_TRUE(log) << log.error().message;
  return log ? std::move(*log) : nullptr;
}

TEST(CliIngestKafka, KillNineMidStreamAndRestartNeitherLosesNorRepeats) {
  std::string dir = temp_dir("ingest-kafka");
  std::string t = "ik" + random_suffix();
  write_file(dir + "/posts.jsonl", make_posts(t, 400) + "{\"v\":1,\"oops\n");
  std::string cfg = dir + "/earshot.yaml";
  write_file(cfg, kafka_config(t, "  - {type: file, path: posts.jsonl, rate: 50}\n"));
  pid_t pid = spawn({"ingest", "--config", cfg}, dir + "/ingest.log");

  auto log = open_kafka();
  ASSERT_TRUE(log);
  // Watch the committed posts until a quarter is in, then kill the ingest process.
  std::size_t seen = 0;
  {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    std::unique_ptr<pipeline::log::Consumer> watch;
    ASSERT_TRUE(wait_until(
        deadline,
        [&] {  // the topic appears when ingest starts
          auto c = log->consumer({.group = "", .topics = {t + ".posts"}, .on_revoke = {}});
          if (c) watch = std::move(*c);
          return watch != nullptr;
        },
        "a consumer of " + t + ".posts", 100ms));
    while (seen < 100 && std::chrono::steady_clock::now() < deadline) {
      auto b = watch->poll(1000, 200ms);
      ASSERT_TRUE(b) << b.error().message;
      seen += b->size();
    }
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(wait_for(pid), -SIGKILL);
  EXPECT_GE(seen, 100u);
  EXPECT_LT(seen, 400u) << "the kill came too late to test a restart mid-stream";

  RunResult again = run({"ingest", "--config", cfg, "--exit-when-idle", "1"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto posts = read_topic(*log, t + ".posts", 400, 60s);
  std::set<std::string> uids;
  for (const auto& r : posts) {
    auto p = pipeline::codec::decode_post(r.value);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(r.key, p->uid);
    uids.insert(p->uid);
  }
  EXPECT_EQ(posts.size(), 400u) << "posts lost or repeated across the kill -9";
  EXPECT_EQ(uids.size(), 400u);
  auto dead = read_topic(*log, t + ".deadletter", 1, 30s);
  EXPECT_EQ(dead.size(), 1u) << "the malformed line is dead-lettered once";
}

TEST(CliIngestKafka, WebhookIdCommittedBeforeKillNineIsTakenOnce) {
  std::string dir = temp_dir("ingest-kafka-hook");
  std::string t = "ih" + random_suffix();
  int port = pick_free_port();
  std::string cfg = dir + "/earshot.yaml";
  write_file(cfg, kafka_config(t, "  - {type: webhook, listen: 127.0.0.1:" + std::to_string(port) +
                                      ", secret: " + kHookSecret + "}\n"));
  pid_t pid = spawn({"ingest", "--config", cfg}, dir + "/ingest.log");
  ASSERT_TRUE(wait_listening(port));
  HookAnswer first = push(port, "evt_k1", hook_post(t + "-1"));
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, R"({"accepted":1,"dead":0})");
  auto log = open_kafka();
  ASSERT_TRUE(log);
  // A 2xx means committed: the post is readable (read_committed) before anything else happens.
  auto before = read_topic(*log, t + ".posts", 1, 30s);
  ASSERT_EQ(before.size(), 1u);

  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(wait_for(pid), -SIGKILL);
  pid = spawn({"ingest", "--config", cfg}, dir + "/ingest.log");
  ASSERT_TRUE(wait_listening(port));
  HookAnswer retry = push(port, "evt_k1", hook_post(t + "-1"));
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.body, R"({"duplicate":true})");
  EXPECT_EQ(push(port, "evt_k2", hook_post(t + "-2")).status, 200);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(wait_for(pid), 0);

  auto posts = read_topic(*log, t + ".posts", 2, 30s);
  std::vector<std::string> uids;
  for (const auto& r : posts) uids.push_back(r.key);
  std::sort(uids.begin(), uids.end());
  EXPECT_EQ(uids, (std::vector<std::string>{"webhook:partner:" + t + "-1",
                                            "webhook:partner:" + t + "-2"}));
}

}  // namespace
}  // namespace earshot::testing
