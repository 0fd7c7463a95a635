#include "pipeline/http/cpprest_client.h"

#include <cpprest/http_client.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pipeline/http/outbound_guard.h"

namespace earshot::pipeline::http {
namespace {

using core::ErrorCode;
using core::fail;
using core::HttpRequest;
using core::HttpResponse;
using web::http::client::http_client;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Thrown inside the task chain when a response body is over the limit.
struct BodyTooLarge : std::runtime_error {
  BodyTooLarge() : std::runtime_error("response body over the limit") {}
};

// What the exception in flight means, as an error value ("<METHOD> <url>: <what>").
core::Error to_error(std::exception_ptr e, const std::string& method, const std::string& url) {
  const std::string where = method + " " + url + ": ";
  try {
    std::rethrow_exception(e);
  } catch (const web::http::http_exception& x) {
    std::string what = x.what();
    bool timeout = x.error_code() == std::errc::timed_out ||
                   what.find("timed out") != std::string::npos ||
                   what.find("timeout") != std::string::npos;
    return core::Error(timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable, where + what);
  } catch (const web::uri_exception& x) {
    return core::Error(ErrorCode::kInvalidArgument, where + "bad URL: " + x.what());
  } catch (const std::invalid_argument& x) {
    return core::Error(ErrorCode::kInvalidArgument, where + x.what());
  } catch (const BodyTooLarge& x) {
    return core::Error(ErrorCode::kIo, where + x.what());
  } catch (const std::exception& x) {
    return core::Error(ErrorCode::kUnavailable, where + x.what());
  } catch (...) {
    return core::Error(ErrorCode::kUnavailable, where + "unknown failure");
  }
}

bool same_host(const web::uri& a, const web::uri& b) { return lower(a.host()) == lower(b.host()); }

// The request to send after `resp` to `req`, or nullopt when `resp` is the answer: only a
// redirect to the same host, scheme and port (http -> https on the same host allowed) is
// followed; 301/302/303 only for GET and HEAD (they would turn a POST into a GET without its
// body), 307/308 with the method and body unchanged.
std::optional<HttpRequest> redirect_of(const HttpRequest& req, const HttpResponse& resp) {
  const int s = resp.status;
  if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) return std::nullopt;
  const std::string location = resp.header("location");
  if (location.empty()) return std::nullopt;
  const bool retrieval = req.method == "GET" || req.method == "HEAD";
  if (!retrieval && s != 307 && s != 308) return std::nullopt;
  web::uri from(req.url);
  web::uri to(from.resolve_uri(location));
  if (!same_host(from, to)) return std::nullopt;
  const bool upgrade = from.scheme() == "http" && to.scheme() == "https";
  if (!upgrade && (from.scheme() != to.scheme() || from.port() != to.port())) return std::nullopt;
  HttpRequest next = req;
  next.url = to.to_string();
  return next;
}

class CpprestClient final : public core::HttpClient,
                            public std::enable_shared_from_this<CpprestClient> {
 public:
  explicit CpprestClient(CpprestClientOptions options) : options_(std::move(options)) {}

  core::Result<HttpResponse> send(const HttpRequest& request) override {
    try {
      if (core::Status st = check_before_connect(options_.address_policy, request.url); !st)
        return std::unexpected(st.error());
      return follow(request, 0).get();
    } catch (...) {
      return std::unexpected(to_error(std::current_exception(), request.method, request.url));
    }
  }

  void send_async(HttpRequest request, Done done) override {
    pplx::task<HttpResponse> task;
    try {
      if (core::Status st = check_before_connect(options_.address_policy, request.url); !st) {
        done(std::unexpected(st.error()));
        return;
      }
      task = follow(request, 0);
    } catch (...) {
      done(std::unexpected(to_error(std::current_exception(), request.method, request.url)));
      return;
    }
    // Captures no `this`: the client may go before the answer comes (a redirect being
    // followed holds its own reference).
    task.then([done = std::move(done), method = request.method,
               url = request.url](pplx::task<HttpResponse> t) {
      core::Result<HttpResponse> out = core::fail(ErrorCode::kUnavailable, "");
      try {
        out = t.get();
      } catch (...) {
        out = std::unexpected(to_error(std::current_exception(), method, url));
      }
      try {
        done(std::move(out));
      } catch (...) {
        // `done` must not throw; an exception left in a pplx task would end the process.
      }
    });
  }

 private:
  // `request` and the same-host redirects after it (redirect_of), at most max_redirects; a
  // redirect not followed is the answer (a 3xx response), never an error and never a 2xx.
  pplx::task<HttpResponse> follow(const HttpRequest& request, int hops) {
    std::shared_ptr<CpprestClient> self = shared_from_this();
    return start(request).then([self, request, hops](HttpResponse resp) {
      std::optional<HttpRequest> next;
      if (hops < self->options_.max_redirects) next = redirect_of(request, resp);
      if (next && self->options_.address_policy.check_url(next->url)) next.reset();
      if (!next) return pplx::task_from_result(std::move(resp));
      return self->follow(*next, hops + 1);
    });
  }

  // The request on its way (throws what cpprestsdk throws while building it).
  pplx::task<HttpResponse> start(const HttpRequest& request) {
    web::uri uri(request.url);
    if (uri.scheme() != "http" && uri.scheme() != "https") {
      throw std::invalid_argument("expected an http:// or https:// URL");
    }
    std::shared_ptr<http_client> client = client_for(uri, request.timeout);
    web::http::http_request req(request.method);
    req.set_request_uri(uri.resource());
    std::string content_type;
    bool has_agent = false;
    for (const auto& [name, value] : request.headers) {
      std::string key = lower(name);
      if (key == "content-type") {
        content_type = value;
        continue;
      }
      has_agent = has_agent || key == "user-agent";
      req.headers().add(name, value);
    }
    if (!has_agent && !options_.user_agent.empty())
      req.headers().add("User-Agent", options_.user_agent);
    if (!request.body.empty() || !content_type.empty() || request.method == "POST" ||
        request.method == "PUT" || request.method == "PATCH") {
      // Bytes through a container of unsigned char: set_body(std::string) wraps a
      // streambuf<char> and casts it to the streambuf<unsigned char> the request holds,
      // a call through the wrong type that UBSan (vptr) reports on every request.
      std::vector<unsigned char> bytes(request.body.begin(), request.body.end());
      const auto size = bytes.size();
      req.set_body(concurrency::streams::bytestream::open_istream(std::move(bytes)), size,
                   content_type.empty() ? std::string("application/octet-stream") : content_type);
    }
    const std::size_t limit = options_.max_body_bytes;
    // `client` rides along so that a pool reset cannot end it mid-request.
    return client->request(req).then([client, limit](web::http::http_response resp) {
      if (resp.headers().content_length() > limit) throw BodyTooLarge();
      return resp.extract_vector().then([resp, limit](std::vector<unsigned char> body) {
        if (body.size() > limit) throw BodyTooLarge();
        HttpResponse out;
        out.status = resp.status_code();
        for (const auto& [name, value] : resp.headers()) out.headers[lower(name)] = value;
        out.body.assign(body.begin(), body.end());
        return out;
      });
    });
  }

  std::shared_ptr<http_client> client_for(const web::uri& uri, std::chrono::milliseconds timeout) {
    std::string key = uri.authority().to_string() + "|" + std::to_string(timeout.count());
    std::lock_guard lock(mu_);
    if (auto it = pool_.find(key); it != pool_.end()) return it->second;
    if (pool_.size() >= std::max<std::size_t>(1, options_.max_pooled)) pool_.clear();
    web::http::client::http_client_config config;
    config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
    config.set_max_redirects(0);  // cpprestsdk's own follower keeps the headers across hosts
    auto client = std::make_shared<http_client>(uri.authority(), config);
    pool_.emplace(std::move(key), client);
    return client;
  }

  const CpprestClientOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<http_client>> pool_;  // guarded by mu_
};

}  // namespace

std::shared_ptr<core::HttpClient> make_cpprest_client(CpprestClientOptions options) {
  return std::make_shared<CpprestClient>(std::move(options));
}

}  // namespace earshot::pipeline::http
