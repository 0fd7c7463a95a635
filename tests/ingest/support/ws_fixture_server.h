// Test support: a tiny WebSocket (RFC 6455) server on 127.0.0.1 for the Jetstream tests.
// Hand-written over POSIX sockets (Boost.Beast's headers do not build in C++23 mode with
// GCC 12 and Boost 1.74). Each connection runs the session function on its own thread with
// the request target (path + query, e.g. "/subscribe?wantedCollections=...&cursor=12");
// the session sends text frames and then either returns (clean close handshake), calls
// drop() (mid-stream disconnect: the TCP connection just ends) or wait_for_client() (a
// silent, stalled stream the client has to give up on).
//
//   WsFixtureServer server([](const std::string& target, WsConnection& c) {
//     c.send_text(R"({"did":"did:plc:a","time_us":1,"kind":"commit",...})");
//     c.drop();
//   });
//   server.url("/subscribe");   // "ws://127.0.0.1:PORT/subscribe"
//
// Thread safety: sessions run on server threads; targets() may be read from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/loopback_acceptor.h"

namespace earshot::ingest::testing {

class WsConnection {
 public:
  explicit WsConnection(int fd) : fd_(fd) {}
  bool send_text(std::string_view text);
  void drop();  // closes the TCP connection without a close frame
  // Blocks until the client sends a frame (e.g. its close frame) or leaves, or `max` passes.
  void wait_for_client(std::chrono::milliseconds max);
  bool dropped() const { return dropped_; }

 private:
  int fd_;
  bool dropped_ = false;
};

class WsFixtureServer {
 public:
  using Session = std::function<void(const std::string& target, WsConnection& conn)>;
  explicit WsFixtureServer(Session session);
  ~WsFixtureServer();
  WsFixtureServer(const WsFixtureServer&) = delete;
  WsFixtureServer& operator=(const WsFixtureServer&) = delete;

  std::string url(const std::string& path) const {
    return "ws://127.0.0.1:" + std::to_string(acceptor_.port()) + path;
  }
  std::vector<std::string> targets() const;  // one per accepted handshake

 private:
  void serve(int fd);

  Session session_;
  mutable std::mutex mu_;
  std::vector<std::string> targets_;             // guarded by mu_
  earshot::testing::LoopbackAcceptor acceptor_;  // last: joins the sessions before the rest goes
};

}  // namespace earshot::ingest::testing
