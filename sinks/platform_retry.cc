#include "sinks/platform_retry.h"

#include <algorithm>

#include "sinks/delivery.h"

namespace earshot::sinks {

using std::chrono::milliseconds;

namespace {

constexpr long long kMaxWaitMs = 3'600'000;  // a server asking for more gets an hour

bool all_digits(const std::string& v, std::size_t max_len) {
  return !v.empty() && v.size() <= max_len &&
         std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

milliseconds platform_backoff(int attempt) {
  long long ms = 1000LL << std::clamp(attempt, 0, 9);
  return milliseconds(std::min(ms, 300'000LL));
}

milliseconds platform_retry_wait(const pipeline::core::HttpResponse& res, int attempt,
                                 std::int64_t now_ms) {
  const auto now = std::chrono::system_clock::time_point(milliseconds(now_ms));
  if (auto after = parse_retry_after(res.header("Retry-After"), now))
    return std::min(*after, milliseconds(kMaxWaitMs));
  std::string reset = res.header("RateLimit-Reset");
  if (all_digits(reset, 12)) {
    long long at_ms = std::stoll(reset) * 1000;
    if (at_ms > now_ms) return milliseconds(std::min(at_ms - now_ms, kMaxWaitMs));
  }
  return platform_backoff(attempt);
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace earshot::sinks
