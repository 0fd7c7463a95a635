#include "pipeline/link/customer_http.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/pipeline/link/support/fake_crm.h"

namespace earshot::pipeline::link {
namespace {

using std::chrono::milliseconds;
using testing::FakeCrm;

config::CustomerDirectoryDef def_for(const FakeCrm& crm, milliseconds timeout = milliseconds(2000)) {
  config::CustomerDirectoryDef d;
  d.type = "http";
  d.url = crm.url() + "/lookup?platform={platform}&handle={handle}";
  d.headers = {{"Authorization", "Bearer test-token"}};
  d.timeout = timeout;
  return d;
}

std::string numbered(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

Identity who(std::string handle, std::string platform = "mastodon") {
  return Identity{std::move(platform), std::move(handle), ""};
}

TEST(CustomerHttp, FindsCustomerSendsHeadersEncodesAndCaches) {
  std::string seen_path, seen_auth;
  FakeCrm crm([&](const FakeCrm::Request& r) {
    seen_path = r.path_and_query;
    seen_auth = r.headers.count("Authorization") ? r.headers.at("Authorization") : "";
    return FakeCrm::Reply{200, R"({"customer_id":"C-77","tier":"vip","name":"Ines Duarte","extra":[1,2]})"};
  });
  auto src = HttpCustomerSource::create(def_for(crm));
  ASSERT_TRUE(src) << src.error().message;
  auto l = (*src)->find(who("ines@mastodon.example"));
  ASSERT_TRUE(l.customer);
  EXPECT_FALSE(l.failed);
  EXPECT_EQ(l.customer->id, "C-77");
  EXPECT_EQ(l.customer->tier, "vip");
  EXPECT_EQ(l.customer->name, "Ines Duarte");
  EXPECT_EQ(l.customer->source, (*src)->name());
  EXPECT_EQ(seen_path, "/lookup?platform=mastodon&handle=ines%40mastodon.example");
  EXPECT_EQ(seen_auth, "Bearer test-token");
  EXPECT_EQ((*src)->find(who("ines@mastodon.example")).customer->id, "C-77");
  EXPECT_EQ(crm.requests(), 1);
  EXPECT_EQ((*src)->stats().cache_hits, 1u);
}

TEST(CustomerHttp, NotFoundIsCachedAsAnAnswer) {
  FakeCrm crm([](const FakeCrm::Request& r) {
    if (r.path_and_query.find("nobody") != std::string::npos) return FakeCrm::Reply{404, "{}"};
    return FakeCrm::Reply{200, R"({"found": false})"};
  });
  auto src = HttpCustomerSource::create(def_for(crm));
  ASSERT_TRUE(src);
  for (int i = 0; i < 3; ++i) {
    auto l = (*src)->find(who("nobody@x.example"));
    EXPECT_FALSE(l.customer);
    EXPECT_FALSE(l.failed);
  }
  EXPECT_FALSE((*src)->find(who("someone@x.example")).customer);
  EXPECT_EQ(crm.requests(), 2);
  EXPECT_EQ((*src)->stats().not_found, 2u);
}

TEST(CustomerHttp, GarbageAndServerErrorsAreCountedFailures) {
  FakeCrm crm([](const FakeCrm::Request& r) {
    if (r.path_and_query.find("garbage") != std::string::npos) return FakeCrm::Reply{200, "<html>oops{"};
    if (r.path_and_query.find("noid") != std::string::npos) return FakeCrm::Reply{200, R"({"tier":"vip"})"};
    if (r.path_and_query.find("array") != std::string::npos) return FakeCrm::Reply{200, "[1,2,3]"};
    return FakeCrm::Reply{500, "internal error"};
  });
  auto src = HttpCustomerSource::create(def_for(crm));
  ASSERT_TRUE(src);
  for (const char* h : {"garbage", "noid", "array", "boom"}) {
    auto l = (*src)->find(who(h));
    EXPECT_FALSE(l.customer) << h;
    EXPECT_TRUE(l.failed) << h;
  }
  EXPECT_EQ((*src)->stats().failures, 4u);
  // Failures are not cached: the next look-up asks again.
  EXPECT_TRUE((*src)->find(who("boom")).failed);
  EXPECT_EQ(crm.requests(), 5);
}

TEST(CustomerHttp, SlowCrmCostsAtMostTheTimeout) {
  // The CRM answers after 3 s; a 100 ms timeout must give up long before (1.5 s leaves room
  // for a loaded machine without ever waiting for the slow answer).
  FakeCrm crm([](const FakeCrm::Request&) { return FakeCrm::Reply{200, R"({"id":"late"})", milliseconds(3000)}; });
  auto src = HttpCustomerSource::create(def_for(crm, milliseconds(100)));
  ASSERT_TRUE(src);
  auto t0 = std::chrono::steady_clock::now();
  auto l = (*src)->find(who("slowpoke"));
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(l.failed);
  EXPECT_FALSE(l.customer);
  EXPECT_LT(took, milliseconds(1500));
  EXPECT_EQ((*src)->stats().timeouts, 1u);
}

TEST(CustomerHttp, UnreachableCrmFailsQuickly) {
  config::CustomerDirectoryDef d;
  d.type = "http";
  d.url = "http://127.0.0.1:1/lookup?h={handle}";
  d.timeout = milliseconds(500);
  auto src = HttpCustomerSource::create(d);
  ASSERT_TRUE(src);
  auto l = (*src)->find(who("anyone"));
  EXPECT_TRUE(l.failed);
}

TEST(CustomerHttp, CircuitBreakerOpensThenProbesAndCloses) {
  std::atomic<bool> healthy{false};
  FakeCrm crm([&](const FakeCrm::Request&) {
    return healthy ? FakeCrm::Reply{200, R"({"id":"C-1"})"} : FakeCrm::Reply{503, "down"};
  });
  HttpCustomerSource::Options opts;
  opts.breaker_failures = 3;
  opts.breaker_cooldown = milliseconds(300);
  auto src = HttpCustomerSource::create(def_for(crm), opts);
  ASSERT_TRUE(src);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE((*src)->find(who(numbered("u", i))).failed);
  EXPECT_TRUE((*src)->breaker_open());
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) EXPECT_TRUE((*src)->find(who(numbered("v", i))).failed);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(100));
  EXPECT_EQ(crm.requests(), 3);
  EXPECT_EQ((*src)->stats().breaker_rejected, 50u);
  healthy = true;
  std::this_thread::sleep_for(milliseconds(350));
  auto l = (*src)->find(who("probe"));
  ASSERT_TRUE(l.customer);
  EXPECT_FALSE((*src)->breaker_open());
  EXPECT_TRUE((*src)->find(who("after")).customer);
  EXPECT_EQ(crm.requests(), 5);
}

TEST(CustomerHttp, ConcurrencyIsBounded) {
  std::atomic<int> now{0}, peak{0};
  FakeCrm crm([&](const FakeCrm::Request&) {
    int n = ++now;
    int p = peak.load();
    while (n > p && !peak.compare_exchange_weak(p, n)) {
    }
    std::this_thread::sleep_for(milliseconds(100));
    --now;
    return FakeCrm::Reply{200, R"({"id":"C"})"};
  });
  config::CustomerDirectoryDef d = def_for(crm, milliseconds(3000));
  d.max_concurrency = 2;
  auto src = HttpCustomerSource::create(d);
  ASSERT_TRUE(src);
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] { found += (*src)->find(who(numbered("c", i))).customer ? 1 : 0; });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(found.load(), 6);
  EXPECT_LE(peak.load(), 2);
}

TEST(CustomerHttp, BadUrlsAreConfigErrors) {
  config::CustomerDirectoryDef d;
  d.type = "http";
  d.url = "ftp://crm.example/{handle}";
  EXPECT_FALSE(HttpCustomerSource::create(d));
  d.url = "https://{handle}.crm.example/";
  EXPECT_FALSE(HttpCustomerSource::create(d));
  d.url = "https://crm.example/lookup?h={handle}";
  EXPECT_TRUE(HttpCustomerSource::create(d));
}

}  // namespace
}  // namespace earshot::pipeline::link
