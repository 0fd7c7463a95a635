#include "tests/ingest/support/ws_fixture_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include <openssl/sha.h>

#include "pipeline/core/base64.h"
#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest::testing {
namespace {

std::string frame(unsigned char opcode, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(n));
  } else if (n < 65536) {
    f.push_back(126);
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xFF));
  } else {
    f.push_back(127);
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  }
  f.append(payload);
  return f;
}

}  // namespace

bool WsConnection::send_text(std::string_view text) {
  return !dropped_ && write_all(fd_, frame(0x1, text));
}

void WsConnection::drop() {
  if (dropped_) return;
  dropped_ = true;
  ::shutdown(fd_, SHUT_RDWR);
}

void WsConnection::wait_for_client(std::chrono::milliseconds max) {
  pollfd p{fd_, POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(max.count()));
}

WsFixtureServer::WsFixtureServer(Session session)
    : session_(std::move(session)), acceptor_([this](int fd) { serve(fd); }) {}

WsFixtureServer::~WsFixtureServer() = default;

std::vector<std::string> WsFixtureServer::targets() const {
  std::lock_guard lock(mu_);
  return targets_;
}

void WsFixtureServer::serve(int fd) {
  FixtureRequest req;
  if (read_http_request(fd, req) && !req.header("sec-websocket-key").empty()) {
    std::string key = req.header("sec-websocket-key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char sha[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(key.data()), key.size(), sha);
    std::string accept =
        pipeline::core::base64_encode(std::string(reinterpret_cast<char*>(sha), sizeof sha));
    write_all(fd,
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                  accept + "\r\n\r\n");
    {
      std::lock_guard lock(mu_);
      targets_.push_back(req.target);
    }
    WsConnection conn(fd);
    session_(req.target, conn);
    if (!conn.dropped()) {
      write_all(fd, frame(0x8, std::string("\x03\xE8", 2)));  // close, 1000
      conn.wait_for_client(std::chrono::milliseconds(2000));
    }
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

}  // namespace earshot::ingest::testing
