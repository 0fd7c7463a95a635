// MastodonStreamSource: Server-Sent Events from /api/v1/streaming/*, REST backfill after
// each connect, fallback to REST polling when the stream is refused or drops.
#include <gtest/gtest.h>

#include <atomic>

#include "ingest/json_access.h"
#include "ingest/mastodon_stream.h"
#include "ingest/normalize.h"
#include "ingest/url_util.h"
#include "pipeline/http/cpprest_client.h"
#include "tests/ingest/support/http_fixture_server.h"
#include "tests/support/loopback_http.h"

namespace earshot::ingest {
namespace {

using testing::FixtureRequest;
using testing::FixtureResponse;
using testing::HttpFixtureServer;

std::string status(int id) {
  return dump_json(
      Json{{"id", std::to_string(id)},
           {"created_at", "2026-11-23T10:00:00.000Z"},
           {"uri", "https://m.example/users/a/statuses/" + std::to_string(id)},
           {"url", "https://m.example/@a/" + std::to_string(id)},
           {"content", "<p>status " + std::to_string(id) + "</p>"},
           {"reblog", nullptr},
           {"account", {{"id", "7"}, {"username", "a"}, {"acct", "a"}, {"display_name", "A"}}},
           {"tags", Json::array()},
           {"mentions", Json::array()}});
}

struct Fixture {
  std::atomic<int> rest_max{1003};  // REST serves 1001..rest_max
  std::atomic<int> stream_status{200};
  std::atomic<int> streams{0};
  std::atomic<bool> drop_first{false};
  std::atomic<bool> edit{false};  // the stream also sends a status.update of 1002

  FixtureResponse answer(const FixtureRequest& req) {
    if (req.path() == "/api/v1/timelines/public") {
      int min_id = std::stoi(query_param(req.target, "min_id").value_or("1000"));
      Json page = Json::array();
      for (int id = rest_max; id > min_id; --id) page.push_back(*parse_json(status(id)));
      return {200, {}, dump_json(page)};
    }
    if (req.path() != "/api/v1/streaming/public") return {404, {}, R"({"error":"Not found"})"};
    if (stream_status != 200)
      return {stream_status, {}, R"({"error":"Streaming requires a token"})"};
    int n = streams++;
    FixtureResponse r{200, {{"Content-Type", "text/event-stream"}}, ""};
    r.stream = [this, n](int fd) {
      using testing::write_chunk;
      write_chunk(fd, ":)\n");
      write_chunk(fd, "event: update\ndata: " + status(1003) + "\n\n");  // also in the backfill
      write_chunk(fd, "event: update\ndata: " + status(1004) + "\n\n");
      if (n == 0 && drop_first) {
        rest_max = 1006;  // two more statuses are posted while the stream is down
        return;           // mid-stream disconnect
      }
      write_chunk(fd, "event: update\ndata: " + status(1005) + "\n\nevent: delete\ndata: 1001\n\n");
      if (edit) {
        Json edited = *parse_json(status(1002));
        edited["content"] = "<p>status 1002, edited</p>";
        edited["edited_at"] = "2026-11-23T10:05:00.000Z";
        Json plain = *parse_json(status(1003));  // an update without edited_at
        plain["content"] = "<p>status 1003, edited</p>";
        write_chunk(fd, "event: status.update\ndata: " + dump_json(edited) +
                            "\n\nevent: status.update\ndata: " + dump_json(plain) + "\n\n");
      }
      write_chunk(fd, "event: update\ndata: {broken\n\n");
      for (int i = 0; i < 100 && !testing::peer_closed(fd, 50); ++i) write_chunk(fd, ":thump\n\n");
    };
    return r;
  }
};

MastodonOptions options_for(const HttpFixtureServer& s) {
  MastodonOptions o;
  o.instance = s.base_url();
  o.polling.poll_interval = milliseconds(50);
  return o;
}

std::vector<std::string> collect(MastodonStreamSource& src, std::size_t want, std::size_t* dead) {
  std::vector<std::string> uids;
  auto t0 = Clock::now();
  while (uids.size() < want && Clock::now() - t0 < std::chrono::seconds(5)) {
    auto b = src.poll(milliseconds(100));
    if (!b) continue;
    for (auto& p : b->posts) uids.push_back(p.uid + (p.deleted ? " (deleted)" : ""));
    *dead += b->dead.size();
  }
  return uids;
}

// The HTTP client for the fixture on the loopback.
std::shared_ptr<pipeline::core::HttpClient> loopback_http() {
  return pipeline::http::make_cpprest_client(earshot::testing::loopback_client());
}

// Streaming timings that keep each test short: a stall after 300 ms, reconnects from 20 ms,
// the loopback allowed.
MastodonStreamOptions fast_stream() {
  return {.expected_interval = milliseconds(100),
          .stall_factor = 3,
          .reconnect_base = milliseconds(20),
          .address_policy = earshot::testing::loopback_policy()};
}

TEST(MastodonStream, BackfillsFromTheCursorThenStreams) {
  Fixture fx;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  MastodonStreamSource src(options_for(server), loopback_http(), fast_stream());
  ASSERT_TRUE(src.restore(R"({"min_id":"1000"})"));
  std::size_t dead = 0;
  auto uids = collect(src, 6, &dead);
  for (int i = 0; i < 20 && dead == 0; ++i) collect(src, 1, &dead);  // the broken event follows
  EXPECT_EQ(uids, (std::vector<std::string>{"mastodon:127.0.0.1:1001", "mastodon:127.0.0.1:1002",
                                            "mastodon:127.0.0.1:1003", "mastodon:127.0.0.1:1004",
                                            "mastodon:127.0.0.1:1005",
                                            "mastodon:127.0.0.1:1001 (deleted)"}));
  EXPECT_EQ(dead, 1u);
  EXPECT_TRUE(src.streaming());
  EXPECT_EQ(src.connects(), 1);
  auto b = src.poll(milliseconds(10));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->cursor, R"({"min_id":"1005"})");
  EXPECT_EQ(src.name(), "mastodon:127.0.0.1:public");
}

TEST(MastodonStream, FallsBackToPollingWhenStreamingIsRefused) {
  Fixture fx;
  fx.stream_status = 401;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  MastodonStreamSource src(options_for(server), loopback_http(), fast_stream());
  ASSERT_TRUE(src.restore(R"({"min_id":"1000"})"));
  std::size_t dead = 0;
  auto uids = collect(src, 3, &dead);
  EXPECT_EQ(uids.size(), 3u);
  fx.rest_max = 1004;
  auto more = collect(src, 1, &dead);
  EXPECT_EQ(more, std::vector<std::string>{"mastodon:127.0.0.1:1004"});
  for (int i = 0; i < 20 && src.health().last_error.empty(); ++i) (void)src.poll(milliseconds(50));
  EXPECT_FALSE(src.streaming());
  EXPECT_EQ(src.connects(), 0);
  EXPECT_NE(src.health().last_error.find("HTTP 401"), std::string::npos) << src.health().last_error;
}

TEST(MastodonStream, ReconnectsAfterADropAndBackfillsTheGap) {
  Fixture fx;
  fx.drop_first = true;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  MastodonStreamSource src(options_for(server), loopback_http(), fast_stream());
  ASSERT_TRUE(src.restore(R"({"min_id":"1000"})"));
  std::size_t dead = 0;
  auto uids = collect(src, 7, &dead);
  EXPECT_EQ(uids, (std::vector<std::string>{"mastodon:127.0.0.1:1001", "mastodon:127.0.0.1:1002",
                                            "mastodon:127.0.0.1:1003", "mastodon:127.0.0.1:1004",
                                            "mastodon:127.0.0.1:1005", "mastodon:127.0.0.1:1006",
                                            "mastodon:127.0.0.1:1001 (deleted)"}));
  EXPECT_GE(src.connects(), 1);  // the first stream may drop before a poll saw it up
  EXPECT_GE(fx.streams.load(), 2);
}

// Issue 14: an edit arrives after the post as `status.update`; it is not dropped as already
// seen (its id is behind the cursor, its uri known) but becomes a Post with the same uid and
// edited_at set, so process and the reply planner can act on it.
TEST(MastodonStream, StatusUpdateBecomesAnEditedPostWithTheSameUid) {
  Fixture fx;
  fx.edit = true;
  HttpFixtureServer server([&](const FixtureRequest& r) { return fx.answer(r); });
  MastodonStreamSource src(options_for(server), loopback_http(), fast_stream());
  ASSERT_TRUE(src.restore(R"({"min_id":"1000"})"));
  std::vector<pipeline::core::Post> edits;
  std::size_t dead = 0;
  auto t0 = Clock::now();
  while (edits.size() < 2 && Clock::now() - t0 < std::chrono::seconds(5)) {
    auto b = src.poll(milliseconds(100));
    if (!b) continue;
    for (auto& p : b->posts) {
      if (p.edited_at) edits.push_back(p);
    }
    dead += b->dead.size();
  }
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[0].uid, "mastodon:127.0.0.1:1002");
  EXPECT_EQ(edits[0].text, "status 1002, edited");
  EXPECT_EQ(edits[0].edited_at, "2026-11-23T10:05:00Z");
  EXPECT_FALSE(edits[0].deleted);
  EXPECT_EQ(edits[1].uid, "mastodon:127.0.0.1:1003");
  EXPECT_EQ(edits[1].text, "status 1003, edited");
  ASSERT_TRUE(edits[1].edited_at);  // the time it was seen stands in
  EXPECT_FALSE(edits[1].edited_at->empty());
  auto b = src.poll(milliseconds(10));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->cursor, R"({"min_id":"1005"})");  // an edit does not move the cursor back
}

}  // namespace
}  // namespace earshot::ingest
