// Token buckets, backoff, server-given waits and stall detection.
#include <gtest/gtest.h>

#include "ingest/rate_limit.h"

namespace earshot::ingest {
namespace {

TEST(TokenBucket, AllowsBurstThenPacesAtTheRate) {
  TokenBucket b(10.0, 3);
  auto t0 = Clock::now();
  EXPECT_EQ(b.take(t0).count(), 0);
  EXPECT_EQ(b.take(t0).count(), 0);
  EXPECT_EQ(b.take(t0).count(), 0);
  auto wait = b.take(t0);
  EXPECT_GT(wait.count(), 0);
  EXPECT_LE(wait.count(), 101);
  EXPECT_EQ(b.take(t0 + milliseconds(100)).count(), 0);
  b.pause_for(milliseconds(5000), t0 + milliseconds(100));
  EXPECT_GT(b.take(t0 + milliseconds(200)).count(), 4000);
}

TEST(TokenBucket, IsSharedPerCredential) {
  auto a = bucket_for("test:cred-1", 1, 1);
  auto b = bucket_for("test:cred-1", 1, 1);
  auto c = bucket_for("test:cred-2", 1, 1);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
}

TEST(Backoff, GrowsExponentiallyWithJitterUpToTheCap) {
  Backoff b(milliseconds(100), milliseconds(1000), 42);
  std::vector<std::int64_t> d;
  for (int i = 0; i < 6; ++i) d.push_back(b.next().count());
  EXPECT_GE(d[0], 50);
  EXPECT_LE(d[0], 100);
  EXPECT_GE(d[1], 100);
  EXPECT_LE(d[1], 200);
  EXPECT_GE(d[3], 400);
  EXPECT_LE(d[3], 800);
  EXPECT_GE(d[5], 500);
  EXPECT_LE(d[5], 1000);
  b.reset();
  EXPECT_LE(b.next().count(), 100);
}

TEST(ServerWait, ReadsRetryAfterAndRateLimitReset) {
  pipeline::core::HttpResponse r;
  r.status = 429;
  r.headers["retry-after"] = "7";
  EXPECT_EQ(server_wait(r, 0), milliseconds(7000));
  r.headers["retry-after"] = "Wed, 21 Oct 2015 07:28:05 GMT";
  EXPECT_EQ(server_wait(r, 1445412480000), milliseconds(5000));
  pipeline::core::HttpResponse reddit;  // Reddit: seconds until the window resets
  reddit.status = 200;
  reddit.headers = {{"x-ratelimit-remaining", "0.0"}, {"x-ratelimit-reset", "42"}};
  EXPECT_EQ(server_wait(reddit, 0), milliseconds(42000));
  reddit.headers["x-ratelimit-remaining"] = "57.0";
  EXPECT_EQ(server_wait(reddit, 0), std::nullopt);
  pipeline::core::HttpResponse mastodon;  // Mastodon: an ISO 8601 instant
  mastodon.status = 429;
  mastodon.headers = {{"x-ratelimit-remaining", "0"},
                      {"x-ratelimit-reset", "2026-11-23T10:05:00.000Z"}};
  EXPECT_EQ(server_wait(mastodon, 1795428000000), milliseconds(300000));
}

TEST(StallDetector, FiresAfterKTimesTheExpectedInterval) {
  StallDetector s(milliseconds(100), 3);
  auto t0 = Clock::now();
  s.on_event(t0);
  EXPECT_FALSE(s.stalled(t0 + milliseconds(299)));
  EXPECT_TRUE(s.stalled(t0 + milliseconds(301)));
}

}  // namespace
}  // namespace earshot::ingest
