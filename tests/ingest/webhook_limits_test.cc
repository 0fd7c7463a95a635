// WebhookSource under hostile clients (issue 16 items 3 and 4): big unauthenticated pushes
// stay bounded in memory, overflowing timestamps are refused and counted, and a committed id
// that was pruned from the seen set cannot be replayed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/time_util.h"
#include "ingest/webhook_source.h"
#include "pipeline/core/webhook_signature.h"
#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest {
namespace {

using ::testing::StartsWith;

constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

long vm_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

// Sends `header` then up to `body_bytes` of body in 64 KiB pieces, stopping as soon as the
// server answers or stops reading; returns the answer's first bytes.
std::string push_big(int port, const std::string& header, std::size_t body_bytes, bool chunked) {
  int fd = connect_to(port);
  std::string out;
  auto readable = [&](int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) > 0;
  };
  auto send_all = [&](std::string_view b) {
    while (!b.empty()) {
      ssize_t n = ::send(fd, b.data(), b.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      b.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  };
  const std::string piece(64 * 1024, 'x');
  const std::string chunk = "10000\r\n" + piece + "\r\n";
  bool ok = send_all(header);
  for (std::size_t sent = 0; ok && sent < body_bytes && !readable(0); sent += piece.size())
    ok = send_all(chunked ? chunk : piece);
  char buf[4096];
  while (readable(20'000)) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

struct Source {
  int port = testing::free_port();
  std::unique_ptr<WebhookSource> src;
  explicit Source(WebhookOptions o = {}) {
    o.listen = "127.0.0.1:" + std::to_string(port);
    o.secret = std::string(kSecret);
    auto s = WebhookSource::start(o);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    if (s) src = std::move(*s);
    if (src) {
      EXPECT_TRUE(src->restore(""));
    }
  }
};

std::string signed_request(const std::string& id, const std::string& ts, const std::string& body) {
  auto key = *pipeline::core::decode_webhook_secret(kSecret);
  return "POST / HTTP/1.1\r\nHost: h\r\nConnection: close\r\nwebhook-id: " + id +
         "\r\nwebhook-timestamp: " + ts +
         "\r\nwebhook-signature: " + pipeline::core::webhook_signature(key, id, ts, body) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string kPost =
    R"({"v":1,"uid":"webhook:p:1","source":"webhook","created_at":"2026-11-23T10:00:00Z","author":{"handle":"p"},"text":"hi"})"
    "\n";

TEST(WebhookLimits, FourConcurrentBigUnauthenticatedPushesStayBoundedInMemory) {
  Source s({.max_body_bytes = 1024 * 1024});
  ASSERT_TRUE(s.src);
  const long before = vm_rss_kb();
  std::vector<std::string> answers(4);
  std::vector<std::thread> pushers;
  for (int i = 0; i < 4; ++i) {
    pushers.emplace_back([&, i] {
      const bool chunked = i % 2 == 1;
      std::string header = "POST / HTTP/1.1\r\nHost: h\r\n";
      header += chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: 52428800\r\n\r\n";
      answers[i] = push_big(s.port, header, 50u * 1024 * 1024, chunked);
    });
  }
  for (auto& t : pushers) t.join();
  const long after = vm_rss_kb();
  for (const auto& a : answers) EXPECT_THAT(a, StartsWith("HTTP/1.1 413"));
  // Four 50 MB bodies read whole would be 200 MB; the limit is 1 MB each.
  EXPECT_LT(after - before, 32 * 1024) << "VmRSS grew by " << (after - before) << " kB";
  EXPECT_EQ(s.src->counters().too_large, 4);
  EXPECT_EQ(s.src->health().rejected.at("body_too_large"), 4);
}

TEST(WebhookLimits, OverflowingTimestampIsRefusedAndCountedByReason) {
  Source s;
  ASSERT_TRUE(s.src);
  for (std::string ts : {"-9223372036854775808", "9223372036854775807", "-1"}) {
    std::string got = push_big(s.port, signed_request("msg_overflow", ts, kPost), 0, false);
    EXPECT_THAT(got, StartsWith("HTTP/1.1 401")) << ts;
  }
  EXPECT_EQ(s.src->health().rejected.at("bad_timestamp"), 3);
  EXPECT_EQ(s.src->counters().unauthorized, 3);
  EXPECT_EQ(s.src->held(), 0u) << "nothing was queued";
}

// Pushes `request` on a thread, polls until its posts are handed out, commits; the answer.
std::string push_and_commit(Source& s, const std::string& request, std::string* cursor) {
  std::string answer;
  std::thread pusher([&] { answer = push_big(s.port, request, 0, false); });
  for (int i = 0; i < 200; ++i) {
    auto b = s.src->poll(std::chrono::milliseconds(100));
    if (!b) break;
    if (!b->posts.empty()) {
      *cursor = b->cursor;
      break;
    }
  }
  s.src->on_committed();
  pusher.join();
  return answer;
}

// The seen ids are pruned once their timestamp is past tolerance + id_margin; the same signed
// request sent again after that must fail the timestamp check rather than be taken twice.
TEST(WebhookLimits, ReplayAfterTheIdWasPrunedIsRefusedAsStale) {
  Source s({.tolerance = std::chrono::seconds(2), .id_margin = std::chrono::seconds(0)});
  ASSERT_TRUE(s.src);
  const std::int64_t ts = now_ms() / 1000;
  const std::string once = signed_request("msg_once", std::to_string(ts), kPost);
  std::string cursor;
  ASSERT_THAT(push_and_commit(s, once, &cursor), StartsWith("HTTP/1.1 200"));
  EXPECT_NE(cursor.find("msg_once"), std::string::npos) << cursor;
  // Wait (by the wall clock) until msg_once is past the window, then commit another push: its
  // cursor forgets msg_once.
  while (now_ms() / 1000 <= ts + 2) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string next = signed_request("msg_next", std::to_string(now_ms() / 1000), kPost);
  ASSERT_THAT(push_and_commit(s, next, &cursor), StartsWith("HTTP/1.1 200"));
  EXPECT_EQ(cursor.find("msg_once"), std::string::npos) << "pruned: " << cursor;
  // The exact same signed request again: refused by its timestamp, not taken a second time.
  EXPECT_THAT(push_big(s.port, once, 0, false), StartsWith("HTTP/1.1 401"));
  EXPECT_EQ(s.src->health().rejected.at("stale"), 1);
  EXPECT_EQ(s.src->counters().accepted, 2);
}

}  // namespace
}  // namespace earshot::ingest
