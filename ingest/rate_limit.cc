#include "ingest/rate_limit.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "ingest/time_util.h"

namespace earshot::ingest {

TokenBucket::TokenBucket(double rate_per_s, double burst)
    : rate_(rate_per_s > 0 ? rate_per_s : 1e9),
      burst_(burst >= 1 ? burst : 1),
      tokens_(burst_),
      last_(Clock::now()) {}

milliseconds TokenBucket::take(Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (now < paused_until_) return std::chrono::ceil<milliseconds>(paused_until_ - now);
  double elapsed = std::chrono::duration<double>(now - last_).count();
  if (elapsed > 0) {
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return milliseconds(0);
  }
  return milliseconds(static_cast<std::int64_t>((1 - tokens_) / rate_ * 1000) + 1);
}

void TokenBucket::pause_for(milliseconds d, Clock::time_point now) {
  std::lock_guard lock(mu_);
  paused_until_ = std::max(paused_until_, now + d);
}

std::shared_ptr<TokenBucket> bucket_for(const std::string& credential, double rate_per_s,
                                        double burst) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<TokenBucket>> buckets;
  std::lock_guard lock(mu);
  if (auto b = buckets[credential].lock()) return b;
  auto b = std::make_shared<TokenBucket>(rate_per_s, burst);
  buckets[credential] = b;
  return b;
}

Backoff::Backoff(milliseconds base, milliseconds max, std::uint64_t seed)
    : base_(base), max_(max), rng_(seed) {}

milliseconds Backoff::next() {
  std::int64_t d = base_.count();
  for (int i = 0; i < attempt_ && d < max_.count(); ++i) d *= 2;
  d = std::min<std::int64_t>(d, max_.count());
  ++attempt_;
  std::uniform_int_distribution<std::int64_t> half(0, d / 2);
  return milliseconds(d - d / 2 + half(rng_));
}

namespace {

std::optional<double> number(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<milliseconds> server_wait(const pipeline::core::HttpResponse& r,
                                        std::int64_t now_ms) {
  auto clamp = [](std::int64_t ms) { return milliseconds(std::max<std::int64_t>(ms, 0)); };
  if (std::string ra = r.header("retry-after"); !ra.empty()) {
    if (auto secs = number(ra)) return clamp(static_cast<std::int64_t>(*secs * 1000));
    if (auto at = parse_rfc822_ms(ra)) return clamp(*at - now_ms);
  }
  std::string remaining = r.header("x-ratelimit-remaining");
  auto rem = number(remaining);
  if (r.status != 429 && !(rem && *rem < 1)) return std::nullopt;
  std::string reset = r.header("x-ratelimit-reset");
  if (reset.empty()) return r.status == 429 ? std::optional(milliseconds(60000)) : std::nullopt;
  if (auto v = number(reset)) {
    if (*v > 1e9) return clamp(static_cast<std::int64_t>(*v * 1000) - now_ms);  // Unix time
    return clamp(static_cast<std::int64_t>(*v * 1000));                         // seconds
  }
  if (auto at = parse_rfc3339_ms(reset)) return clamp(*at - now_ms);
  return r.status == 429 ? std::optional(milliseconds(60000)) : std::nullopt;
}

StallDetector::StallDetector(milliseconds expected_interval, double k)
    : limit_(static_cast<std::int64_t>(static_cast<double>(expected_interval.count()) * k)) {}

}  // namespace earshot::ingest
