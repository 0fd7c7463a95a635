// earshot::pipeline::http — the HTTP/1.1 server transport (Boost.Beast) under the API server
// (sinks/http_server.h) and the webhook source (ingest/webhook_source.h).
//
// Bounded whatever the clients do:
//   - request line + headers over max_header_bytes        → 431, connection closed
//   - a target over max_uri_bytes                         → 414, closed
//   - a body over max_body_bytes, announced by Content-Length or found while reading a
//     chunked body                                        → 413 as soon as it is known, closed
//     (the body is never read past the limit)
//   - no complete header within header_timeout            → 408 if a request was begun, then close
//   - a keep-alive connection idle for idle_timeout       → closed; a body or a response write
//     that takes longer than idle_timeout                 → 408 / closed
//   - more than max_connections open connections          → 503 and close for the newcomer
//   - methods other than GET HEAD POST PUT DELETE PATCH   → 405 (Allow, no echo of anything)
// so memory is at most about max_connections × (max_header_bytes + max_body_bytes), plus
// max_stream_buffer per event stream. Keep-alive (HTTP/1.1 default, HTTP/1.0 on request) and
// "Expect: 100-continue" are honoured.
//
// The handler gets each complete request and a Reply, which it may answer at once or later from
// any thread (the webhook source holds its answers until a Kafka transaction commits). While a
// request waits for its answer its connection reads nothing more. A Reply dropped without an
// answer answers 500 itself.
//
//   Server server({.max_body_bytes = 1 << 20}, [](Request req, Reply reply) {
//     reply.send({.status = 200, .content_type = "text/plain", .body = "hi\n"});
//   });
//   if (auto st = server.start("127.0.0.1:0"); !st) ...   // kInvalidArgument / kUnavailable
//   server.port();
//
// Server-sent events: Reply::stream() answers 200 text/event-stream and returns an EventStream
// the caller keeps and send()s to, from any thread, until it reports the client gone (false).
// The server writes a comment line every `heartbeat` (so proxies and clients see it alive and
// a vanished client is noticed), caps open streams at max_streams (over it: 503 and nullptr),
// and drops a client that lets more than max_stream_buffer unsent bytes pile up.
//
// Thread safety: handlers run on the server's `threads` I/O threads, several at once, and must
// not block for long (a slow answer should be deferred: keep the Reply). Reply and EventStream
// are thread-safe handles. Lifetime: stop() (or the destructor) stops accepting, closes idle
// connections and event streams, lets answers already given be written (bounded by
// idle_timeout), and waits for running handlers. Replies answered after stop() are dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/core/status.h"

namespace earshot::pipeline::http {

struct ServerLimits {
  std::size_t max_connections = 256;
  std::size_t max_header_bytes = 16 * 1024;  // request line and headers
  std::size_t max_uri_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_streams = 32;
  std::chrono::milliseconds heartbeat{15'000};
  std::size_t max_stream_buffer = 256 * 1024;
  int threads = 2;
};

struct Request {
  std::string method;                          // "GET", "HEAD", "POST", ...
  std::string target;                          // as sent: "/api/v1/alerts?limit=5"
  std::map<std::string, std::string> headers;  // names lower-cased; repeats joined by ", "
  std::string body;                            // at most max_body_bytes
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// One open text/event-stream response.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // Queues "id: <id>\nevent: <event>\ndata: <line>\n...\n\n" (no id or event line when that is
  // empty; data split at newlines; the browser sends the last id back as Last-Event-ID when
  // it reconnects). False once the client is gone or the stream was closed: stop sending.
  virtual bool send(std::string_view event, std::string_view data, std::string_view id = {}) = 0;
  virtual bool open() const = 0;
  // Ends the response (after what is queued).
  virtual void close() = 0;
};

// The answer to one request (a copyable handle; the first send() or stream() wins).
class Reply {
 public:
  struct Exchange;  // server.cc
  explicit Reply(std::shared_ptr<Exchange> x) : x_(std::move(x)) {}
  void send(Response response) const;
  // 200 text/event-stream plus `headers`; nullptr (after a 503) when max_streams are open.
  std::shared_ptr<EventStream> stream(
      std::vector<std::pair<std::string, std::string>> headers = {}) const;

 private:
  std::shared_ptr<Exchange> x_;
};

using Handler = std::function<void(Request, Reply)>;

struct ServerStats {
  std::uint64_t connections = 0;          // accepted, ever
  std::uint64_t refused_connections = 0;  // over max_connections
  std::uint64_t requests = 0;             // handed to the handler
  std::uint64_t header_too_large = 0;     // 431
  std::uint64_t body_too_large = 0;       // 413
  std::uint64_t uri_too_long = 0;         // 414
  std::uint64_t timeouts = 0;             // 408 or closed for a header/body timeout
  std::uint64_t bad_requests = 0;         // 400: unparsable
  std::uint64_t bad_methods = 0;          // 405
  std::uint64_t refused_streams = 0;      // over max_streams
  std::uint64_t dropped_streams = 0;      // client too slow (max_stream_buffer)
};

class Server {
 public:
  Server(ServerLimits limits, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds listen ("host:port", "[v6]:port"; port 0 = a free one) and starts serving.
  [[nodiscard]] core::Status start(const std::string& listen);
  void stop();
  int port() const { return port_; }
  const std::string& host() const { return host_; }
  ServerStats stats() const;
  // Connections open right now.
  std::size_t connections() const;

  struct Impl;  // server.cc

 private:
  ServerLimits limits_;
  Handler handler_;
  std::string host_;
  int port_ = 0;
  std::shared_ptr<Impl> impl_;
};

}  // namespace earshot::pipeline::http
