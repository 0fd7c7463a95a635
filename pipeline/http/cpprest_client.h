// earshot::pipeline::http — core::HttpClient over cpprestsdk (http and https; redirects are
// not followed).
//
//   std::shared_ptr<core::HttpClient> http = make_cpprest_client({.user_agent = "earshot/0.1"});
//   auto r = http->send({.url = "https://mastodon.example/api/v1/timelines/public"});
//   if (!r) ...                   // kTimeout, kUnavailable, kInvalidArgument, kIo: never thrown
//
// What cpprestsdk throws is caught here and becomes an error value (core/http_client.h lists
// the codes). Connections are kept alive and reused: one cpprest client per scheme, host,
// port and timeout (at most max_pooled of them; beyond that the pool starts over). A response
// whose body is over max_body_bytes is an error (kIo), refused from its Content-Length when
// it has one.
//
// Thread safety: send() and send_async() may be called from any number of threads at once.
// Lifetime: shared (shared_ptr); requests in flight keep what they need alive, so the client
// may be destroyed while send_async() calls are still running — their `done` still runs.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "pipeline/core/http_client.h"

namespace earshot::pipeline::http {

struct CpprestClientOptions {
  // Sent when a request has no User-Agent of its own ("" sends none of ours).
  std::string user_agent{core::kDefaultUserAgent};
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::size_t max_pooled = 64;
};

std::shared_ptr<core::HttpClient> make_cpprest_client(CpprestClientOptions options = {});

}  // namespace earshot::pipeline::http
