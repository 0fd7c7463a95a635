// MastodonSource against a fixture server speaking the Mastodon REST API (min_id paging,
// Link headers, 429 + Retry-After, 5xx, dropped connections).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "ingest/json_access.h"
#include "ingest/mastodon_source.h"
#include "ingest/normalize.h"
#include "ingest/url_util.h"
#include "pipeline/http/cpprest_client.h"
#include "tests/ingest/support/http_fixture_server.h"
#include "tests/support/loopback_http.h"

namespace earshot::ingest {
namespace {

using testing::FixtureRequest;
using testing::FixtureResponse;
using testing::HttpFixtureServer;

// Serves the statuses of mastodon_timeline.json like /api/v1/timelines/public does.
struct MastodonFixture {
  Json statuses = *parse_json(testing::read_fixture("mastodon_timeline.json"));
  std::atomic<int> fail_next{0};  // answer this many requests with `fail_status`
  int fail_status = 503;
  std::string retry_after;

  FixtureResponse answer(const FixtureRequest& req, const std::string& base) {
    if (fail_next > 0) {
      --fail_next;
      if (fail_status == 0) return {0, {}, ""};
      FixtureResponse r{fail_status, {}, R"({"error":"Too many requests"})"};
      if (!retry_after.empty()) r.headers.emplace_back("Retry-After", retry_after);
      return r;
    }
    std::string target = req.target;
    std::string min_id = query_param(target, "min_id").value_or("");
    std::size_t limit = std::stoul(query_param(target, "limit").value_or("20"));
    std::vector<Json> after;  // ascending ids after min_id
    for (const Json& s : statuses)
      if (min_id.empty() || id_less(min_id, s["id"].get<std::string>())) after.push_back(s);
    std::sort(after.begin(), after.end(), [](const Json& a, const Json& b) {
      return id_less(a["id"].get<std::string>(), b["id"].get<std::string>());
    });
    std::vector<Json> page;
    if (min_id.empty())
      page.assign(after.end() - std::min(limit, after.size()), after.end());
    else
      page.assign(after.begin(), after.begin() + std::min(limit, after.size()));
    std::reverse(page.begin(), page.end());  // newest first
    FixtureResponse r{200, {}, dump_json(Json(page))};
    if (!page.empty()) {
      std::string path = base + req.path();
      r.headers.emplace_back(
          "Link", "<" + path + "?max_id=" + page.back()["id"].get<std::string>() +
                      ">; rel=\"next\", <" + path +
                      "?min_id=" + page.front()["id"].get<std::string>() + ">; rel=\"prev\"");
    }
    r.headers.emplace_back("X-RateLimit-Limit", "300");
    r.headers.emplace_back("X-RateLimit-Remaining", "299");
    return r;
  }
};

MastodonOptions fast_options(const std::string& instance) {
  MastodonOptions o;
  o.instance = instance;
  o.limit = 3;
  o.polling.poll_interval = milliseconds(10);
  o.polling.backoff_base = milliseconds(20);
  o.polling.backoff_max = milliseconds(100);
  return o;
}

// Polls until a batch comes back empty; collects uids.
void drain(ingest::Source& src, std::vector<std::string>& uids, std::size_t& dead,
           std::string& cursor) {
  for (int i = 0; i < 20; ++i) {
    auto b = src.poll(milliseconds(200));
    ASSERT_TRUE(b) << b.error().message;
    for (auto& p : b->posts) uids.push_back(p.uid);
    dead += b->dead.size();
    cursor = b->cursor;
    if (b->posts.empty() && b->dead.empty()) return;
  }
}

TEST(MastodonSource, RestartFromCursorNeitherLosesNorRepeats) {
  MastodonFixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r, ""); });
  auto http = pipeline::http::make_cpprest_client(earshot::testing::loopback_client());
  std::vector<std::string> uids;
  std::size_t dead = 0;
  std::string cursor;
  {
    MastodonSource a(fast_options(server.base_url()), http);
    ASSERT_TRUE(a.restore(R"({"min_id":"1000"})"));
    for (int i = 0; i < 2; ++i) {
      auto b = a.poll(milliseconds(200));
      ASSERT_TRUE(b) << b.error().message;
      for (auto& p : b->posts) uids.push_back(p.uid);
      dead += b->dead.size();
      cursor = b->cursor;
    }
    EXPECT_EQ(cursor, R"({"min_id":"1006"})");
  }
  MastodonSource b(fast_options(server.base_url()), http);  // "after a crash"
  ASSERT_TRUE(b.restore(cursor));
  drain(b, uids, dead, cursor);
  std::vector<std::string> want;
  for (int id : {1001, 1002, 1003, 2001, 1005, 1006, 1008, 1009, 1010})
    want.push_back("mastodon:127.0.0.1:" + std::to_string(id));
  EXPECT_EQ(uids, want);
  EXPECT_EQ(dead, 1u);  // 1007 has no created_at
  EXPECT_EQ(cursor, R"({"min_id":"1010"})");
  EXPECT_EQ(b.name(), "mastodon:127.0.0.1:public");
  EXPECT_EQ(b.health().posts, 3);
  EXPECT_EQ(b.health().dead, 1);
}

TEST(MastodonSource, FreshStartTakesTheNewestPageThenOnlyNewStatuses) {
  MastodonFixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r, ""); });
  MastodonSource src(fast_options(server.base_url()),
                     pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  auto first = src.poll(milliseconds(200));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->posts.size(), 3u);
  EXPECT_EQ(first->posts.front().uid, "mastodon:127.0.0.1:1008");  // oldest first
  Json extra = fx.statuses[0];
  extra["id"] = "1011";
  extra["uri"] = "https://mastodon.example/users/alice/statuses/1011";
  fx.statuses.push_back(extra);
  auto second = src.poll(milliseconds(200));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->posts.size(), 1u);
  EXPECT_EQ(second->posts[0].uid, "mastodon:127.0.0.1:1011");
  EXPECT_EQ(server.requests().back().target, "/api/v1/timelines/public?limit=3&min_id=1010");
}

TEST(MastodonSource, HonoursRetryAfterOn429) {
  MastodonFixture fx;
  fx.fail_next = 1;
  fx.fail_status = 429;
  fx.retry_after = "1";
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r, ""); });
  MastodonSource src(fast_options(server.base_url()),
                     pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  auto t0 = Clock::now();
  auto r = src.poll(milliseconds(100));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, pipeline::core::ErrorCode::kRetriable);
  EXPECT_EQ(src.health().state, "rate_limited");
  EXPECT_EQ(src.health().errors, 1);
  auto idle = src.poll(milliseconds(100));  // still inside Retry-After: no request made
  ASSERT_TRUE(idle);
  EXPECT_TRUE(idle->posts.empty());
  EXPECT_EQ(server.request_count(), 1u);
  std::vector<pipeline::core::Post> got;
  while (got.empty() && Clock::now() - t0 < std::chrono::seconds(3)) {
    auto b = src.poll(milliseconds(300));
    ASSERT_TRUE(b);
    got = b->posts;
  }
  EXPECT_GE(Clock::now() - t0, milliseconds(950));
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(src.health().state, "ok");
  auto h = src.health();
  EXPECT_EQ(h.http_4xx, 1);
  EXPECT_EQ(h.http_5xx, 0);
  EXPECT_EQ(h.network_errors, 0);
  EXPECT_EQ(h.rate_limit_waits, 1) << "one Retry-After pause";
}

TEST(MastodonSource, BacksOffOnServerErrorsAndDroppedConnections) {
  for (int status : {503, 0}) {
    MastodonFixture fx;
    fx.fail_next = 2;
    fx.fail_status = status;
    HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r, ""); });
    // Only the backoff is under test: no stall verdict (50 ms without a good page under the
    // fast options) may replace "backoff" when the machine is slow, and the loop is bounded
    // by polls, not by time.
    MastodonOptions o = fast_options(server.base_url());
    o.polling.stall_factor = 1e6;
    MastodonSource src(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
    int errors = 0;
    std::size_t posts = 0;
    for (int i = 0; i < 1000 && posts == 0; ++i) {
      auto b = src.poll(milliseconds(50));
      if (!b) {
        ++errors;
        EXPECT_EQ(src.health().state, "backoff");
        continue;
      }
      posts = b->posts.size();
    }
    EXPECT_EQ(errors, 2) << "status " << status;
    EXPECT_EQ(posts, 3u);
    auto h = src.health();
    EXPECT_EQ(h.errors, 2);
    EXPECT_EQ(h.http_5xx, status == 503 ? 2 : 0) << "status " << status;
    EXPECT_EQ(h.network_errors, status == 0 ? 2 : 0) << "status " << status;
    EXPECT_EQ(h.http_4xx + h.parse_errors + h.rate_limit_waits, 0);
  }
}

TEST(MastodonSource, CountsUnreadablePagesAsParseErrorsAndAStall) {
  HttpFixtureServer server([&](const FixtureRequest&) {
    return FixtureResponse{200, {}, "<html>not a timeline</html>"};
  });
  MastodonOptions o = fast_options(server.base_url());
  o.polling.stall_factor = 5;  // 50 ms without a good page = stalled
  MastodonSource src(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  auto t0 = Clock::now();
  while (Clock::now() - t0 < milliseconds(400)) (void)src.poll(milliseconds(20));
  auto h = src.health();
  EXPECT_GE(h.parse_errors, 2);
  EXPECT_EQ(h.parse_errors, h.errors) << "nothing else went wrong";
  EXPECT_EQ(h.http_4xx + h.http_5xx + h.network_errors, 0);
  EXPECT_EQ(h.stalls, 1) << "one stall, counted once while it lasts";
  EXPECT_EQ(h.state, "stalled");
}

TEST(MastodonSource, HashtagTimelineWithTokenAndFederatedCopiesOnce) {
  MastodonFixture fx1, fx2;
  HttpFixtureServer one([&](const FixtureRequest& r) { return fx1.answer(r, ""); });
  HttpFixtureServer two([&](const FixtureRequest& r) { return fx2.answer(r, ""); });
  auto dedup = std::make_shared<UriDedup>();
  MastodonOptions o1 = fast_options(one.base_url());
  o1.timeline = "hashtag:acme";
  o1.access_token = "tok123";
  o1.dedup = dedup;
  o1.limit = 40;
  MastodonOptions o2 = o1;
  o2.instance = two.base_url();
  MastodonSource a(o1, pipeline::http::make_cpprest_client(earshot::testing::loopback_client())),
      b(o2, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  auto ba = a.poll(milliseconds(200));
  auto bb = b.poll(milliseconds(200));
  ASSERT_TRUE(ba && bb);
  EXPECT_EQ(ba->posts.size(), 9u);
  EXPECT_TRUE(bb->posts.empty());  // same ActivityPub uris seen through another instance
  FixtureRequest req = one.requests().at(0);
  EXPECT_EQ(req.path(), "/api/v1/timelines/tag/acme");
  EXPECT_EQ(req.header("authorization"), "Bearer tok123");
  EXPECT_EQ(a.name(), "mastodon:127.0.0.1:hashtag:acme");
}

}  // namespace
}  // namespace earshot::ingest
