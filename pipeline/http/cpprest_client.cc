#include "pipeline/http/cpprest_client.h"

#include <cpprest/http_client.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

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

class CpprestClient final : public core::HttpClient {
 public:
  explicit CpprestClient(CpprestClientOptions options) : options_(std::move(options)) {}

  core::Result<HttpResponse> send(const HttpRequest& request) override {
    try {
      return start(request).get();
    } catch (...) {
      return std::unexpected(to_error(std::current_exception(), request.method, request.url));
    }
  }

  void send_async(HttpRequest request, Done done) override {
    pplx::task<HttpResponse> task;
    try {
      task = start(request);
    } catch (...) {
      done(std::unexpected(to_error(std::current_exception(), request.method, request.url)));
      return;
    }
    // Captures no `this`: the client may go before the answer comes.
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
      req.set_body(request.body,
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
