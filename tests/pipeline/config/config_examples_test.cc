// The shipped example configs (deploy/examples/*.yaml) load with no environment set, and
// the demo data they point at exists.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "pipeline/codec/json_codec.h"
#include "pipeline/config/config.h"
#include "tests/support/source_dir.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::Contains;
using ::testing::Field;
namespace fs = std::filesystem;

Config load_example(const std::string& name) {
  // Examples must work as shipped: every ${VAR} they use has a default.
  for (const char* var : {"ALERT_WEBHOOK_SECRET", "ACME_MASTODON_TOKEN", "EARSHOT_API_TOKEN",
                          "KAFKA_BROKERS", "MASTODON_TOKEN", "WEBHOOK_SECRET"}) {
    ::unsetenv(var);
  }
  core::Result<Config> r =
      load_config(earshot::testing::source_path("deploy/examples/").string() + name);
  EXPECT_TRUE(r.has_value()) << name << ":\n" << (r ? "" : r.error().message);
  return r ? *r : Config{};
}

TEST(ConfigExamples, EmbeddedRunsTheDemoFromItsOwnFolder) {
  Config c = load_example("embedded.yaml");
  EXPECT_EQ(c.log.kind, LogKind::embedded);
  EXPECT_EQ(c.log.path, "");  // in memory
  ASSERT_EQ(c.sources.size(), 1u);
  EXPECT_EQ(c.sources[0].type, "file");
  EXPECT_TRUE(fs::exists(c.sources[0].path)) << c.sources[0].path;
  ASSERT_EQ(c.customers.size(), 1u);
  EXPECT_TRUE(fs::exists(c.customers[0].path)) << c.customers[0].path;
  EXPECT_GE(c.entities.size(), 4u);
  EXPECT_THAT(c.entities, Contains(Field(&EntityDef::id, "orbit")));
  EXPECT_EQ(c.sinks[0].url, "http://127.0.0.1:9999/hook");
  EXPECT_EQ(c.sinks[0].secret, "demo-secret");
  EXPECT_EQ(c.replies.mode, ReplyMode::approval);
  EXPECT_TRUE(c.api.tokens.empty());
}

TEST(ConfigExamples, AmbiguousEntityHasContextRules) {
  Config c = load_example("embedded.yaml");
  auto orbit = std::find_if(c.entities.begin(), c.entities.end(),
                            [](const EntityDef& e) { return e.id == "orbit"; });
  ASSERT_NE(orbit, c.entities.end());
  EXPECT_FALSE(orbit->require_any.empty());
  EXPECT_FALSE(orbit->exclude.empty());
  auto app = std::find_if(c.entities.begin(), c.entities.end(),
                          [](const EntityDef& e) { return e.kind == core::EntityKind::product; });
  ASSERT_NE(app, c.entities.end());
  EXPECT_TRUE(app->parent.has_value());
}

TEST(ConfigExamples, KafkaAndMultiInstanceUseABroker) {
  Config single = load_example("kafka.yaml");
  EXPECT_EQ(single.log.kind, LogKind::kafka);
  EXPECT_EQ(single.log.brokers, "127.0.0.1:9092");
  EXPECT_EQ(single.log.partitions, 3);
  // Reachable from other hosts: its API token is required, not defaulted.
  ::setenv("EARSHOT_API_TOKEN", "multi-instance-token-0123", 1);
  core::Result<Config> open_api =
      load_config(earshot::testing::source_path("deploy/examples/multi-instance.yaml").string());
  ::unsetenv("EARSHOT_API_TOKEN");
  ASSERT_TRUE(open_api.has_value()) << open_api.error().message;
  ASSERT_EQ(open_api->api.tokens.size(), 1u);
  EXPECT_EQ(open_api->api.tokens[0].owner, "support-lead");
  core::Result<Config> unset =
      load_config(earshot::testing::source_path("deploy/examples/multi-instance.yaml").string());
  ASSERT_FALSE(unset.has_value());
  EXPECT_THAT(unset.error().message, ::testing::HasSubstr("EARSHOT_API_TOKEN is not set"));
  Config multi = *open_api;
  EXPECT_EQ(multi.log.kind, LogKind::kafka);
  EXPECT_EQ(multi.log.brokers, "127.0.0.1:9092");
  EXPECT_EQ(multi.log.partitions, 6);
  EXPECT_EQ(multi.process.max_inflight_bytes, 256u << 20);
  EXPECT_EQ(multi.customers.size(), 2u);
}

TEST(ConfigExamples, PublicSourcesNameRealEndpoints) {
  Config c = load_example("public-sources.yaml");
  std::vector<std::string> types;
  for (const SourceDef& s : c.sources) types.push_back(s.type);
  for (const char* t : {"mastodon", "jetstream", "reddit", "hackernews", "rss"}) {
    EXPECT_THAT(types, Contains(std::string(t)));
  }
  for (const SourceDef& s : c.sources) {
    if (s.type == "reddit") {
      EXPECT_EQ(s.subreddit, "technology");
      EXPECT_FALSE(s.client_id.has_value());  // "${REDDIT_CLIENT_ID:-}" unset = anonymous
    }
    if (s.type == "mastodon") {
      EXPECT_FALSE(s.token.has_value());
    }
  }
  EXPECT_EQ(c.replies.mode, ReplyMode::off);
  EXPECT_EQ(c.log.path, earshot::testing::source_path("deploy/examples/earshot-public.db")
                            .lexically_normal()
                            .string());
}

TEST(ConfigExamples, CustomersCsvHasTheDocumentedHeader) {
  std::ifstream in(earshot::testing::source_path("deploy/examples/customers.csv").string());
  std::string header;
  ASSERT_TRUE(std::getline(in, header));
  EXPECT_EQ(header, "platform,handle,customer_id,tier,name,url");  // url: {case_url}
  int vip = 0;
  for (std::string line; std::getline(in, line);) vip += line.find(",vip,") != std::string::npos;
  EXPECT_GE(vip, 1);
}

// deploy/demo/README.md documents these numbers.
TEST(DemoSamples, FiveHundredPostsThenTheMalformedLines) {
  std::ifstream in(earshot::testing::source_path("deploy/demo/sample_posts.jsonl").string());
  ASSERT_TRUE(in.good());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 505u);
  std::set<std::string> uids;
  int outage_minute = 0;
  for (std::size_t i = 0; i < 500; ++i) {
    core::Result<core::Post> p = codec::decode_post(lines[i]);
    ASSERT_TRUE(p.has_value()) << "line " << i + 1 << ": " << p.error().message;
    uids.insert(p->uid);
    outage_minute += p->created_at.starts_with("2026-11-23T10:30");
  }
  EXPECT_EQ(uids.size(), 498u);  // two posts are delivered twice (a re-ingest)
  EXPECT_GE(outage_minute, 55);
  for (std::size_t i = 500; i < lines.size(); ++i) {
    EXPECT_FALSE(codec::decode_post(lines[i]).has_value())
        << "line " << i + 1 << " should be refused";
  }
}

}  // namespace
}  // namespace earshot::pipeline::config
