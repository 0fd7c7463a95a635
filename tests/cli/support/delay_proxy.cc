#include "tests/cli/support/delay_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace earshot::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Finds request boundaries in the client's byte stream: each Kafka request is a 4-byte
// big-endian size followed by that many bytes, the first two of which are the API key.
class RequestScanner {
 public:
  // Calls on_api(key) for every request whose header is in `data`.
  template <class F>
  void feed(const unsigned char* data, std::size_t n, F on_api) {
    for (std::size_t i = 0; i < n;) {
      if (skip_ > 0) {
        const std::size_t k = std::min<std::size_t>(skip_, n - i);
        skip_ -= k;
        i += k;
        continue;
      }
      header_[have_++] = data[i++];
      if (have_ == 6) {
        const std::uint32_t size = (std::uint32_t{header_[0]} << 24) |
                                   (std::uint32_t{header_[1]} << 16) |
                                   (std::uint32_t{header_[2]} << 8) | header_[3];
        on_api(static_cast<int>((header_[4] << 8) | header_[5]));
        skip_ = size >= 2 ? size - 2 : 0;
        have_ = 0;
      }
    }
  }

 private:
  unsigned char header_[6] = {};
  std::size_t have_ = 0;
  std::size_t skip_ = 0;
};

constexpr int kEndTxn = 26;

}  // namespace

KafkaDelayProxy::KafkaDelayProxy(int upstream_port) : upstream_port_(upstream_port) {
  if (::pipe(stop_pipe_) != 0) throw std::runtime_error("pipe");
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("delay proxy: cannot listen");
  }
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

KafkaDelayProxy::~KafkaDelayProxy() {
  stopping_ = true;
  (void)!::write(stop_pipe_[1], "x", 1);
  acceptor_.join();
  std::vector<std::thread> pumps;
  {
    std::lock_guard lock(mu_);
    pumps.swap(pumps_);
  }
  for (auto& t : pumps) t.join();
  ::close(listen_fd_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

void KafkaDelayProxy::delay_next_end_txn(std::chrono::milliseconds hold) {
  armed_hold_ms_.store(hold.count());
}

void KafkaDelayProxy::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0 || stopping_) return;
    int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(upstream_port_));
    if (::connect(upstream, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(upstream);
      ::close(client);  // the broker is down: so is the proxy, for this client
      continue;
    }
    int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    pumps_.emplace_back([this, client, upstream] { pump(client, upstream); });
  }
}

// Both directions of one connection. While held, the broker's side is not read at all, so its
// answers wait in the socket buffers and reach the client, in order, when the hold ends.
void KafkaDelayProxy::pump(int client, int upstream) {
  RequestScanner scanner;
  Clock::time_point held_until{};
  char buf[64 * 1024];
  for (;;) {
    const auto now = Clock::now();
    const bool held = now < held_until;
    pollfd fds[3] = {{client, POLLIN, 0},
                     {upstream, static_cast<short>(held ? 0 : POLLIN), 0},
                     {stop_pipe_[0], POLLIN, 0}};
    int timeout_ms =
        held ? static_cast<int>(
                   std::chrono::duration_cast<std::chrono::milliseconds>(held_until - now).count()) +
                   1
             : -1;
    if (::poll(fds, 3, timeout_ms) < 0) continue;
    if (fds[2].revents != 0) break;
    if (fds[0].revents != 0) {
      ssize_t n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0) break;
      scanner.feed(reinterpret_cast<const unsigned char*>(buf), static_cast<std::size_t>(n),
                   [&](int api) {
                     if (api != kEndTxn) return;
                     end_txn_seen_.fetch_add(1);
                     const long long hold = armed_hold_ms_.exchange(0);
                     if (hold > 0) {
                       held_until = Clock::now() + std::chrono::milliseconds(hold);
                       delayed_.fetch_add(1);
                     }
                   });
      if (!write_all(upstream, buf, static_cast<std::size_t>(n))) break;
    }
    if (Clock::now() >= held_until && fds[1].revents != 0) {
      ssize_t n = ::recv(upstream, buf, sizeof buf, 0);
      if (n <= 0) break;
      if (!write_all(client, buf, static_cast<std::size_t>(n))) break;
    }
  }
  ::close(client);
  ::close(upstream);
}

}  // namespace earshot::testing
