// The cpprestsdk core::HttpClient against the loopback fixture server: what goes out, what
// comes back, and every transport failure as an error value.
#include "pipeline/http/cpprest_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/http_server.h"
#include "tests/support/loopback_http.h"

namespace earshot::pipeline::http {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::HttpRequest;
using core::HttpResponse;
using earshot::testing::FixtureRequest;
using earshot::testing::FixtureResponse;
using earshot::testing::HttpFixtureServer;

// A door the fixture's handler waits at until the test opens it (or 10 s pass, so a failing
// test cannot hang the server's destructor).
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 10s, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(CpprestClient, SendsMethodHeadersAndBodyAndReturnsStatusHeadersAndBody) {
  HttpFixtureServer server([](const FixtureRequest&) {
    return FixtureResponse{
        201, {{"Content-Type", "application/json"}, {"X-Request-Id", "r-42"}}, R"({"ok":true})"};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  auto r = http->send(
      {.method = "POST",
       .url = server.url("/hooks/a?x=1&y=%40b"),
       .headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer t0k"}},
       .body = R"({"a":1})",
       .timeout = 5s});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"ok":true})");
  EXPECT_EQ(r->header("x-request-id"), "r-42");
  EXPECT_EQ(r->header("X-REQUEST-ID"), "r-42") << "header() ignores case";
  EXPECT_EQ(r->headers.count("x-request-id"), 1u) << "names are stored lower-cased";
  EXPECT_EQ(r->header("absent"), "");
  ASSERT_EQ(server.request_count(), 1u);
  FixtureRequest seen = server.requests()[0];
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/hooks/a?x=1&y=%40b");
  EXPECT_EQ(seen.body, R"({"a":1})");
  EXPECT_EQ(seen.header("authorization"), "Bearer t0k");
  EXPECT_NE(seen.header("content-type").find("application/json"), std::string::npos);
  EXPECT_EQ(seen.header("user-agent"), CpprestClientOptions{}.user_agent);
}

TEST(CpprestClient, GetSendsTheCallersUserAgentAndNoBody) {
  HttpFixtureServer server([](const FixtureRequest&) { return FixtureResponse{200, {}, "[]"}; });
  auto http = make_cpprest_client(earshot::testing::loopback_client({.user_agent = "ours/1"}));
  auto r = http->send({.url = server.url("/list"), .headers = {{"User-Agent", "theirs/2"}}});
  ASSERT_TRUE(r) << r.error().message;
  FixtureRequest seen = server.requests()[0];
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.header("user-agent"), "theirs/2");
  EXPECT_EQ(seen.body, "");
  auto mine = http->send({.url = server.url("/list")});
  ASSERT_TRUE(mine);
  EXPECT_EQ(server.requests()[1].header("user-agent"), "ours/1");
}

TEST(CpprestClient, HttpErrorStatusesAreResponsesNotErrors) {
  HttpFixtureServer server([](const FixtureRequest& r) {
    if (r.path() == "/busy") return FixtureResponse{429, {{"Retry-After", "7"}}, "slow down"};
    if (r.path() == "/gone") return FixtureResponse{404, {}, ""};
    return FixtureResponse{503, {}, "down"};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  auto busy = http->send({.url = server.url("/busy")});
  ASSERT_TRUE(busy) << busy.error().message;
  EXPECT_EQ(busy->status, 429);
  EXPECT_EQ(busy->header("Retry-After"), "7");
  EXPECT_EQ(busy->body, "slow down");
  auto gone = http->send({.url = server.url("/gone")});
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  auto down = http->send({.url = server.url("/down")});
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
}

TEST(CpprestClient, ASlowServerIsATimeoutError) {
  Gate gate;
  HttpFixtureServer server([&](const FixtureRequest&) {
    gate.wait();
    return FixtureResponse{200, {}, "late"};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  auto r = http->send({.url = server.url("/slow"), .timeout = 200ms});
  gate.open();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout) << r.error().message;
  EXPECT_NE(r.error().message.find("/slow"), std::string::npos) << r.error().message;
}

TEST(CpprestClient, RefusedAndDroppedConnectionsAreUnavailable) {
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  auto refused =
      http->send({.url = "http://127.0.0.1:" + std::to_string(earshot::testing::free_port()) + "/x",
                  .timeout = 2s});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable) << refused.error().message;
  HttpFixtureServer server([](const FixtureRequest&) {
    return FixtureResponse{0, {}, ""};
  });  // hangs up
  auto dropped = http->send({.url = server.url("/x"), .timeout = 2s});
  ASSERT_FALSE(dropped);
  EXPECT_EQ(dropped.error().code, ErrorCode::kUnavailable) << dropped.error().message;
}

TEST(CpprestClient, NonHttpUrlsAreInvalidArguments) {
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  for (const char* url : {"ftp://127.0.0.1/x", "not a url", ""}) {
    auto r = http->send({.url = url});
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << url << ": " << r.error().message;
  }
  std::promise<core::Result<HttpResponse>> p;
  http->send_async({.url = "ftp://127.0.0.1/x"},
                   [&](core::Result<HttpResponse> r) { p.set_value(std::move(r)); });
  auto f = p.get_future();
  ASSERT_EQ(f.wait_for(0s), std::future_status::ready)
      << "a request that cannot start fails before send_async returns";
  EXPECT_EQ(f.get().error().code, ErrorCode::kInvalidArgument);
}

TEST(CpprestClient, BodiesOverTheLimitAreErrors) {
  HttpFixtureServer server([](const FixtureRequest&) {
    return FixtureResponse{200, {}, std::string(2048, 'x')};
  });
  auto small = make_cpprest_client(earshot::testing::loopback_client({.max_body_bytes = 1024}));
  auto r = small->send({.url = server.url("/big")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIo) << r.error().message;
  auto enough = make_cpprest_client(earshot::testing::loopback_client({.max_body_bytes = 2048}));
  auto ok = enough->send({.url = server.url("/big")});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->body.size(), 2048u);
}

TEST(CpprestClient, SendAsyncAnswersOnceEvenAfterTheClientIsGone) {
  Gate gate;
  HttpFixtureServer server([&](const FixtureRequest&) {
    gate.wait();
    return FixtureResponse{200, {}, "done"};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::promise<core::Result<HttpResponse>> answer;
  std::atomic<int> calls{0};
  http->send_async({.url = server.url("/later"), .timeout = 10s},
                   [&](core::Result<HttpResponse> r) {
                     if (++calls == 1) answer.set_value(std::move(r));
                   });
  auto f = answer.get_future();
  EXPECT_EQ(f.wait_for(0s), std::future_status::timeout) << "send_async returned before the answer";
  http.reset();  // the request in flight keeps what it needs
  gate.open();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  auto r = f.get();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(calls.load(), 1);
}

TEST(CpprestClient, ManyThreadsShareOneClient) {
  HttpFixtureServer server([](const FixtureRequest& r) {
    return FixtureResponse{200, {}, r.target};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::vector<std::future<bool>> runs;
  for (int i = 0; i < 8; ++i) {
    runs.push_back(std::async(std::launch::async, [&, i] {
      std::string path = "/n/" + std::to_string(i);
      auto r = http->send({.url = server.url(path)});
      return r && r->status == 200 && r->body == path;
    }));
  }
  for (auto& run : runs) EXPECT_TRUE(run.get());
}

// Issue #16: a redirect to another host is never followed, so neither the CRM token nor a
// webhook signature ever reaches it, and a POST is never replayed as a bodiless GET.
TEST(CpprestClientRedirects, AnotherHostIsNeverFollowedAndGetsNothing) {
  HttpFixtureServer other([](const FixtureRequest&) { return FixtureResponse{200, {}, "stolen"}; });
  const std::string elsewhere = "http://localhost:" + std::to_string(other.port()) + "/steal";
  HttpFixtureServer server([&](const FixtureRequest&) {
    return FixtureResponse{302, {{"Location", elsewhere}}, ""};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  auto get = http->send({.url = server.url("/lookup?handle=ann"),
                         .headers = {{"Authorization", "Bearer crm-token"}},
                         .timeout = 5s});
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(get->status, 302);
  EXPECT_EQ(get->header("location"), elsewhere);
  auto post = http->send({.method = "POST",
                          .url = server.url("/hook"),
                          .headers = {{"webhook-signature", "v1,abc"}},
                          .body = R"({"alert":1})",
                          .timeout = 5s});
  ASSERT_TRUE(post) << post.error().message;
  EXPECT_EQ(post->status, 302);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(other.request_count(), 0u);
}

TEST(CpprestClientRedirects, SameHostIsFollowedForGetAnd307KeepsMethodAndBody) {
  HttpFixtureServer server([](const FixtureRequest& r) {
    if (r.path() == "/old") return FixtureResponse{301, {{"Location", "/new"}}, ""};
    if (r.path() == "/p") return FixtureResponse{307, {{"Location", "/q"}}, ""};
    return FixtureResponse{200, {}, r.method + " " + r.path() + " " + r.body};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  auto get = http->send({.url = server.url("/old"), .timeout = 5s});
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "GET /new ");
  auto post =
      http->send({.method = "POST", .url = server.url("/p"), .body = "b0dy", .timeout = 5s});
  ASSERT_TRUE(post) << post.error().message;
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(post->body, "POST /q b0dy");
}

TEST(CpprestClientRedirects, PostAnswered302IsTheAnswerNotAGetWithoutBody) {
  HttpFixtureServer server([](const FixtureRequest& r) {
    if (r.path() == "/hook") return FixtureResponse{302, {{"Location", "/landing"}}, ""};
    return FixtureResponse{200, {}, "landing"};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  auto r = http->send({.method = "POST", .url = server.url("/hook"), .body = "x", .timeout = 5s});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(CpprestClientRedirects, LoopsStopAfterMaxRedirects) {
  HttpFixtureServer server([](const FixtureRequest&) {
    return FixtureResponse{302, {{"Location", "/again"}}, ""};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client({.max_redirects = 3}));
  auto r = http->send({.url = server.url("/start"), .timeout = 5s});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(server.request_count(), 4u);  // the request and three redirects
}

TEST(CpprestClientGuard, LoopbackIsRefusedBeforeConnectingUnlessAllowed) {
  HttpFixtureServer server([](const FixtureRequest&) { return FixtureResponse{200, {}, "ok"}; });
  auto strict = make_cpprest_client();  // the default policy: public addresses only
  for (const std::string& url :
       {server.url("/x"), "http://2130706433:" + std::to_string(server.port()) + "/x",
        "http://localhost:" + std::to_string(server.port()) + "/x"}) {
    auto r = strict->send({.url = url, .timeout = 5s});
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_NE(r.error().message.find("refused"), std::string::npos) << r.error().message;
  }
  std::promise<core::Result<HttpResponse>> async;
  strict->send_async({.url = server.url("/y"), .timeout = 5s},
                     [&](core::Result<HttpResponse> r) { async.set_value(std::move(r)); });
  auto a = async.get_future().get();
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(server.request_count(), 0u);
  auto allowed = make_cpprest_client(earshot::testing::loopback_client());
  auto ok = allowed->send({.url = server.url("/x"), .timeout = 5s});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
}

}  // namespace
}  // namespace earshot::pipeline::http
