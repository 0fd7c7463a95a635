// Model versions on the read side (issue 17, sinks/model_versions.h): the manifest codec,
// the versions found on the versions topic and followed, `?version=` and the compare route
// (sinks/api_versions.cc), on the embedded log in memory.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "sinks/api.h"
#include "sinks/api_v1.h"
#include "sinks/model_versions.h"
#include "sinks/post_store.h"
#include "tests/support/wait.h"

namespace earshot::sinks {
namespace {

using nlohmann::json;
using pipeline::core::ScoredPost;
using testing::wait_until;
using testing::within;

ScoredPost post(const std::string& uid, const std::string& at, sentiment::Label toward_acme,
                const std::string& model) {
  ScoredPost p;
  p.post.uid = uid;
  p.post.source = "file";
  p.post.created_at = at;
  p.post.url = "https://example.test/" + uid;
  p.post.author.id = "a-" + uid;
  p.post.text = "text of " + uid;
  p.sentiment = {toward_acme, 0.0f, {}, model};
  pipeline::core::EntityMention m;
  m.id = "acme-air";
  m.sentiment = {toward_acme, toward_acme == sentiment::Label::negative ? -0.5f : 0.5f, {}, model};
  p.entities.push_back(m);
  return p;
}

pipeline::core::Aggregate window(const std::string& start, std::int64_t negative,
                                 std::int64_t positive) {
  pipeline::core::Aggregate a;
  a.entity = "acme-air";
  a.window_size = "1h";
  a.window_start = start;
  a.window_end = start.substr(0, 11) + std::to_string(std::stoi(start.substr(11, 2)) + 1) +
                 start.substr(13);
  a.negative = negative;
  a.positive = positive;
  a.volume = negative + positive;
  return a;
}

VersionManifest manifest() {
  VersionManifest m;
  m.version = "vader-1";
  m.model = "vader";
  m.model_id = "vader-3.3.2";
  m.from = "2026-11-23T10:00:00.000Z";
  m.to = "2026-11-23T12:00:00.000Z";
  m.state = "complete";
  m.selected = 3;
  m.scored_topic = "scored.v.vader-1";
  m.mentions_topic = "mentions.v.vader-1";
  m.aggregates_topic = "aggregates.v.vader-1";
  m.alerts_topic = "alerts.v.vader-1";
  m.deadletter_topic = "deadletter.v.vader-1";
  return m;
}

TEST(ModelVersions, ManifestRoundTripsAndBadOnesAreRefused) {
  VersionManifest m = manifest();
  auto back = decode_manifest(encode_manifest(m));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, m);
  EXPECT_FALSE(decode_manifest("not json"));
  EXPECT_FALSE(decode_manifest(R"({"version":"a/b","model":"x","from":"","to":"","state":""})"));
  EXPECT_TRUE(valid_version_name("vader-1f3a9c2e"));
  EXPECT_FALSE(valid_version_name("live"));
  EXPECT_FALSE(valid_version_name(""));
  EXPECT_FALSE(valid_version_name(std::string(65, 'a')));
  EXPECT_EQ(versioned_topic("earshot.scored", "v1"), "earshot.scored.v.v1");
}

struct Rig {
  Rig() {
    auto l = pipeline::log::open_log({.kind = "embedded"});
    if (!l) throw std::runtime_error(l.error().message);
    log = std::move(*l);
    VersionManifest m = manifest();
    auto st = log->create_topics({{m.scored_topic, 1, false},
                                  {m.aggregates_topic, 1, true},
                                  {m.alerts_topic, 1, false},
                                  {"versions", 1, true}});
    if (!st) throw std::runtime_error(st.error().message);
    auto p = log->producer({});
    if (!p) throw std::runtime_error(p.error().message);
    writer = std::move(*p);
  }
  ServerResponse call(const std::string& path, std::map<std::string, std::string> query) {
    for (auto& r : api_v1_routes(api)) {
      if (r.method == "GET" && r.path == path) {
        ServerRequest req;
        req.method = "GET";
        req.path = path;
        req.query = std::move(query);
        return r.handler(req);
      }
    }
    return ServerResponse::error(599, "no route");
  }
  std::unique_ptr<pipeline::log::Log> log;
  std::unique_ptr<pipeline::log::Producer> writer;
  ApiStore live_store{std::vector<pipeline::config::EntityDef>{}};
  PostStore live_posts;
  std::unique_ptr<ModelVersions> versions;
  ApiV1 api;
};

TEST(ModelVersions, ServesAVersionFoundOnTheTopicAndComparesItWithLive) {
  Rig rig;
  using sentiment::Label;
  // Live (the default model): three negative posts, one outside the version's range.
  rig.live_posts.apply_scored(post("p1", "2026-11-23T10:10:00Z", Label::negative, "lr"));
  rig.live_posts.apply_scored(post("p2", "2026-11-23T10:20:00Z", Label::negative, "lr"));
  rig.live_posts.apply_scored(post("p3", "2026-11-23T11:30:00Z", Label::negative, "lr"));
  rig.live_posts.apply_scored(post("p9", "2026-11-23T13:00:00Z", Label::negative, "lr"));
  rig.live_store.apply_aggregate(window("2026-11-23T09:00:00.000Z", 5, 0));  // before the range
  rig.live_store.apply_aggregate(window("2026-11-23T10:00:00.000Z", 2, 0));
  rig.live_store.apply_aggregate(window("2026-11-23T11:00:00.000Z", 1, 0));
  // The version (vader): p2 and p3 turned positive.
  VersionManifest m = manifest();
  auto put = [&](const std::string& topic, const std::string& key, const std::string& value) {
    ASSERT_TRUE(rig.writer->produce(topic, key, value));
  };
  put(m.scored_topic, "p1", pipeline::codec::encode(post("p1", "2026-11-23T10:10:00Z",
                                                         Label::negative, "vader")));
  put(m.scored_topic, "p2", pipeline::codec::encode(post("p2", "2026-11-23T10:20:00Z",
                                                         Label::positive, "vader")));
  put(m.scored_topic, "p3", pipeline::codec::encode(post("p3", "2026-11-23T11:30:00Z",
                                                         Label::positive, "vader")));
  auto a10 = window("2026-11-23T10:00:00.000Z", 1, 1);
  a10.model_version = m.version;
  put(m.aggregates_topic, "acme-air|1h|10", pipeline::codec::encode(a10));
  put(m.aggregates_topic, "acme-air|1h|11",
      pipeline::codec::encode(window("2026-11-23T11:00:00.000Z", 0, 1)));
  put("versions", m.version, "not a manifest");  // ignored, never a crash
  put("versions", m.version, encode_manifest(m));
  ASSERT_TRUE(rig.writer->flush(std::chrono::seconds(10)));

  rig.versions = std::make_unique<ModelVersions>(*rig.log, std::vector<pipeline::config::EntityDef>{},
                                                 "versions");
  rig.api = {.store = &rig.live_store,
             .posts = &rig.live_posts,
             .versions = rig.versions.get(),
             .live_model = "default"};
  ASSERT_TRUE(rig.versions->start());
  ASSERT_TRUE(wait_until(within(std::chrono::seconds(30)), [&] {
    const PostStore* p = rig.versions->posts("vader-1");
    return p != nullptr && p->size() == 3 && rig.versions->store("vader-1")->aggregates_applied() == 2;
  }, "the version's topics followed"))
      << rig.versions->size() << " version(s); posts: "
      << (rig.versions->posts("vader-1") ? rig.versions->posts("vader-1")->size() : 0) << " ("
      << (rig.versions->posts("vader-1") ? rig.versions->posts("vader-1")->bad_records() : 0)
      << " bad)";

  json list = json::parse(rig.call("/api/v1/versions", {}).body)["versions"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["version"], "live");
  EXPECT_EQ(list[0]["model"], "default");
  EXPECT_EQ(list[1]["version"], "vader-1");
  EXPECT_EQ(list[1]["model_id"], "vader-3.3.2");
  EXPECT_EQ(list[1]["counts"]["selected"], 3);

  ServerResponse c = rig.call("/api/v1/compare", {{"entity", "acme-air"}, {"b", "vader-1"}});
  ASSERT_EQ(c.status, 200) << c.body;
  json j = json::parse(c.body);
  EXPECT_EQ(j["a"]["version"], "live");
  EXPECT_EQ(j["b"]["model"], "vader");
  ASSERT_EQ(j["windows"].size(), 2u) << "only the windows of the version's range";
  EXPECT_EQ(j["windows"][0]["start"], "2026-11-23T10:00:00.000Z");
  EXPECT_EQ(j["windows"][0]["a"]["negative_share"], 1.0);
  EXPECT_EQ(j["windows"][0]["b"]["negative_share"], 0.5);
  EXPECT_EQ(j["compared"], 3);
  EXPECT_EQ(j["changed_total"], 2);
  EXPECT_EQ(j["transitions"]["negative->positive"], 2);
  ASSERT_EQ(j["changed"].size(), 2u);
  EXPECT_EQ(j["changed"][0]["uid"], "p3");  // newest first
  EXPECT_EQ(j["changed"][0]["a"]["label"], "negative");
  EXPECT_EQ(j["changed"][0]["b"]["label"], "positive");
  EXPECT_EQ(j["changed"][0]["b"]["model"], "vader");
  EXPECT_EQ(rig.call("/api/v1/compare", {{"entity", "acme-air"}, {"b", "vader-1"}, {"limit", "1"}})
                .body.find("\"p2\""),
            std::string::npos);

  // ?version= on posts and aggregates; unknown versions and missing arguments.
  json page = json::parse(
      rig.call("/api/v1/posts", {{"version", "vader-1"}, {"label", "positive"}, {"entity", "acme-air"}})
          .body);
  EXPECT_EQ(page["total"], 2);
  json live_page = json::parse(rig.call("/api/v1/posts", {{"label", "positive"}}).body);
  EXPECT_EQ(live_page["total"], 0);
  json series = json::parse(
      rig.call("/api/v1/aggregates", {{"entity", "acme-air"}, {"window", "1h"}, {"version", "vader-1"}})
          .body);
  EXPECT_EQ(series["points"].size(), 2u);
  EXPECT_EQ(rig.call("/api/v1/posts", {{"version", "nope"}}).status, 404);
  EXPECT_EQ(rig.call("/api/v1/aggregates", {{"entity", "acme-air"}, {"version", "nope"}}).status, 404);
  EXPECT_EQ(rig.call("/api/v1/compare", {{"entity", "acme-air"}, {"b", "nope"}}).status, 404);
  EXPECT_EQ(rig.call("/api/v1/compare", {{"entity", "acme-air"}}).status, 400);
  EXPECT_EQ(rig.call("/api/v1/compare", {{"b", "vader-1"}}).status, 400);
  EXPECT_EQ(rig.call("/api/v1/compare", {{"entity", "acme-air"}, {"b", "vader-1"}, {"limit", "x"}})
                .status,
            400);

  // A tombstone for the version's key hides it.
  rig.versions->apply_record({.topic = "versions", .key = "vader-1", .value = ""});
  EXPECT_EQ(rig.call("/api/v1/compare", {{"entity", "acme-air"}, {"b", "vader-1"}}).status, 404);
  EXPECT_EQ(json::parse(rig.call("/api/v1/versions", {}).body)["versions"].size(), 1u);
}

}  // namespace
}  // namespace earshot::sinks
