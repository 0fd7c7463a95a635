// earshot::sinks — the small HTTP server behind /metrics, /healthz, the JSON API and the
// dashboard page (over the bounded Boost.Beast transport pipeline/http/server.h, like the
// webhook source: header, body, timeout, connection and method limits are documented there).
//
// Routes are a method and a path. A path is exact ("/api/v1/alerts") or a pattern whose
// `{name}` segments match one segment each ("/api/v1/replies/{id}/approve"; the values are
// in ServerRequest::params); exact routes win. GET routes also answer HEAD (without a
// body). Requests are bounded: a URI over max_uri_bytes gets 414, a body over
// max_body_bytes 413; a known path with another method 405 (with Allow), unknown paths 404.
// Access: kPublic needs nothing; kRead and kAdmin need "Authorization: Bearer <token>"
// naming one of `tokens` with that scope (core/access.h: admin may do everything, read
// only kRead routes) — 401 with WWW-Authenticate without a known token, 403 with a token of
// too small a scope. The token's owner reaches the handler as ServerRequest::principal
// (for audit records). With no tokens configured every route is open (principal
// "anonymous"), which is why the default listen address is loopback. A handler that throws
// gives 500.
//
//   HttpServer server({.listen = "127.0.0.1:0", .tokens = {{"0123456789abcdef", "alice"}}});
//   server.route("/healthz", Access::kPublic, [](const ServerRequest&) {
//     return ServerResponse::text(200, "ok\n"); });
//   server.route("POST", "/api/v1/replies/{id}/approve", Access::kAdmin,
//                [&](const ServerRequest& r) { return approve(r.param("id"), r.principal, r.body);
//                });
//   if (auto st = server.start(); !st) ...   // kUnavailable: address in use / cannot bind
//   server.url();                            // "http://127.0.0.1:43117"
//
// Server-sent events: route_events(path, access, source) serves GET `path` as
// text/event-stream. After routing and authentication `source` is called once with the request
// and an EventStream; keep the stream (it is a thread-safe handle) and send() to it from your
// own thread or callback until send() returns false (the client went away, or the server
// stops). `source` must return promptly: it runs on a server thread. At most max_streams are
// open at once (then 503); the server writes a heartbeat comment every `heartbeat`.
//
//   std::vector<std::shared_ptr<EventStream>> clients;   // guarded by your own mutex
//   server.route_events("/api/v1/events", Access::kRead,
//       [&](const ServerRequest& r, std::shared_ptr<EventStream> s) { add(clients, s); });
//   ... later, from any thread: for (auto& s : clients) if (!s->send("alert", json)) drop(s);
//
// Thread safety: handlers run on the server's threads, several at once; route() may be
// called before or after start(). Lifetime: stop() (or the destructor) closes the listener
// and waits for handlers in progress; everything a handler uses must outlive that.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/core/access.h"
#include "pipeline/core/status.h"
#include "pipeline/http/server.h"

namespace earshot::sinks {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";            // host:port; port 0 = pick a free one
  std::vector<pipeline::core::BearerToken> tokens;  // for kRead/kAdmin routes; none = open
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_uri_bytes = 8 * 1024;
  // Transport limits (pipeline/http/server.h).
  std::size_t max_connections = 256;
  std::size_t max_header_bytes = 16 * 1024;          // over it: 431
  std::chrono::milliseconds header_timeout{10'000};  // then 408 and close
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive, body and write time
  std::size_t max_streams = 32;                      // open event streams
  std::chrono::milliseconds heartbeat{15'000};       // event-stream keep-alive comment
};

struct ServerRequest {
  std::string method;
  std::string path;                            // percent-decoded
  std::map<std::string, std::string> query;    // percent-decoded; a repeated name keeps the last
  std::map<std::string, std::string> headers;  // names lower-cased
  std::map<std::string, std::string> params;   // `{name}` segments of a pattern route
  std::string body;                            // at most max_body_bytes
  std::string principal;  // owner of the bearer token; "anonymous" when the server is open
  pipeline::core::Scope scope = pipeline::core::Scope::kAdmin;  // the token's scope
  std::string query_value(const std::string& name, const std::string& fallback = "") const {
    auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
  }
  std::string param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
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

// kToken is the old name of kRead.
enum class Access { kPublic, kRead, kAdmin, kToken = kRead };

using EventStream = pipeline::http::EventStream;

class HttpServer {
 public:
  using Handler = std::function<ServerResponse(const ServerRequest&)>;
  using EventSource = std::function<void(const ServerRequest&, std::shared_ptr<EventStream>)>;

  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // A GET (and HEAD) route.
  void route(std::string path, Access access, Handler handler);
  // A route for `method` ("GET", "POST", "PUT", "DELETE", "PATCH").
  void route(std::string method, std::string path, Access access, Handler handler);
  // A GET route answered as a server-sent event stream (see above).
  void route_events(std::string path, Access access, EventSource source);
  // Another way in for event routes only (EventSource cannot send an Authorization header):
  // tried when the request has no known bearer token; the owner and scope it answers are
  // checked like a token's (sinks/live_events.h: the session cookie).
  using EventAuth = std::function<std::optional<std::pair<std::string, pipeline::core::Scope>>(
      const ServerRequest&)>;
  void set_event_auth(EventAuth auth);
  // Binds and starts answering. kInvalidArgument for a bad listen address, kUnavailable
  // when it cannot bind (address in use, no permission).
  [[nodiscard]] pipeline::core::Status start();
  void stop();

  // "http://host:port" (the real port once started).
  std::string url() const;
  int port() const { return port_; }
  // Requests answered 401 so far.
  std::uint64_t unauthorized() const { return unauthorized_.load(); }

  // The routes registered so far, in registration order: what the server answers (the
  // OpenAPI test compares this list with sinks/openapi.json).
  struct RouteInfo {
    std::string method;
    std::string path;  // "/api/v1/replies/{id}/approve"
    Access access;
    bool events = false;  // a server-sent event stream
  };
  std::vector<RouteInfo> routes() const;

  struct Impl;  // http_server.cc

 private:
  HttpServerOptions options_;
  std::string host_;
  int port_ = 0;
  mutable std::shared_mutex mu_;
  std::unique_ptr<Impl> impl_;
  std::atomic<std::uint64_t> unauthorized_{0};

 public:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" = any one segment
    Access access;
    Handler handler;
    EventSource events;  // set for route_events() routes (then handler is empty)
  };
  // The response for a request whose method, path, query, headers and body are filled in:
  // routing, 404/405, authentication (principal, scope) and the handler. What the transport
  // calls; public so that a transport and tests can drive it without sockets.
  // An event route answers 400 here (it needs the transport).
  ServerResponse dispatch(ServerRequest request, bool* unauthorized) const;

 private:
  // dispatch(), filling in `request` (params, principal, scope); for an event route that
  // passed authentication sets *events (when given) instead of calling anything.
  ServerResponse route_request(ServerRequest& request, bool* unauthorized,
                               EventSource* events) const;
  void serve(pipeline::http::Request request, pipeline::http::Reply reply);

 public:
 private:
  std::vector<Route> routes_;  // guarded by mu_
  EventAuth event_auth_;       // guarded by mu_
  void add_route(Route r);
};

}  // namespace earshot::sinks
