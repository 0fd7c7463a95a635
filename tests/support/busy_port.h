// A loopback TCP port held by a plain listening socket, as another program would hold it:
// for tests of what earshot does when its listen address is taken.
//
//   BusyPort busy;                       // 127.0.0.1:<busy.port()> refuses a second bind
//   ASSERT_TRUE(busy.ok());
//   ... start something on "127.0.0.1:" + std::to_string(busy.port()) ...
//   busy.release();                      // or let it go out of scope
//
// Header-only test code. Not thread-safe; one owner.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace earshot::testing {

class BusyPort {
 public:
  BusyPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      release();
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~BusyPort() { release(); }
  BusyPort(const BusyPort&) = delete;
  BusyPort& operator=(const BusyPort&) = delete;

  bool ok() const { return fd_ >= 0 && port_ != 0; }
  int port() const { return port_; }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace earshot::testing
