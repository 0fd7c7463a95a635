// `earshot process` on a real Apache Kafka broker (EARSHOT_TEST_BROKERS): exact totals with
// malformed input, after kill -9 and restart, and with two instances when one is killed.
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdlib>
#include <set>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/log/kafka/kafka_log.h"
#include "pipeline/process/dedup_changelog.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/kafka_env.h"

namespace earshot::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kValid = 100000;
constexpr int kMalformed = 200;

std::string brokers() { return earshot::testing::test_brokers(); }

struct Scenario {
  std::string dir, config, posts, prefix;
  std::unique_ptr<pipeline::log::Log> log;
};

std::string malformed(int i) {
  switch (i % 5) {
    case 0:
      return "{\"v\":1,\"uid\":\"bad-" + std::to_string(i) + "\",\"source\":\"file\",";  // cut off
    case 1:
      return R"({"v":1,"uid":"bad-)" + std::to_string(i) +
             R"(","source":"file","created_at":"2026-13-01T00:00:00Z","author":{"id":"x"},"text":"t"})";
    case 2:
      return R"({"v":1,"source":"file","created_at":"2026-11-01T00:00:00Z","author":{"id":"x"},"text":"no uid"})";
    case 3:
      return R"({"v":1,"uid":"bad-)" + std::to_string(i) +
             R"(","uid":"again","source":"file","created_at":"2026-11-01T00:00:00Z","author":{"id":"x"},"text":"t"})";
    default:
      return R"({"v":1,"uid":"bad-)" + std::to_string(i) +
             R"(","source":"file","created_at":"2026-11-01T00:00:00Z","author":{"id":"x"},"text":"\ud800"})";
  }
}

Scenario prepare(const std::string& name) {
  Scenario s;
  s.dir = temp_dir(name);
  std::string t = "t" + random_suffix();
  s.prefix = t;
  s.config = s.dir + "/earshot.yaml";
  std::string topics;
  for (const char* logical :
       {"posts", "scored", "mentions", "deadletter", "aggregates", "alerts", "replies"}) {
    topics += std::string(topics.empty() ? "" : ", ") + logical + ": " + t + "." + logical;
  }
  write_file(s.config,
             "log:\n  kind: kafka\n  brokers: " + brokers() + "\n  partitions: 3\n  group: " + t +
                 "\n  topics: {" + topics +
                 "}\n"
                 "entities:\n"
                 "  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\"]}\n"
                 "  - {id: globex, name: Globex, kind: company, aliases: [\"Globex\"]}\n"
                 "process: {threads: 2, batch_size: 1000}\n");
  std::string valid = make_posts(t, kValid);
  std::string all;
  all.reserve(valid.size() + kMalformed * 200);
  int line = 0, bad = 0;
  for (std::size_t pos = 0; pos < valid.size();) {
    std::size_t nl = valid.find('\n', pos);
    all.append(valid, pos, nl + 1 - pos);
    pos = nl + 1;
    if (++line % (kValid / kMalformed) == 0 && bad < kMalformed) all += malformed(bad++) + "\n";
  }
  s.posts = s.dir + "/posts.jsonl";
  write_file(s.posts, all);
  auto log = pipeline::log::kafka::KafkaLog::open(
      {.kind = "kafka", .brokers = brokers(), .path = "", .properties = {}, .partitions = 3});
  EXPECT_TRUE(log);
  s.log = std::move(*log);
  RunResult r = run({"replay", "--config", s.config, "--file", s.posts});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return s;
}

void expect_exact(Scenario& s) {
  auto scored = read_topic(*s.log, s.prefix + ".scored", kValid);
  std::set<std::string> uids;
  for (const auto& r : scored) {
    auto p = pipeline::codec::decode_scored(r.value);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(r.key, p->post.uid);
    uids.insert(p->post.uid);
  }
  EXPECT_EQ(scored.size(), static_cast<std::size_t>(kValid))
      << "scored records (duplicates or losses)";
  EXPECT_EQ(uids.size(), static_cast<std::size_t>(kValid)) << "distinct uids";
  // The dedup changelog: batch records (one per input partition per batch, not one per
  // post) whose entries name every valid post exactly once.
  auto changelog = read_topic(*s.log, s.prefix + ".posts.dedup", 1);
  EXPECT_LT(changelog.size(), static_cast<std::size_t>(kValid / 100))
      << "changelog records are batched";
  std::size_t entries = 0;
  std::set<std::string> remembered;
  for (const auto& r : changelog) {
    pipeline::process::dedup_changelog::Batch b;
    ASSERT_TRUE(pipeline::process::dedup_changelog::decode(r.value, b))
        << "changelog record " << r.key;
    entries += b.entries.size();
    for (const auto& e : b.entries) remembered.emplace(e.uid);
  }
  EXPECT_EQ(entries, static_cast<std::size_t>(kValid)) << "changelog entries";
  EXPECT_EQ(remembered, uids) << "changelog uids";
  auto dead = read_topic(*s.log, s.prefix + ".deadletter", kMalformed);
  EXPECT_EQ(dead.size(), static_cast<std::size_t>(kMalformed));
  for (const auto& r : dead) {
    auto d = pipeline::codec::decode_deadletter(r.value);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_FALSE(d->reason.empty());
    EXPECT_EQ(d->topic, s.prefix + ".posts");
    EXPECT_GE(d->offset, 0);
  }
}

// Waits until `topic` holds at least `n` committed records.
void wait_for_progress(pipeline::log::Log& log, const std::string& topic, std::size_t n) {
  auto reader = log.consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  ASSERT_TRUE(reader);
  std::size_t seen = 0;
  auto deadline = std::chrono::steady_clock::now() + 240s;
  while (seen < n && std::chrono::steady_clock::now() < deadline) {
    auto b = (*reader)->poll(10000, 200ms);
    ASSERT_TRUE(b);
    seen += b->size();
  }
  ASSERT_GE(seen, n) << "no progress on " << topic;
}

TEST(ProcessKafka, ExactlyOnceWithMalformedInput) {
  Scenario s = prepare("exact");
  RunResult r = run({"process", "--config", s.config, "--exit-when-idle", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_exact(s);
  auto mentions = read_topic(*s.log, s.prefix + ".mentions", 1);
  EXPECT_GT(mentions.size(), static_cast<std::size_t>(kValid / 2)) << "entities were linked";
}

TEST(ProcessKafka, KillNineMidRunAndRestart) {
  Scenario s = prepare("kill");
  pid_t pid = spawn({"process", "--config", s.config, "--instance", "a"}, s.dir + "/a.log");
  wait_for_progress(*s.log, s.prefix + ".scored", 20000);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(wait_for(pid), -SIGKILL);
  RunResult r = run({"process", "--config", s.config, "--instance", "a", "--exit-when-idle", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_exact(s);
}

TEST(ProcessKafka, TwoInstancesOneKilled) {
  Scenario s = prepare("pair");
  pid_t a = spawn({"process", "--config", s.config, "--instance", "a"}, s.dir + "/a.log");
  pid_t b = spawn({"process", "--config", s.config, "--instance", "b"}, s.dir + "/b.log");
  wait_for_progress(*s.log, s.prefix + ".scored", 15000);
  ASSERT_EQ(kill(a, SIGKILL), 0);
  ASSERT_EQ(wait_for(a), -SIGKILL);
  // b takes over a's partitions once the group notices a is gone (session timeout), and
  // finishes them; then SIGTERM must stop it cleanly, never half-committing a batch.
  wait_for_progress(*s.log, s.prefix + ".scored", kValid);
  ASSERT_EQ(kill(b, SIGTERM), 0);
  EXPECT_EQ(wait_for(b), 0) << "instance b did not stop cleanly on SIGTERM";
  expect_exact(s);
}

}  // namespace
}  // namespace earshot::testing
