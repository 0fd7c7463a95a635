// earshot::sinks — the one HTTP call alert sinks make: POST a body, get status, headers, body.
//
// An interface so the delivery logic (delivery.h) can be tested against scripted answers,
// with one implementation over cpprestsdk (make_http_client()). Transport failures
// (connection refused, reset, timeout) are errors (kUnavailable / kTimeout), any HTTP answer
// — 200, 429, 500 — is a response; deciding what a status means is the caller's job.
//
//   auto http = make_http_client();
//   auto r = http->post({.url = "https://hooks.slack.example/T/B/x", .body = json,
//                        .headers = {{"Content-Type", "application/json"}}, .timeout = 5s});
//   if (r && r->status / 100 == 2) ...
//
// Thread safety: post() may be called from many threads at once (each call makes its own
// connection state). Lifetime: a response owns its data.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/core/status.h"

namespace earshot::sinks {

struct HttpRequest {
  std::string url;  // http:// or https://, path and query included
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{5'000};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual pipeline::core::Result<HttpResponse> post(const HttpRequest& request) = 0;
};

// cpprestsdk (ASIO) client; exceptions from the library become errors here.
std::unique_ptr<HttpClient> make_http_client();

}  // namespace earshot::sinks
