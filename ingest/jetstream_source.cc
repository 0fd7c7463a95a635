#include "ingest/jetstream_source.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include <cpprest/ws_client.h>

#include "ingest/jetstream_event.h"
#include "ingest/json_access.h"
#include "ingest/url_util.h"
#include "pipeline/http/outbound_guard.h"

namespace earshot::ingest {

using pipeline::core::ErrorCode;
using pipeline::core::fail;
namespace ws = web::websockets::client;

namespace {

// What the client's callbacks share with the polling thread.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> messages;
  bool closed = false;
  bool overflow = false;
  std::string reason;
};

}  // namespace

struct JetstreamSource::Connection {
  std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
  ws::websocket_callback_client client;
};

JetstreamSource::JetstreamSource(JetstreamOptions options)
    : options_(std::move(options)),
      backoff_(options_.backoff_base, options_.backoff_max),
      stall_(options_.expected_interval, options_.stall_factor) {
  health_.name = name();
  health_.state = "ok";
}

JetstreamSource::~JetstreamSource() { disconnect(); }

std::string JetstreamSource::name() const { return "jetstream:" + url_host(options_.url); }

std::string JetstreamSource::cursor() const {
  return time_us_ == 0 ? std::string() : dump_json(Json{{"time_us", time_us_}});
}

pipeline::core::Status JetstreamSource::restore(std::string_view cursor) {
  disconnect();
  time_us_ = 0;
  recent_.clear();
  if (cursor.empty()) return pipeline::core::ok();
  auto doc = parse_json(cursor);
  auto t = doc ? get_int(*doc, "time_us") : std::nullopt;
  if (!t) return fail(ErrorCode::kInvalidArgument, "jetstream cursor: no \"time_us\"");
  time_us_ = *t;
  return pipeline::core::ok();
}

pipeline::core::Status JetstreamSource::connect() {
  std::string url = options_.url;
  for (const std::string& c : options_.collections) url = add_query(url, "wantedCollections", c);
  if (time_us_ > 0) {
    std::int64_t from =
        std::max<std::int64_t>(1, time_us_ - std::max<std::int64_t>(0, options_.rewind_us));
    url = add_query(url, "cursor", std::to_string(from));
  }
  if (auto st = pipeline::http::check_before_connect(options_.address_policy, url); !st)
    return fail(ErrorCode::kInvalidArgument, name() + ": connect: " + st.error().message);
  auto conn = std::make_unique<Connection>();
  std::weak_ptr<Inbox> weak = conn->inbox;
  std::size_t max_queue = options_.max_queue;
  conn->client.set_message_handler([weak, max_queue](const ws::websocket_incoming_message& msg) {
    auto inbox = weak.lock();
    if (!inbox) return;
    std::string text;
    try {
      text = msg.extract_string().get();
    } catch (const std::exception&) {
      return;
    }
    std::lock_guard lock(inbox->mu);
    if (inbox->messages.size() >= max_queue) {
      inbox->overflow = true;  // resume from the cursor on a new connection instead
      return;
    }
    inbox->messages.push_back(std::move(text));
    inbox->cv.notify_one();
  });
  conn->client.set_close_handler(
      [weak](ws::websocket_close_status, const utility::string_t& reason, const std::error_code&) {
        auto inbox = weak.lock();
        if (!inbox) return;
        std::lock_guard lock(inbox->mu);
        inbox->closed = true;
        inbox->reason = reason;
        inbox->cv.notify_one();
      });
  try {
    conn->client.connect(web::uri(url)).wait();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kUnavailable, name() + ": connect: " + e.what());
  }
  conn_ = std::move(conn);
  if (++connects_ > 1) ++health_.reconnects;
  stall_.on_event(Clock::now());
  return pipeline::core::ok();
}

void JetstreamSource::disconnect() {
  if (!conn_) return;
  bool open;
  {
    std::lock_guard lock(conn_->inbox->mu);
    open = !conn_->inbox->closed;
  }
  if (open) {
    try {
      conn_->client.close().wait();
    } catch (const std::exception&) {
      // already gone: nothing to close
    }
  }
  conn_.reset();
}

pipeline::core::Result<ingest::SourceBatch> JetstreamSource::poll(milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  ingest::SourceBatch batch;
  if (conn_) {
    bool closed, overflow;
    {
      std::lock_guard lock(conn_->inbox->mu);
      closed = conn_->inbox->closed && conn_->inbox->messages.empty();
      overflow = conn_->inbox->overflow && conn_->inbox->messages.empty();
    }
    bool stalled = stall_.stalled(Clock::now());
    if (closed || overflow || stalled) {
      health_.state = stalled ? "stalled" : "backoff";
      if (stalled) ++health_.stalls;
      if (closed) {
        ++health_.network_errors;
        health_.last_error = name() + ": disconnected";
      }
      if (stalled)
        health_.last_error =
            name() + ": no event for " + std::to_string(stall_.limit().count()) + " ms";
      disconnect();
      next_connect_ = Clock::now() + backoff_.next();
    }
  }
  if (!conn_) {
    if (Clock::now() < next_connect_) {
      std::this_thread::sleep_until(std::min(next_connect_, deadline));
      if (Clock::now() < next_connect_) {
        batch.cursor = cursor();
        return batch;
      }
    }
    if (auto st = connect(); !st) {
      ++health_.errors;
      ++health_.network_errors;
      health_.state = "backoff";
      health_.last_error = st.error().message;
      next_connect_ = Clock::now() + backoff_.next();
      return std::unexpected(st.error());
    }
  }
  std::vector<std::string> messages;
  {
    std::unique_lock lock(conn_->inbox->mu);
    conn_->inbox->cv.wait_until(
        lock, deadline, [&] { return !conn_->inbox->messages.empty() || conn_->inbox->closed; });
    while (!conn_->inbox->messages.empty() && messages.size() < options_.max_batch) {
      messages.push_back(std::move(conn_->inbox->messages.front()));
      conn_->inbox->messages.pop_front();
    }
  }
  if (!messages.empty()) {
    stall_.on_event(Clock::now());
    backoff_.reset();
    health_.state = "ok";
  }
  for (const std::string& m : messages) {
    JetstreamEvent ev = parse_jetstream_event(m, options_.resolver.get());
    if (ev.time_us != 0) {
      // Never dropped for being older than the cursor (time_us steps back on real traffic);
      // only an event already handled in this process (a replay after a reconnect) is.
      std::string key = ev.post ? ev.post->uid + (ev.post->deleted ? "#deleted" : "")
                                : std::to_string(std::hash<std::string>{}(m));
      if (!recent_[ev.time_us].insert(std::move(key)).second) continue;
    }
    if (ev.post) batch.posts.push_back(std::move(*ev.post));
    if (ev.dead) batch.dead.push_back(std::move(*ev.dead));
    if (ev.time_us > time_us_) time_us_ = ev.time_us;
  }
  // Forget what a reconnect can no longer replay (older than the rewind).
  recent_.erase(recent_.begin(),
                recent_.lower_bound(time_us_ - 2 * std::max<std::int64_t>(options_.rewind_us, 1)));
  health_.posts += static_cast<std::int64_t>(batch.posts.size());
  health_.dead += static_cast<std::int64_t>(batch.dead.size());
  batch.cursor = cursor();
  return batch;
}

ingest::SourceHealth JetstreamSource::health() const {
  ingest::SourceHealth h = health_;
  if (conn_ && stall_.stalled(Clock::now())) h.state = "stalled";
  return h;
}

}  // namespace earshot::ingest
