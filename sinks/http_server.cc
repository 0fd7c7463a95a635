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

#include "pipeline/core/crypto.h"
#include "pipeline/core/status.h"

namespace earshot::sinks {

using pipeline::core::constant_time_equal;
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

bool bearer_allowed(const std::vector<std::string>& tokens, std::string_view header) {
  if (tokens.empty()) return true;
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      lower(std::string(header.substr(0, kScheme.size()))) != kScheme)
    return false;
  std::string_view given = header.substr(kScheme.size());
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  bool ok = false;
  for (const auto& t : tokens) ok |= !t.empty() && constant_time_equal(t, given);  // no early exit
  return ok;
}

HttpServer::HttpServer(HttpServerOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::route(std::string path, Access access, Handler handler) {
  std::unique_lock lock(mu_);
  routes_[std::move(path)] = {access, std::move(handler)};
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
      if (method != http::methods::GET && !head) {
        ServerResponse r = ServerResponse::error(405, "GET only");
        r.headers.emplace_back("Allow", "GET, HEAD");
        send(req, r, false);
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
        bool denied = false;
        out = dispatch(r, &denied);
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

ServerResponse HttpServer::dispatch(const ServerRequest& request, bool* unauthorized) const {
  std::pair<Access, Handler> route;
  {
    std::shared_lock lock(mu_);
    auto it = routes_.find(request.path);
    if (it == routes_.end()) return ServerResponse::error(404, "no such path: " + request.path);
    route = it->second;
  }
  if (route.first == Access::kToken) {
    auto it = request.headers.find("authorization");
    if (!bearer_allowed(options_.tokens,
                        it == request.headers.end() ? std::string_view() : it->second)) {
      *unauthorized = true;
      ServerResponse r = ServerResponse::error(401, "missing or unknown bearer token");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"earshot\"");
      return r;
    }
  }
  try {
    return route.second(request);
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
