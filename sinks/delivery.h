// earshot::sinks — at-least-once delivery of one request: retries, backoff, Retry-After.
//
// deliver() sends a request until the receiver acknowledges it (2xx), it is refused for good,
// attempts run out, or `stop` is set:
//   2xx                         delivered
//   429                         retry after Retry-After (seconds or an HTTP date; capped by
//                               max_retry_after), else after the backoff
//   408, 5xx, transport errors  retry after the backoff: min(max, base · 2^(n-1)), with
//                               "equal jitter" (a uniform pick in [d/2, d])
//   410 Gone                    gone: the receiver says this endpoint is gone for good (the
//                               sink runner disables the sink)
//   other 4xx                   dead (a retry would get the same answer)
//   3xx (a redirect the client  dead: never delivered (the client follows only same-host
//   did not follow)             redirects; pipeline/http/cpprest_client.h)
//   kInvalidArgument error      dead (a bad URL or an address the outbound policy refuses)
//   max_attempts reached        dead
// The request is rebuilt for every attempt (`make`), so a signed webhook gets a fresh
// webhook-timestamp and signature while its webhook-id, the idempotency key, stays the same.
// Waits are sliced so that `stop` ends them within ~50 ms; a stopped delivery reports
// `stopped` and the caller must not treat the alert as delivered (it is sent again on restart).
// The waits are measured and slept on RetryPolicy::clock: the real steady clock by default; a
// test gives it a virtual clock whose sleep advances it, so backoffs cost no real time and
// their lengths are asserted exactly (tests/support/virtual_clock.h).
//
//   RetryPolicy p{.max_attempts = 8};
//   DeliveryResult r = deliver(http, [&] { return build_request(def, alert, now_s()); }, p, stop);
//   if (r.outcome == Outcome::delivered) commit(offset);
//
// Thread safety: deliver() is reentrant; `rng_seed` makes the jitter reproducible in tests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "pipeline/core/http_client.h"

namespace earshot::sinks {

// The time waits are measured on and the sleep that lets it pass. Either left empty: the
// real one (std::chrono::steady_clock::now, std::this_thread::sleep_for).
struct WaitClock {
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;

  std::chrono::steady_clock::time_point read() const;
  void sleep_for(std::chrono::milliseconds d) const;
};

struct RetryPolicy {
  int max_attempts = 8;
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds max{30'000};
  std::chrono::milliseconds max_retry_after{300'000};
  std::uint64_t rng_seed = 0;  // 0: seeded from the clock
  WaitClock clock;             // backoff and Retry-After waits
  // Called after each failed attempt that will be retried: the attempt number (1-based),
  // what went wrong ("HTTP 503: ...", a transport error) and the wait before the next one.
  std::function<void(int attempt, const std::string& reason, std::chrono::milliseconds wait)>
      on_retry;
};

enum class Outcome { delivered, dead, stopped, gone };

struct DeliveryResult {
  Outcome outcome = Outcome::dead;
  int attempts = 0;
  int last_status = 0;  // 0: no HTTP answer
  std::string reason;   // why dead (or the last failure)
  std::chrono::milliseconds waited{0};
};

// Retry-After as a wait from `now`: "120" -> 120 s; an IMF-fixdate -> the time until it.
std::optional<std::chrono::milliseconds> parse_retry_after(
    const std::string& value, std::chrono::system_clock::time_point now);

// The n-th backoff (n >= 1) before jitter.
std::chrono::milliseconds backoff(const RetryPolicy& p, int n);

DeliveryResult deliver(
    pipeline::core::HttpClient& http,
    const std::function<pipeline::core::Result<pipeline::core::HttpRequest>()>& make,
    const RetryPolicy& policy, const std::atomic<bool>& stop);

}  // namespace earshot::sinks
