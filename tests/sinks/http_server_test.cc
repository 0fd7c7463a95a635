// Tests for sinks/http_server.h: routing, bearer-token auth, request bounds, errors, and
// binding (port 0, an address in use).
#include "sinks/http_server.h"
#include "tests/support/busy_port.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/containerstream.h>
#include <cpprest/http_client.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace earshot::sinks {
namespace {

namespace http = web::http;
using earshot::testing::BusyPort;

struct Got {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

Got request(const std::string& base, const std::string& method, const std::string& target,
            const std::string& token = "", const std::string& body = "") {
  http::client::http_client_config cfg;
  cfg.set_timeout(std::chrono::seconds(10));
  http::client::http_client client(base, cfg);
  http::http_request req(method);
  req.set_request_uri(target);
  if (!token.empty()) req.headers().add("Authorization", "Bearer " + token);
  if (!body.empty()) {
    // Bytes, not set_body(std::string): that one casts a streambuf<char> to the
    // streambuf<unsigned char> the request holds, which UBSan (vptr) stops.
    std::vector<unsigned char> bytes(body.begin(), body.end());
    const auto size = bytes.size();
    req.set_body(concurrency::streams::bytestream::open_istream(std::move(bytes)), size,
                 "application/octet-stream");
  }
  http::http_response resp = client.request(req).get();
  Got g;
  g.status = resp.status_code();
  for (const auto& [k, v] : resp.headers()) g.headers[k] = v;
  auto bytes = resp.extract_vector().get();
  g.body.assign(bytes.begin(), bytes.end());
  return g;
}

Got get(const std::string& base, const std::string& target, const std::string& token = "") {
  return request(base, http::methods::GET, target, token);
}

std::unique_ptr<HttpServer> started(HttpServerOptions options) {
  auto server = std::make_unique<HttpServer>(std::move(options));
  server->route("/healthz", Access::kPublic,
                [](const ServerRequest&) { return ServerResponse::text(200, "ok\n"); });
  server->route("/api/echo", Access::kToken, [](const ServerRequest& r) {
    return ServerResponse::json(
        200, "{\"q\":\"" + r.query_value("q") + "\",\"path\":\"" + r.path + "\"}");
  });
  server->route("POST", "/api/items/{id}/approve", Access::kAdmin, [](const ServerRequest& r) {
    return ServerResponse::json(200, "{\"id\":\"" + r.param("id") + "\",\"by\":\"" + r.principal +
                                         "\",\"body\":\"" + r.body + "\"}");
  });
  server->route("/api/items/{id}", Access::kRead, [](const ServerRequest& r) {
    return ServerResponse::json(200, "{\"id\":\"" + r.param("id") + "\"}");
  });
  server->route("/api/items/latest", Access::kRead,
                [](const ServerRequest&) { return ServerResponse::json(200, "{\"exact\":true}"); });
  server->route("/api/throw", Access::kToken, [](const ServerRequest&) -> ServerResponse {
    throw std::runtime_error("handler broke");
  });
  auto st = server->start();
  EXPECT_TRUE(st.has_value()) << (st ? "" : st.error().message);
  return server;
}

TEST(HttpServer, PortZeroPicksAFreePortAndAnswers) {
  auto server = started({.listen = "127.0.0.1:0"});
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->port()));
  Got g = get(server->url(), "/healthz");
  EXPECT_EQ(g.status, 200);
  EXPECT_EQ(g.body, "ok\n");
  EXPECT_EQ(g.headers["Cache-Control"], "no-store");
}

TEST(HttpServer, QueryAndPathArePercentDecoded) {
  auto server = started({.listen = "127.0.0.1:0"});  // no tokens: API routes are open
  Got g = get(server->url(), "/api/echo?q=acme%20air&x=1");
  EXPECT_EQ(g.status, 200);
  EXPECT_EQ(g.body, R"({"q":"acme air","path":"/api/echo"})");
}

TEST(HttpServer, TokenRoutesNeedAConfiguredBearerToken) {
  auto server = started({.listen = "127.0.0.1:0", .tokens = {{"first-token"}, {"second-token"}}});
  Got none = get(server->url(), "/api/echo");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.headers["WWW-Authenticate"], "Bearer realm=\"earshot\"");
  EXPECT_EQ(get(server->url(), "/api/echo", "wrong-token").status, 401);
  EXPECT_EQ(get(server->url(), "/api/echo", "first-toke").status, 401);
  EXPECT_EQ(get(server->url(), "/api/echo", "second-token").status, 200);
  EXPECT_EQ(get(server->url(), "/api/echo", "first-token").status, 200);
  EXPECT_EQ(server->unauthorized(), 3u);
  // Public routes never ask.
  EXPECT_EQ(get(server->url(), "/healthz").status, 200);
}

TEST(HttpServer, UnknownPathsMethodsAndBigRequestsAreRefused) {
  auto server = started({.listen = "127.0.0.1:0", .max_body_bytes = 1024, .max_uri_bytes = 256});
  EXPECT_EQ(get(server->url(), "/nope").status, 404);
  Got post = request(server->url(), http::methods::POST, "/healthz", "", "x");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["Allow"], "GET, HEAD");
  EXPECT_EQ(
      request(server->url(), http::methods::POST, "/healthz", "", std::string(4096, 'x')).status,
      413);
  EXPECT_EQ(get(server->url(), "/api/echo?q=" + std::string(1000, 'a')).status, 414);
  // Still serving after all of that.
  EXPECT_EQ(get(server->url(), "/healthz").status, 200);
}

TEST(HttpServer, ScopesOwnersMethodsAndPathPatterns) {
  auto server = started({.listen = "127.0.0.1:0",
                         .tokens = {{"admin-token-0123", "alice", pipeline::core::Scope::kAdmin},
                                    {"read-token-01234", "wall", pipeline::core::Scope::kRead}}});
  // A read token may look but not act; the refusal is 403, not 401.
  EXPECT_EQ(get(server->url(), "/api/items/r-7", "read-token-01234").body, R"({"id":"r-7"})");
  Got denied = request(server->url(), http::methods::POST, "/api/items/r-7/approve",
                       "read-token-01234", "ok");
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("wall"), std::string::npos) << denied.body;
  EXPECT_EQ(request(server->url(), http::methods::POST, "/api/items/r-7/approve", "", "ok").status,
            401);
  // An admin token acts, and the handler learns who it was and gets the body.
  Got acted = request(server->url(), http::methods::POST, "/api/items/r-7/approve",
                      "admin-token-0123", "looks good");
  EXPECT_EQ(acted.status, 200);
  EXPECT_EQ(acted.body, R"({"id":"r-7","by":"alice","body":"looks good"})");
  // Exact routes win over patterns; a known path with another method is 405 naming the ones
  // it has.
  EXPECT_EQ(get(server->url(), "/api/items/latest", "read-token-01234").body, R"({"exact":true})");
  Got wrong =
      request(server->url(), http::methods::DEL, "/api/items/r-7/approve", "admin-token-0123");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["Allow"], "POST");
  EXPECT_EQ(get(server->url(), "/api/items/r-7/approve/more", "admin-token-0123").status, 404);
  EXPECT_EQ(server->unauthorized(), 2u);
}

TEST(HttpServer, WithoutTokensEveryRouteIsOpenToAnonymous) {
  auto server = started({.listen = "127.0.0.1:0"});
  Got acted = request(server->url(), http::methods::POST, "/api/items/9/approve", "", "x");
  EXPECT_EQ(acted.body, R"({"id":"9","by":"anonymous","body":"x"})");
}

TEST(HttpServer, AHandlerThatThrowsIsA500) {
  auto server = started({.listen = "127.0.0.1:0"});
  Got g = get(server->url(), "/api/throw");
  EXPECT_EQ(g.status, 500);
  EXPECT_NE(g.body.find("handler broke"), std::string::npos);
  EXPECT_EQ(get(server->url(), "/healthz").status, 200);
}

TEST(HttpServer, AnAddressInUseIsUnavailable) {
  // Taken by another server in this process: refused, and the first one keeps answering.
  auto first = started({.listen = "127.0.0.1:0"});
  HttpServer second({.listen = "127.0.0.1:" + std::to_string(first->port())});
  auto st = second.start();
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, pipeline::core::ErrorCode::kUnavailable);
  EXPECT_NE(st.error().message.find("in use"), std::string::npos) << st.error().message;
  EXPECT_EQ(get(first->url(), "/healthz").status, 200);

  // Taken by a plain listening socket (another program).
  BusyPort busy;
  ASSERT_TRUE(busy.ok());
  HttpServer third({.listen = "127.0.0.1:" + std::to_string(busy.port())});
  auto st3 = third.start();
  busy.release();
  ASSERT_FALSE(st3.has_value());
  EXPECT_EQ(st3.error().code, pipeline::core::ErrorCode::kUnavailable);
}

TEST(HttpServer, BadListenAddressesAreInvalid) {
  for (const char* listen : {"nohost", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:http"}) {
    HttpServer s({.listen = listen});
    auto st = s.start();
    ASSERT_FALSE(st.has_value()) << listen;
    EXPECT_EQ(st.error().code, pipeline::core::ErrorCode::kInvalidArgument) << listen;
  }
}

TEST(HttpServer, ConcurrentRequestsAreAllAnswered) {
  auto server = started({.listen = "127.0.0.1:0", .tokens = {{"t"}}});
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        if (get(server->url(), "/api/echo?q=" + std::to_string(i), "t").status == 200) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 80);
}

// Raw loopback client: sends `bytes`, reads until every needle was seen or the peer closed.
std::string raw_exchange(int port, const std::string& bytes, std::vector<std::string> needles) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    timeval tv{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto all = [&] {
      for (const auto& n : needles)
        if (out.find(n) == std::string::npos) return false;
      return !needles.empty();
    };
    char buf[4096];
    while (!all()) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

TEST(HttpServer, TraceAndOptionsAre405WithoutEchoingTheToken) {
  auto server = started({.listen = "127.0.0.1:0", .tokens = {{"admin-token-0123", "alice"}}});
  for (std::string method : {"TRACE", "OPTIONS"}) {
    std::string got = raw_exchange(
        server->port(),
        method + " /api/echo HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer admin-token-0123\r\n\r\n",
        {});
    EXPECT_EQ(got.rfind("HTTP/1.1 405", 0), 0u) << method << ": " << got;
    EXPECT_EQ(got.find("admin-token-0123"), std::string::npos) << method;
  }
}

TEST(HttpServer, EventRoutesStreamToAuthenticatedClientsOnly) {
  auto server = started({.listen = "127.0.0.1:0",
                         .tokens = {{"read-token-01234", "wall", pipeline::core::Scope::kRead}}});
  std::mutex mu;
  std::vector<std::pair<std::string, std::shared_ptr<EventStream>>> streams;
  server->route_events("/api/events", Access::kRead,
                       [&](const ServerRequest& r, std::shared_ptr<EventStream> s) {
                         std::lock_guard lock(mu);
                         streams.emplace_back(r.principal, std::move(s));
                       });
  std::string denied =
      raw_exchange(server->port(), "GET /api/events HTTP/1.1\r\nHost: h\r\n\r\n", {"\r\n\r\n"});
  EXPECT_EQ(denied.rfind("HTTP/1.1 401", 0), 0u) << denied;
  std::thread pusher([&] {
    for (int i = 0; i < 4000; ++i) {
      {
        std::lock_guard lock(mu);
        if (!streams.empty()) {
          streams[0].second->send("alert", R"({"n":1})");
          return;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::string got = raw_exchange(
      server->port(),
      "GET /api/events HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer read-token-01234\r\n\r\n",
      {"data: {\"n\":1}\n\n"});
  pusher.join();
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos) << got;
  EXPECT_NE(got.find("event: alert\ndata: {\"n\":1}\n\n"), std::string::npos) << got;
  std::lock_guard lock(mu);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].first, "wall");
  bool dispatched_without_transport = false;
  ServerRequest direct;
  direct.method = "GET";
  direct.path = "/api/events";
  direct.headers["authorization"] = "Bearer read-token-01234";
  EXPECT_EQ(server->dispatch(direct, &dispatched_without_transport).status, 400);
}

}  // namespace
}  // namespace earshot::sinks
