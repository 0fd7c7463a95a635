// earshot::ingest — staying welcome: token buckets, backoff, server-given waits, stalls.
//
// - TokenBucket: `rate` requests per second with bursts up to `burst`; one bucket per
//   credential, shared by every source using it (bucket_for()). A server-given wait
//   (429 Retry-After, X-RateLimit-Reset when the remaining budget is 0) pauses the bucket.
// - Backoff: exponential with "equal jitter" (half fixed, half random) for 5xx and network
//   errors: attempt n waits in [d/2, d], d = min(max, base * 2^n).
// - server_wait(): the wait a response asks for, from Retry-After (seconds or HTTP date) or
//   X-RateLimit-Reset (seconds, Unix time or RFC 3339, as Reddit and Mastodon send it).
// - StallDetector: no event for k × the expected interval means the feed is stalled.
//
//   auto bucket = bucket_for("reddit:client-id", 1.0, 5);
//   if (auto wait = bucket->take(Clock::now()); wait.count() > 0) return later(wait);
//   if (auto w = server_wait(response, now_ms())) bucket->pause_for(*w);
//
// Thread safety: TokenBucket and bucket_for() are thread-safe; Backoff and StallDetector
// are used by one source at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "pipeline/core/http_client.h"

namespace earshot::ingest {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst);
  // Takes a token and returns 0, or returns how long until one is available.
  milliseconds take(Clock::time_point now);
  // No token is handed out for `d` from now.
  void pause_for(milliseconds d, Clock::time_point now = Clock::now());

 private:
  std::mutex mu_;
  double rate_, burst_, tokens_;
  Clock::time_point last_;
  Clock::time_point paused_until_{};
};

// The process-wide bucket of `credential` (created with rate/burst on first use).
std::shared_ptr<TokenBucket> bucket_for(const std::string& credential, double rate_per_s,
                                        double burst);

class Backoff {
 public:
  explicit Backoff(milliseconds base = milliseconds(500), milliseconds max = milliseconds(300000),
                   std::uint64_t seed = std::random_device{}());
  milliseconds next();
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  milliseconds base_, max_;
  int attempt_ = 0;
  std::mt19937_64 rng_;
};

// The wait `r` asks for: Retry-After on any status; X-RateLimit-Reset on 429 or when
// X-RateLimit-Remaining is below 1. nullopt when it asks for none.
std::optional<milliseconds> server_wait(const pipeline::core::HttpResponse& r, std::int64_t now_ms);

class StallDetector {
 public:
  StallDetector(milliseconds expected_interval, double k);
  void on_event(Clock::time_point now) { last_ = now; }
  bool stalled(Clock::time_point now) const { return now - last_ > limit_; }
  milliseconds limit() const { return limit_; }

 private:
  milliseconds limit_;
  Clock::time_point last_ = Clock::now();
};

}  // namespace earshot::ingest
