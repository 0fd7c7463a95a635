// earshot::pipeline::link — a customer directory that asks an existing CRM over HTTP.
//
// GET <url template> with {platform}, {handle} and {did} replaced by the URL-encoded
// canonical identity (identity.h) and the configured headers (secrets already substituted
// from ${ENV} by the config loader). The CRM answers:
//   2xx + {"customer_id"|"id": ..., "tier": ..., "name": ...}   a customer (also wrapped
//                                                               as {"customer": {...}})
//   404, or 2xx + null / {} / {"found": false}                  not a customer
//   anything else (5xx, garbage, time-out, refused)             a failure: counted,
//                                                               CustomerLookup::failed
// Answers, positive and negative, are kept in an LRU cache (cache_size entries, cache_ttl).
// At most max_concurrency requests are in flight; a look-up waits for a slot only until its
// deadline. After `breaker_failures` failures in a row the circuit breaker opens: for
// `breaker_cooldown` look-ups that miss the cache fail at once without calling the CRM,
// then one probe request decides whether it closes again. So a slow or dead CRM costs each
// post at most `timeout` once, and nothing after that: posts flow on, flagged
// customer_lookup_failed.
//
// The HTTP calls go through an injected core::HttpClient (send_async), so this library does
// no IO of its own: the composition root hands in the cpprestsdk client
// (pipeline/http/cpprest_client.h), tests a fake whose answers they control. Cache expiry and
// the breaker's cooldown read Options::now (tests inject a clock); a look-up's deadline is
// always real time.
//
//   CustomerDirectoryDef d;
//   d.type = "http";
//   d.url = "https://crm.example/lookup?platform={platform}&handle={handle}";
//   d.headers = {{"Authorization", "Bearer ..."}};
//   auto crm = HttpCustomerSource::create(d, pipeline::http::make_cpprest_client());
//   CustomerLookup l = (*crm)->find(who);   // at most d.timeout
//
// Thread safety: find() and stats() may run on any threads at once. Lifetime: in-flight
// requests keep the shared state (and the client) alive and finish on their own after
// destruction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "pipeline/core/http_client.h"
#include "pipeline/link/customer_directory.h"

namespace earshot::pipeline::link {

class HttpCustomerSource : public CustomerSource {
 public:
  struct Options {
    int breaker_failures = 5;
    std::chrono::milliseconds breaker_cooldown{30000};
    // The clock of cache expiry and breaker cooldown; null: std::chrono::steady_clock::now.
    std::function<std::chrono::steady_clock::time_point()> now;
  };
  struct Stats {
    std::uint64_t requests = 0;  // sent to the CRM
    std::uint64_t cache_hits = 0;
    std::uint64_t found = 0;             // answered with a customer
    std::uint64_t not_found = 0;         // answered "not a customer"
    std::uint64_t failures = 0;          // 5xx, garbage, transport errors
    std::uint64_t timeouts = 0;          // look-ups that gave up at their deadline
    std::uint64_t breaker_rejected = 0;  // failed at once: breaker open
    std::uint64_t busy_rejected = 0;     // failed: no request slot before the deadline
  };
  struct State;  // shared with in-flight requests (customer_http.cc)

  // Errors (kInvalidArgument): a URL that is not http(s)://host[:port]/..., a placeholder in
  // the host, no client (null `http`).
  static core::Result<std::unique_ptr<HttpCustomerSource>> create(
      const config::CustomerDirectoryDef& def, std::shared_ptr<core::HttpClient> http);
  static core::Result<std::unique_ptr<HttpCustomerSource>> create(
      const config::CustomerDirectoryDef& def, std::shared_ptr<core::HttpClient> http,
      Options options);
  ~HttpCustomerSource() override;

  CustomerLookup find(const Identity& who) const override;
  std::string name() const override;
  Stats stats() const;
  bool breaker_open() const;

 private:
  explicit HttpCustomerSource(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace earshot::pipeline::link
