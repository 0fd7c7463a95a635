#include "pipeline/http/server_connection.h"

#include <algorithm>
#include <cctype>

namespace earshot::pipeline::http {

namespace {

std::string clean(std::string_view v) {  // no header injection through a value
  std::string out;
  for (char c : v)
    if (c != '\r' && c != '\n') out.push_back(c);
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string error_body(std::string_view message) {
  std::string out = "{\"error\":\"";
  for (char c : message) out += (c == '"' || c == '\\') ? ' ' : c;
  return out + "\"}";
}

bool known_method(bhttp::verb v) {
  using bhttp::verb;
  return v == verb::get || v == verb::head || v == verb::post || v == verb::put ||
         v == verb::delete_ || v == verb::patch;
}

}  // namespace

std::string format_response(const Response& r, bool head, bool keep_alive) {
  auto status = bhttp::int_to_status(static_cast<unsigned>(r.status));
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " +
                    std::string(bhttp::obsolete_reason(status)) + "\r\n";
  bool has_type = false;
  for (const auto& [k, v] : r.headers) {
    if (lower(k) == "content-length" || lower(k) == "connection") continue;
    has_type |= lower(k) == "content-type";
    out += clean(k) + ": " + clean(v) + "\r\n";
  }
  if (!has_type && !r.content_type.empty())
    out += "Content-Type: " + clean(r.content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  if (!head) out += r.body;
  return out;
}

Connection::Connection(std::shared_ptr<Shared> shared, tcp::socket socket)
    : shared_(std::move(shared)),
      socket_(std::move(socket)),
      deadline_(socket_.get_executor()),
      beat_(socket_.get_executor()),
      buffer_(shared_->limits.max_header_bytes + 1024) {}

void Connection::start() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->read_header(); });
}

void Connection::arm(std::chrono::milliseconds d) {
  const std::uint64_t gen = ++generation_;
  timed_out_ = false;
  deadline_.expires_after(d);
  deadline_.async_wait([self = shared_from_this(), gen](beast::error_code ec) {
    if (ec || gen != self->generation_ || self->closed_) return;
    self->timed_out_ = true;
    beast::error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void Connection::disarm() {
  ++generation_;
  deadline_.cancel();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  disarm();
  beat_.cancel();
  if (streaming_) {
    stream_open = false;
    shared_->streams.fetch_sub(1);
  }
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  std::lock_guard lock(shared_->mu);
  shared_->live.erase(this);  // may drop the last owner; callers hold a shared_ptr
}

void Connection::stop_if_idle() {
  stopping_ = true;
  keep_alive_ = false;
  if (reading_ || streaming_) close();
}

void Connection::read_header() {
  if (closed_) return;
  if (stopping_) return close();
  reading_ = true;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(shared_->limits.max_header_bytes));
  parser_->body_limit(shared_->limits.max_body_bytes);
  arm(first_ ? shared_->limits.header_timeout : shared_->limits.idle_timeout);
  bhttp::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Connection::on_header(beast::error_code ec) {
  if (closed_) return;
  first_ = false;
  if (ec) {
    auto guard = shared_from_this();
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      shared_->n.header_too_large++;
      return fail(431, "request header over the limit");
    }
    if (ec == bhttp::error::body_limit) {
      shared_->n.body_too_large++;
      return fail(413, "body over the limit");
    }
    if (timed_out_) {
      const bool begun = parser_->got_some() || buffer_.size() > 0;
      shared_->n.timeouts += begun ? 1 : 0;
      if (begun) return fail(408, "request header not received in time");
      return close();  // idle
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      return close();
    }
    shared_->n.bad_requests++;
    return fail(400, "malformed request");
  }
  disarm();
  const auto& req = parser_->get();
  if (!known_method(req.method())) {
    shared_->n.bad_methods++;
    return fail(405, "method not allowed", {{"Allow", "GET, HEAD, POST, PUT, DELETE, PATCH"}});
  }
  if (req.target().size() > shared_->limits.max_uri_bytes) {
    shared_->n.uri_too_long++;
    return fail(414, "URI too long");
  }
  if (auto n = parser_->content_length(); n && *n > shared_->limits.max_body_bytes) {
    shared_->n.body_too_large++;
    return fail(413, "body over the limit");
  }
  keep_alive_ = req.keep_alive();
  if (beast::iequals(req[bhttp::field::expect], "100-continue") && !parser_->is_done()) {
    auto bytes = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
    arm(shared_->limits.idle_timeout);
    net::async_write(socket_, net::buffer(*bytes),
                     [self = shared_from_this(), bytes](beast::error_code wec, std::size_t) {
                       if (wec) return self->close();
                       self->read_body();
                     });
    return;
  }
  read_body();
}

void Connection::read_body() {
  if (closed_) return;
  if (parser_->is_done()) return on_body({});
  arm(shared_->limits.idle_timeout);
  bhttp::async_read(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void Connection::on_body(beast::error_code ec) {
  if (closed_) return;
  disarm();
  if (ec) {
    if (ec == bhttp::error::body_limit) {
      shared_->n.body_too_large++;
      return fail(413, "body over the limit");
    }
    if (timed_out_) {
      shared_->n.timeouts++;
      return fail(408, "request body not received in time");
    }
    if (ec == net::error::eof || ec == bhttp::error::partial_message ||
        ec == net::error::connection_reset) {
      return close();
    }
    shared_->n.bad_requests++;
    return fail(400, "malformed request body");
  }
  auto message = parser_->release();
  parser_.reset();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name =
        lower(std::string_view(field.name_string().data(), field.name_string().size()));
    auto [it, fresh] = request.headers.emplace(name, std::string(field.value()));
    if (!fresh) it->second += ", " + std::string(field.value());
  }
  request.body = std::move(message.body());
  const bool head = message.method() == bhttp::verb::head;
  shared_->n.requests++;
  reading_ = false;
  auto exchange = make_exchange(shared_, weak_from_this(), head);
  try {
    shared_->handler(std::move(request), Reply(std::move(exchange)));
  } catch (const std::exception&) {
    // The Reply answers 500 when it is dropped unanswered; a handler should not throw.
  }
}

void Connection::fail(int status, std::string_view message,
                      std::vector<std::pair<std::string, std::string>> extra) {
  Response r{status, "application/json", error_body(message), std::move(extra)};
  keep_alive_ = false;
  reading_ = false;
  write(std::make_shared<std::string>(format_response(r, false, false)), true);
}

void Connection::respond(Response r, bool head) {
  if (closed_ || streaming_) return;
  write(std::make_shared<std::string>(format_response(r, head, keep_alive_)), !keep_alive_);
}

void Connection::write(std::shared_ptr<std::string> bytes, bool then_close) {
  if (closed_) return;
  arm(shared_->limits.idle_timeout);
  net::async_write(
      socket_, net::buffer(*bytes),
      [self = shared_from_this(), bytes, then_close](beast::error_code ec, std::size_t) {
        self->disarm();
        if (ec) return self->close();
        if (then_close) return self->drain();
        if (self->stopping_) return self->close();
        self->read_header();
      });
}

// After an error answer: stop sending, read (and discard) a little of what the client is
// still sending so that closing does not reset the connection before it read the answer.
void Connection::drain() {
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  arm(std::chrono::milliseconds(1000));
  auto left = std::make_shared<std::size_t>(256 * 1024);
  auto step = std::make_shared<std::function<void()>>();
  *step = [self = shared_from_this(), left, step] {
    self->socket_.async_read_some(net::buffer(self->sink_),
                                  [self, left, step](beast::error_code ec, std::size_t n) {
                                    if (ec || n >= *left || self->closed_) {
                                      self->close();
                                      *step = nullptr;  // break the cycle
                                      return;
                                    }
                                    *left -= n;
                                    (*step)();
                                  });
  };
  (*step)();
}

}  // namespace earshot::pipeline::http
