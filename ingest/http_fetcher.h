// earshot::ingest — the HTTP client the polling connectors use, behind a small interface so
// tests (and other transports) can stand in for it.
//
//   std::shared_ptr<HttpFetcher> http = make_http_fetcher({.user_agent = "earshot/0.1"});
//   Result<HttpResponse> r = http->fetch({.url = "https://mastodon.example/api/v1/timelines/public"});
//   if (!r) ...                       // network error: kUnavailable / kTimeout, never thrown
//   if (r->status == 429) ...         // HTTP errors are responses, not errors
//   r->header("Link");                // case-insensitive
//
// Thread safety: fetch() may be called from several threads at once. Lifetime: shared by
// the sources that use it (shared_ptr).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/core/status.h"

namespace earshot::ingest {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  // Value of header `name` (any case); "" when absent.
  std::string header(std::string_view name) const;
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  virtual pipeline::core::Result<HttpResponse> fetch(const HttpRequest& request) = 0;
};

struct HttpFetcherOptions {
  std::string user_agent = "earshot/0.1 (+https://github.com/earshot)";
  std::size_t max_body_bytes = 16 * 1024 * 1024;  // bigger responses are an error
};

// The real client (cpprestsdk http_client; http and https, redirects are not followed).
std::shared_ptr<HttpFetcher> make_http_fetcher(HttpFetcherOptions options = {});

}  // namespace earshot::ingest
