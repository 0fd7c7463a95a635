// Live updates (sinks/live_events.h, issue 17): GET /api/v1/events over the real transport —
// who may open it (bearer token or the session cookie of POST /api/v1/session, never the
// cookie elsewhere), what arrives (alerts with their acknowledgement, replies, throttled
// aggregates and post summaries), the cap on clients, forgetting gone clients, and
// Last-Event-ID resume / reset.
#include "sinks/live_events.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "sinks/alert_states.h"
#include "sinks/api.h"
#include "sinks/api_v1.h"
#include "sinks/http_server.h"
#include "sinks/reply_api.h"
#include "tests/support/wait.h"

namespace earshot::sinks {
namespace {

using earshot::testing::wait_until;
using earshot::testing::within;
using namespace std::chrono_literals;

constexpr const char* kReadToken = "read-token-0123456789";

// A raw HTTP/1.1 client that keeps the connection open and reads until a needle shows up.
class RawClient {
 public:
  RawClient(int port, const std::string& request) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
      ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
  }
  ~RawClient() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Reads until `needle` is in what was received (or the peer closed / 20 s passed).
  bool read_until(const std::string& needle) {
    char buf[4096];
    while (got_.find(needle, seen_) == std::string::npos) {
      ssize_t n = fd_ < 0 ? -1 : ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      got_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  // Marks what was read so far as seen: later read_until() calls look only after it.
  void consume() { seen_ = got_.size(); }
  const std::string& got() const { return got_; }
  int status() const { return got_.size() > 12 ? std::stoi(got_.substr(9, 3)) : 0; }

 private:
  int fd_ = -1;
  std::string got_;
  std::size_t seen_ = 0;
};

std::string get_events(const std::string& extra_headers = "") {
  return "GET /api/v1/events HTTP/1.1\r\nHost: h\r\n" + extra_headers + "\r\n";
}

struct Fixture {
  ApiStore store{{{.id = "acme-air", .name = "Acme Air"}}};
  AlertStates states;
  ReplyBook replies;
  LiveHub hub{{.throttle = 0ms}};
  SessionStore sessions{1h};
  std::unique_ptr<HttpServer> server;
  LiveFeed feed{.hub = &hub,
                .store = &store,
                .states = &states,
                .replies = &replies,
                .aggregates_topic = "aggregates",
                .alerts_topic = "alerts",
                .scored_topic = "scored",
                .alert_states_topic = "alerts.states"};

  explicit Fixture(std::size_t max_streams = 8) {
    server = std::make_unique<HttpServer>(
        HttpServerOptions{.listen = "127.0.0.1:0",
                          .tokens = {{kReadToken, "wall", pipeline::core::Scope::kRead}},
                          .max_streams = max_streams});
    add_api_v1_routes(*server, {.store = &store,
                                .states = &states,
                                .live = &hub,
                                .sessions = &sessions});
    EXPECT_TRUE(server->start().has_value());
  }
  int port() const { return server->port(); }
  std::string bearer() const { return std::string("Authorization: Bearer ") + kReadToken + "\r\n"; }
};

pipeline::core::Alert alert(const std::string& id) {
  pipeline::core::Alert a;
  a.id = id;
  a.rule = "vip-negative";
  a.entity = "acme-air";
  a.severity = "critical";
  a.window_start = "2026-11-23T10:30:00.000Z";
  a.window_end = "2026-11-23T10:31:00.000Z";
  a.observed = 1;
  a.summary = "Acme Air: a negative post by vip customer Marta in the minute from 11:30 CET";
  a.dedup_key = "vip-negative|acme-air|" + id;
  a.created_at = "2026-11-23T10:31:02.000Z";
  a.link = "https://earshot.example/#entity=acme-air&from=2026-11-23T10:30:00.000Z";
  return a;
}

// The cookie value from "Set-Cookie: earshot_session=<id>; ..." of a raw response.
std::string session_cookie(const std::string& response) {
  auto at = response.find("Set-Cookie: earshot_session=");
  if (at == std::string::npos) return "";
  at += std::string("Set-Cookie: ").size();
  return response.substr(at, response.find(';', at) - at);
}

TEST(LiveEvents, TheStreamNeedsATokenOrTheSessionCookieWhichWorksNowhereElse) {
  Fixture f;
  RawClient anonymous(f.port(), get_events());
  ASSERT_TRUE(anonymous.read_until("\r\n\r\n"));
  EXPECT_EQ(anonymous.status(), 401) << anonymous.got();
  RawClient forged(f.port(), get_events("Cookie: earshot_session=0123456789abcdef\r\n"));
  ASSERT_TRUE(forged.read_until("\r\n\r\n"));
  EXPECT_EQ(forged.status(), 401) << forged.got();

  // The bearer token works as for any route.
  RawClient bearer(f.port(), get_events(f.bearer()));
  ASSERT_TRUE(bearer.read_until("event: ready\n")) << bearer.got();
  EXPECT_EQ(bearer.status(), 200);
  EXPECT_NE(bearer.got().find("Content-Type: text/event-stream"), std::string::npos);

  // POST /api/v1/session turns the token into an HttpOnly, SameSite=Strict cookie for the
  // event path only; the token itself is in neither the cookie nor the answer.
  RawClient session(f.port(), "POST /api/v1/session HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n" +
                                  f.bearer() + "\r\n{}");
  ASSERT_TRUE(session.read_until("}")) << session.got();
  EXPECT_EQ(session.status(), 200) << session.got();
  const std::string& answer = session.got();
  EXPECT_NE(answer.find("; Path=/api/v1/events; Max-Age=3600; HttpOnly; SameSite=Strict"),
            std::string::npos)
      << answer;
  EXPECT_EQ(answer.find(kReadToken), std::string::npos) << answer;
  const std::string cookie = session_cookie(answer);
  ASSERT_EQ(cookie.size(), std::string("earshot_session=").size() + 64) << cookie;
  EXPECT_EQ(f.sessions.size(), 1u);

  RawClient by_cookie(f.port(), get_events("Cookie: theme=dark; " + cookie + "\r\n"));
  ASSERT_TRUE(by_cookie.read_until("event: ready\n")) << by_cookie.got();
  ASSERT_TRUE(by_cookie.read_until("\n\n"));
  EXPECT_NE(by_cookie.got().find(R"("owner":"wall")"), std::string::npos) << by_cookie.got();

  // The cookie opens the event stream only: not the JSON API, not another session.
  RawClient elsewhere(f.port(), "GET /api/v1/alerts HTTP/1.1\r\nHost: h\r\nCookie: " + cookie +
                                    "\r\n\r\n");
  ASSERT_TRUE(elsewhere.read_until("\r\n\r\n"));
  EXPECT_EQ(elsewhere.status(), 401) << elsewhere.got();
  RawClient minting(f.port(), "POST /api/v1/session HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
                              "Cookie: " + cookie + "\r\n\r\n");
  ASSERT_TRUE(minting.read_until("\r\n\r\n"));
  EXPECT_EQ(minting.status(), 401) << minting.got();
}

TEST(LiveEvents, SessionsExpireAndStayBounded) {
  std::int64_t now = 1'000'000;
  SessionStore sessions(10min, 3, [&] { return now; });
  std::string a = sessions.create("alice", pipeline::core::Scope::kAdmin);
  ASSERT_TRUE(sessions.find(a).has_value());
  EXPECT_EQ(sessions.find(a)->owner, "alice");
  EXPECT_EQ(sessions.find(a)->scope, pipeline::core::Scope::kAdmin);
  EXPECT_NE(sessions.create("alice", pipeline::core::Scope::kAdmin), a);  // never reused
  now += 10 * 60 * 1000;
  EXPECT_FALSE(sessions.find(a).has_value()) << "expired after the ttl";
  for (int i = 0; i < 10; ++i) sessions.create("bob", pipeline::core::Scope::kRead);
  EXPECT_LE(sessions.size(), 3u);
}

TEST(LiveEvents, AlertsAcknowledgementsRepliesAggregatesAndPostsArrive) {
  Fixture f;
  RawClient c(f.port(), get_events(f.bearer()));
  ASSERT_TRUE(c.read_until("event: ready\n")) << c.got();
  ASSERT_TRUE(wait_until(within(10s), [&] { return f.hub.clients() == 1; }, "the client held"));
  c.consume();

  // A new alert, as the follower applies it: the item of GET /api/v1/alerts, with "ack".
  pipeline::core::Alert a = alert("a1");
  pipeline::log::Record rec{.topic = "alerts", .value = pipeline::codec::encode(a)};
  f.store.apply_alert_record(rec);
  f.feed.on_record(rec);
  ASSERT_TRUE(c.read_until(R"("state":"open")")) << c.got();
  ASSERT_TRUE(c.read_until("\n\n"));
  EXPECT_NE(c.got().find("event: alert\n"), std::string::npos) << c.got();
  EXPECT_NE(c.got().find(R"("link":"https://earshot.example/#entity=acme-air)"), std::string::npos);
  EXPECT_NE(c.got().find("id: " + f.hub.epoch() + "-"), std::string::npos) << c.got();
  c.consume();

  // Its acknowledgement (read back from the alert-state topic) comes as the same alert.
  pipeline::log::Record state{
      .topic = "alerts.states",
      .key = "a1",
      .value = R"({"alert":"a1","state":"acknowledged","by":"alice","at":"2026-11-23T10:40:00Z",)"
               R"("history":[{"action":"ack","by":"alice","at":"2026-11-23T10:40:00Z"}]})"};
  f.states.apply_record(state);
  f.feed.on_record(state);
  ASSERT_TRUE(c.read_until(R"("by":"alice")")) << c.got();
  EXPECT_NE(c.got().find(R"("state":"acknowledged")"), std::string::npos) << c.got();
  c.consume();

  // A reply waiting for approval.
  pipeline::core::ReplyIntent r;
  r.id = "r1";
  r.post_uid = "mastodon:x:1";
  r.platform = "mastodon";
  r.text = "Sorry about this.";
  r.status = pipeline::core::ReplyStatus::pending_approval;
  f.replies.apply(r);
  f.feed.on_reply("r1");
  ASSERT_TRUE(c.read_until("event: reply\n")) << c.got();
  ASSERT_TRUE(c.read_until(R"("status":"pending_approval")")) << c.got();
  c.consume();

  // An aggregate window and a scored post.
  pipeline::core::Aggregate g;
  g.entity = "acme-air";
  g.window_size = "1m";
  g.window_start = "2026-11-23T10:30:00.000Z";
  g.window_end = "2026-11-23T10:31:00.000Z";
  g.volume = 45;
  g.negative = 40;
  f.feed.on_record({.topic = "aggregates", .value = pipeline::codec::encode(g)});
  ASSERT_TRUE(c.read_until("event: aggregate\n")) << c.got();
  ASSERT_TRUE(c.read_until(R"("volume":45)")) << c.got();
  EXPECT_NE(c.got().find(R"("entity":"acme-air")"), std::string::npos);
  f.feed.on_record({.topic = "scored", .value = "{}"});
  ASSERT_TRUE(c.read_until("event: posts\ndata: {\"count\":1}\n\n")) << c.got();
}

TEST(LiveEvents, ClientsAreCappedAndAGoneClientIsForgotten) {
  Fixture f(/*max_streams=*/2);
  RawClient one(f.port(), get_events(f.bearer()));
  RawClient two(f.port(), get_events(f.bearer()));
  ASSERT_TRUE(one.read_until("event: ready\n"));
  ASSERT_TRUE(two.read_until("event: ready\n"));
  RawClient three(f.port(), get_events(f.bearer()));
  ASSERT_TRUE(three.read_until("\r\n\r\n"));
  EXPECT_EQ(three.status(), 503) << three.got();
  EXPECT_NE(three.got().find("Retry-After"), std::string::npos);
  ASSERT_TRUE(wait_until(within(10s), [&] { return f.hub.clients() == 2; }, "two clients held"));

  one.close();  // the hub notices when a send fails, and the transport frees the slot
  ASSERT_TRUE(wait_until(
      within(20s),
      [&] {
        f.hub.publish("alert", "{}");
        return f.hub.clients() == 1;
      },
      "the gone client forgotten"));
  EXPECT_GE(f.hub.dropped(), 1u);
  std::unique_ptr<RawClient> again;
  ASSERT_TRUE(wait_until(
      within(20s),
      [&] {
        again = std::make_unique<RawClient>(f.port(), get_events(f.bearer()));
        return again->read_until("\r\n\r\n") && again->status() == 200;
      },
      "a new client let in once a slot is free"));
}

// An EventStream that records what it is sent (the hub without sockets).
struct Recorder : pipeline::http::EventStream {
  std::vector<std::string> lines;  // "id event data"
  bool accept = true;
  bool send(std::string_view event, std::string_view data, std::string_view id) override {
    if (!accept) return false;
    lines.push_back(std::string(id) + " " + std::string(event) + " " + std::string(data));
    return true;
  }
  bool open() const override { return accept; }
  void close() override { accept = false; }
};

TEST(LiveEvents, LastEventIdReplaysWhatWasMissedOrAsksForAReset) {
  LiveHub hub({.throttle = 0ms, .history = 3});
  auto first = std::make_shared<Recorder>();
  hub.attach(first, "wall", "");
  ASSERT_EQ(first->lines.size(), 1u);
  EXPECT_EQ(first->lines[0].rfind(hub.epoch() + "-0 ready ", 0), 0u) << first->lines[0];
  hub.publish("alert", R"({"n":1})");
  hub.publish("alert", R"({"n":2})");
  hub.publish("reply", R"({"n":3})");
  ASSERT_EQ(first->lines.size(), 4u);
  EXPECT_EQ(first->lines[3], hub.epoch() + "-3 reply {\"n\":3}");

  auto resumed = std::make_shared<Recorder>();
  hub.attach(resumed, "wall", hub.epoch() + "-1");
  ASSERT_EQ(resumed->lines.size(), 3u);
  EXPECT_EQ(resumed->lines[1], hub.epoch() + "-2 alert {\"n\":2}");
  EXPECT_EQ(resumed->lines[2], hub.epoch() + "-3 reply {\"n\":3}");

  auto other_process = std::make_shared<Recorder>();
  hub.attach(other_process, "wall", "deadbeef-2");
  ASSERT_EQ(other_process->lines.size(), 2u);
  EXPECT_NE(other_process->lines[1].find(" reset {}"), std::string::npos);

  hub.publish("alert", R"({"n":4})");
  hub.publish("alert", R"({"n":5})");  // history 3: events 1 and 2 are gone
  auto too_old = std::make_shared<Recorder>();
  hub.attach(too_old, "wall", hub.epoch() + "-1");
  ASSERT_EQ(too_old->lines.size(), 2u);
  EXPECT_NE(too_old->lines[1].find(" reset {}"), std::string::npos);

  first->accept = false;  // a client that stopped taking events is dropped, not buffered
  hub.publish("alert", "{}");
  EXPECT_EQ(hub.clients(), 3u);
  EXPECT_EQ(hub.dropped(), 1u);
}

TEST(LiveEvents, AggregatesAndPostsAreThrottledToTheNewestPerEntity) {
  LiveHub hub({.throttle = std::chrono::hours(1)});  // only flush() sends them here
  auto c = std::make_shared<Recorder>();
  hub.attach(c, "wall", "");
  hub.aggregate("acme-air", "1m", R"({"start":"10:30","volume":1})");
  hub.aggregate("acme-air", "1m", R"({"start":"10:30","volume":2})");
  hub.aggregate("globex", "1m", R"({"start":"10:30","volume":7})");
  for (int i = 0; i < 3; ++i) hub.post();
  EXPECT_EQ(c->lines.size(), 1u) << "nothing before the flush";
  hub.flush();
  ASSERT_EQ(c->lines.size(), 4u);
  EXPECT_NE(c->lines[1].find(R"(aggregate {"entity":"acme-air",)"
                             R"("point":{"start":"10:30","volume":2},"window":"1m"})"),
            std::string::npos)
      << c->lines[1];
  EXPECT_NE(c->lines[2].find(R"("entity":"globex")"), std::string::npos) << c->lines[2];
  EXPECT_NE(c->lines[3].find(R"(posts {"count":3})"), std::string::npos) << c->lines[3];
  hub.flush();
  EXPECT_EQ(c->lines.size(), 4u) << "nothing new, nothing sent";
}

}  // namespace
}  // namespace earshot::sinks
