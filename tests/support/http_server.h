// Test support shared by every folder's tests: a tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port)
// whose answers come from a handler, so tests can speak a platform's wire format (status, headers,
// body), fail on purpose (429, 5xx, a dropped connection) and see what the client sent.
//
//   HttpFixtureServer server([](const FixtureRequest& r) {
//     return FixtureResponse{200, {{"Content-Type", "application/json"}}, "[]"};
//   });
//   fetch(server.url("/api/v1/timelines/public"));
//   server.requests()[0].header("authorization");
//
// A response with status 0 closes the connection without answering; one with `stream`
// set sends its body in chunks as the handler produces it (Server-Sent Events). Every response is
// sent with "Connection: close". Thread safety: the handler runs on the server's threads, one
// thread per connection; requests() may be read from any thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/loopback_acceptor.h"

namespace earshot::testing {

struct FixtureRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const;
  std::string path() const { return target.substr(0, target.find('?')); }
};

struct FixtureResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is streamed instead: the head goes out with "Transfer-Encoding:
  // chunked" and `stream` writes chunks with write_chunk() until it returns.
  std::function<void(int fd)> stream;
};

class HttpFixtureServer {
 public:
  using Handler = std::function<FixtureResponse(const FixtureRequest&)>;
  explicit HttpFixtureServer(Handler handler);
  ~HttpFixtureServer();
  HttpFixtureServer(const HttpFixtureServer&) = delete;
  HttpFixtureServer& operator=(const HttpFixtureServer&) = delete;

  int port() const { return acceptor_.port(); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::string url(const std::string& path) const { return base_url() + path; }
  std::vector<FixtureRequest> requests() const;
  std::size_t request_count() const;

 private:
  void serve(int fd);

  Handler handler_;
  mutable std::mutex mu_;
  std::vector<FixtureRequest> requests_;  // guarded by mu_
  LoopbackAcceptor acceptor_;             // last: joins the connections before the rest goes
};

// An unused TCP port on 127.0.0.1 (bound, read, released).
int free_port();

// Reads an HTTP request head (and Content-Length body) from a socket; false on EOF/error.
bool read_http_request(int fd, FixtureRequest& out);
bool write_all(int fd, const std::string& data);
// One HTTP/1.1 chunk; false once the client is gone.
bool write_chunk(int fd, const std::string& data);
// True when the peer closed (or reset) the connection, waiting up to `ms` for it.
bool peer_closed(int fd, int ms);

}  // namespace earshot::testing
