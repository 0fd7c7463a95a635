// FileSource (JSONL replay, byte-offset cursor, rate) and WebhookSource (signed NDJSON push).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <unistd.h>

#include "ingest/file_source.h"
#include "ingest/json_access.h"
#include "ingest/time_util.h"
#include "ingest/webhook_source.h"
#include "pipeline/core/webhook_signature.h"
#include "pipeline/http/cpprest_client.h"
#include "tests/ingest/support/http_fixture_server.h"
#include "tests/support/loopback_http.h"
#include "tests/support/source_dir.h"
#include "tests/support/wait.h"

namespace earshot::ingest {
namespace {

using pipeline::core::decode_webhook_secret;
using pipeline::core::HttpRequest;
using pipeline::core::HttpResponse;
using pipeline::core::webhook_signature;

std::string fixture_path(const std::string& name) {
  return (earshot::testing::source_path("tests/ingest/data") / name).string();
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
  EXPECT_EQ(uids, (std::vector<std::string>{"file:replay:1", "file:replay:2", "file:replay:4",
                                            "file:replay:5"}));
  EXPECT_EQ(dead, 2u);
  EXPECT_EQ(b.offset(), b.size());
}

TEST(FileSource, RateLimitsPostsPerSecond) {
  // Counts, not durations: at 1 post/s (a burst of 1) a poll that may not wait gets the burst
  // and then nothing until the next token is due (~1 s later); one that may wait gets it.
  // (TokenBucket.AllowsBurstThenPacesAtTheRate checks the pacing itself on virtual time.)
  auto path = std::filesystem::temp_directory_path() /
              ("earshot_rate_" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(path);
    for (int i = 0; i < 3; ++i)
      out << R"({"uid":"f:)" << i
          << R"(","v":1,"source":"file","created_at":"2026-11-23T10:00:00Z","author":{"id":"a"},"text":"t"})"
          << "\n";
  }
  FileSource src({.path = path.string(), .rate = 1, .max_batch = 1000});
  auto uids = [](const ingest::SourceBatch& b) {
    std::vector<std::string> out;
    for (const auto& p : b.posts) out.push_back(p.uid);
    return out;
  };
  auto burst = src.poll(milliseconds(0));
  ASSERT_TRUE(burst);
  EXPECT_EQ(uids(*burst), std::vector<std::string>{"f:0"});
  auto paced = src.poll(milliseconds(0));
  ASSERT_TRUE(paced);
  EXPECT_TRUE(paced->posts.empty()) << "a post beyond the rate";
  EXPECT_FALSE(paced->end_of_stream);
  auto next = src.poll(milliseconds(5000));
  ASSERT_TRUE(next);
  EXPECT_EQ(uids(*next), std::vector<std::string>{"f:1"}) << "one token, one post";
  std::filesystem::remove(path);
  FileSource missing({.path = "/nonexistent/posts.jsonl"});
  EXPECT_FALSE(missing.poll(milliseconds(1)));
}

TEST(FileSource, FollowModeWaitsForGrowthAndNeverEnds) {
  auto path = std::filesystem::temp_directory_path() /
              ("earshot_follow_" + std::to_string(::getpid()) + ".jsonl");
  auto line = [](int i) {
    return R"({"v":1,"uid":"f:)" + std::to_string(i) +
           R"(","source":"file","created_at":"2026-11-23T10:00:00Z","author":{"id":"a"},"text":"t"})" +
           "\n";
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
  std::shared_ptr<pipeline::core::HttpClient> http =
      pipeline::http::make_cpprest_client(earshot::testing::loopback_client());
  HttpResponse send(const std::string& id, const std::string& body,
                    std::int64_t ts = now_ms() / 1000, std::string sig = "") {
    auto key = *decode_webhook_secret(kSecret);
    std::string t = std::to_string(ts);
    if (sig.empty()) sig = webhook_signature(key, id, t, body);
    HttpRequest req{.method = "POST",
                    .url = url,
                    .headers = {{"webhook-id", id},
                                {"webhook-timestamp", t},
                                {"webhook-signature", sig},
                                {"Content-Type", "application/x-ndjson"}},
                    .body = body};
    auto r = http->send(req);
    return r ? *r : HttpResponse{};
  }
};

std::string ndjson(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i)
    out +=
        R"({"v":1,"uid":"webhook:partner:)" + std::to_string(i) +
        R"(","source":"webhook","created_at":"2026-11-23T10:00:00Z","author":{"handle":"partner"},"text":"pushed )" +
        std::to_string(i) + "\"}\n";
  return out;
}

// Waits until the source holds `n` requests (queued or in flight): the handler has taken them.
::testing::AssertionResult wait_held(const WebhookSource& src, std::size_t n) {
  return earshot::testing::wait_until(
             earshot::testing::within(std::chrono::seconds(20)), [&] { return src.held() == n; },
             std::to_string(n) + " request(s) held by the source", milliseconds(5))
         << " (holds " << src.held() << ")";
}

struct Listening {
  int port = testing::free_port();
  std::unique_ptr<WebhookSource> src;
  Push push{"http://127.0.0.1:" + std::to_string(port) + "/"};
  explicit Listening(WebhookOptions o = {}, bool restore = true) {
    o.listen = "127.0.0.1:" + std::to_string(port);
    o.secret = std::string(kSecret);
    auto s = WebhookSource::start(o);
    EXPECT_TRUE(s) << s.error().message;
    if (s) src = std::move(*s);
    if (src && restore) {
      EXPECT_TRUE(src->restore(""));  // what the runner does before polling
    }
  }
  std::future<HttpResponse> send_async(const std::string& id, const std::string& body) {
    return std::async(std::launch::async, [this, id, body] { return push.send(id, body); });
  }
};

bool answered(std::future<HttpResponse>& f, milliseconds within = milliseconds(0)) {
  return f.wait_for(within) == std::future_status::ready;
}

TEST(WebhookSource, AnswersOnlyAfterCommitAndRefusesBadRequests) {
  Listening l({.max_body_bytes = 4096, .max_queue = 5});
  ASSERT_TRUE(l.src);
  Push& push = l.push;
  EXPECT_EQ(push.send("msg_2", ndjson(3, 3), now_ms() / 1000, "v1,AAAA").status, 401);
  EXPECT_EQ(push.send("msg_3", ndjson(3, 3), now_ms() / 1000 - 600).status, 401);  // stale
  EXPECT_EQ(push.send("msg_4", std::string(5000, 'x')).status, 413);
  HttpResponse full = push.send("msg_5", ndjson(3, 8));  // 6 items > max_queue 5
  EXPECT_EQ(full.status, 429);
  EXPECT_EQ(full.header("retry-after"), "1");

  auto first = l.send_async("msg_1", ndjson(1, 2) + "garbage\n");
  ASSERT_TRUE(wait_held(*l.src, 1));
  auto batch = l.src->poll(milliseconds(500));
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->posts.size(), 2u);
  EXPECT_EQ(batch->posts[0].uid, "webhook:partner:1");
  ASSERT_EQ(batch->dead.size(), 1u);
  EXPECT_EQ(batch->dead[0].original, "garbage");
  EXPECT_NE(batch->cursor.find("\"msg_1\""), std::string::npos) << batch->cursor;
  EXPECT_FALSE(answered(first, milliseconds(200))) << "answered before the commit";
  l.src->on_committed();
  HttpResponse ok = first.get();
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"accepted":2,"dead":1})");
  // A replay of a committed id: 2xx at once, nothing queued.
  EXPECT_EQ(push.send("msg_1", ndjson(1, 2) + "garbage\n").body, R"({"duplicate":true})");
  auto empty = l.src->poll(milliseconds(20));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->posts.empty());
  EXPECT_EQ(empty->cursor, batch->cursor) << "nothing new: the cursor stays";

  WebhookCounters c = l.src->counters();
  EXPECT_EQ(c.accepted, 1);
  EXPECT_EQ(c.unauthorized, 2);
  EXPECT_EQ(c.too_large, 1);
  EXPECT_EQ(c.throttled, 1);
  EXPECT_EQ(c.duplicates, 1);
  auto h = l.src->health();
  EXPECT_EQ(h.errors, 4);
  EXPECT_EQ(h.rate_limit_waits, 1);
  EXPECT_EQ(h.posts, 2);
}

TEST(WebhookSource, AbortAnswers503AndTheRetryIsTakenAgain) {
  Listening l;
  ASSERT_TRUE(l.src);
  auto first = l.send_async("msg_a", ndjson(1, 1));
  ASSERT_TRUE(wait_held(*l.src, 1));
  auto batch = l.src->poll(milliseconds(500));
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->posts.size(), 1u);
  l.src->on_aborted();
  ASSERT_TRUE(l.src->restore(""));  // what the runner does: back to the last committed cursor
  HttpResponse r = first.get();
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "1");
  auto idle = l.src->poll(milliseconds(20));
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->cursor, "") << "an aborted id must not reach a committed cursor";

  auto retry = l.send_async("msg_a", ndjson(1, 1));
  ASSERT_TRUE(wait_held(*l.src, 1));
  auto again = l.src->poll(milliseconds(500));
  ASSERT_TRUE(again);
  ASSERT_EQ(again->posts.size(), 1u);
  l.src->on_committed();
  EXPECT_EQ(retry.get().status, 200);
  EXPECT_EQ(l.src->counters().unavailable, 1);
  EXPECT_EQ(l.src->counters().accepted, 1);
}

TEST(WebhookSource, ARetryWhileTheFirstCopyIsHeldGetsTheSameOutcome) {
  Listening l;
  ASSERT_TRUE(l.src);
  auto first = l.send_async("msg_b", ndjson(7, 8));
  ASSERT_TRUE(wait_held(*l.src, 1));
  auto batch = l.src->poll(milliseconds(500));
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->posts.size(), 2u);
  auto second = l.send_async("msg_b", ndjson(7, 8));
  ASSERT_TRUE(wait_held(*l.src, 2)) << "the retry joins the held copy";
  EXPECT_FALSE(answered(first, milliseconds(50)));
  EXPECT_FALSE(answered(second));
  l.src->on_committed();
  EXPECT_EQ(first.get().status, 200);
  HttpResponse dup = second.get();
  EXPECT_EQ(dup.status, 200);
  EXPECT_EQ(dup.body, R"({"duplicate":true})");
  auto more = l.src->poll(milliseconds(50));
  ASSERT_TRUE(more);
  EXPECT_TRUE(more->posts.empty()) << "the retry added nothing";
  EXPECT_EQ(l.src->counters().duplicates, 1);
}

TEST(WebhookSource, SeenIdsSurviveARestartThroughTheCursor) {
  std::string cursor;
  {
    Listening l({.max_remembered_ids = 2});
    ASSERT_TRUE(l.src);
    for (const char* id : {"msg_1", "msg_2", "msg_3"}) {
      auto f = l.send_async(id, ndjson(1, 1));
      ASSERT_TRUE(wait_held(*l.src, 1));
      auto b = l.src->poll(milliseconds(500));
      ASSERT_TRUE(b);
      cursor = b->cursor;
      l.src->on_committed();
      EXPECT_EQ(f.get().status, 200);
    }
  }
  auto doc = parse_json(cursor);
  ASSERT_TRUE(doc) << cursor;
  EXPECT_EQ((*doc)["received"], 3);
  EXPECT_EQ((*doc)["seen"].size(), 2u) << "bounded by max_remembered_ids: " << cursor;
  Listening l({}, /*restore=*/false);  // a new process
  ASSERT_TRUE(l.src);
  ASSERT_TRUE(l.src->restore(cursor));
  HttpResponse dup = l.push.send("msg_3", ndjson(1, 1));
  EXPECT_EQ(dup.status, 200);
  EXPECT_EQ(dup.body, R"({"duplicate":true})");
  auto b = l.src->poll(milliseconds(50));
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->posts.empty());
  EXPECT_EQ(b->cursor, cursor);
  EXPECT_FALSE(l.src->restore("not json"));
}

TEST(WebhookSource, StartingAndStoppingAnswer503) {
  Listening starting({}, /*restore=*/false);
  ASSERT_TRUE(starting.src);
  HttpResponse early = starting.push.send("msg_s", ndjson(1, 1));
  EXPECT_EQ(early.status, 503) << "the seen ids are not loaded before restore()";
  EXPECT_EQ(early.header("retry-after"), "1");
  ASSERT_TRUE(starting.src->restore(R"({"received":1,"seen":{}})"));
  auto taken = starting.send_async("msg_s", ndjson(1, 1));
  ASSERT_TRUE(wait_held(*starting.src, 1));
  starting.src->poll(milliseconds(100)).value();
  starting.src->on_committed();
  EXPECT_EQ(taken.get().status, 200);

  Listening l;
  ASSERT_TRUE(l.src);
  auto queued = l.send_async("msg_q", ndjson(1, 1));
  ASSERT_TRUE(wait_held(*l.src, 1));
  l.src.reset();
  HttpResponse r = queued.get();
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "1");
}

TEST(WebhookSource, StartFailsCleanlyOnBadSettings) {
  EXPECT_FALSE(WebhookSource::start({.listen = "127.0.0.1:9", .secret = ""}));
  EXPECT_FALSE(WebhookSource::start({.listen = "nonsense", .secret = "s"}));
}

}  // namespace
}  // namespace earshot::ingest
