#include "sinks/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <cpprest/http_listener.h>
#include <nlohmann/json.hpp>

#include "pipeline/core/status.h"

namespace earshot::sinks {

using pipeline::core::ErrorCode;
using pipeline::core::fail;
namespace http = web::http;

struct HttpServer::Impl {
  explicit Impl(const std::string& uri) : listener(uri) {}
  http::experimental::listener::http_listener listener;
};

namespace {

// Binds a probe socket to host:port (SO_REUSEADDR, as a listener would) and returns the
// port it got. cpprestsdk cannot report the port it bound, so port 0 is resolved here first;
// and for a given port this finds "address in use" before cpprestsdk does — inside one
// process cpprestsdk would share the acceptor of another listener on the same port, and a
// failed registration there closes the other listener.
pipeline::core::Result<int> probe_port(const std::string& host, int want) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(want).c_str(), &hints, &res) != 0 ||
      res == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "cannot resolve listen host '" + host + "'");
  }
  int port = -1;
  int err = 0;
  int fd = ::socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd >= 0) {
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, res->ai_addr, res->ai_addrlen) == 0 && ::listen(fd, 1) == 0) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                          : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
      }
    } else {
      err = errno;
    }
    ::close(fd);
  } else {
    err = errno;
  }
  freeaddrinfo(res);
  if (port <= 0) {
    return fail(ErrorCode::kUnavailable, "cannot bind " + host + ":" + std::to_string(want) + ": " +
                                             (err ? std::strerror(err) : "no port"));
  }
  return port;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void send(http::http_request& req, const ServerResponse& r, bool head) {
  http::http_response resp(static_cast<http::status_code>(r.status));
  for (const auto& [k, v] : r.headers) resp.headers().add(k, v);
  resp.headers().add("Cache-Control", "no-store");
  resp.headers().add("X-Content-Type-Options", "nosniff");
  if (head) {
    resp.headers().set_content_type(r.content_type);
    resp.headers().set_content_length(r.body.size());
  } else {
    resp.set_body(r.body, r.content_type);
  }
  try {
    req.reply(resp).then([](pplx::task<void> t) {
      try {
        t.get();
      } catch (const std::exception&) {
        // the client went away
      }
    });
  } catch (const std::exception&) {
    // reply() refused: connection gone
  }
}

}  // namespace

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
  Route r{std::move(method), split_path(path), access, std::move(handler)};
  std::unique_lock lock(mu_);
  for (auto& existing : routes_) {
    if (existing.method == r.method && existing.segments == r.segments) {
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
  const std::string& listen = options_.listen;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return fail(ErrorCode::kInvalidArgument, "listen: expected host:port, got '" + listen + "'");
  }
  host_ = listen.substr(0, colon);
  if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']')
    host_ = host_.substr(1, host_.size() - 2);
  try {
    port_ = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    return fail(ErrorCode::kInvalidArgument, "listen: bad port in '" + listen + "'");
  }
  if (port_ < 0 || port_ > 65535)
    return fail(ErrorCode::kInvalidArgument, "listen: bad port in '" + listen + "'");
  auto probed = probe_port(host_, port_);
  EARSHOT_TRY(probed);
  port_ = *probed;
  try {
    auto impl = std::make_unique<Impl>(url() + "/");
    impl->listener.support([this](http::http_request req) {
      const std::string method = req.method();
      bool head = method == http::methods::HEAD;
      if (req.request_uri().to_string().size() > options_.max_uri_bytes) {
        send(req, ServerResponse::error(414, "URI too long"), head);
        return;
      }
      if (req.headers().content_length() > options_.max_body_bytes) {
        send(req, ServerResponse::error(413, "body over the limit"), head);
        return;
      }
      ServerRequest r;
      r.method = method;
      ServerResponse out;
      try {
        r.path = web::uri::decode(req.relative_uri().path());
        for (const auto& [k, v] : web::uri::split_query(req.relative_uri().query())) {
          r.query[web::uri::decode(k)] = web::uri::decode(v);
        }
        for (const auto& [k, v] : req.headers()) r.headers[lower(k)] = v;
        if (method != http::methods::GET && !head) {
          r.body = req.extract_utf8string(true).get();
          if (r.body.size() > options_.max_body_bytes) {
            send(req, ServerResponse::error(413, "body over the limit"), head);
            return;
          }
        }
        bool denied = false;
        out = dispatch(std::move(r), &denied);
        if (denied) unauthorized_.fetch_add(1);
      } catch (const std::exception& e) {
        out = ServerResponse::error(400, std::string("bad request: ") + e.what());
      }
      send(req, out, head);
    });
    impl->listener.open().wait();
    impl_ = std::move(impl);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kUnavailable, "listen " + listen + ": " + e.what());
  }
  return pipeline::core::ok();
}

ServerResponse HttpServer::dispatch(ServerRequest request, bool* unauthorized) const {
  const std::vector<std::string> path = split_path(request.path);
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  const Route* found = nullptr;
  int found_kind = 0;
  std::map<std::string, std::string> found_params;
  std::vector<std::string> allowed;  // methods of the routes matching the path
  Handler handler;
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
    if (found) handler = found->handler;
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
    if (!who) {
      *unauthorized = true;
      ServerResponse r = ServerResponse::error(401, "missing or unknown bearer token");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"earshot\"");
      return r;
    }
    const auto need =
        access == Access::kAdmin ? pipeline::core::Scope::kAdmin : pipeline::core::Scope::kRead;
    if (!pipeline::core::allows(who->scope, need)) {
      *unauthorized = true;
      return ServerResponse::error(403, "token of " + who->owner + " has scope " +
                                            std::string(to_string(who->scope)) +
                                            "; this needs admin");
    }
    request.principal = who->owner;
    request.scope = who->scope;
  }
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return ServerResponse::error(500, e.what());
  }
}

void HttpServer::stop() {
  if (!impl_) return;
  try {
    impl_->listener.close().wait();
  } catch (const std::exception&) {
    // already closed or never fully opened
  }
  impl_.reset();
}

}  // namespace earshot::sinks
