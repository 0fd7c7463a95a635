// earshot::sinks — the small HTTP server behind /metrics, /healthz, the JSON API and the
// dashboard page (over cpprestsdk's http_listener, like the webhook source).
//
// Routes are exact paths for GET (HEAD is answered like GET without a body). Requests are
// bounded: a URI over max_uri_bytes gets 414, a body over max_body_bytes 413 (no route
// reads a body), other methods 405, unknown paths 404. Routes added with Access::kToken
// need "Authorization: Bearer <token>" naming one of `tokens` (constant-time compare; 401
// with WWW-Authenticate otherwise); with no tokens configured they are open, which is why
// the default listen address is loopback. A handler that throws gives 500.
//
//   HttpServer server({.listen = "127.0.0.1:0", .tokens = {"s3cret"}});
//   server.route("/healthz", Access::kPublic, [](const ServerRequest&) { return
//   ServerResponse::text(200, "ok\n"); }); server.route("/api/alerts", Access::kToken, [&](const
//   ServerRequest& r) { ... r.query_value("limit") ... }); if (auto st = server.start(); !st) ...
//   // kUnavailable: address in use / cannot bind server.url();                            //
//   "http://127.0.0.1:43117"
//
// Thread safety: handlers run on cpprestsdk's thread pool, several at once; route() may be
// called before or after start(). Lifetime: stop() (or the destructor) closes the listener
// and waits for handlers in progress; everything a handler uses must outlive that.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/core/status.h"

namespace earshot::sinks {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 = pick a free one
  std::vector<std::string> tokens;        // bearer tokens for Access::kToken routes; none = open
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_uri_bytes = 8 * 1024;
};

struct ServerRequest {
  std::string method;
  std::string path;                            // percent-decoded
  std::map<std::string, std::string> query;    // percent-decoded; a repeated name keeps the last
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string query_value(const std::string& name, const std::string& fallback = "") const {
    auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
  }
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static ServerResponse json(int status, std::string body) {
    return {status, "application/json", std::move(body), {}};
  }
  static ServerResponse text(int status, std::string body) {
    return {status, "text/plain; charset=utf-8", std::move(body), {}};
  }
  // {"error": message} with the status.
  static ServerResponse error(int status, std::string_view message);
};

enum class Access { kPublic, kToken };

class HttpServer {
 public:
  using Handler = std::function<ServerResponse(const ServerRequest&)>;

  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void route(std::string path, Access access, Handler handler);
  // Binds and starts answering. kInvalidArgument for a bad listen address, kUnavailable
  // when it cannot bind (address in use, no permission).
  [[nodiscard]] pipeline::core::Status start();
  void stop();

  // "http://host:port" (the real port once started).
  std::string url() const;
  int port() const { return port_; }
  // Requests answered 401 so far.
  std::uint64_t unauthorized() const { return unauthorized_.load(); }

  struct Impl;  // http_server.cc

 private:
  HttpServerOptions options_;
  std::string host_;
  int port_ = 0;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::pair<Access, Handler>> routes_;
  std::unique_ptr<Impl> impl_;
  std::atomic<std::uint64_t> unauthorized_{0};

  ServerResponse dispatch(const ServerRequest& request, bool* unauthorized) const;
};

// True when `header` ("Bearer <t>") carries one of `tokens`; true for any header when
// `tokens` is empty. Constant time in the token length.
bool bearer_allowed(const std::vector<std::string>& tokens, std::string_view header);

}  // namespace earshot::sinks
