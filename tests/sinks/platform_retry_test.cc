// How long a reply sender waits before its next try (sinks/platform_retry.h).
#include "sinks/platform_retry.h"

#include <gtest/gtest.h>

#include "pipeline/core/rfc3339.h"

namespace earshot::sinks {
namespace {

using std::chrono::milliseconds;

const std::int64_t kNow = *pipeline::core::parse_rfc3339_ms("2026-12-07T09:00:00Z");

pipeline::core::HttpResponse answer(std::map<std::string, std::string> headers) {
  return {.status = 429, .headers = std::move(headers), .body = ""};
}

TEST(PlatformRetry, BackoffDoublesFromOneSecondUpToFiveMinutes) {
  EXPECT_EQ(platform_backoff(0), milliseconds(1000));
  EXPECT_EQ(platform_backoff(3), milliseconds(8000));
  EXPECT_EQ(platform_backoff(8), milliseconds(256'000));
  EXPECT_EQ(platform_backoff(9), milliseconds(300'000));
  EXPECT_EQ(platform_backoff(60), milliseconds(300'000));
  EXPECT_EQ(platform_backoff(-1), milliseconds(1000));
}

TEST(PlatformRetry, TheServersOwnWaitWinsInSecondsAsADateOrAsARateLimitReset) {
  EXPECT_EQ(platform_retry_wait(answer({{"retry-after", "7"}}), 5, kNow), milliseconds(7000));
  EXPECT_EQ(platform_retry_wait(answer({{"retry-after", "Mon, 07 Dec 2026 09:00:30 GMT"}}), 0, kNow),
            milliseconds(30'000));
  // RateLimit-Reset (epoch seconds, Bluesky) when there is no Retry-After.
  EXPECT_EQ(platform_retry_wait(answer({{"ratelimit-reset", std::to_string(kNow / 1000 + 42)}}), 0,
                                kNow),
            milliseconds(42'000));
}

TEST(PlatformRetry, AnAbsurdOrBrokenWaitIsCappedOrIgnored) {
  EXPECT_EQ(platform_retry_wait(answer({{"retry-after", "999999"}}), 0, kNow),
            milliseconds(3'600'000));
  EXPECT_EQ(platform_retry_wait(answer({{"retry-after", "soon"}}), 2, kNow), milliseconds(4000));
  EXPECT_EQ(platform_retry_wait(answer({{"ratelimit-reset", "12"}}), 1, kNow),
            milliseconds(2000));  // in the past: the backoff
  EXPECT_EQ(platform_retry_wait(answer({}), 1, kNow), milliseconds(2000));
}

TEST(PlatformRetry, TrimSlashLeavesABaseUrlToAppendPathsTo) {
  EXPECT_EQ(trim_slash("https://m.example///"), "https://m.example");
  EXPECT_EQ(trim_slash("https://m.example"), "https://m.example");
  EXPECT_EQ(trim_slash(""), "");
}

}  // namespace
}  // namespace earshot::sinks
