#include "tests/support/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace earshot::testing {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 304:
      return "Not Modified";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

std::string FixtureRequest::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

bool write_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

bool write_chunk(int fd, const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return write_all(fd, size + data + "\r\n");
}

bool peer_closed(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, ms) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

bool read_http_request(int fd, FixtureRequest& out) {
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string buf;
  char chunk[4096];
  std::size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  std::istringstream head(buf.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  std::istringstream rl(line);
  rl >> out.method >> out.target;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string v = line.substr(colon + 1);
    v.erase(0, v.find_first_not_of(' '));
    out.headers[lower(line.substr(0, colon))] = v;
  }
  std::size_t want = 0;
  if (auto cl = out.header("content-length"); !cl.empty()) want = std::stoul(cl);
  out.body = buf.substr(head_end + 4);
  while (out.body.size() < want) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    out.body.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

HttpFixtureServer::HttpFixtureServer(Handler handler)
    : handler_(std::move(handler)), acceptor_([this](int fd) { serve(fd); }) {}

HttpFixtureServer::~HttpFixtureServer() = default;

void HttpFixtureServer::serve(int fd) {
  FixtureRequest req;
  if (read_http_request(fd, req)) {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(req);
    }
    FixtureResponse resp = handler_(req);
    if (resp.status != 0) {
      std::string out =
          "HTTP/1.1 " + std::to_string(resp.status) + " " + reason(resp.status) + "\r\n";
      bool has_type = false;
      for (const auto& [k, v] : resp.headers) {
        out += k + ": " + v + "\r\n";
        has_type |= lower(k) == "content-type";
      }
      if (!has_type) out += "Content-Type: application/json; charset=utf-8\r\n";
      if (resp.stream) {
        write_all(fd, out + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        resp.stream(fd);
      } else {
        out +=
            "Content-Length: " + std::to_string(resp.body.size()) + "\r\nConnection: close\r\n\r\n";
        if (req.method != "HEAD") out += resp.body;
        write_all(fd, out);
      }
    }
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

std::vector<FixtureRequest> HttpFixtureServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::size_t HttpFixtureServer::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

int free_port() {
  int port = 0;
  int fd = listen_on_loopback(&port);
  ::close(fd);
  return port;
}

}  // namespace earshot::testing
