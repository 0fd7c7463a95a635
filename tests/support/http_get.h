// Test support: one blocking HTTP/1.1 GET from the test's own thread, for tests that read a
// running earshot's API or /metrics.
//
//   HttpGot got = http_get("http://127.0.0.1:8080", "/metrics");             // no auth
//   HttpGot a = http_get(url, "/api/v1/alerts", "serve-token-0123456789");   // Bearer token
//   EXPECT_EQ(got.status, 200) << got.body;
//
// Why not cpprest's http_client: it answers on its own thread pool and hands the response to
// the caller through pplx tasks compiled into libcpprest, which ThreadSanitizer does not
// instrument; under deploy/sanitize.sh tsan that hand-off was reported as a race on the
// response headers (bench/RESULTS.md, "Sanitizers"). Here everything — connect, write, read,
// the deadline — runs on the calling thread in Boost.Beast (header-only, so compiled into the
// test and instrumented), with no thread at all.
//
// Never throws: a failure (no connection, deadline, bad answer) is status 0 with the reason in
// `body`. Plain http:// only ("http://host:port", port 80 by default). `deadline` bounds the
// whole exchange. Header-only test code; no shared state, callable from any thread.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <string>

namespace earshot::testing {

struct HttpGot {
  int status = 0;     // 0: no answer (the reason is in body)
  std::string body;
};

inline HttpGot http_get(const std::string& base, const std::string& target,
                        const std::string& token = "",
                        std::chrono::seconds deadline = std::chrono::seconds(10)) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = boost::beast::http;
  const std::string scheme = "http://";
  if (base.compare(0, scheme.size(), scheme) != 0) return {0, "not an http:// URL: " + base};
  std::string authority = base.substr(scheme.size());
  authority = authority.substr(0, authority.find('/'));
  const auto colon = authority.rfind(':');
  const std::string host = colon == std::string::npos ? authority : authority.substr(0, colon);
  const std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);

  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, authority);
  req.set(http::field::connection, "close");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  beast::error_code failed;
  std::string step = "resolve";

  // One chain of asynchronous steps, run to its end by io.run() on this thread: the
  // asynchronous form is what lets tcp_stream enforce the deadline.
  asio::ip::tcp::resolver resolver(io);
  resolver.async_resolve(host, port, [&](beast::error_code ec, auto endpoints) {
    if (ec) return void(failed = ec);
    step = "connect";
    stream.expires_after(deadline);
    stream.async_connect(endpoints, [&](beast::error_code ec, auto) {
      if (ec) return void(failed = ec);
      step = "write";
      http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) return void(failed = ec);
        step = "read";
        http::async_read(stream, buffer, res, [&](beast::error_code ec, std::size_t) {
          if (ec) failed = ec;
        });
      });
    });
  });
  io.run();
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  if (failed) return {0, "GET " + base + target + ": " + step + ": " + failed.message()};
  return {static_cast<int>(res.result_int()), std::move(res.body())};
}

}  // namespace earshot::testing
