// The HTTP CRM directory, driven through a scripted core::HttpClient (answers, slowness and
// failures decided by the test) and a manual clock (cache TTL, breaker cooldown): nothing
// here sleeps or measures wall-clock time. One test goes over real HTTP (the cpprestsdk
// client against the loopback fixture server).
#include "pipeline/link/customer_http.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "pipeline/http/cpprest_client.h"
#include "tests/pipeline/link/support/scripted_http.h"
#include "tests/support/http_server.h"
#include "tests/support/loopback_http.h"

namespace earshot::pipeline::link {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using testing::ManualClock;
using testing::ScriptedHttp;

config::CustomerDirectoryDef crm_def(milliseconds timeout = 2000ms) {
  config::CustomerDirectoryDef d;
  d.type = "http";
  d.url = "https://crm.test/lookup?platform={platform}&handle={handle}";
  d.headers = {{"Authorization", "Bearer test-token"}};
  d.timeout = timeout;
  return d;
}

std::string numbered(const char* prefix, int i) { return prefix + std::to_string(i); }

Identity who(std::string handle, std::string platform = "mastodon") {
  return Identity{std::move(platform), std::move(handle), ""};
}

// A client shared with the directory; the test keeps a reference to script it.
std::shared_ptr<ScriptedHttp> scripted(ScriptedHttp::Handler h) {
  return std::make_shared<ScriptedHttp>(std::move(h));
}

core::Result<core::HttpResponse> customer(const char* id) {
  return ScriptedHttp::reply(200, std::string(R"({"customer_id":")") + id + R"("})");
}

TEST(CustomerHttp, FindsCustomerSendsHeadersEncodesAndCaches) {
  auto http = scripted([](const core::HttpRequest&) {
    return ScriptedHttp::reply(
        200, R"({"customer_id":"C-77","tier":"vip","name":"Ines Duarte","extra":[1,2]})");
  });
  auto src = HttpCustomerSource::create(crm_def(1500ms), http);
  ASSERT_TRUE(src) << src.error().message;
  auto l = (*src)->find(who("ines@mastodon.example"));
  ASSERT_TRUE(l.customer);
  EXPECT_FALSE(l.failed);
  EXPECT_EQ(l.customer->id, "C-77");
  EXPECT_EQ(l.customer->tier, "vip");
  EXPECT_EQ(l.customer->name, "Ines Duarte");
  EXPECT_EQ(l.customer->source, (*src)->name());
  EXPECT_EQ((*src)->name(), "http:crm.test");
  ASSERT_EQ(http->requests(), 1);
  core::HttpRequest sent = http->seen()[0];
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url, "https://crm.test/lookup?platform=mastodon&handle=ines%40mastodon.example");
  EXPECT_EQ(
      sent.headers,
      (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer test-token"}}));
  EXPECT_EQ(sent.timeout, 1500ms);
  EXPECT_EQ((*src)->find(who("ines@mastodon.example")).customer->id, "C-77");
  EXPECT_EQ(http->requests(), 1);
  EXPECT_EQ((*src)->stats().cache_hits, 1u);
}

TEST(CustomerHttp, EncodesEverythingButUnreservedCharactersAndFallsBackToTheDid) {
  auto http = scripted([](const core::HttpRequest&) { return ScriptedHttp::reply(404, ""); });
  config::CustomerDirectoryDef d = crm_def();
  d.url = "http://crm.test:8080/u/{platform}/{handle}?did={did}";
  auto src = HttpCustomerSource::create(d, http);
  ASSERT_TRUE(src) << src.error().message;
  (*src)->find(Identity{"bluesky", "", "did:plc:ab/c d"});
  (*src)->find(Identity{"mastodon", "a.b-c_d~e+f&g=h", ""});
  ASSERT_EQ(http->requests(), 2);
  EXPECT_EQ(http->seen()[0].url,
            "http://crm.test:8080/u/bluesky/did%3Aplc%3Aab%2Fc%20d?did=did%3Aplc%3Aab%2Fc%20d");
  EXPECT_EQ(http->seen()[1].url, "http://crm.test:8080/u/mastodon/a.b-c_d~e%2Bf%26g%3Dh?did=");
}

TEST(CustomerHttp, NotFoundIsCachedAsAnAnswer) {
  auto http = scripted([](const core::HttpRequest& r) {
    if (r.url.find("nobody") != std::string::npos) return ScriptedHttp::reply(404, "{}");
    return ScriptedHttp::reply(200, R"({"found": false})");
  });
  auto src = HttpCustomerSource::create(crm_def(), http);
  ASSERT_TRUE(src);
  for (int i = 0; i < 3; ++i) {
    auto l = (*src)->find(who("nobody@x.example"));
    EXPECT_FALSE(l.customer);
    EXPECT_FALSE(l.failed);
  }
  EXPECT_FALSE((*src)->find(who("someone@x.example")).customer);
  EXPECT_EQ(http->requests(), 2);
  EXPECT_EQ((*src)->stats().not_found, 2u);
}

TEST(CustomerHttp, GarbageServerAndTransportErrorsAreCountedFailures) {
  auto http = scripted([](const core::HttpRequest& r) -> core::Result<core::HttpResponse> {
    if (r.url.find("garbage") != std::string::npos) return ScriptedHttp::reply(200, "<html>oops{");
    if (r.url.find("noid") != std::string::npos)
      return ScriptedHttp::reply(200, R"({"tier":"vip"})");
    if (r.url.find("array") != std::string::npos) return ScriptedHttp::reply(200, "[1,2,3]");
    if (r.url.find("refused") != std::string::npos)
      return core::fail(core::ErrorCode::kUnavailable, "refused");
    return ScriptedHttp::reply(500, "internal error");
  });
  HttpCustomerSource::Options opts;
  opts.breaker_failures = 100;
  auto src = HttpCustomerSource::create(crm_def(), http, opts);
  ASSERT_TRUE(src);
  for (const char* h : {"garbage", "noid", "array", "refused", "boom"}) {
    auto l = (*src)->find(who(h));
    EXPECT_FALSE(l.customer) << h;
    EXPECT_TRUE(l.failed) << h;
  }
  EXPECT_EQ((*src)->stats().failures, 5u);
  EXPECT_EQ((*src)->stats().timeouts, 0u);
  // Failures are not cached: the next look-up asks again.
  EXPECT_TRUE((*src)->find(who("boom")).failed);
  EXPECT_EQ(http->requests(), 6);
}

TEST(CustomerHttp, CacheEntriesExpireAfterTheTtlAndTheLeastRecentGoesFirst) {
  ManualClock clock;
  auto http = scripted([](const core::HttpRequest&) { return customer("C"); });
  config::CustomerDirectoryDef d = crm_def();
  d.cache_ttl = std::chrono::seconds(60);
  d.cache_size = 2;
  HttpCustomerSource::Options opts;
  opts.now = clock.fn();
  auto src = HttpCustomerSource::create(d, http, opts);
  ASSERT_TRUE(src);
  (*src)->find(who("a"));
  clock.advance(59s);
  (*src)->find(who("a"));
  EXPECT_EQ(http->requests(), 1) << "still fresh 59 s later";
  clock.advance(2s);
  (*src)->find(who("a"));
  EXPECT_EQ(http->requests(), 2) << "expired 61 s after it was cached";
  (*src)->find(who("b"));
  (*src)->find(who("a"));  // a is now the most recent
  (*src)->find(who("c"));  // evicts b
  EXPECT_EQ(http->requests(), 4);
  (*src)->find(who("a"));
  EXPECT_EQ(http->requests(), 4);
  (*src)->find(who("b"));
  EXPECT_EQ(http->requests(), 5);
}

TEST(CustomerHttp, ASlowCrmCostsOneTimeoutAndItsLateAnswerIsStillCached) {
  auto http = scripted([](const core::HttpRequest&) { return customer("late"); });
  http->hold();
  auto src = HttpCustomerSource::create(crm_def(50ms), http);
  ASSERT_TRUE(src);
  auto l = (*src)->find(who("slowpoke"));  // gives up at its deadline: the request stays parked
  EXPECT_TRUE(l.failed);
  EXPECT_FALSE(l.customer);
  EXPECT_EQ((*src)->stats().timeouts, 1u);
  ASSERT_EQ(http->parked(), 1u);
  http->release();
  EXPECT_EQ((*src)->stats().found, 1u);
  EXPECT_EQ((*src)->stats().timeouts, 1u);
  auto again = (*src)->find(who("slowpoke"));
  ASSERT_TRUE(again.customer);
  EXPECT_EQ(again.customer->id, "late");
  EXPECT_EQ(http->requests(), 1);
}

TEST(CustomerHttp, TheClientsOwnTimeoutCountsOneTimeout) {
  // The client may see the slow CRM first (its timeout equals ours): one timeout, one failure.
  auto http = scripted([](const core::HttpRequest&) -> core::Result<core::HttpResponse> {
    return core::fail(core::ErrorCode::kTimeout, "timed out");
  });
  auto src = HttpCustomerSource::create(crm_def(), http);
  ASSERT_TRUE(src);
  EXPECT_TRUE((*src)->find(who("slowpoke")).failed);
  EXPECT_EQ((*src)->stats().timeouts, 1u);
  EXPECT_EQ((*src)->stats().failures, 1u);
}

TEST(CustomerHttp, CircuitBreakerOpensThenProbesAndCloses) {
  ManualClock clock;
  std::atomic<bool> healthy{false};
  auto http = scripted([&](const core::HttpRequest&) {
    return healthy ? customer("C-1") : ScriptedHttp::reply(503, "down");
  });
  HttpCustomerSource::Options opts;
  opts.breaker_failures = 3;
  opts.breaker_cooldown = 300ms;
  opts.now = clock.fn();
  auto src = HttpCustomerSource::create(crm_def(), http, opts);
  ASSERT_TRUE(src);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE((*src)->find(who(numbered("u", i))).failed);
  EXPECT_TRUE((*src)->breaker_open());
  for (int i = 0; i < 50; ++i) EXPECT_TRUE((*src)->find(who(numbered("v", i))).failed);
  EXPECT_EQ(http->requests(), 3) << "an open breaker fails look-ups without calling the CRM";
  EXPECT_EQ((*src)->stats().breaker_rejected, 50u);
  healthy = true;
  clock.advance(299ms);
  EXPECT_TRUE((*src)->find(who("early")).failed) << "still cooling down";
  EXPECT_EQ(http->requests(), 3);
  clock.advance(1ms);
  auto l = (*src)->find(who("probe"));
  ASSERT_TRUE(l.customer);
  EXPECT_FALSE((*src)->breaker_open());
  EXPECT_TRUE((*src)->find(who("after")).customer);
  EXPECT_EQ(http->requests(), 5);
}

TEST(CustomerHttp, OneProbeAtATimeAndAFailedProbeReopensTheBreaker) {
  ManualClock clock;
  auto http = scripted([](const core::HttpRequest&) { return ScriptedHttp::reply(503, "down"); });
  HttpCustomerSource::Options opts;
  opts.breaker_failures = 2;
  opts.breaker_cooldown = 1000ms;
  opts.now = clock.fn();
  auto src = HttpCustomerSource::create(crm_def(10'000ms), http, opts);
  ASSERT_TRUE(src);
  (*src)->find(who("a"));
  (*src)->find(who("b"));
  ASSERT_TRUE((*src)->breaker_open());
  clock.advance(1000ms);
  http->hold();
  std::thread probe([&] { EXPECT_TRUE((*src)->find(who("probe")).failed); });
  ASSERT_TRUE(http->wait_parked(1));
  EXPECT_TRUE((*src)->find(who("meanwhile")).failed) << "a second look-up does not probe too";
  EXPECT_EQ(http->requests(), 3);
  http->release();
  probe.join();
  EXPECT_TRUE((*src)->breaker_open());
  EXPECT_TRUE((*src)->find(who("c")).failed);
  EXPECT_EQ(http->requests(), 3) << "the failed probe opened the breaker for another cooldown";
  clock.advance(1000ms);
  (*src)->find(who("d"));
  EXPECT_EQ(http->requests(), 4);
}

TEST(CustomerHttp, ConcurrencyIsBounded) {
  auto http = scripted([](const core::HttpRequest&) { return customer("C"); });
  http->hold();
  config::CustomerDirectoryDef d = crm_def(10'000ms);
  d.max_concurrency = 2;
  auto src = HttpCustomerSource::create(d, http);
  ASSERT_TRUE(src);
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] { found += (*src)->find(who(numbered("c", i))).customer ? 1 : 0; });
  }
  ASSERT_TRUE(http->wait_parked(2));
  // Answer one request at a time; each answer frees a slot for a waiting look-up.
  for (int answered = 0; answered < 6; ++answered) {
    ASSERT_TRUE(http->wait_parked(1)) << answered;
    EXPECT_LE(http->parked(), 2u);
    http->release_one();
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(found.load(), 6);
  EXPECT_EQ(http->peak_parked(), 2u);
  EXPECT_EQ(http->requests(), 6);
}

TEST(CustomerHttp, ALookUpWithoutAFreeSlotGivesUpAtItsDeadline) {
  auto http = scripted([](const core::HttpRequest&) { return customer("C"); });
  http->hold();
  config::CustomerDirectoryDef d = crm_def(50ms);
  d.max_concurrency = 1;
  auto src = HttpCustomerSource::create(d, http);
  ASSERT_TRUE(src);
  EXPECT_TRUE((*src)->find(who("first")).failed);   // times out; its request holds the slot
  EXPECT_TRUE((*src)->find(who("second")).failed);  // no slot before its deadline
  EXPECT_EQ((*src)->stats().busy_rejected, 1u);
  EXPECT_EQ(http->requests(), 1);
  http->release();  // the slot is free again
  EXPECT_TRUE((*src)->find(who("third")).customer);
  EXPECT_EQ(http->requests(), 2);
}

TEST(CustomerHttp, RequestsInFlightOutliveTheDirectory) {
  auto http = scripted([](const core::HttpRequest&) { return customer("C"); });
  http->hold();
  {
    auto src = HttpCustomerSource::create(crm_def(20ms), http);
    ASSERT_TRUE(src);
    EXPECT_TRUE((*src)->find(who("gone")).failed);
  }
  ASSERT_EQ(http->parked(), 1u);
  http->release();  // answers into the directory's state, which the request kept alive
  EXPECT_EQ(http->parked(), 0u);
}

TEST(CustomerHttp, AnHttpDirectoryWithoutAClientIsAConfigError) {
  auto src = HttpCustomerSource::create(crm_def(), nullptr);
  ASSERT_FALSE(src);
  EXPECT_EQ(src.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(src.error().message.find("no HTTP client"), std::string::npos) << src.error().message;
  auto dir = CustomerDirectory::build({crm_def()});
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message.find("customers[0] (http)"), std::string::npos)
      << dir.error().message;
  EXPECT_NE(dir.error().message.find("no HTTP client"), std::string::npos) << dir.error().message;
  auto with = CustomerDirectory::build(
      {crm_def()},
      DirectoryIo{.http = scripted([](const core::HttpRequest&) { return customer("C-5"); })});
  ASSERT_TRUE(with) << with.error().message;
  EXPECT_EQ((*with)->lookup(who("x")).customer->id, "C-5");
}

TEST(CustomerHttp, BadUrlsAreConfigErrors) {
  auto http = scripted([](const core::HttpRequest&) { return ScriptedHttp::reply(404, ""); });
  config::CustomerDirectoryDef d;
  d.type = "http";
  d.url = "ftp://crm.example/{handle}";
  EXPECT_FALSE(HttpCustomerSource::create(d, http));
  d.url = "https://{handle}.crm.example/";
  EXPECT_FALSE(HttpCustomerSource::create(d, http));
  d.url = "https:///lookup";
  EXPECT_FALSE(HttpCustomerSource::create(d, http));
  d.url = "https://crm.example/lookup?h={handle}";
  EXPECT_TRUE(HttpCustomerSource::create(d, http));
}

TEST(CustomerHttp, WorksOverRealHttpWithTheCpprestClient) {
  earshot::testing::HttpFixtureServer crm([](const earshot::testing::FixtureRequest& r) {
    if (r.header("authorization") != "Bearer test-token")
      return earshot::testing::FixtureResponse{401, {}, ""};
    if (r.target == "/lookup?platform=mastodon&handle=ines%40mastodon.example")
      return earshot::testing::FixtureResponse{200, {}, R"({"customer":{"id":42,"tier":"gold"}})"};
    return earshot::testing::FixtureResponse{404, {}, ""};
  });
  config::CustomerDirectoryDef d = crm_def();
  d.url = crm.base_url() + "/lookup?platform={platform}&handle={handle}";
  auto http = pipeline::http::make_cpprest_client(earshot::testing::loopback_client());
  auto src = HttpCustomerSource::create(d, http);
  ASSERT_TRUE(src) << src.error().message;
  auto l = (*src)->find(who("ines@mastodon.example"));
  ASSERT_TRUE(l.customer) << "failed=" << l.failed;
  EXPECT_EQ(l.customer->id, "42");
  EXPECT_EQ(l.customer->tier, "gold");
  EXPECT_FALSE((*src)->find(who("nobody@mastodon.example")).customer);
  EXPECT_EQ((*src)->stats().not_found, 1u);
  // A CRM nobody listens for is a failure, not a crash or a hang.
  d.url =
      "http://127.0.0.1:" + std::to_string(earshot::testing::free_port()) + "/lookup?h={handle}";
  auto down = HttpCustomerSource::create(d, http);
  ASSERT_TRUE(down);
  EXPECT_TRUE((*down)->find(who("anyone")).failed);
}

}  // namespace
}  // namespace earshot::pipeline::link
