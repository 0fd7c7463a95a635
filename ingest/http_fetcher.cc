#include "ingest/http_fetcher.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include <cpprest/http_client.h>

namespace earshot::ingest {
namespace {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class CpprestFetcher final : public HttpFetcher {
 public:
  explicit CpprestFetcher(HttpFetcherOptions options) : options_(std::move(options)) {}

  pipeline::core::Result<HttpResponse> fetch(const HttpRequest& request) override {
    try {
      web::http::client::http_client_config config;
      config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.timeout));
      web::uri uri(request.url);
      web::http::client::http_client client(uri.authority(), config);
      web::http::http_request req(request.method);
      req.set_request_uri(uri.resource());
      req.headers().add("User-Agent", options_.user_agent);
      std::string content_type = "text/plain";
      for (const auto& [k, v] : request.headers) {
        if (lower(k) == "content-type") content_type = v;
        else req.headers().add(k, v);
      }
      if (!request.body.empty() || request.method == "POST")
        req.set_body(request.body, content_type);
      web::http::http_response resp = client.request(req).get();
      HttpResponse out;
      out.status = resp.status_code();
      for (const auto& [k, v] : resp.headers()) out.headers[lower(k)] = v;
      std::vector<unsigned char> body = resp.extract_vector().get();
      if (body.size() > options_.max_body_bytes)
        return fail(ErrorCode::kIo, request.url + ": response body over the limit");
      out.body.assign(body.begin(), body.end());
      return out;
    } catch (const web::http::http_exception& e) {
      std::string what = e.what();
      bool timeout = what.find("timed out") != std::string::npos ||
                     e.error_code() == std::errc::timed_out;
      return fail(timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable,
                  request.url + ": " + what);
    } catch (const std::exception& e) {
      return fail(ErrorCode::kUnavailable, request.url + ": " + e.what());
    }
  }

 private:
  HttpFetcherOptions options_;
};

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  auto it = headers.find(lower(std::string(name)));
  return it == headers.end() ? std::string() : it->second;
}

std::shared_ptr<HttpFetcher> make_http_fetcher(HttpFetcherOptions options) {
  return std::make_shared<CpprestFetcher>(std::move(options));
}

}  // namespace earshot::ingest
