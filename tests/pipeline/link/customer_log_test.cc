// The `kafka` customer directory, on the embedded log: initial load, live updates, deletes.
#include "pipeline/link/customer_log.h"

#include <gtest/gtest.h>

#include <thread>

#include "pipeline/link/identity.h"
#include "pipeline/log/embedded/embedded_log.h"
#include "pipeline/process/enricher.h"

namespace earshot::pipeline::link {
namespace {

using namespace std::chrono_literals;

void put(log::Log& log, const std::string& key, const std::string& value) {
  auto p = std::move(*log.producer({}));
  ASSERT_TRUE(p->produce("crm.identities", key, value));
  ASSERT_TRUE(p->flush(5s));
}

Identity mastodon(const std::string& handle) {
  core::Author a;
  a.handle = handle;
  return identity_of("mastodon", a, "mastodon.example");
}

TEST(LogCustomerSource, LoadsFollowsAndForgets) {
  auto log = std::move(*log::embedded::EmbeddedLog::open("", 1));
  put(*log, "mastodon:@Jo@mastodon.example", R"({"customer_id":"C-1","tier":"vip","name":"Jo"})");
  put(*log, "no-platform", R"({"customer_id":"C-9"})");
  put(*log, "mastodon:@broken@mastodon.example", "not json");
  config::CustomerDirectoryDef def;
  def.type = "kafka";
  def.topic = "crm.identities";
  auto src = LogCustomerSource::start(*log, def);
  ASSERT_TRUE(src) << src.error().message;
  // Loaded before start() returns; the local form @jo matches the same canonical handle.
  auto jo = (*src)->find(mastodon("@jo"));
  ASSERT_TRUE(jo.customer);
  EXPECT_EQ(jo.customer->id, "C-1");
  EXPECT_EQ(jo.customer->tier, "vip");
  EXPECT_EQ(jo.customer->source, "kafka:crm.identities");
  EXPECT_EQ((*src)->bad_records(), 2u);
  EXPECT_FALSE((*src)->find(mastodon("@sam")).customer);

  put(*log, "mastodon:@sam@mastodon.example", R"({"id":"C-2","tier":"standard"})");
  put(*log, "mastodon:@jo@mastodon.example", "");  // deleted in the CRM
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline &&
         (!(*src)->find(mastodon("@sam")).customer || (*src)->find(mastodon("@jo")).customer)) {
    std::this_thread::sleep_for(20ms);
  }
  auto sam = (*src)->find(mastodon("@sam@mastodon.example"));
  ASSERT_TRUE(sam.customer);
  EXPECT_EQ(sam.customer->id, "C-2");
  EXPECT_FALSE((*src)->find(mastodon("@jo")).customer);
}

TEST(LogCustomerSource, ServesTheEnricherThroughConfig) {
  auto log = std::move(*log::embedded::EmbeddedLog::open("", 1));
  put(*log, "bluesky:jo.bsky.social", R"({"customer_id":"C-7","tier":"gold"})");
  auto config =
      config::parse_config("customers:\n  - {type: kafka, topic: crm.identities}\n", "t.yaml", "");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(process::Enricher::build(&*config, "vader", {})) << "a kafka directory needs a log";
  auto enricher = process::Enricher::build(&*config, "vader", {.log = log.get()});
  ASSERT_TRUE(enricher) << enricher.error().message;
  core::Post p;
  p.uid = "bluesky:did:plc:x:1";
  p.source = "bluesky";
  p.author.handle = "jo.bsky.social";
  p.text = "the app keeps crashing";
  core::ScoredPost s = (*enricher)->enrich(p);
  ASSERT_TRUE(s.customer);
  EXPECT_EQ(s.customer->id, "C-7");
}

}  // namespace
}  // namespace earshot::pipeline::link
