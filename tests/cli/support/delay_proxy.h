// A loopback TCP proxy between Kafka clients and one broker, for the commit-timeout chaos test
// (tests/cli/commit_timeout_chaos_test.cc). It forwards every byte unchanged in both
// directions; it only reads the client's request headers (4-byte size, 2-byte API key) to
// spot EndTxn (API key 26, the request a transaction commit ends with). Once armed, the next
// EndTxn request is forwarded as usual — the broker commits — but everything the broker sends
// back on that connection, its EndTxn answer first, is held for `hold` (the proxy stops
// reading the broker's side), so the client's commit times out without knowing the outcome.
//
//   KafkaDelayProxy proxy(19702);              // listens on 127.0.0.1:proxy.port()
//   OwnBroker broker("EARSHOT_CHAOS_KAFKA_PORT", "", "127.0.0.1:" + std::to_string(proxy.port()));
//   proxy.delay_next_end_txn(15s);
//   ... wait_until(proxy.delayed() == 1) ...
//
// Thread safety: every method may be called from any thread. Lifetime: the destructor stops
// the acceptor and closes every connection (joins its threads).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace earshot::testing {

class KafkaDelayProxy {
 public:
  explicit KafkaDelayProxy(int upstream_port);
  ~KafkaDelayProxy();
  KafkaDelayProxy(const KafkaDelayProxy&) = delete;
  KafkaDelayProxy& operator=(const KafkaDelayProxy&) = delete;

  int port() const { return port_; }
  // Holds the broker's bytes on the connection of the next EndTxn request for `hold`.
  void delay_next_end_txn(std::chrono::milliseconds hold);
  // EndTxn requests seen, and how many of them had their answer held.
  int end_txn_seen() const { return end_txn_seen_.load(); }
  int delayed() const { return delayed_.load(); }

 private:
  void accept_loop();
  void pump(int client, int upstream);

  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  int stop_pipe_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::atomic<int> end_txn_seen_{0};
  std::atomic<int> delayed_{0};
  std::atomic<long long> armed_hold_ms_{0};  // > 0: the next EndTxn is held this long
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> pumps_;
};

}  // namespace earshot::testing
