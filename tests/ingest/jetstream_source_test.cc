// JetstreamSource against a WebSocket fixture speaking Jetstream's wire format: resume by
// `cursor` after a mid-stream disconnect, a restart and a stall; malformed messages.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include "ingest/jetstream_source.h"
#include "ingest/url_util.h"
#include "tests/ingest/support/ws_fixture_server.h"
#include "tests/support/loopback_http.h"
#include "tests/support/source_dir.h"

namespace earshot::ingest {
namespace {

using testing::WsConnection;
using testing::WsFixtureServer;

std::string event(std::int64_t t) {
  return R"({"did":"did:plc:test","time_us":)" + std::to_string(t) +
         R"(,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.post","rkey":"rk)" +
         std::to_string(t) +
         R"(","record":{"$type":"app.bsky.feed.post","createdAt":"2026-11-23T10:00:00Z","text":"event )" +
         std::to_string(t) + R"("}}})";
}

// Sends events cursor..last (Jetstream replays from the cursor inclusive).
std::int64_t start_at(const std::string& target) {
  auto c = query_param(target, "cursor");
  return c ? std::stoll(*c) : 1;
}

JetstreamOptions fast(const WsFixtureServer& s) {
  JetstreamOptions o;
  o.url = s.url("/subscribe");
  o.backoff_base = milliseconds(20);
  o.backoff_max = milliseconds(100);
  o.address_policy = earshot::testing::loopback_policy();
  o.rewind_us = 2;  // the fixtures count time_us in ones
  return o;
}

// Polls until `want` distinct posts arrived (or 5 s); returns uids in arrival order.
std::vector<std::string> collect(JetstreamSource& src, std::size_t want, std::string* cursor,
                                 std::size_t* dead = nullptr) {
  std::vector<std::string> uids;
  auto t0 = Clock::now();
  while (uids.size() < want && Clock::now() - t0 < std::chrono::seconds(5)) {
    auto b = src.poll(milliseconds(100));
    if (!b) continue;
    for (auto& p : b->posts) uids.push_back(p.uid);
    if (dead) *dead += b->dead.size();
    *cursor = b->cursor;
  }
  return uids;
}

std::vector<std::string> expected(std::int64_t from, std::int64_t to) {
  std::vector<std::string> out;
  for (std::int64_t t = from; t <= to; ++t)
    out.push_back("bluesky:did:plc:test:rk" + std::to_string(t));
  return out;
}

TEST(JetstreamSource, MidStreamDisconnectResumesFromTheCursorWithoutDuplicates) {
  std::atomic<int> sessions{0};
  WsFixtureServer server([&](const std::string& target, WsConnection& c) {
    int n = sessions++;
    for (std::int64_t t = start_at(target); t <= 10; ++t) {
      if (n == 0 && t == 5) {
        c.drop();  // the line goes dead mid-stream, no close frame
        return;
      }
      if (n == 0 && t == 3) c.send_text("this is not json");
      c.send_text(event(t));
    }
    c.wait_for_client(milliseconds(2000));
  });
  JetstreamSource src(fast(server));
  std::string cursor;
  std::size_t dead = 0;
  auto uids = collect(src, 10, &cursor, &dead);
  EXPECT_EQ(uids, expected(1, 10));
  EXPECT_EQ(dead, 1u);
  EXPECT_EQ(cursor, R"({"time_us":10})");
  auto targets = server.targets();
  ASSERT_GE(targets.size(), 2u);
  EXPECT_EQ(targets[0], "/subscribe?wantedCollections=app.bsky.feed.post");
  // Resumed a little before the cursor (4 - rewind); the replayed 2..4 are not repeated.
  EXPECT_EQ(targets[1], "/subscribe?wantedCollections=app.bsky.feed.post&cursor=2");
  EXPECT_EQ(src.health().posts, 10);
  EXPECT_EQ(src.health().dead, 1);
}

TEST(JetstreamSource, RestartFromACommittedCursorLosesNothingAndRewinds) {
  std::atomic<std::int64_t> last{5};
  WsFixtureServer server([&](const std::string& target, WsConnection& c) {
    for (std::int64_t t = start_at(target); t <= last; ++t) c.send_text(event(t));
    c.wait_for_client(milliseconds(2000));
  });
  std::string cursor;
  std::vector<std::string> all;
  {
    JetstreamSource a(fast(server));
    all = collect(a, 5, &cursor);
  }
  EXPECT_EQ(cursor, R"({"time_us":5})");
  last = 9;
  JetstreamSource b(fast(server));
  ASSERT_TRUE(b.restore(cursor));
  // A new process resumes rewind_us before the committed cursor: the events from there to
  // the cursor come again (process's uid dedup drops them), nothing after it is lost.
  auto want = expected(3, 9);
  auto got = collect(b, want.size(), &cursor);
  EXPECT_EQ(got, want);
  EXPECT_EQ(all, expected(1, 5));
  EXPECT_EQ(server.targets().back(), "/subscribe?wantedCollections=app.bsky.feed.post&cursor=3");
}

// Jetstream's real event (tests/ingest/data/jetstream_create.json) at time_us `t` with rkey
// "rk<t>".
std::string real_event(std::int64_t t) {
  std::ifstream in(earshot::testing::source_path("tests/ingest/data/jetstream_create.json"));
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = s.find(from);
    if (at != std::string::npos) s.replace(at, from.size(), to);
  };
  replace("1725911162329308", std::to_string(t));
  replace(R"("rkey":"3l3qo2vuowo2b")", R"("rkey":"rk)" + std::to_string(t) + R"(")");
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Issue #16: on production traffic time_us steps backwards (77 times in 150 events, by up
// to 33 ms); an event older than the cursor is a new event, never one to drop.
TEST(JetstreamSource, OutOfOrderEventsAreAllDeliveredOnceAcrossAReconnect) {
  const std::int64_t base = 1725911162329308;
  // Arrival order as Jetstream sends it: time_us goes back three times.
  const std::vector<std::int64_t> order{base,         base + 30'000, base + 10'000, base + 40'000,
                                        base + 5'000, base + 50'000, base + 33'000, base + 60'000};
  std::atomic<int> sessions{0};
  WsFixtureServer server([&](const std::string& target, WsConnection& c) {
    int n = sessions++;
    auto from = query_param(target, "cursor");
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (from && order[i] < std::stoll(*from)) continue;  // replays from the cursor on
      if (n == 0 && i == 6) {
        c.drop();  // disconnect after base+50000; base+33000 comes only on the replay
        return;
      }
      c.send_text(real_event(order[i]));
    }
    c.wait_for_client(milliseconds(2000));
  });
  JetstreamOptions o = fast(server);
  o.rewind_us = 5'000'000;  // the default: five seconds
  JetstreamSource src(o);
  std::string cursor;
  auto uids = collect(src, order.size(), &cursor);
  std::vector<std::string> want;
  for (std::int64_t t : order)
    want.push_back("bluesky:did:plc:eygmaihciaxprqvxpfvl6flk:rk" + std::to_string(t));
  EXPECT_EQ(uids, want);
  EXPECT_EQ(cursor, R"({"time_us":)" + std::to_string(base + 60'000) + "}");
  auto targets = server.targets();
  ASSERT_GE(targets.size(), 2u);
  EXPECT_EQ(targets[1], "/subscribe?wantedCollections=app.bsky.feed.post&cursor=" +
                            std::to_string(base + 50'000 - 5'000'000));
}

TEST(JetstreamSource, RefusesAPrivateAddressWithoutAllowPrivate) {
  WsFixtureServer server([&](const std::string&, WsConnection& c) { c.send_text(event(1)); });
  JetstreamOptions o = fast(server);
  o.address_policy = pipeline::core::AddressPolicy();  // the default: public addresses only
  JetstreamSource src(o);
  auto b = src.poll(milliseconds(200));
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("refused"), std::string::npos) << b.error().message;
  EXPECT_TRUE(server.targets().empty());
}

TEST(JetstreamSource, StalledStreamIsReplacedAndBackfilled) {
  std::atomic<int> sessions{0};
  WsFixtureServer server([&](const std::string& target, WsConnection& c) {
    int n = sessions++;
    for (std::int64_t t = start_at(target); t <= 6; ++t) {
      if (n == 0 && t == 3) break;  // then silence, connection open
      c.send_text(event(t));
    }
    c.wait_for_client(milliseconds(3000));
  });
  JetstreamOptions o = fast(server);
  o.expected_interval = milliseconds(50);
  o.stall_factor = 4;  // 200 ms without an event = stalled
  JetstreamSource src(o);
  std::string cursor;
  auto uids = collect(src, 6, &cursor);
  EXPECT_EQ(uids, expected(1, 6));
  EXPECT_GE(src.connects(), 2);
  EXPECT_NE(src.health().last_error.find("no event"), std::string::npos);
  EXPECT_GE(src.health().stalls, 1);
  EXPECT_EQ(src.health().reconnects, src.connects() - 1);
}

TEST(JetstreamSource, UnreachableServerBacksOff) {
  JetstreamOptions o;
  o.url = "ws://127.0.0.1:1/subscribe";
  o.backoff_base = milliseconds(50);
  o.address_policy = earshot::testing::loopback_policy();
  JetstreamSource src(o);
  auto r = src.poll(milliseconds(10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, pipeline::core::ErrorCode::kUnavailable);
  EXPECT_EQ(src.health().state, "backoff");
  auto idle = src.poll(milliseconds(1));  // inside the backoff: no new attempt
  ASSERT_TRUE(idle);
  EXPECT_EQ(src.health().errors, 1);
  EXPECT_EQ(src.health().network_errors, 1);
  EXPECT_EQ(src.health().reconnects, 0);
}

}  // namespace
}  // namespace earshot::ingest
