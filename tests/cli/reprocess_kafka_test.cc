// `earshot reprocess` (issue 17) on a real Apache Kafka broker (EARSHOT_TEST_BROKERS): the
// range re-scored with vader into versioned topics through Kafka transactions, the alerts
// and replies topics untouched, and a second run that adds nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/kafka_env.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

std::string posts(const std::string& prefix) {
  static const char* kTexts[] = {
      "Not bad at all Acme Air",
      "Acme Air lost my bag again, three hours at the carousel and nobody answers",
      "Globex support fixed my router in ten minutes, impressed",
  };
  std::string out;
  for (int i = 0; i < 240; ++i) {
    char ts[32];
    std::snprintf(ts, sizeof ts, "2026-11-23T10:%02d:%02dZ", i / 60, i % 60);
    out += R"({"v":1,"uid":")" + prefix + "-" + std::to_string(i) +
           R"(","source":"file","url":"https://example.test/p","created_at":")" + ts +
           R"(","author":{"id":"u)" + std::to_string(i % 7) + R"("},"text":")" + kTexts[i % 3] +
           R"(","tags":[],"mentions":[]})" + "\n";
  }
  return out;
}

TEST(ReprocessKafka, RangeRescoredExactlyOnceIntoVersionedTopicsWithAlertsMuted) {
  std::string dir = temp_dir("reprocess-kafka");
  std::string t = "t" + random_suffix();
  std::string topics;
  for (const char* logical :
       {"posts", "scored", "mentions", "deadletter", "aggregates", "alerts", "replies"}) {
    topics += std::string(topics.empty() ? "" : ", ") + logical + ": " + t + "." + logical;
  }
  std::string cfg = dir + "/earshot.yaml";
  write_file(cfg, "log:\n  kind: kafka\n  brokers: " + test_brokers() +
                      "\n  partitions: 3\n  group: " + t + "\n  topics: {" + topics +
                      "}\n"
                      "entities:\n"
                      "  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\"]}\n"
                      "  - {id: globex, name: Globex, kind: company, aliases: [\"Globex\"]}\n"
                      "alerts:\n"
                      "  - {name: bags, kind: keyword, pattern: '(?i)\\bbag\\b', entity: \"*\",\n"
                      "     min_count: 3, window: 1m, severity: warning}\n");
  write_file(dir + "/posts.jsonl", posts(t));
  ASSERT_EQ(run({"replay", "--config", cfg, "--file", dir + "/posts.jsonl"}).exit_code, 0);
  RunResult process = run({"process", "--config", cfg, "--exit-when-idle", "2"});
  ASSERT_EQ(process.exit_code, 0) << process.err;

  const std::vector<std::string> args = {"reprocess", "--config", cfg,
                                         "--from", "2026-11-23T10:01:00Z",
                                         "--to", "2026-11-23T10:03:00Z",
                                         "--model", "vader", "--version", "vk"};
  RunResult first = run(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  RunResult second = run(args);
  ASSERT_EQ(second.exit_code, 0) << second.err;

  auto log = pipeline::log::open_log({.kind = "kafka", .brokers = test_brokers()});
  ASSERT_TRUE(log) << log.error().message;
  auto scored = read_topic(**log, t + ".scored.v.vk", 120, 60s);
  EXPECT_EQ(scored.size(), 120u) << "each post of [10:01, 10:03) once, across two runs";
  for (const auto& r : scored) {
    auto s = pipeline::codec::decode_scored(r.value);
    ASSERT_TRUE(s) << r.value;
    EXPECT_GE(s->post.created_at, "2026-11-23T10:01:00Z");
    EXPECT_LT(s->post.created_at, "2026-11-23T10:03:00Z");
    EXPECT_EQ(s->sentiment.model.rfind("vader", 0), 0u);
  }
  auto mentions = read_topic(**log, t + ".mentions.v.vk", 120, 60s);
  EXPECT_EQ(mentions.size(), 120u);
  for (const auto& r : mentions) EXPECT_EQ(pipeline::codec::decode_mention(r.value)->model_version, "vk");
  auto aggregates = read_topic(**log, t + ".aggregates.v.vk", 1, 60s);
  EXPECT_FALSE(aggregates.empty());
  for (const auto& r : aggregates)
    EXPECT_EQ(pipeline::codec::decode_aggregate(r.value)->model_version, "vk");
  EXPECT_FALSE(read_topic(**log, t + ".alerts.v.vk", 1, 60s).empty()) << "the bag rule judged";
  EXPECT_TRUE(read_topic(**log, t + ".alerts", 0, 10s).empty()) << "alert delivery is muted";
  EXPECT_TRUE(read_topic(**log, t + ".replies", 0, 10s).empty());
  EXPECT_EQ(read_topic(**log, t + ".scored", 240, 60s).size(), 240u) << "live outputs as they were";
  auto manifests = read_topic(**log, t + ".versions", 4, 60s);
  ASSERT_EQ(manifests.size(), 4u);  // running + complete, twice
  auto last = nlohmann::json::parse(manifests.back().value);
  EXPECT_EQ(last["state"], "complete");
  EXPECT_EQ(last["counts"]["selected"], 120);
}

}  // namespace
}  // namespace earshot::testing
