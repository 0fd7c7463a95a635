// earshot::pipeline::http — core::HttpClient over cpprestsdk (http and https), guarded: every
// request's host is checked against an address policy after DNS (outbound_guard.h), and a
// redirect is followed only to the same host (see Redirects below).
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
// Redirects: cpprestsdk's own follower (which re-sends every header, Authorization and
// signatures included, to whatever host the Location names, and turns a POST into a bodiless
// GET) is off. This client follows at most max_redirects redirects that stay on the same host,
// scheme and port (http -> https allowed): 301/302/303 for GET and HEAD, 307/308 for any
// method with its body. Anything else — another host, a POST answered 302 — is returned as
// the 3xx response itself, so no caller mistakes it for a 2xx. A refused address is an error
// with code kInvalidArgument ("<url>: refused: 10.0.0.1 is private ...").
//
// Thread safety: send() and send_async() may be called from any number of threads at once.
// Lifetime: shared (shared_ptr); requests in flight keep what they need alive, so the client
// may be destroyed while send_async() calls are still running — their `done` still runs.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "pipeline/core/address_policy.h"
#include "pipeline/core/http_client.h"

namespace earshot::pipeline::http {

struct CpprestClientOptions {
  // Sent when a request has no User-Agent of its own ("" sends none of ours).
  std::string user_agent{core::kDefaultUserAgent};
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::size_t max_pooled = 64;
  // Who may be connected to (default: public addresses only; the composition root passes
  // the config's outbound.allow_private).
  core::AddressPolicy address_policy;
  int max_redirects = 5;  // same-host redirects followed; 0 = none
};

std::shared_ptr<core::HttpClient> make_cpprest_client(CpprestClientOptions options = {});

}  // namespace earshot::pipeline::http
