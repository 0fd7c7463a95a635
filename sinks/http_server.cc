#include "sinks/http_server.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include <cpprest/uri.h>
#include <nlohmann/json.hpp>

#include "pipeline/core/status.h"

namespace earshot::sinks {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

struct HttpServer::Impl {
  std::unique_ptr<pipeline::http::Server> server;
};

ServerResponse ServerResponse::error(int status, std::string_view message) {
  return json(status, nlohmann::json{{"error", std::string(message)}}.dump(
                          -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpServer::HttpServer(HttpServerOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() { stop(); }

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// 2: exact match; 1: pattern match (params filled); 0: no match.
int match(const HttpServer::Route& route, const std::vector<std::string>& path,
          std::map<std::string, std::string>* params) {
  if (route.segments.size() != path.size()) return 0;
  int kind = 2;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (is_param(route.segments[i])) {
      kind = 1;
    } else if (route.segments[i] != path[i]) {
      return 0;
    }
  }
  if (kind == 1) {
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (is_param(route.segments[i]))
        (*params)[route.segments[i].substr(1, route.segments[i].size() - 2)] = path[i];
    }
  }
  return kind;
}

}  // namespace

void HttpServer::route(std::string path, Access access, Handler handler) {
  route("GET", std::move(path), access, std::move(handler));
}

void HttpServer::route(std::string method, std::string path, Access access, Handler handler) {
  add_route({std::move(method), split_path(path), access, std::move(handler), nullptr});
}

void HttpServer::route_events(std::string path, Access access, EventSource source) {
  add_route({"GET", split_path(path), access, nullptr, std::move(source)});
}

std::vector<HttpServer::RouteInfo> HttpServer::routes() const {
  std::shared_lock lock(mu_);
  std::vector<RouteInfo> out;
  for (const auto& r : routes_) {
    std::string path;
    for (const auto& seg : r.segments) path += "/" + seg;
    out.push_back({r.method, path.empty() ? "/" : path, r.access, r.events != nullptr});
  }
  return out;
}

void HttpServer::set_event_auth(EventAuth auth) {
  std::unique_lock lock(mu_);
  event_auth_ = std::move(auth);
}

void HttpServer::add_route(Route r) {
  std::unique_lock lock(mu_);
  for (auto& existing : routes_) {
    if (existing.method == r.method && existing.segments == r.segments) {  // replaced
      existing = std::move(r);
      return;
    }
  }
  routes_.push_back(std::move(r));
}

std::string HttpServer::url() const {
  std::string host = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
  return "http://" + host + ":" + std::to_string(port_);
}

pipeline::core::Status HttpServer::start() {
  if (impl_) return pipeline::core::ok();
  pipeline::http::ServerLimits limits;
  limits.max_connections = options_.max_connections;
  limits.max_header_bytes = options_.max_header_bytes;
  limits.max_uri_bytes = options_.max_uri_bytes;
  limits.max_body_bytes = options_.max_body_bytes;
  limits.header_timeout = options_.header_timeout;
  limits.idle_timeout = options_.idle_timeout;
  limits.max_streams = options_.max_streams;
  limits.heartbeat = options_.heartbeat;
  limits.threads = 4;
  auto impl = std::make_unique<Impl>();
  impl->server = std::make_unique<pipeline::http::Server>(
      limits, [this](pipeline::http::Request req, pipeline::http::Reply reply) {
        serve(std::move(req), std::move(reply));
      });
  EARSHOT_TRY(impl->server->start(options_.listen));
  host_ = impl->server->host();
  port_ = impl->server->port();
  impl_ = std::move(impl);
  return pipeline::core::ok();
}

void HttpServer::serve(pipeline::http::Request req, pipeline::http::Reply reply) {
  ServerRequest r;
  r.method = req.method;
  ServerResponse out;
  EventSource events;
  try {
    std::string_view target = req.target;
    auto q = target.find('?');
    r.path = web::uri::decode(std::string(target.substr(0, q)));
    if (q != std::string_view::npos) {
      for (const auto& [k, v] : web::uri::split_query(std::string(target.substr(q + 1))))
        r.query[web::uri::decode(k)] = web::uri::decode(v);
    }
    r.headers = std::move(req.headers);
    r.body = std::move(req.body);
    bool denied = false;
    out = route_request(r, &denied, &events);
    if (denied) unauthorized_.fetch_add(1);
  } catch (const std::exception& e) {
    out = ServerResponse::error(400, std::string("bad request: ") + e.what());
  }
  if (events) {
    if (auto stream = reply.stream({{"X-Content-Type-Options", "nosniff"}})) {
      try {
        events(r, std::move(stream));
      } catch (const std::exception&) {
        // the stream ends when its last holder lets go
      }
    }
    return;
  }
  out.headers.emplace_back("Cache-Control", "no-store");
  out.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.send(
      {out.status, std::move(out.content_type), std::move(out.body), std::move(out.headers)});
}

ServerResponse HttpServer::dispatch(ServerRequest request, bool* unauthorized) const {
  return route_request(request, unauthorized, nullptr);
}

ServerResponse HttpServer::route_request(ServerRequest& request, bool* unauthorized,
                                         EventSource* events) const {
  const std::vector<std::string> path = split_path(request.path);
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  const Route* found = nullptr;
  int found_kind = 0;
  std::map<std::string, std::string> found_params;
  std::vector<std::string> allowed;  // methods of the routes matching the path
  Handler handler;
  EventSource event_source;
  EventAuth event_auth;
  {
    std::shared_lock lock(mu_);
    for (const auto& r : routes_) {
      std::map<std::string, std::string> params;
      int kind = match(r, path, &params);
      if (kind == 0) continue;
      if (r.method != method) {
        if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end())
          allowed.push_back(r.method);
        continue;
      }
      if (kind > found_kind) {
        found = &r;
        found_kind = kind;
        found_params = std::move(params);
      }
    }
    if (found) {
      handler = found->handler;
      event_source = found->events;
      if (event_source) event_auth = event_auth_;
    }
  }
  if (!found) {
    if (allowed.empty()) return ServerResponse::error(404, "no such path: " + request.path);
    std::string allow;
    for (const auto& m : allowed)
      allow += (allow.empty() ? "" : ", ") + m + (m == "GET" ? ", HEAD" : "");
    ServerResponse r = ServerResponse::error(405, "method " + request.method + " not allowed here");
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  request.params = std::move(found_params);
  const Access access = found->access;
  request.principal = "anonymous";
  request.scope = pipeline::core::Scope::kAdmin;
  if (access != Access::kPublic && !options_.tokens.empty()) {
    auto it = request.headers.find("authorization");
    const pipeline::core::BearerToken* who = pipeline::core::match_bearer(
        options_.tokens, it == request.headers.end() ? std::string_view() : it->second);
    std::optional<std::pair<std::string, pipeline::core::Scope>> session;
    if (!who && event_auth) session = event_auth(request);
    if (!who && !session) {
      *unauthorized = true;
      ServerResponse r = ServerResponse::error(401, "missing or unknown bearer token");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"earshot\"");
      return r;
    }
    const std::string owner = who ? who->owner : session->first;
    const pipeline::core::Scope scope = who ? who->scope : session->second;
    const auto need =
        access == Access::kAdmin ? pipeline::core::Scope::kAdmin : pipeline::core::Scope::kRead;
    if (!pipeline::core::allows(scope, need)) {
      *unauthorized = true;
      return ServerResponse::error(403, "token of " + owner + " has scope " +
                                            std::string(to_string(scope)) + "; this needs admin");
    }
    request.principal = owner;
    request.scope = scope;
  }
  if (event_source) {
    if (!events) return ServerResponse::error(400, "an event stream needs the HTTP transport");
    *events = std::move(event_source);
    return ServerResponse::json(200, "");
  }
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return ServerResponse::error(500, e.what());
  }
}

void HttpServer::stop() {
  if (!impl_) return;
  impl_->server->stop();
  impl_.reset();
}

}  // namespace earshot::sinks
