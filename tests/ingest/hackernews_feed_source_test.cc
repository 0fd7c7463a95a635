// HackerNewsSource (maxitem walk) and FeedSource (conditional GET) against fixture servers.
#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "ingest/feed_source.h"
#include "ingest/hackernews_source.h"
#include "pipeline/http/cpprest_client.h"
#include "tests/ingest/support/http_fixture_server.h"
#include "tests/support/loopback_http.h"

namespace earshot::ingest {
namespace {

using testing::FixtureRequest;
using testing::FixtureResponse;
using testing::HttpFixtureServer;

// The Firebase-style HN API: /v0/maxitem.json and /v0/item/<id>.json.
struct HnFixture {
  std::atomic<int> max{105};
  std::atomic<int> invisible_from{1000};  // items >= this answer null (not replicated yet)
  std::atomic<int> deleted{0};            // this item now answers {"deleted": true}
  FixtureResponse answer(const FixtureRequest& req) {
    if (req.path() == "/v0/maxitem.json") return {200, {}, std::to_string(max.load())};
    if (req.path() == "/v0/updates.json")
      return {200,
              {},
              R"({"items":[)" + std::to_string(deleted.load()) + R"(,5000],"profiles":["pg"]})"};
    int id = std::stoi(req.path().substr(std::string("/v0/item/").size()));
    if (id >= invisible_from) return {200, {}, "null"};
    if (id == deleted)
      return {200,
              {},
              R"({"deleted":true,"id":)" + std::to_string(id) +
                  R"(,"parent":100,"time":1175714300,"type":"comment"})"};
    if (id % 10 == 3)
      return {200,
              {},
              R"({"by":"pg","id":)" + std::to_string(id) +
                  R"(,"type":"job","time":1175714200,"title":"hiring"})"};
    if (id % 10 == 7)
      return {
          200, {}, R"({"id":)" + std::to_string(id) + R"(,"type":"comment","by":"x"})"};  // no time
    return {200,
            {},
            R"({"by":"user)" + std::to_string(id) + R"(","id":)" + std::to_string(id) +
                R"(,"parent":100,"text":"comment &amp; <i>text</i> )" + std::to_string(id) +
                R"(","time":1175714200,"type":"comment"})"};
  }
};

TEST(HackerNewsSource, WalksItemIdsAndResumesWithoutLossOrRepeat) {
  HnFixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  HackerNewsOptions o;
  o.base_url = server.url("/v0");
  o.max_items_per_poll = 4;
  o.polling.poll_interval = milliseconds(10);
  std::vector<std::string> uids;
  std::size_t dead = 0;
  std::string cursor;
  {
    HackerNewsSource a(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
    ASSERT_TRUE(a.restore(R"({"last":100})"));
    auto b = a.poll(milliseconds(200));  // 101..104 (103 is a job: skipped)
    ASSERT_TRUE(b) << b.error().message;
    for (auto& p : b->posts) uids.push_back(p.uid);
    cursor = b->cursor;
    EXPECT_EQ(cursor, R"({"gone":[],"last":104})");
    EXPECT_EQ(b->posts[0].text, "comment & text 101");
    EXPECT_EQ(b->posts[0].reply_to, "hackernews:news.ycombinator.com:100");
  }
  fx.max = 110;
  fx.invisible_from = 109;
  HackerNewsSource b(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  ASSERT_TRUE(b.restore(cursor));
  for (int i = 0; i < 5; ++i) {
    auto batch = b.poll(milliseconds(200));
    ASSERT_TRUE(batch);
    for (auto& p : batch->posts) uids.push_back(p.uid);
    dead += batch->dead.size();
    cursor = batch->cursor;
  }
  EXPECT_EQ(cursor, R"({"gone":[],"last":108})");  // 109 is not visible yet: retried next poll
  std::vector<std::string> want;
  for (int id : {101, 102, 104, 105, 106, 108})
    want.push_back("hackernews:news.ycombinator.com:" + std::to_string(id));
  EXPECT_EQ(uids, want);
  EXPECT_EQ(dead, 1u);  // 107 has no time
  fx.invisible_from = 1000;
  auto late = b.poll(milliseconds(200));
  ASSERT_TRUE(late);
  ASSERT_EQ(late->posts.size(), 2u);
  EXPECT_EQ(late->posts[0].uid, "hackernews:news.ycombinator.com:109");
}

TEST(HackerNewsSource, FreshStartBeginsAtMaxitemMinusBackfill) {
  HnFixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  HackerNewsOptions o;
  o.base_url = server.url("/v0");
  o.backfill = 2;
  HackerNewsSource src(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  auto b = src.poll(milliseconds(200));
  ASSERT_TRUE(b);
  ASSERT_EQ(b->posts.size(), 2u);
  EXPECT_EQ(b->posts[0].uid, "hackernews:news.ycombinator.com:104");
  EXPECT_EQ(b->cursor, R"({"gone":[],"last":105})");
}

TEST(HackerNewsSource, UpdatesTurnDeletedItemsIntoTombstonesOnce) {
  HnFixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  HackerNewsOptions o;
  o.base_url = server.url("/v0");
  o.polling.poll_interval = milliseconds(10);
  HackerNewsSource a(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  ASSERT_TRUE(a.restore(R"({"last":100})"));
  auto first = a.poll(milliseconds(200));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->posts.size(), 4u);  // 101 102 104 105
  fx.deleted = 102;
  auto second = a.poll(milliseconds(200));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->posts.size(), 1u);
  EXPECT_TRUE(second->posts[0].deleted);
  EXPECT_EQ(second->posts[0].uid, "hackernews:news.ycombinator.com:102");
  EXPECT_EQ(second->cursor, R"({"gone":[102],"last":105})");
  HackerNewsSource b(
      o, pipeline::http::make_cpprest_client(
             earshot::testing::loopback_client()));  // restarted: the tombstone is not repeated
  ASSERT_TRUE(b.restore(second->cursor));
  auto third = b.poll(milliseconds(200));
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->posts.empty());
}

struct FeedFixture {
  std::string body = testing::read_fixture("rss2.xml");
  std::string etag = "\"v1\"";
  int status = 200;
  FixtureResponse answer(const FixtureRequest& req) {
    if (status != 200) return {status, {}, "<html>oops</html>"};
    if (req.header("if-none-match") == etag) return {304, {{"ETag", etag}}, ""};
    return {200,
            {{"Content-Type", "application/rss+xml"},
             {"ETag", etag},
             {"Last-Modified", "Mon, 23 Nov 2026 10:20:00 GMT"}},
            body};
  }
};

TEST(FeedSource, ConditionalGetAndGuidDedupAcrossRestarts) {
  FeedFixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  FeedOptions o;
  o.url = server.url("/feed.xml");
  o.polling.poll_interval = milliseconds(10);
  std::string cursor;
  {
    FeedSource a(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
    auto b = a.poll(milliseconds(200));
    ASSERT_TRUE(b) << b.error().message;
    ASSERT_EQ(b->posts.size(), 2u);
    EXPECT_EQ(b->posts[0].text.substr(0, 21), "Baggage delays at LHR");  // oldest first
    EXPECT_EQ(b->posts[1].uid, "rss:127.0.0.1:incident-42");
    EXPECT_EQ(b->dead.size(), 2u);
    auto again = a.poll(milliseconds(200));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->posts.empty());
    EXPECT_EQ(server.requests().back().header("if-none-match"), "\"v1\"");
    EXPECT_EQ(server.requests().back().header("if-modified-since"),
              "Mon, 23 Nov 2026 10:20:00 GMT");
    cursor = again->cursor;
  }
  // The feed changes: one new item on top; the old ones are still there.
  fx.etag = "\"v2\"";
  std::string item =
      "<item><title>Check-in restored</title><guid>incident-43</guid>"
      "<pubDate>Mon, 23 Nov 2026 11:00:00 GMT</pubDate></item>";
  fx.body.insert(fx.body.find("<item>"), item);
  FeedSource b(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  ASSERT_TRUE(b.restore(cursor));
  auto batch = b.poll(milliseconds(200));
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_EQ(batch->posts.size(), 1u);
  EXPECT_EQ(batch->posts[0].uid, "rss:127.0.0.1:incident-43");
}

TEST(FeedSource, MalformedFeedIsReportedAndRetried) {
  FeedFixture fx;
  fx.body = testing::read_fixture("rss_malformed.xml");
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  FeedOptions o;
  o.url = server.url("/feed.xml");
  o.polling.poll_interval = milliseconds(10);
  FeedSource src(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  auto b = src.poll(milliseconds(200));
  ASSERT_TRUE(b);
  ASSERT_EQ(b->dead.size(), 1u);
  EXPECT_NE(b->dead[0].reason.find("mismatched tag"), std::string::npos);
  EXPECT_EQ(b->dead[0].stage, "ingest:rss");
  EXPECT_EQ(src.health().errors, 1);
  EXPECT_NE(src.health().last_error.find("line 3"), std::string::npos);
  fx.body = testing::read_fixture("rss2.xml");  // fixed upstream; no validators were kept
  auto fixed = src.poll(milliseconds(200));
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->posts.size(), 2u);
  EXPECT_EQ(server.requests().back().header("if-none-match"), "");
  fx.status = 502;
  auto down = src.poll(milliseconds(200));
  ASSERT_FALSE(down);
  EXPECT_EQ(src.health().state, "backoff");
}

}  // namespace
}  // namespace earshot::ingest
