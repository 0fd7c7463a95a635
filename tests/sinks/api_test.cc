// Tests for sinks/api.h: the in-memory view of aggregates and alerts, the follower on the
// embedded log, and the JSON API routes over HTTP.
#include "sinks/api.h"

#include <gtest/gtest.h>

#include <cpprest/http_client.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "pipeline/codec/json_codec.h"
#include "sinks/dashboard.h"
#include "sinks/http_server.h"
#include "tests/support/wait.h"

namespace earshot::sinks {
namespace {

using nlohmann::json;

std::vector<pipeline::config::EntityDef> entities() {
  pipeline::config::EntityDef acme;
  acme.id = "acme-air";
  acme.name = "Acme Air";
  pipeline::config::EntityDef globex;
  globex.id = "globex";
  globex.name = "Globex";
  globex.kind = pipeline::core::EntityKind::product;
  return {acme, globex};
}

pipeline::core::Aggregate agg(const std::string& entity, const std::string& size, int minute,
                              std::int64_t volume, std::int64_t version = 1) {
  pipeline::core::Aggregate a;
  a.entity = entity;
  a.window_size = size;
  char start[48], end[48];  // room for any int: -Wformat-truncation at -O1
  std::snprintf(start, sizeof start, "2026-01-01T10:%02d:00.000Z", minute);
  std::snprintf(end, sizeof end, "2026-01-01T10:%02d:00.000Z", minute + 1);
  a.window_start = start;
  a.window_end = end;
  a.volume = volume;
  a.negative = volume / 2;
  a.positive = volume - volume / 2;
  a.mean_score = -0.25;
  a.version = version;
  return a;
}

pipeline::core::Alert alert(const std::string& id, const std::string& entity) {
  pipeline::core::Alert a;
  a.id = id;
  a.rule = "negative-spike";
  a.entity = entity;
  a.severity = "warning";
  a.window_start = "2026-01-01T10:00:00.000Z";
  a.window_end = "2026-01-01T10:01:00.000Z";
  a.observed = 30;
  a.baseline = 2;
  a.dedup_key = "negative-spike|" + entity;
  a.created_at = "2026-01-01T10:01:05.000Z";
  a.evidence.push_back(
      {"mastodon:x:1", "https://mastodon.example/@a/1", "flight cancelled again", -0.8f});
  return a;
}

TEST(ApiStore, EntitiesListConfiguredNamesAndLatestWindows) {
  ApiStore store(entities());
  store.apply_aggregate(agg("acme-air", "1m", 0, 10));
  store.apply_aggregate(agg("acme-air", "1m", 2, 30));
  store.apply_aggregate(agg("acme-air", "1m", 1, 20));
  store.apply_aggregate(agg("acme-air", "1h", 0, 60));
  store.apply_aggregate(agg("initech", "1m", 0, 5));  // not configured: listed after, name = id
  json j = json::parse(store.entities_json());
  ASSERT_EQ(j["entities"].size(), 3u);
  EXPECT_EQ(j["entities"][0]["id"], "acme-air");
  EXPECT_EQ(j["entities"][0]["name"], "Acme Air");
  EXPECT_EQ(j["entities"][0]["kind"], "company");
  EXPECT_EQ(j["entities"][0]["latest"]["1m"]["volume"], 30);
  EXPECT_EQ(j["entities"][0]["latest"]["1m"]["start"], "2026-01-01T10:02:00.000Z");
  EXPECT_EQ(j["entities"][0]["latest"]["1h"]["volume"], 60);
  EXPECT_EQ(j["entities"][1]["id"], "globex");
  EXPECT_EQ(j["entities"][1]["kind"], "product");
  EXPECT_TRUE(j["entities"][1]["latest"].empty());
  EXPECT_EQ(j["entities"][2]["id"], "initech");
}

TEST(ApiStore, SeriesAreOrderedBoundedAndKeepTheNewestVersion) {
  ApiStore store(entities(), {.max_points = 3, .max_alerts = 10, .max_entities = 10});
  for (int m = 0; m < 5; ++m) store.apply_aggregate(agg("acme-air", "1m", m, m + 1));
  store.apply_aggregate(agg("acme-air", "1m", 4, 99, 2));  // late data: newer version wins
  store.apply_aggregate(agg("acme-air", "1m", 4, 1, 1));   // an older version never does
  json j = json::parse(*store.aggregates_json("acme-air", "1m", 100));
  ASSERT_EQ(j["points"].size(), 3u);
  EXPECT_EQ(j["points"][0]["start"], "2026-01-01T10:02:00.000Z");
  EXPECT_EQ(j["points"][2]["volume"], 99);
  EXPECT_EQ(j["points"][2]["version"], 2);
  json two = json::parse(*store.aggregates_json("acme-air", "1m", 2));
  ASSERT_EQ(two["points"].size(), 2u);
  EXPECT_EQ(two["points"][0]["start"], "2026-01-01T10:03:00.000Z");
  EXPECT_EQ(json::parse(*store.aggregates_json("globex", "1m", 10))["points"].size(), 0u);
  EXPECT_FALSE(store.aggregates_json("nobody", "1m", 10).has_value());
}

TEST(ApiStore, TombstonesAndBadRecordsAreHandled) {
  ApiStore store(entities());
  pipeline::core::Aggregate a = agg("acme-air", "1m", 0, 10);
  store.apply_aggregate_record({.topic = "aggs",
                                .key = "acme-air|1m|" + a.window_start,
                                .value = pipeline::codec::encode(a)});
  EXPECT_EQ(json::parse(*store.aggregates_json("acme-air", "1m", 10))["points"].size(), 1u);
  store.apply_aggregate_record(
      {.topic = "aggs", .key = "acme-air|1m|" + a.window_start, .value = ""});
  EXPECT_EQ(json::parse(*store.aggregates_json("acme-air", "1m", 10))["points"].size(), 0u);
  store.apply_aggregate_record({.topic = "aggs", .key = "k", .value = "{not json"});
  store.apply_alert_record({.topic = "alerts", .key = "k", .value = "\xff\xfe"});
  store.apply_aggregate_record({.topic = "aggs", .key = "no-bars", .value = ""});
  EXPECT_EQ(store.bad_records(), 3u);
}

TEST(ApiStore, AlertsAreNewestFirstDeduplicatedAndBounded) {
  ApiStore store(entities(), {.max_points = 10, .max_alerts = 3, .max_entities = 10});
  for (int i = 0; i < 5; ++i) store.apply_alert(alert("a" + std::to_string(i), "acme-air"));
  store.apply_alert(alert("a4", "acme-air"));  // re-delivered: once only
  json j = json::parse(store.alerts_json(10));
  ASSERT_EQ(j["alerts"].size(), 3u);
  EXPECT_EQ(j["alerts"][0]["id"], "a4");
  EXPECT_EQ(j["alerts"][2]["id"], "a2");
  EXPECT_EQ(j["alerts"][0]["evidence"][0]["url"], "https://mastodon.example/@a/1");
  EXPECT_EQ(json::parse(store.alerts_json(1))["alerts"].size(), 1u);
}

TEST(ApiFollower, ReadsBothTopicsFromTheBeginningAndKeepsFollowing) {
  auto log = pipeline::log::open_log({.kind = "embedded"});
  ASSERT_TRUE(log) << log.error().message;
  ASSERT_TRUE((*log)->create_topics({{"t.aggregates", 3, true}, {"t.alerts", 3, false}}));
  auto producer = (*log)->producer({});
  ASSERT_TRUE(producer);
  for (int m = 0; m < 3; ++m) {
    auto a = agg("acme-air", "1m", m, 10 + m);
    ASSERT_TRUE((*producer)->produce("t.aggregates", "acme-air|1m|" + a.window_start,
                                     pipeline::codec::encode(a)));
  }
  ASSERT_TRUE(
      (*producer)->produce("t.alerts", "a1", pipeline::codec::encode(alert("a1", "acme-air"))));
  ASSERT_TRUE((*producer)->produce("t.alerts", "bad", "not an alert"));
  ASSERT_TRUE((*producer)->flush(std::chrono::seconds(5)));

  ApiStore store(entities());
  auto follower = ApiFollower::start(**log, store, "t.aggregates", "t.alerts");
  ASSERT_TRUE(follower) << follower.error().message;
  using earshot::testing::wait_until;
  using earshot::testing::within;
  ASSERT_TRUE(wait_until(
      within(std::chrono::seconds(20)), [&] { return (*follower)->caught_up(); },
      "the follower caught up"));
  EXPECT_EQ(store.aggregates_applied(), 3u);
  EXPECT_EQ(store.alerts_applied(), 1u);
  EXPECT_EQ(store.bad_records(), 1u);

  ASSERT_TRUE(
      (*producer)->produce("t.alerts", "a2", pipeline::codec::encode(alert("a2", "globex"))));
  ASSERT_TRUE((*producer)->flush(std::chrono::seconds(5)));
  ASSERT_TRUE(wait_until(
      within(std::chrono::seconds(20)), [&] { return store.alerts_applied() == 2; },
      "the second alert applied"));
  EXPECT_EQ(json::parse(store.alerts_json(10))["alerts"][0]["id"], "a2");
  (*follower)->stop();
}

struct Got {
  int status = 0;
  std::string body;
};

Got get(const std::string& base, const std::string& target, const std::string& token = "") {
  web::http::client::http_client client(base);
  web::http::http_request req(web::http::methods::GET);
  req.set_request_uri(target);
  if (!token.empty()) req.headers().add("Authorization", "Bearer " + token);
  auto resp = client.request(req).get();
  return {resp.status_code(), resp.extract_utf8string(true).get()};
}

TEST(ApiRoutes, AnswerJsonAndRejectBadQueriesAndTokens) {
  ApiStore store(entities());
  store.apply_aggregate(agg("acme-air", "1m", 0, 10));
  store.apply_alert(alert("a1", "acme-air"));
  HttpServer server({.listen = "127.0.0.1:0", .tokens = {{"tok"}}});
  add_api_routes(server, store);
  server.route("/", Access::kPublic, [](const ServerRequest&) { return dashboard_response(); });
  ASSERT_TRUE(server.start());
  EXPECT_EQ(get(server.url(), "/api/v1/entities").status, 401);
  EXPECT_EQ(get(server.url(), "/api/v1/alerts", "bad").status, 401);
  Got e = get(server.url(), "/api/v1/entities", "tok");
  ASSERT_EQ(e.status, 200);
  EXPECT_EQ(json::parse(e.body)["entities"][0]["latest"]["1m"]["volume"], 10);
  Got s = get(server.url(), "/api/v1/aggregates?entity=acme-air&window=1m", "tok");
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(json::parse(s.body)["points"].size(), 1u);
  EXPECT_EQ(get(server.url(), "/api/v1/aggregates?window=1m", "tok").status, 400);
  EXPECT_EQ(get(server.url(), "/api/v1/aggregates?entity=nobody", "tok").status, 404);
  EXPECT_EQ(get(server.url(), "/api/v1/alerts?limit=abc", "tok").status, 400);
  EXPECT_EQ(get(server.url(), "/api/v1/alerts?limit=0", "tok").status, 400);
  Got a = get(server.url(), "/api/v1/alerts?limit=5", "tok");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(json::parse(a.body)["alerts"][0]["rule"], "negative-spike");
  // The dashboard is public and self-contained: no external scripts, styles or fonts.
  Got page = get(server.url(), "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/api/v1/entities"), std::string::npos);
  EXPECT_NE(page.body.find("createElementNS"), std::string::npos);  // inline SVG charts
  EXPECT_EQ(page.body.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page.body.find("href=\"http"), std::string::npos);
  EXPECT_EQ(page.body.find("innerHTML"), std::string::npos);
}

}  // namespace
}  // namespace earshot::sinks
