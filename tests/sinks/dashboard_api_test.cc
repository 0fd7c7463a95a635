// Tests for the dashboard's API: sinks/post_store.h (filters, sort, pagination, bound),
// sinks/alert_states.h (acknowledgements written to the log and read back by a new
// follower, as after a `serve` restart) and the /api/v1 routes of sinks/api_v1.h, driven
// through HttpServer::dispatch (routing, scopes and principal included).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "pipeline/codec/json_codec.h"
#include "sinks/alert_states.h"
#include "sinks/api.h"
#include "sinks/api_v1.h"
#include "sinks/http_server.h"
#include "sinks/post_store.h"
#include "sinks/reply_api.h"
#include "tests/support/wait.h"

namespace earshot::sinks {
namespace {

using nlohmann::json;
using pipeline::core::ScoredPost;
using testing::wait_until;
using testing::within;

ScoredPost scored(const std::string& uid, int minute, float score, const std::string& text,
                  const std::string& entity = "acme-air", float toward = -2) {
  ScoredPost p;
  p.post.uid = uid;
  p.post.source = minute % 2 ? "mastodon" : "reddit";
  p.post.url = "https://example.test/" + uid;
  char at[32];
  std::snprintf(at, sizeof at, "2026-01-01T10:%02d:00Z", minute);
  p.post.created_at = at;
  p.post.author = {.id = "a-" + uid, .handle = "@h" + uid, .name = "Name " + uid};
  p.post.text = text;
  p.post.lang = "en";
  auto label = [](float s) {
    return s < -0.05  ? sentiment::Label::negative
           : s > 0.05 ? sentiment::Label::positive
                      : sentiment::Label::neutral;
  };
  p.sentiment.label = label(score);
  p.sentiment.score = score;
  if (!entity.empty()) {
    pipeline::core::EntityMention m;
    m.id = entity;
    m.sentiment.score = toward == -2 ? score : toward;
    m.sentiment.label = label(m.sentiment.score);
    p.entities.push_back(m);
  }
  return p;
}

json query(const PostStore& s, PostQuery q) { return json::parse(s.query_json(q)); }

std::vector<std::string> uids(const json& page) {
  std::vector<std::string> out;
  for (const auto& p : page["posts"]) out.push_back(p["uid"]);
  return out;
}

TEST(PostStore, FiltersSortsAndPaginates) {
  PostStore s;
  s.apply_scored(scored("p1", 1, -0.8, "Acme Air lost my bag"));
  s.apply_scored(scored("p2", 2, 0.6, "Great crew on Acme Air"));
  s.apply_scored(scored("p3", 3, -0.3, "Globex is fine", "globex"));
  auto vip = scored("p4", 4, -0.5, "Acme Air delayed again, ugh");
  vip.customer =
      pipeline::core::CustomerRef{.id = "c9", .tier = "vip", .source = "csv", .name = "Ann"};
  vip.intent = sentiment::Intent::complaint;
  s.apply_scored(vip);

  EXPECT_EQ(uids(query(s, {})), (std::vector<std::string>{"p4", "p3", "p2", "p1"}));
  EXPECT_EQ(uids(query(s, {.entity = "acme-air"})), (std::vector<std::string>{"p4", "p2", "p1"}));
  EXPECT_EQ(uids(query(s, {.entity = "acme-air", .sort = PostQuery::Sort::kNegative})),
            (std::vector<std::string>{"p1", "p4", "p2"}));
  EXPECT_EQ(uids(query(s, {.label = "negative"})), (std::vector<std::string>{"p4", "p3", "p1"}));
  EXPECT_EQ(uids(query(s, {.intent = "complaint"})), (std::vector<std::string>{"p4"}));
  EXPECT_EQ(uids(query(s, {.tier = "vip"})), (std::vector<std::string>{"p4"}));
  EXPECT_EQ(uids(query(s, {.source = "mastodon"})), (std::vector<std::string>{"p3", "p1"}));
  EXPECT_EQ(uids(query(s, {.text = "LOST MY"})), (std::vector<std::string>{"p1"}));
  EXPECT_EQ(uids(query(s, {.text = "@hp2"})), (std::vector<std::string>{"p2"}));  // handle
  EXPECT_EQ(uids(query(s, {.from = "2026-01-01T10:02:00Z", .until = "2026-01-01T10:04:00Z"})),
            (std::vector<std::string>{"p3", "p2"}));
  json page = query(s, {.offset = 1, .limit = 2});
  EXPECT_EQ(page["total"], 4);
  EXPECT_EQ(uids(page), (std::vector<std::string>{"p3", "p2"}));
  json one = query(s, {.tier = "vip"})["posts"][0];
  EXPECT_EQ(one["customer"]["name"], "Ann");
  EXPECT_EQ(one["author"]["handle"], "@hp4");
  EXPECT_EQ(one["intent"], "complaint");
}

TEST(PostStore, SentimentTowardTheEntityDecidesLabelAndSort) {
  PostStore s;
  // Negative overall, positive toward acme-air.
  s.apply_scored(scored("p1", 1, -0.7, "Globex is awful, Acme Air is lovely", "acme-air", 0.7));
  s.apply_scored(scored("p2", 2, -0.2, "Acme Air meh"));
  EXPECT_EQ(uids(query(s, {.entity = "acme-air", .label = "positive"})),
            (std::vector<std::string>{"p1"}));
  EXPECT_EQ(uids(query(s, {.entity = "acme-air", .sort = PostQuery::Sort::kNegative})),
            (std::vector<std::string>{"p2", "p1"}));
}

TEST(PostStore, KeepsTheNewestPostsUpToItsBoundAndReplacesBySameUid) {
  PostStore s(3);
  for (int i = 0; i < 5; ++i) s.apply_scored(scored("p" + std::to_string(i), i, 0, "t"));
  s.apply_scored(scored("p4", 4, -0.9, "rescored"));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.evicted(), 2u);
  EXPECT_EQ(uids(query(s, {})), (std::vector<std::string>{"p4", "p3", "p2"}));
  EXPECT_EQ(query(s, {})["posts"][0]["text"], "rescored");
  s.apply_scored_record({.topic = "scored", .key = "x", .value = "{not json"});
  EXPECT_EQ(s.bad_records(), 1u);
  EXPECT_EQ(s.size(), 3u);
}

pipeline::core::Alert alert(const std::string& id) {
  pipeline::core::Alert a;
  a.id = id;
  a.rule = "negative-spike";
  a.entity = "acme-air";
  a.severity = "warning";
  a.status = "trigger";
  a.window_start = "2026-01-01T10:00:00Z";
  a.window_end = "2026-01-01T10:01:00Z";
  return a;
}

struct Served {
  ApiStore store{{}};
  PostStore posts;
  AlertStates states;
  std::unique_ptr<pipeline::log::Producer> writer;
  std::unique_ptr<ApiFollower> follower;
  HttpServer server{
      {.listen = "127.0.0.1:0",
       .tokens = {{"read-token-0123456789", "rita", pipeline::core::Scope::kRead},
                  {"admin-token-0123456789", "alice", pipeline::core::Scope::kAdmin}}}};

  explicit Served(pipeline::log::Log& log) {
    auto w = log.producer({});
    EXPECT_TRUE(w);
    writer = std::move(*w);
    auto f = ApiFollower::start(log, store, "aggregates", "alerts",
                                {.scored_topic = "scored",
                                 .posts = &posts,
                                 .alert_states_topic = "alerts.states",
                                 .alert_states = &states});
    EXPECT_TRUE(f);
    follower = std::move(*f);
    add_api_v1_routes(server, {.store = &store,
                               .posts = &posts,
                               .states = &states,
                               .writer = writer.get(),
                               .states_topic = "alerts.states"});
  }
  ServerResponse call(const std::string& method, const std::string& path, const std::string& token,
                      std::map<std::string, std::string> query = {}) {
    ServerRequest r{.method = method, .path = path, .query = std::move(query)};
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    bool unauthorized = false;
    return server.dispatch(r, &unauthorized);
  }
};

// An embedded log with the topics Served follows and writes.
std::unique_ptr<pipeline::log::Log> served_log() {
  auto log = pipeline::log::open_log({.kind = "embedded"});
  EXPECT_TRUE(log);
  if (!log) return nullptr;
  EXPECT_TRUE((*log)->create_topics({{"aggregates", 1, true},
                                     {"alerts", 1, false},
                                     {"scored", 1, false},
                                     {"alerts.states", 1, true}}));
  return std::move(*log);
}

TEST(ApiV1, AcknowledgementsNeedAdminAreRecordedAndSurviveARestart) {
  auto log = served_log();
  ASSERT_TRUE(log);
  auto producer = log->producer({});
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->produce("alerts", "al-1", pipeline::codec::encode(alert("al-1"))));
  ASSERT_TRUE((*producer)->flush(std::chrono::seconds(5)));
  {
    Served first(*log);
    ASSERT_TRUE(wait_until(
        within(std::chrono::seconds(10)), [&] { return first.store.has_alert("al-1"); },
        "the alert"));
    EXPECT_EQ(first.call("POST", "/api/v1/alerts/al-1/ack", "").status, 401);
    EXPECT_EQ(first.call("POST", "/api/v1/alerts/al-1/ack", "read-token-0123456789").status, 403);
    EXPECT_EQ(first.call("POST", "/api/v1/alerts/nope/ack", "admin-token-0123456789").status, 404);
    auto acked = first.call("POST", "/api/v1/alerts/al-1/ack", "admin-token-0123456789");
    ASSERT_EQ(acked.status, 200) << acked.body;
    EXPECT_EQ(json::parse(acked.body)["by"], "alice");
    auto listed = json::parse(first.call("GET", "/api/v1/alerts", "read-token-0123456789").body);
    EXPECT_EQ(listed["alerts"][0]["ack"]["state"], "acknowledged");
    EXPECT_EQ(listed["alerts"][0]["ack"]["by"], "alice");
  }
  // A new serve instance (same log) rebuilds the state from the topic, then resolves.
  Served second(*log);
  ASSERT_TRUE(wait_until(
      within(std::chrono::seconds(10)),
      [&] {
        auto body =
            second
                .call("GET", "/api/v1/alerts", "read-token-0123456789", {{"state", "acknowledged"}})
                .body;
        return json::parse(body)["alerts"].size() == 1;
      },
      "the acknowledgement read back"));
  auto resolved = second.call("POST", "/api/v1/alerts/al-1/resolve", "admin-token-0123456789");
  ASSERT_EQ(resolved.status, 200);
  json r = json::parse(resolved.body);
  EXPECT_EQ(r["state"], "resolved");
  ASSERT_EQ(r["history"].size(), 2u);
  EXPECT_EQ(r["history"][0]["action"], "ack");
  EXPECT_EQ(r["history"][1]["action"], "resolve");
  EXPECT_EQ(
      json::parse(second.call("GET", "/api/v1/alerts", "read-token-0123456789", {{"state", "open"}})
                      .body)["alerts"]
          .size(),
      0u);
  EXPECT_EQ(second.call("GET", "/api/v1/alerts", "read-token-0123456789", {{"state", "x"}}).status,
            400);
}

TEST(ApiV1, PostsRouteFiltersFromTheScoredTopic) {
  auto log = served_log();
  ASSERT_TRUE(log);
  auto producer = log->producer({});
  ASSERT_TRUE(producer);
  for (int i = 0; i < 6; ++i) {
    std::string wire;
    pipeline::codec::encode_to(scored("p" + std::to_string(i), i, i % 2 ? -0.6f : 0.4f, "text"),
                               wire);
    ASSERT_TRUE((*producer)->produce("scored", "p" + std::to_string(i), wire));
  }
  ASSERT_TRUE((*producer)->flush(std::chrono::seconds(5)));
  Served s(*log);
  ASSERT_TRUE(wait_until(
      within(std::chrono::seconds(10)), [&] { return s.posts.size() == 6; }, "six posts"));
  auto page = s.call("GET", "/api/v1/posts", "read-token-0123456789",
                     {{"label", "negative"}, {"limit", "2"}, {"offset", "1"}});
  ASSERT_EQ(page.status, 200);
  json j = json::parse(page.body);
  EXPECT_EQ(j["total"], 3);
  EXPECT_EQ(uids(j), (std::vector<std::string>{"p3", "p1"}));
  EXPECT_EQ(s.call("GET", "/api/v1/posts", "read-token-0123456789", {{"sort", "best"}}).status,
            400);
  EXPECT_EQ(s.call("GET", "/api/v1/posts", "read-token-0123456789", {{"limit", "0"}}).status, 400);
}

// The OpenAPI document and the routes a `serve` server answers (the v1 API and the reply
// queue, as cmd_serve.cc installs them) name the same set of (method, path) with the same
// scope: no route undocumented, none documented but missing.
TEST(ApiV1, OpenApiDocumentsExactlyTheRegisteredRoutes) {
  json doc = json::parse(openapi_json());
  ASSERT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented, registered;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      documented.insert(m + " " + path + " " + op["x-earshot-scope"].get<std::string>());
    }
  }
  HttpServer server(HttpServerOptions{});  // never started: only its route table is read
  ApiStore store({});
  add_api_v1_routes(server, {.store = &store});
  ReplyBook book;
  ReplyApi replies(book, [](const pipeline::core::ReplyIntent&) { return pipeline::core::ok(); });
  replies.install(server);
  for (const auto& r : server.routes()) {
    std::string scope = r.access == Access::kPublic ? "public"
                        : r.access == Access::kRead ? "read"
                                                    : "admin";
    registered.insert(r.method + " " + r.path + " " + scope);
    EXPECT_EQ(r.path.rfind("/api/v1/", 0), 0u) << r.path;
  }
  EXPECT_TRUE(registered.count("POST /api/v1/replies/{id}/approve admin")) << "reply queue routes";
  EXPECT_EQ(documented, registered);
}

}  // namespace
}  // namespace earshot::sinks
