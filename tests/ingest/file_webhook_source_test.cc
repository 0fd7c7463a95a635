// FileSource (JSONL replay, byte-offset cursor, rate) and WebhookSource (signed NDJSON push).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "ingest/file_source.h"
#include "ingest/http_fetcher.h"
#include "ingest/time_util.h"
#include "ingest/webhook_signature.h"
#include "ingest/webhook_source.h"
#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest {
namespace {

std::string fixture_path(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path() / "data" / name).string();
}

TEST(FileSource, ReplaysWithAByteOffsetCursorAcrossARestart) {
  FileOptions o{.path = fixture_path("posts.jsonl"), .rate = 0, .max_batch = 3};
  std::vector<std::string> uids;
  std::size_t dead = 0;
  std::string cursor;
  {
    FileSource a(o);
    auto b = a.poll(milliseconds(100));  // lines 1-3
    ASSERT_TRUE(b) << b.error().message;
    for (auto& p : b->posts) uids.push_back(p.uid);
    dead += b->dead.size();
    cursor = b->cursor;
    EXPECT_FALSE(b->end_of_stream);
  }
  FileSource b(o);
  ASSERT_TRUE(b.restore(cursor));
  bool end = false;
  for (int i = 0; i < 5 && !end; ++i) {
    auto batch = b.poll(milliseconds(100));
    ASSERT_TRUE(batch);
    for (auto& p : batch->posts) uids.push_back(p.uid);
    dead += batch->dead.size();
    end = batch->end_of_stream;
  }
  EXPECT_TRUE(end);
  EXPECT_EQ(uids, (std::vector<std::string>{"file:replay:1", "file:replay:2", "file:replay:4", "file:replay:5"}));
  EXPECT_EQ(dead, 2u);
  EXPECT_EQ(b.offset(), b.size());
}

TEST(FileSource, RateLimitsPostsPerSecond) {
  auto path = std::filesystem::temp_directory_path() / ("earshot_rate_" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(path);
    for (int i = 0; i < 30; ++i)
      out << R"({"uid":"f:)" << i << R"(","v":1,"source":"file","created_at":"2026-11-23T10:00:00Z","author":{"id":"a"},"text":"t"})" << "\n";
  }
  FileSource src({.path = path.string(), .rate = 20, .max_batch = 1000});
  auto t0 = Clock::now();
  std::size_t n = 0;
  while (n < 30) {
    auto b = src.poll(milliseconds(100));
    ASSERT_TRUE(b);
    n += b->posts.size();
  }
  auto elapsed = Clock::now() - t0;
  EXPECT_GE(elapsed, milliseconds(1200));  // 30 posts at 20/s with a burst of 2
  EXPECT_LE(elapsed, milliseconds(3000));
  std::filesystem::remove(path);
  FileSource missing({.path = "/nonexistent/posts.jsonl"});
  EXPECT_FALSE(missing.poll(milliseconds(1)));
}

TEST(FileSource, FollowModeWaitsForGrowthAndNeverEnds) {
  auto path = std::filesystem::temp_directory_path() / ("earshot_follow_" + std::to_string(::getpid()) + ".jsonl");
  auto line = [](int i) {
    return R"({"v":1,"uid":"f:)" + std::to_string(i) +
           R"(","source":"file","created_at":"2026-11-23T10:00:00Z","author":{"id":"a"},"text":"t"})" + "\n";
  };
  { std::ofstream(path) << line(1); }
  FileSource src({.path = path.string(), .follow = true, .poll_interval = milliseconds(20)});
  auto a = src.poll(milliseconds(50));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->posts.size(), 1u);
  EXPECT_FALSE(a->end_of_stream);
  auto t0 = Clock::now();
  auto idle = src.poll(milliseconds(100));  // at the end: waits for growth, then returns empty
  ASSERT_TRUE(idle);
  EXPECT_TRUE(idle->posts.empty());
  EXPECT_FALSE(idle->end_of_stream);
  EXPECT_GE(Clock::now() - t0, milliseconds(15));
  { std::ofstream(path, std::ios::app) << line(2); }
  auto b = src.poll(milliseconds(50));
  ASSERT_TRUE(b);
  ASSERT_EQ(b->posts.size(), 1u);
  EXPECT_EQ(b->posts[0].uid, "f:2");
  std::filesystem::remove(path);
}

constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct Push {
  std::string url;
  std::shared_ptr<HttpFetcher> http = make_http_fetcher();
  HttpResponse send(const std::string& id, const std::string& body, std::int64_t ts = now_ms() / 1000,
                    std::string sig = "") {
    auto key = *decode_webhook_secret(kSecret);
    std::string t = std::to_string(ts);
    if (sig.empty()) sig = webhook_signature(key, id, t, body);
    HttpRequest req{.method = "POST", .url = url, .headers = {{"webhook-id", id}, {"webhook-timestamp", t},
                    {"webhook-signature", sig}, {"Content-Type", "application/x-ndjson"}}, .body = body};
    auto r = http->fetch(req);
    return r ? *r : HttpResponse{};
  }
};

std::string ndjson(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i)
    out += R"({"v":1,"uid":"webhook:partner:)" + std::to_string(i) +
           R"(","source":"webhook","created_at":"2026-11-23T10:00:00Z","author":{"handle":"partner"},"text":"pushed )" + std::to_string(i) + "\"}\n";
  return out;
}

TEST(WebhookSource, AcceptsSignedBatchesAndRefusesBadOnes) {
  int port = testing::free_port();
  auto src = WebhookSource::start({.listen = "127.0.0.1:" + std::to_string(port), .secret = std::string(kSecret),
                                   .max_body_bytes = 4096, .max_queue = 5});
  ASSERT_TRUE(src) << src.error().message;
  Push push{"http://127.0.0.1:" + std::to_string(port) + "/"};

  HttpResponse ok = push.send("msg_1", ndjson(1, 2) + "garbage\n");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"accepted":2,"dead":1})");
  EXPECT_EQ(push.send("msg_1", ndjson(1, 2) + "garbage\n").body, R"({"duplicate":true})");  // replay
  EXPECT_EQ(push.send("msg_2", ndjson(3, 3), now_ms() / 1000, "v1,AAAA").status, 401);
  EXPECT_EQ(push.send("msg_3", ndjson(3, 3), now_ms() / 1000 - 600).status, 401);  // stale
  EXPECT_EQ(push.send("msg_4", std::string(5000, 'x')).status, 413);
  HttpResponse full = push.send("msg_5", ndjson(3, 5));  // 3 queued + 3 > max_queue 5
  EXPECT_EQ(full.status, 429);
  EXPECT_EQ(full.header("retry-after"), "1");

  auto batch = (*src)->poll(milliseconds(500));
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->posts.size(), 2u);
  EXPECT_EQ(batch->posts[0].uid, "webhook:partner:1");
  EXPECT_EQ(batch->dead.size(), 1u);
  EXPECT_EQ(batch->dead[0].original, "garbage");
  // Drained: the same retry now goes through, once.
  EXPECT_EQ(push.send("msg_5", ndjson(3, 5)).status, 200);
  auto second = (*src)->poll(milliseconds(500));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->posts.size(), 3u);
  WebhookCounters c = (*src)->counters();
  EXPECT_EQ(c.accepted, 2);
  EXPECT_EQ(c.unauthorized, 2);
  EXPECT_EQ(c.too_large, 1);
  EXPECT_EQ(c.throttled, 1);
  EXPECT_EQ(c.duplicates, 1);
  EXPECT_EQ((*src)->health().errors, 4);
  auto empty = (*src)->poll(milliseconds(20));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->posts.empty());
}

TEST(WebhookSource, StartFailsCleanlyOnBadSettings) {
  EXPECT_FALSE(WebhookSource::start({.listen = "127.0.0.1:9", .secret = ""}));
  EXPECT_FALSE(WebhookSource::start({.listen = "nonsense", .secret = "s"}));
}

}  // namespace
}  // namespace earshot::ingest
