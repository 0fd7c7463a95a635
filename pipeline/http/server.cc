#include "pipeline/http/server.h"

#include <thread>

#include "pipeline/http/server_connection.h"

namespace earshot::pipeline::http {

using core::ErrorCode;
using core::fail;

void Shared::post(const std::weak_ptr<Connection>& c, std::function<void(Connection&)> f) {
  std::lock_guard lock(mu);
  if (!running) return;
  auto conn = c.lock();
  if (!conn) return;
  net::post(conn->executor(), [conn, f = std::move(f)] { f(*conn); });
}

struct Reply::Exchange {
  std::shared_ptr<Shared> shared;
  std::weak_ptr<Connection> connection;
  bool head = false;
  std::atomic<bool> answered{false};
  ~Exchange() {
    if (answered.exchange(true)) return;
    shared->post(connection, [](Connection& c) {
      c.respond({500, "application/json", R"({"error":"no answer"})", {}}, false);
    });
  }
};

std::shared_ptr<Reply::Exchange> make_exchange(std::shared_ptr<Shared> shared,
                                               std::weak_ptr<Connection> connection, bool head) {
  auto x = std::make_shared<Reply::Exchange>();
  x->shared = std::move(shared);
  x->connection = std::move(connection);
  x->head = head;
  return x;
}

void Reply::send(Response response) const {
  if (!x_ || x_->answered.exchange(true)) return;
  const bool head = x_->head;
  x_->shared->post(x_->connection, [r = std::move(response), head](Connection& c) mutable {
    c.respond(std::move(r), head);
  });
}

namespace {

class Stream final : public EventStream {
 public:
  Stream(std::shared_ptr<Shared> shared, std::weak_ptr<Connection> c)
      : shared_(std::move(shared)), c_(std::move(c)) {}
  bool send(std::string_view event, std::string_view data, std::string_view id) override {
    if (!open()) return false;
    std::string chunk;
    if (!id.empty()) chunk += "id: " + clean_line(id) + "\n";
    if (!event.empty()) chunk += "event: " + clean_line(event) + "\n";
    std::size_t i = 0;
    do {
      std::size_t j = data.find('\n', i);
      if (j == std::string_view::npos) j = data.size();
      chunk += "data: " + clean_line(data.substr(i, j - i)) + "\n";
      i = j + 1;
    } while (i <= data.size());
    chunk += "\n";
    shared_->post(c_, [chunk = std::move(chunk)](Connection& c) mutable {
      c.stream_write(std::move(chunk));
    });
    return open();
  }
  bool open() const override {
    auto c = c_.lock();
    return c && c->stream_open.load();
  }
  void close() override {
    shared_->post(c_, [](Connection& c) { c.stream_end(); });
  }

 private:
  static std::string clean_line(std::string_view s) {
    std::string out;
    for (char ch : s)
      if (ch != '\r' && ch != '\n') out.push_back(ch);
    return out;
  }
  std::shared_ptr<Shared> shared_;
  std::weak_ptr<Connection> c_;
};

}  // namespace

std::shared_ptr<EventStream> Reply::stream(
    std::vector<std::pair<std::string, std::string>> headers) const {
  if (!x_ || x_->answered.exchange(true)) return nullptr;
  Shared& s = *x_->shared;
  if (s.streams.fetch_add(1) >= s.limits.max_streams) {
    s.streams.fetch_sub(1);
    s.n.refused_streams++;
    s.post(x_->connection, [](Connection& c) {
      c.respond({503,
                 "application/json",
                 R"({"error":"too many event streams"})",
                 {{"Retry-After", "5"}}},
                false);
    });
    return nullptr;
  }
  Response head{200, "text/event-stream; charset=utf-8", "", std::move(headers)};
  head.headers.emplace_back("Cache-Control", "no-store");
  head.headers.emplace_back("X-Accel-Buffering", "no");
  std::string text = format_response(head, true, false);
  // No Content-Length: the body runs until the connection closes.
  auto cl = text.find("Content-Length: 0\r\n");
  if (cl != std::string::npos) text.erase(cl, 19);
  auto conn = x_->connection.lock();
  if (!conn) {
    s.streams.fetch_sub(1);
    return nullptr;
  }
  conn->stream_open = true;  // counted from here; close() gives the slot back
  s.post(x_->connection,
         [text = std::move(text)](Connection& c) mutable { c.begin_stream(std::move(text)); });
  return std::make_shared<Stream>(x_->shared, x_->connection);
}

// ---- event streams on the connection (on its strand) ----

void Connection::begin_stream(std::string header) {
  if (closed_) {
    shared_->streams.fetch_sub(1);
    stream_open = false;
    return;
  }
  streaming_ = true;
  stream_write(std::move(header));
  heartbeat();
  // Anything the client sends now is ignored; its end (or an error) ends the stream.
  auto watch = std::make_shared<std::function<void()>>();
  *watch = [self = shared_from_this(), watch] {
    self->socket_.async_read_some(net::buffer(self->sink_),
                                  [self, watch](beast::error_code ec, std::size_t) {
                                    if (ec || self->closed_) {
                                      self->close();
                                      *watch = nullptr;
                                      return;
                                    }
                                    (*watch)();
                                  });
  };
  (*watch)();
}

void Connection::heartbeat() {
  beat_.expires_after(shared_->limits.heartbeat);
  beat_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_) return;
    self->stream_write(": keep-alive\n\n");
    self->heartbeat();
  });
}

void Connection::stream_write(std::string bytes) {
  if (closed_) return;
  queued_bytes_ += bytes.size();
  queue_.push_back(std::move(bytes));
  if (queued_bytes_ > shared_->limits.max_stream_buffer) {
    shared_->n.dropped_streams++;
    return close();
  }
  pump();
}

void Connection::stream_end() {
  if (closed_) return;
  end_after_queue_ = true;
  if (!writing_) close();
}

void Connection::pump() {
  if (writing_ || closed_) return;
  if (queue_.empty()) {
    if (end_after_queue_) close();
    return;
  }
  writing_ = true;
  arm(shared_->limits.idle_timeout);  // a client that stops reading is dropped
  net::async_write(socket_, net::buffer(queue_.front()),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->writing_ = false;
                     self->disarm();
                     if (ec) return self->close();
                     self->queued_bytes_ -= self->queue_.front().size();
                     self->queue_.pop_front();
                     self->pump();
                   });
}

// ---- the server ----

struct Server::Impl {
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<Shared> shared;
  tcp::acceptor acceptor{ioc};
  // The acceptor is touched by its completion handler and by stop()'s close, each on
  // whichever I/O thread runs it: both go through this strand, so they never overlap.
  net::strand<net::io_context::executor_type> accept_strand{net::make_strand(ioc)};
  std::vector<std::thread> threads;

  void accept() {
    acceptor.async_accept(
        net::make_strand(ioc),
        net::bind_executor(accept_strand, [this](beast::error_code ec, tcp::socket s) {
          if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
          if (!ec) admit(std::move(s));
          accept();
        }));
  }
  void admit(tcp::socket s) {
    std::shared_ptr<Connection> c;
    {
      std::lock_guard lock(shared->mu);
      if (shared->live.size() >= shared->limits.max_connections) {
        shared->n.refused_connections++;
        static const std::string kBusy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            "Retry-After: 1\r\nContent-Length: 34\r\nConnection: close\r\n\r\n"
            "{\"error\":\"too many connections\"}\n";
        beast::error_code ignored;
        s.non_blocking(true, ignored);
        s.write_some(net::buffer(kBusy), ignored);  // a fresh socket's buffer takes it
        s.shutdown(tcp::socket::shutdown_both, ignored);
        s.close(ignored);
        return;
      }
      shared->n.connections++;
      c = std::make_shared<Connection>(shared, std::move(s));
      shared->live.emplace(c.get(), c);
    }
    c->start();
  }
};

Server::Server(ServerLimits limits, Handler handler)
    : limits_(limits), handler_(std::move(handler)) {}

Server::~Server() { stop(); }

core::Status Server::start(const std::string& listen) {
  if (impl_) {
    if (!impl_->threads.empty()) return core::ok();
    return fail(ErrorCode::kFatal, "server: stopped; make a new one");
  }
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
    return fail(ErrorCode::kInvalidArgument, "listen: expected host:port, got '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535)
    return fail(ErrorCode::kInvalidArgument, "listen: bad port in '" + listen + "'");
  auto impl = std::make_shared<Impl>();
  impl->shared = std::make_shared<Shared>();
  impl->shared->limits = limits_;
  impl->shared->handler = handler_;
  beast::error_code ec;
  tcp::resolver resolver(impl->ioc);
  auto found = resolver.resolve(host, std::to_string(port), ec);
  if (ec || found.empty())
    return fail(ErrorCode::kInvalidArgument, "cannot resolve listen host '" + host + "'");
  tcp::endpoint endpoint = found.begin()->endpoint();
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail(ErrorCode::kUnavailable, "cannot bind " + listen + ": " + ec.message());
  host_ = host;
  port_ = impl->acceptor.local_endpoint().port();
  impl->shared->running = true;
  impl->work.emplace(impl->ioc.get_executor());
  impl->accept();
  for (int i = 0; i < std::max(1, limits_.threads); ++i)
    impl->threads.emplace_back([io = &impl->ioc] { io->run(); });
  impl_ = std::move(impl);
  return core::ok();
}

void Server::stop() {
  if (!impl_ || impl_->threads.empty()) return;
  Impl& impl = *impl_;
  net::post(impl.accept_strand, [&impl] {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
  });
  {
    // Idle keep-alive connections and event streams end now; answers being written finish.
    std::lock_guard lock(impl.shared->mu);
    for (auto& [raw, c] : impl.shared->live) {
      net::post(c->executor(), [c] { c->stop_if_idle(); });
    }
  }
  impl.work.reset();
  for (auto& t : impl.threads) t.join();
  impl.threads.clear();
  std::unordered_map<Connection*, std::shared_ptr<Connection>> left;
  {
    std::lock_guard lock(impl.shared->mu);
    impl.shared->running = false;
    left.swap(impl.shared->live);
  }
  left.clear();  // before the io_context goes (with impl_, in the destructor)
}

ServerStats Server::stats() const {
  ServerStats s;
  if (!impl_) return s;
  const auto& n = impl_->shared->n;
  s.connections = n.connections;
  s.refused_connections = n.refused_connections;
  s.requests = n.requests;
  s.header_too_large = n.header_too_large;
  s.body_too_large = n.body_too_large;
  s.uri_too_long = n.uri_too_long;
  s.timeouts = n.timeouts;
  s.bad_requests = n.bad_requests;
  s.bad_methods = n.bad_methods;
  s.refused_streams = n.refused_streams;
  s.dropped_streams = n.dropped_streams;
  return s;
}

std::size_t Server::connections() const {
  if (!impl_) return 0;
  std::lock_guard lock(impl_->shared->mu);
  return impl_->shared->live.size();
}

}  // namespace earshot::pipeline::http
