// RedditSource against a fixture server speaking Reddit's API: app-only OAuth, Listing
// pages with `after`, X-Ratelimit-* headers, 429.
#include <gtest/gtest.h>

#include <atomic>

#include "ingest/json_access.h"
#include "ingest/reddit_source.h"
#include "ingest/url_util.h"
#include "pipeline/http/cpprest_client.h"
#include "tests/ingest/support/http_fixture_server.h"
#include "tests/support/loopback_http.h"

namespace earshot::ingest {
namespace {

using testing::FixtureRequest;
using testing::FixtureResponse;
using testing::HttpFixtureServer;

Json link(int n) {
  std::string id = "abc" + std::to_string(n);
  return {{"kind", "t3"},
          {"data",
           {{"subreddit", "acmeair"},
            {"name", "t3_" + id},
            {"id", id},
            {"title", "post " + std::to_string(n)},
            {"selftext", ""},
            {"author", "user" + std::to_string(n)},
            {"created_utc", 1732356000.0 + n * 60},
            {"permalink", "/r/acmeair/comments/" + id + "/post/"}}}};
}

// /r/acmeair/new.json over `count` links, newest first, `limit` per page, `after` paging.
struct RedditFixture {
  std::atomic<int> count{5};
  std::atomic<int> fail_next{0};
  std::string remaining = "99.0";
  bool oauth = false;
  std::atomic<int> tokens_issued{0};

  FixtureResponse answer(const FixtureRequest& req) {
    if (req.path() == "/api/v1/access_token") {
      if (req.header("authorization") != "Basic " + std::string("aWQ6c2VjcmV0") ||
          req.body != "grant_type=client_credentials")
        return {401, {}, R"({"message": "Unauthorized", "error": 401})"};
      ++tokens_issued;
      return {200,
              {},
              R"({"access_token": "tok-)" + std::to_string(tokens_issued) +
                  R"(", "token_type": "bearer", "expires_in": 86400, "scope": "*"})"};
    }
    if (oauth && req.header("authorization").rfind("bearer tok-", 0) != 0)
      return {401, {}, R"({"message": "Unauthorized", "error": 401})"};
    if (fail_next > 0) {
      --fail_next;
      return {429, {{"Retry-After", "1"}}, R"({"message": "Too Many Requests", "error": 429})"};
    }
    if (req.path() != "/r/acmeair/new.json" && req.path() != "/r/acmeair/search.json")
      return {404, {}, R"({"message": "Not Found", "error": 404})"};
    int limit = std::stoi(query_param(req.target, "limit").value_or("25"));
    std::string after = query_param(req.target, "after").value_or("");
    int start = count;  // newest
    if (!after.empty()) start = std::stoi(after.substr(6)) - 1;
    Json children = Json::array();
    int n = start;
    for (; n >= 1 && static_cast<int>(children.size()) < limit; --n) children.push_back(link(n));
    Json next = n >= 1 ? Json("t3_abc" + std::to_string(n + 1)) : Json(nullptr);
    Json body = {{"kind", "Listing"},
                 {"data",
                  {{"after", next},
                   {"dist", children.size()},
                   {"children", children},
                   {"before", nullptr}}}};
    return {200,
            {{"X-Ratelimit-Used", "1"},
             {"X-Ratelimit-Remaining", remaining},
             {"X-Ratelimit-Reset", "1"}},
            dump_json(body)};
  }
};

RedditOptions options_for(const HttpFixtureServer& s) {
  RedditOptions o;
  o.subreddit = "acmeair";
  o.base_url = s.base_url();
  o.oauth_base_url = s.base_url();
  o.token_url = s.url("/api/v1/access_token");
  o.limit = 2;
  o.polling.poll_interval = milliseconds(10);
  o.polling.backoff_base = milliseconds(20);
  return o;
}

std::vector<std::string> uids_of(const ingest::SourceBatch& b) {
  std::vector<std::string> out;
  for (const auto& p : b.posts) out.push_back(p.uid);
  return out;
}

TEST(RedditSource, WalksAfterPagesAndResumesFromTheCursor) {
  RedditFixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  std::string cursor;
  {
    RedditSource a(options_for(server),
                   pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
    auto first = a.poll(milliseconds(200));  // fresh: newest page only
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(uids_of(*first),
              (std::vector<std::string>{"reddit:acmeair:t3_abc4", "reddit:acmeair:t3_abc5"}));
    cursor = first->cursor;
  }
  fx.count = 10;  // five new links while we were down
  RedditSource b(options_for(server),
                 pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  ASSERT_TRUE(b.restore(cursor));
  auto second = b.poll(milliseconds(200));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(uids_of(*second),
            (std::vector<std::string>{"reddit:acmeair:t3_abc6", "reddit:acmeair:t3_abc7",
                                      "reddit:acmeair:t3_abc8", "reddit:acmeair:t3_abc9",
                                      "reddit:acmeair:t3_abc10"}));
  EXPECT_EQ(server.requests().back().target, "/r/acmeair/new.json?limit=2&after=t3_abc7");
  auto third = b.poll(milliseconds(200));
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->posts.empty());
}

TEST(RedditSource, GetsAnAppOnlyTokenAndRenewsItAfter401) {
  RedditFixture fx;
  fx.oauth = true;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  RedditOptions o = options_for(server);
  o.client_id = "id";
  o.client_secret = "secret";
  RedditSource src(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  auto b = src.poll(milliseconds(200));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->posts.size(), 2u);
  EXPECT_EQ(fx.tokens_issued, 1);
  auto reqs = server.requests();
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(reqs[1].header("authorization"), "bearer tok-1");
}

TEST(RedditSource, SearchUsesSortNewInsideTheSubreddit) {
  RedditFixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  RedditOptions o = options_for(server);
  o.query = "lost luggage";
  RedditSource src(o, pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  EXPECT_EQ(src.name(), "reddit:search:lost luggage:acmeair");
  auto b = src.poll(milliseconds(200));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->posts.size(), 2u);
  EXPECT_EQ(server.requests()[0].target,
            "/r/acmeair/search.json?q=lost%20luggage&sort=new&restrict_sr=1&limit=2");
}

TEST(RedditSource, RateLimitHeadersAnd429PauseRequests) {
  RedditFixture fx;
  fx.remaining = "0.0";  // budget spent: wait X-Ratelimit-Reset (1 s) before the next call
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  RedditSource src(options_for(server),
                   pipeline::http::make_cpprest_client(earshot::testing::loopback_client()));
  ASSERT_TRUE(src.poll(milliseconds(100)));
  EXPECT_EQ(src.health().state, "rate_limited");
  ASSERT_TRUE(src.poll(milliseconds(100)));
  EXPECT_EQ(server.request_count(), 1u);
  fx.remaining = "50.0";
  fx.fail_next = 1;
  fx.count = 6;
  auto t0 = Clock::now();
  bool saw_429 = false;
  std::size_t posts = 0;
  while (Clock::now() - t0 < std::chrono::seconds(4) && posts == 0) {
    auto b = src.poll(milliseconds(200));
    if (!b) {
      saw_429 = true;
      EXPECT_NE(b.error().message.find("429"), std::string::npos);
      continue;
    }
    posts = b->posts.size();
  }
  EXPECT_TRUE(saw_429);
  EXPECT_EQ(posts, 1u);
  EXPECT_GE(Clock::now() - t0, milliseconds(1500));  // ~1 s reset + 1 s Retry-After
}

}  // namespace
}  // namespace earshot::ingest
