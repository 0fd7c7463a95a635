#include "sinks/delivery.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <random>
#include <thread>

namespace earshot::sinks {

using namespace std::chrono;

std::optional<milliseconds> parse_retry_after(const std::string& value,
                                              system_clock::time_point now) {
  std::string v = value;
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.erase(v.begin());
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 9) return std::nullopt;
    return milliseconds(std::stoll(v) * 1000);
  }
  std::tm tm{};
  const char* end = strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto when = system_clock::from_time_t(timegm(&tm));
  return std::max(milliseconds(0), duration_cast<milliseconds>(when - now));
}

milliseconds backoff(const RetryPolicy& p, int n) {
  double d = static_cast<double>(p.base.count()) * std::pow(2.0, std::max(0, n - 1));
  return milliseconds(static_cast<std::int64_t>(std::min(d, static_cast<double>(p.max.count()))));
}

steady_clock::time_point WaitClock::read() const { return now ? now() : steady_clock::now(); }

void WaitClock::sleep_for(milliseconds d) const {
  if (sleep)
    sleep(d);
  else
    std::this_thread::sleep_for(d);
}

namespace {

// Sleeps `d` on `clock` in slices of at most 50 ms; false when `stop` was set.
bool wait_for(milliseconds d, const std::atomic<bool>& stop, const WaitClock& clock) {
  const auto until = clock.read() + d;
  for (auto now = clock.read(); now < until; now = clock.read()) {
    if (stop.load()) return false;
    clock.sleep_for(std::min(milliseconds(50), ceil<milliseconds>(until - now)));
  }
  return !stop.load();
}

}  // namespace

DeliveryResult deliver(
    pipeline::core::HttpClient& http,
    const std::function<pipeline::core::Result<pipeline::core::HttpRequest>()>& make,
    const RetryPolicy& policy, const std::atomic<bool>& stop) {
  std::mt19937_64 rng(
      policy.rng_seed ? policy.rng_seed
                      : static_cast<std::uint64_t>(steady_clock::now().time_since_epoch().count()));
  DeliveryResult res;
  const int max_attempts = std::max(1, policy.max_attempts);
  while (true) {
    if (stop.load()) {
      res.outcome = Outcome::stopped;
      return res;
    }
    auto request = make();
    if (!request) {
      res.outcome = Outcome::dead;
      res.reason = request.error().message;
      return res;
    }
    ++res.attempts;
    auto resp = http.send(*request);
    std::optional<milliseconds> wait;
    if (resp) {
      res.last_status = resp->status;
      if (resp->status / 100 == 2) {
        res.outcome = Outcome::delivered;
        return res;
      }
      res.reason = "HTTP " + std::to_string(resp->status) +
                   (resp->body.empty() ? "" : ": " + resp->body.substr(0, 200));
      if (resp->status / 100 == 3) {  // a redirect the client did not follow: not delivered
        res.reason = "HTTP " + std::to_string(resp->status) + ": redirect to '" +
                     resp->header("location").substr(0, 200) + "' not followed";
      }
      const bool retriable = resp->status == 429 || resp->status == 408 || resp->status / 100 == 5;
      if (!retriable) {
        res.outcome = resp->status == 410 ? Outcome::gone : Outcome::dead;
        return res;
      }
      if (resp->status == 429) {
        if (auto ra = parse_retry_after(resp->header("retry-after"), system_clock::now())) {
          wait = std::min(*ra, policy.max_retry_after);
        }
      }
    } else {
      res.last_status = 0;
      res.reason = resp.error().message;
      if (resp.error().code == pipeline::core::ErrorCode::kInvalidArgument) {
        res.outcome = Outcome::dead;  // a refused address or a bad URL: retrying cannot help
        return res;
      }
    }
    if (res.attempts >= max_attempts) {
      res.outcome = Outcome::dead;
      res.reason = "gave up after " + std::to_string(res.attempts) + " attempts: " + res.reason;
      return res;
    }
    if (!wait) {
      const auto d = backoff(policy, res.attempts).count();
      std::uniform_int_distribution<std::int64_t> pick(d / 2, std::max<std::int64_t>(d / 2, d));
      wait = milliseconds(pick(rng));
    }
    res.waited += *wait;
    if (policy.on_retry) policy.on_retry(res.attempts, res.reason, *wait);
    if (!wait_for(*wait, stop, policy.clock)) {
      res.outcome = Outcome::stopped;
      return res;
    }
  }
}

}  // namespace earshot::sinks
