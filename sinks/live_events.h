// earshot::sinks — live updates for the dashboard: server-sent events on GET /api/v1/events
// (issue 17), so the page is pushed what changed instead of polling every 5 s.
//
// Events (each `data:` is one JSON object; `id:` is "<epoch>-<n>", epoch = this process):
//   ready      {"epoch", "owner"}           first on every connection
//   reset      {}                           the client missed events it cannot be sent again
//                                           (another process, or too far behind): re-read all
//   alert      an item of GET /api/v1/alerts (with "ack")  a new alert, a resolve, an ack
//   reply      an item of GET /api/v1/replies               a reply changed state
//   aggregate  {"entity", "window", "point": A}  the newest window of an entity (throttled:
//                                           at most one per entity and window per throttle)
//   posts      {"count"}                    new scored posts (a summary per throttle
//                                           interval; the page re-reads its first page)
// Immediate events (alert, reply) and the throttled ones once sent are kept (the newest
// `history`), so a client reconnecting with Last-Event-ID of this process gets what it missed;
// otherwise it gets `reset`. Bounded: the transport caps open streams (api.max_event_clients:
// 503 beyond), writes a heartbeat comment every api.event_heartbeat, and drops a client whose
// unsent bytes pass its stream buffer (pipeline/http/server.h) — the hub then forgets it.
//
// Auth: EventSource cannot send an Authorization header, and the long-lived token never goes
// into a URL. POST /api/v1/session with the bearer token answers a cookie
// `earshot_session=<opaque id>; Path=/api/v1/events; HttpOnly; SameSite=Strict; Max-Age=ttl`
// (Secure behind an https proxy): 32 random bytes bound to the token's owner and scope, kept
// in memory (SessionStore, bounded, expiring after api.session_ttl; a restart forgets them and
// the page asks again). The cookie is accepted on event routes only (HttpServer::set_event_auth).
//
//   LiveHub hub({.throttle = 1s});
//   SessionStore sessions(12h);
//   add_api_v1_routes(server, {..., .live = &hub, .sessions = &sessions});
//   hub.publish("alert", alert_item_json);             // from the follower thread
//   hub.aggregate("acme-air", "1m", point_json);
//
// Thread safety: everything is safe from any thread (one mutex each). Lifetime: the hub's
// flusher thread stops in its destructor; streams it holds are closed then.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "pipeline/core/access.h"
#include "pipeline/http/server.h"
#include "pipeline/log/log.h"

namespace earshot::sinks {

class SessionStore {
 public:
  struct Session {
    std::string owner;
    pipeline::core::Scope scope = pipeline::core::Scope::kRead;
    std::int64_t expires_ms = 0;
  };
  explicit SessionStore(std::chrono::milliseconds ttl, std::size_t max_sessions = 10'000,
                        std::function<std::int64_t()> now_ms = {});
  // A new opaque id (64 hex digits from 32 random bytes) for owner and scope.
  std::string create(const std::string& owner, pipeline::core::Scope scope);
  // The session, unless unknown or expired.
  std::optional<Session> find(std::string_view id) const;
  std::size_t size() const;
  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  std::chrono::milliseconds ttl_;
  std::size_t max_;
  std::function<std::int64_t()> now_ms_;
  mutable std::mutex mu_;
  std::map<std::string, Session, std::less<>> by_id_;
};

struct LiveOptions {
  std::chrono::milliseconds throttle{1000};  // 0 = aggregates and post summaries at once
  std::size_t history = 512;                 // events kept for Last-Event-ID resume
};

class LiveHub {
 public:
  explicit LiveHub(LiveOptions options = {});
  ~LiveHub();
  LiveHub(const LiveHub&) = delete;
  LiveHub& operator=(const LiveHub&) = delete;

  // An immediate event to every client (kept for resume).
  void publish(std::string_view event, std::string data);
  // Throttled: the newest point per (entity, window) goes out at the next flush.
  void aggregate(const std::string& entity, const std::string& window, std::string point_json);
  // Throttled: counted into the next "posts" summary.
  void post();
  // Sends pending throttled events now (the flusher does this every `throttle`).
  void flush();

  // A new client: "ready", then what it missed after `last_event_id` (or "reset" when that is
  // of another process or too old), then every event until send() fails.
  void attach(std::shared_ptr<pipeline::http::EventStream> stream, const std::string& owner,
              const std::string& last_event_id);

  std::size_t clients() const;
  std::uint64_t events() const { return next_id_.load() - 1; }
  std::uint64_t dropped() const { return dropped_.load(); }
  const std::string& epoch() const { return epoch_; }

 private:
  struct Event {
    std::uint64_t n;
    std::string name, data;
  };
  void send_locked(std::string_view name, std::string data);
  void flush_locked();

  LiveOptions options_;
  std::string epoch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<std::shared_ptr<pipeline::http::EventStream>> clients_;
  std::deque<Event> history_;
  std::map<std::pair<std::string, std::string>, std::string> pending_points_;
  std::uint64_t pending_posts_ = 0;
  std::atomic<std::uint64_t> next_id_{1}, dropped_{0};
  std::thread flusher_;
};

class ApiStore;
class AlertStates;
class ReplyBook;

// Turns what serve's followers read into hub events: ApiFollowerExtras::on_record (api.h)
// and ReplyBookFollower's on_change (reply_api.h) call it after their stores applied the
// record, so an event shows the same state a GET would.
struct LiveFeed {
  LiveHub* hub = nullptr;
  const ApiStore* store = nullptr;
  const AlertStates* states = nullptr;  // the "ack" of alert events; null = "open"
  const ReplyBook* replies = nullptr;
  std::string aggregates_topic, alerts_topic, scored_topic, alert_states_topic;

  void on_record(const pipeline::log::Record& r) const;
  void on_reply(const std::string& id) const;
  // The alert as an item of GET /api/v1/alerts; "" when not held.
  std::string alert_item(const std::string& id) const;
};

}  // namespace earshot::sinks
