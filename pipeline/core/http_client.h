// earshot::pipeline::core — the one HTTP client interface: a request in, a response or an
// error value out.
//
// Connectors (ingest/), alert senders (sinks/) and the CRM customer directory
// (pipeline/link/customer_http.h) make their HTTP calls through this interface; the
// cpprestsdk implementation lives in pipeline/http/ and only the composition root (and
// ingest/sinks for their defaults) names it, so tests hand in a fake instead. Transport
// failures are errors — kTimeout (the request's timeout passed), kUnavailable (refused,
// reset, DNS, TLS), kInvalidArgument (a URL that is not http(s), or an address
// the client's core::AddressPolicy refuses), kIo (body over the
// implementation's limit) — while any HTTP answer, 200, 404, 429 or 503, is a response:
// deciding what a status means (retry, rate limit, give up) is the caller's policy.
//
//   std::shared_ptr<HttpClient> http = pipeline::http::make_cpprest_client();
//   Result<HttpResponse> r = http->send({.method = "POST", .url = "https://hooks.example/x",
//                                        .headers = {{"Content-Type", "application/json"}},
//                                        .body = json, .timeout = 5s});
//   if (!r) ...                        // transport error, never thrown
//   if (r->status == 429) r->header("Retry-After");   // any case
//   http->send_async(req, [](Result<HttpResponse> r) { ... });   // returns at once
//   url_encode("ann@m.example") == "ann%40m.example"
//
// Thread safety: implementations must allow send() and send_async() from many threads at
// once. Lifetime: a request is copied by the call; a response owns its data. An in-flight
// send_async() must not need the caller's objects beyond what `done` captures.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/core/status.h"

namespace earshot::pipeline::core {

// What earshot sends as its User-Agent unless a request or a source config says otherwise.
inline constexpr std::string_view kDefaultUserAgent = "earshot/0.1 (+https://github.com/earshot)";

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // http:// or https://, path and query included (already URL-encoded)
  // Sent as given. A Content-Type here is the body's type; a body without one is sent as
  // application/octet-stream. Without a User-Agent the implementation adds its own.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10'000};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The value of header `name` in any case; "" when absent.
  std::string header(std::string_view name) const {
    std::string key(name);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto it = headers.find(key);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Percent-encodes everything but the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~):
// a value to put in a URL's path or query.
inline std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == '~';  // not isalnum(): no locale may widen it
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

class HttpClient {
 public:
  using Done = std::function<void(Result<HttpResponse>)>;

  virtual ~HttpClient() = default;

  // Blocks until the response (or the error) is there: at most about request.timeout.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;

  // Starts the request and returns; `done` runs exactly once with the outcome, on a thread
  // of the client's (or on the calling thread, before send_async returns, when the request
  // could not start). `done` must not throw. This default runs send() on the calling
  // thread — enough for test doubles; the cpprestsdk client really returns at once.
  virtual void send_async(HttpRequest request, Done done) { done(send(request)); }
};

}  // namespace earshot::pipeline::core
