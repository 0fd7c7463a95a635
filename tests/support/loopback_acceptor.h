// Test support: the listening half of the fixture servers (http_server.h, the ingest
// WebSocket server). Binds 127.0.0.1 on an ephemeral port and hands every accepted
// connection to `serve` on a thread of its own; `serve` owns the socket and closes it.
//
//   LoopbackAcceptor acceptor([](int fd) { write_all(fd, "hello"); ::close(fd); });
//   connect_to(acceptor.port());
//
// Lifetime: the destructor stops accepting and joins every connection thread, so anything
// `serve` uses must outlive the acceptor (declare it as the owner's last member).
// Thread safety: port() may be read from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace earshot::testing {

class LoopbackAcceptor {
 public:
  using Serve = std::function<void(int fd)>;
  explicit LoopbackAcceptor(Serve serve);
  ~LoopbackAcceptor();
  LoopbackAcceptor(const LoopbackAcceptor&) = delete;
  LoopbackAcceptor& operator=(const LoopbackAcceptor&) = delete;

  int port() const { return port_; }

 private:
  void accept_loop();

  Serve serve_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::thread> workers_;  // guarded by mu_
  std::thread acceptor_;
};

// A socket listening on 127.0.0.1 at an ephemeral port; its port goes to *port. Throws
// std::runtime_error when the system refuses.
int listen_on_loopback(int* port);

}  // namespace earshot::testing
