// The bounded HTTP/1.1 transport (issue 16 item 3): raw-socket clients for every limit, so
// that what the server answers (and when) is seen byte for byte.
#include "pipeline/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace earshot::pipeline::http {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A connected loopback socket; reads give up after 20 s (a generous bound, not a timing test).
class Raw {
 public:
  explicit Raw(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Raw() { ::close(fd_); }
  bool ok() const { return ok_; }
  // False once the peer stopped taking bytes.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  bool readable(int timeout_ms = 0) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
  }
  // Everything until the peer closes (or 20 s pass without a byte).
  std::string read_all() {
    std::string out;
    char buf[4096];
    while (readable(20'000)) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // One response with a Content-Length body (keep-alive).
  std::string read_response(bool head = false) {
    std::string out;
    char c;
    while (out.find("\r\n\r\n") == std::string::npos && readable(20'000) &&
           ::recv(fd_, &c, 1, 0) == 1)
      out.push_back(c);
    auto at = out.find("Content-Length: ");
    std::size_t len = at == std::string::npos ? 0 : std::stoul(out.substr(at + 16));
    if (head) return out;
    while (len > 0 && readable(20'000) && ::recv(fd_, &c, 1, 0) == 1) {
      out.push_back(c);
      --len;
    }
    return out;
  }
  // Reads until every needle was seen (or 20 s pass without a byte, or the peer closes).
  std::string read_until(std::vector<std::string> needles) {
    std::string out;
    char buf[4096];
    auto all = [&] {
      for (const auto& n : needles)
        if (out.find(n) == std::string::npos) return false;
      return true;
    };
    while (!all() && readable(20'000)) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // True when the peer closed (EOF or reset) within 20 s.
  bool closed_by_peer() {
    char buf[256];
    while (readable(20'000)) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

struct Fixture {
  std::atomic<int> handled{0};
  Server server;
  explicit Fixture(ServerLimits limits)
      : server(limits, [this](Request r, Reply reply) {
          ++handled;
          reply.send({200, "text/plain", r.method + " " + r.target + " " + r.body, {}});
        }) {
    EXPECT_TRUE(server.start("127.0.0.1:0"));
  }
};

TEST(HttpServerTransport, KeepAliveServesSeveralRequestsOnOneConnectionAndHeadHasNoBody) {
  Fixture f({});
  Raw c(f.server.port());
  ASSERT_TRUE(c.send("POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"));
  std::string first = c.read_response();
  EXPECT_THAT(first, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(first, HasSubstr("POST /a?x=1 hello"));
  ASSERT_TRUE(c.send("HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string head = c.read_response(true);
  EXPECT_THAT(head, HasSubstr("Content-Length: 8\r\n")) << "the length of the GET body";
  ASSERT_TRUE(c.send("GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  std::string last = c.read_all();
  EXPECT_THAT(last, StartsWith("HTTP/1.1 200")) << "no HEAD body came before it";
  EXPECT_THAT(last, HasSubstr("GET /c "));
  EXPECT_EQ(f.handled.load(), 3);
}

TEST(HttpServerTransport, ChunkedBodyUnderTheLimitIsRead) {
  Fixture f({.max_body_bytes = 100});
  Raw c(f.server.port());
  ASSERT_TRUE(
      c.send("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  EXPECT_THAT(c.read_response(), HasSubstr("POST /p abcde"));
}

TEST(HttpServerTransport, HugeHeaderGets431AfterTheLimitNotAfter16MB) {
  Fixture f({.max_header_bytes = 8 * 1024});
  Raw c(f.server.port());
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: h\r\n"));
  const std::string line = "X-Pad: " + std::string(64 * 1024 - 9, 'a') + "\r\n";
  std::size_t sent = 0;
  while (sent < 16u * 1024 * 1024 && !c.readable() && c.send(line)) sent += line.size();
  EXPECT_LT(sent, 16u * 1024 * 1024) << "the server answered before the 16 MB were sent";
  EXPECT_THAT(c.read_all(), StartsWith("HTTP/1.1 431"));
  EXPECT_EQ(f.handled.load(), 0);
  EXPECT_EQ(f.server.stats().header_too_large, 1u);
}

TEST(HttpServerTransport, AnnouncedBodyOverTheLimitGets413BeforeAnyBodyIsSent) {
  Fixture f({.max_body_bytes = 1024});
  Raw c(f.server.port());
  ASSERT_TRUE(c.send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000000\r\n\r\n"));
  EXPECT_THAT(c.read_all(), StartsWith("HTTP/1.1 413"));
  EXPECT_EQ(f.handled.load(), 0);
}

TEST(HttpServerTransport, ChunkedBodyOverTheLimitGets413WhileReading) {
  Fixture f({.max_body_bytes = 64 * 1024});
  Raw c(f.server.port());
  ASSERT_TRUE(c.send("GET /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "4000\r\n" + std::string(0x4000, 'b') + "\r\n";  // 16 KiB each
  std::size_t sent = 0;
  while (sent < 50u * 1024 * 1024 && !c.readable() && c.send(chunk)) sent += 0x4000;
  EXPECT_LT(sent, 50u * 1024 * 1024) << "answered while the body was still coming";
  EXPECT_THAT(c.read_all(), StartsWith("HTTP/1.1 413"));
  EXPECT_EQ(f.handled.load(), 0);
}

TEST(HttpServerTransport, UnfinishedHeaderGets408AndTheConnectionIsClosed) {
  Fixture f({.header_timeout = milliseconds(200)});
  Raw c(f.server.port());
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Slow: aaaa"));
  std::string got = c.read_all();  // returns once the server closed
  EXPECT_THAT(got, StartsWith("HTTP/1.1 408"));
  EXPECT_EQ(f.server.stats().timeouts, 1u);
}

TEST(HttpServerTransport, IdleKeepAliveConnectionIsClosed) {
  Fixture f({.idle_timeout = milliseconds(200)});
  Raw c(f.server.port());
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_THAT(c.read_response(), StartsWith("HTTP/1.1 200"));
  EXPECT_TRUE(c.closed_by_peer());
  Fixture g({.header_timeout = milliseconds(200)});
  Raw silent2(g.server.port());  // connects and never sends: closed after header_timeout
  EXPECT_TRUE(silent2.closed_by_peer());
}

TEST(HttpServerTransport, ConnectionsOverTheCapAreRefusedWith503) {
  Fixture f({.max_connections = 2});
  Raw a(f.server.port()), b(f.server.port());
  ASSERT_TRUE(a.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(b.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_THAT(a.read_response(), StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(b.read_response(), StartsWith("HTTP/1.1 200"));  // both admitted, both open
  Raw third(f.server.port());
  EXPECT_THAT(third.read_all(), StartsWith("HTTP/1.1 503"));
  EXPECT_EQ(f.server.stats().refused_connections, 1u);
}

TEST(HttpServerTransport, TraceOptionsAndConnectGet405WithoutEchoingHeaders) {
  Fixture f({});
  for (std::string method : {"TRACE", "OPTIONS", "CONNECT", "PROPFIND"}) {
    Raw c(f.server.port());
    std::string target = method == "CONNECT" ? "h:443" : "/";
    ASSERT_TRUE(c.send(method + " " + target +
                       " HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer s3cret-token-value\r\n\r\n"));
    std::string got = c.read_all();
    EXPECT_THAT(got, StartsWith("HTTP/1.1 405")) << method;
    EXPECT_THAT(got, Not(HasSubstr("s3cret-token-value"))) << method;
  }
  EXPECT_EQ(f.handled.load(), 0);
}

TEST(HttpServerTransport, RepliesMayComeLaterFromAnotherThreadAndADroppedReplyAnswers500) {
  std::mutex mu;
  std::vector<Reply> held;
  Server server({}, [&](Request r, Reply reply) {
    if (r.target == "/drop") return;  // the Reply goes out of scope unanswered
    std::lock_guard lock(mu);
    held.push_back(reply);
  });
  ASSERT_TRUE(server.start("127.0.0.1:0"));
  Raw c(server.port()), d(server.port());
  ASSERT_TRUE(c.send("GET /later HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(d.send("GET /drop HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_THAT(d.read_response(), StartsWith("HTTP/1.1 500"));
  while (true) {
    std::lock_guard lock(mu);
    if (!held.empty()) break;
  }
  std::thread([&] { held[0].send({202, "text/plain", "done", {}}); }).join();
  std::string got = c.read_response();
  EXPECT_THAT(got, StartsWith("HTTP/1.1 202"));
  EXPECT_THAT(got, HasSubstr("done"));
}

TEST(HttpServerTransport, EventStreamsPushEventsHeartbeatsAndAreCapped) {
  std::mutex mu;
  std::vector<std::shared_ptr<EventStream>> streams;
  Server server({.max_streams = 1, .heartbeat = milliseconds(50)}, [&](Request, Reply reply) {
    auto s = reply.stream();
    if (!s) return;
    std::lock_guard lock(mu);
    streams.push_back(std::move(s));
  });
  ASSERT_TRUE(server.start("127.0.0.1:0"));
  auto c = std::make_unique<Raw>(server.port());
  ASSERT_TRUE(c->send("GET /events HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::shared_ptr<EventStream> s;
  while (!s) {
    std::lock_guard lock(mu);
    if (!streams.empty()) s = streams[0];
  }
  Raw over(server.port());
  ASSERT_TRUE(over.send("GET /events HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_THAT(over.read_response(), StartsWith("HTTP/1.1 503")) << "max_streams is 1";
  EXPECT_TRUE(s->send("alert", "line one\nline two"));
  std::string got = c->read_until({"data: line two\n\n", ": keep-alive\n\n"});
  EXPECT_THAT(got, HasSubstr("Content-Type: text/event-stream"));
  EXPECT_THAT(got, HasSubstr("event: alert\ndata: line one\ndata: line two\n\n"));
  EXPECT_THAT(got, HasSubstr(": keep-alive"));
  c.reset();  // the client goes away
  bool still = true;
  for (int i = 0; i < 2000 && still; ++i) {
    still = s->send("tick", "x");
    if (still) std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_FALSE(still) << "send() reports the client gone";
}

}  // namespace
}  // namespace earshot::pipeline::http
