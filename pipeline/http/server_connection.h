// earshot::pipeline::http — internals of server.h (one connection, the shared state); only
// server*.cc include this. See server.h for the behaviour.
//
// Thread safety: a Connection's members are touched only on its strand; Shared is atomics plus
// a mutex. Lifetime: Shared is held by every Connection, Exchange and stream; Server::Impl
// owns the io_context and (through `live`) every open Connection until it is closed.
#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "pipeline/http/server.h"

namespace earshot::pipeline::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

class Connection;

struct Shared {
  ServerLimits limits;
  Handler handler;
  std::mutex mu;         // guards running and live
  bool running = false;  // false: replies are dropped (the io_context may be gone)
  std::unordered_map<Connection*, std::shared_ptr<Connection>> live;
  std::atomic<std::size_t> streams{0};
  struct Counters {
    std::atomic<std::uint64_t> connections{0}, refused_connections{0}, requests{0},
        header_too_large{0}, body_too_large{0}, uri_too_long{0}, timeouts{0}, bad_requests{0},
        bad_methods{0}, refused_streams{0}, dropped_streams{0};
  } n;
  // Runs f on the connection's strand unless the server stopped.
  void post(const std::weak_ptr<Connection>& c, std::function<void(Connection&)> f);
};

// "HTTP/1.1 <status> ..." with Content-Length (of the body even for HEAD) and Connection.
std::string format_response(const Response& r, bool head, bool keep_alive);
std::shared_ptr<Reply::Exchange> make_exchange(std::shared_ptr<Shared> shared,
                                               std::weak_ptr<Connection> connection, bool head);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Shared> shared, tcp::socket socket);
  void start();
  net::any_io_executor executor() { return socket_.get_executor(); }
  void close();         // on the strand
  void stop_if_idle();  // on the strand: the server stops; answers being written finish
  // On the strand: answers the current request.
  void respond(Response r, bool head);
  // On the strand: turns the connection into an event stream (header already queued).
  void begin_stream(std::string header);
  void stream_write(std::string bytes);  // on the strand
  void stream_end();                     // on the strand
  std::atomic<bool> stream_open{false};

 private:
  using Parser = bhttp::request_parser<bhttp::string_body>;
  void arm(std::chrono::milliseconds d);
  void disarm();
  void read_header();
  void on_header(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec);
  void fail(int status, std::string_view message,
            std::vector<std::pair<std::string, std::string>> extra = {});
  void write(std::shared_ptr<std::string> bytes, bool then_close);
  void drain();
  void pump();  // writes the next queued stream chunk
  void heartbeat();

  std::shared_ptr<Shared> shared_;
  tcp::socket socket_;
  net::steady_timer deadline_;
  net::steady_timer beat_;
  std::uint64_t generation_ = 0;
  bool timed_out_ = false;
  bool closed_ = false;
  bool first_ = true;
  bool keep_alive_ = true;
  bool reading_ = false;   // reading a request (not waiting for its answer nor writing)
  bool stopping_ = false;  // the server stops: close after the answer being written
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  // event stream
  bool streaming_ = false;
  bool writing_ = false;
  bool end_after_queue_ = false;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  char sink_[512];
};

}  // namespace earshot::pipeline::http
