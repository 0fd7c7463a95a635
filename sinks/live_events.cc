#include "sinks/live_events.h"

#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "sinks/api_v1.h"
#include "sinks/http_server.h"

namespace earshot::sinks {

using nlohmann::json;

namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("no random bytes for a session id");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

// ---- SessionStore ----

SessionStore::SessionStore(std::chrono::milliseconds ttl, std::size_t max_sessions,
                           std::function<std::int64_t()> now_ms)
    : ttl_(ttl), max_(std::max<std::size_t>(1, max_sessions)), now_ms_(std::move(now_ms)) {
  if (!now_ms_) now_ms_ = system_now_ms;
}

std::string SessionStore::create(const std::string& owner, pipeline::core::Scope scope) {
  std::string id = random_hex(32);
  const std::int64_t now = now_ms_();
  std::lock_guard lock(mu_);
  std::erase_if(by_id_, [now](const auto& kv) { return kv.second.expires_ms <= now; });
  while (by_id_.size() >= max_) {  // full of live sessions: the one expiring first goes
    auto oldest = by_id_.begin();
    for (auto it = by_id_.begin(); it != by_id_.end(); ++it)
      if (it->second.expires_ms < oldest->second.expires_ms) oldest = it;
    by_id_.erase(oldest);
  }
  by_id_[id] = Session{owner, scope, now + ttl_.count()};
  return id;
}

std::optional<SessionStore::Session> SessionStore::find(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.expires_ms <= now_ms_()) return std::nullopt;
  return it->second;
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return by_id_.size();
}

// ---- LiveHub ----

LiveHub::LiveHub(LiveOptions options) : options_(options), epoch_(random_hex(4)) {
  if (options_.throttle.count() > 0) {
    flusher_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!stop_) {
        cv_.wait_for(lock, options_.throttle, [this] { return stop_; });
        if (!stop_) flush_locked();
      }
    });
  }
}

LiveHub::~LiveHub() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    for (auto& c : clients_) c->close();
    clients_.clear();
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

void LiveHub::send_locked(std::string_view name, std::string data) {
  Event e{next_id_.fetch_add(1), std::string(name), std::move(data)};
  const std::string id = epoch_ + "-" + std::to_string(e.n);
  std::erase_if(clients_, [&](const std::shared_ptr<pipeline::http::EventStream>& c) {
    if (c->send(e.name, e.data, id)) return false;
    dropped_.fetch_add(1);  // gone, closed, or too slow (its buffer overflowed)
    return true;
  });
  history_.push_back(std::move(e));
  while (history_.size() > options_.history) history_.pop_front();
}

void LiveHub::publish(std::string_view event, std::string data) {
  std::lock_guard lock(mu_);
  send_locked(event, std::move(data));
}

void LiveHub::aggregate(const std::string& entity, const std::string& window,
                        std::string point_json) {
  std::lock_guard lock(mu_);
  pending_points_[{entity, window}] = std::move(point_json);
  if (options_.throttle.count() == 0) flush_locked();
}

void LiveHub::post() {
  std::lock_guard lock(mu_);
  ++pending_posts_;
  if (options_.throttle.count() == 0) flush_locked();
}

void LiveHub::flush() {
  std::lock_guard lock(mu_);
  flush_locked();
}

void LiveHub::flush_locked() {
  auto points = std::move(pending_points_);
  pending_points_.clear();
  for (auto& [key, point] : points) {
    json data{{"entity", key.first}, {"window", key.second}};
    data["point"] = json::parse(point, nullptr, /*allow_exceptions=*/false);
    send_locked("aggregate", dump(data));
  }
  if (pending_posts_ > 0) {
    json data{{"count", pending_posts_}};
    pending_posts_ = 0;
    send_locked("posts", dump(data));
  }
}

void LiveHub::attach(std::shared_ptr<pipeline::http::EventStream> stream, const std::string& owner,
                     const std::string& last_event_id) {
  std::lock_guard lock(mu_);
  if (stop_) {
    stream->close();
    return;
  }
  const std::uint64_t now = next_id_.load() - 1;
  const std::string ready_id = epoch_ + "-" + std::to_string(now);
  if (!stream->send("ready", dump({{"epoch", epoch_}, {"owner", owner}}), ready_id)) return;
  if (!last_event_id.empty()) {
    // "<epoch>-<n>" of this process, with every event after n still kept: replay them.
    std::uint64_t n = 0;
    const auto dash = last_event_id.find('-');
    bool ours = dash != std::string::npos && last_event_id.substr(0, dash) == epoch_;
    if (ours) {
      const char* b = last_event_id.data() + dash + 1;
      const char* e = last_event_id.data() + last_event_id.size();
      auto [p, ec] = std::from_chars(b, e, n);
      ours = ec == std::errc() && p == e && n <= now;
    }
    const bool kept = ours && (n == now || (!history_.empty() && history_.front().n <= n + 1));
    if (!kept) {
      if (!stream->send("reset", "{}", ready_id)) return;
    } else {
      for (const Event& ev : history_) {
        if (ev.n <= n) continue;
        if (!stream->send(ev.name, ev.data, epoch_ + "-" + std::to_string(ev.n))) return;
      }
    }
  }
  clients_.push_back(std::move(stream));
}

std::size_t LiveHub::clients() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

// ---- routes ----

std::vector<ApiRoute> live_api_routes(LiveHub* hub, SessionStore* sessions) {
  std::vector<ApiRoute> routes;
  routes.push_back(
      {"POST", "/api/v1/session", Access::kRead,
       [sessions](const ServerRequest& r) {
         if (sessions == nullptr)
           return ServerResponse::error(503, "live updates are not served here");
         const std::string id = sessions->create(r.principal, r.scope);
         const auto ttl_s = sessions->ttl().count() / 1000;
         auto it = r.headers.find("x-forwarded-proto");
         const bool https = it != r.headers.end() && it->second == "https";
         ServerResponse out = ServerResponse::json(
             200, dump({{"owner", r.principal},
                        {"scope", std::string(pipeline::core::to_string(r.scope))},
                        {"expires_in", ttl_s},
                        {"events", "/api/v1/events"}}));
         out.headers.emplace_back("Set-Cookie", "earshot_session=" + id +
                                                    "; Path=/api/v1/events; Max-Age=" +
                                                    std::to_string(ttl_s) +
                                                    "; HttpOnly; SameSite=Strict" +
                                                    (https ? "; Secure" : ""));
         return out;
       },
       {}});
  routes.push_back({"GET", "/api/v1/events", Access::kRead, {},
                    [hub](const ServerRequest& r, std::shared_ptr<EventStream> s) {
                      if (hub == nullptr) {
                        s->close();
                        return;
                      }
                      std::string last = r.query_value("last_event_id");
                      if (auto it = r.headers.find("last-event-id"); it != r.headers.end())
                        last = it->second;
                      hub->attach(std::move(s), r.principal, last);
                    }});
  return routes;
}

std::optional<std::pair<std::string, pipeline::core::Scope>> session_from_cookie(
    const SessionStore& sessions, const ServerRequest& r) {
  auto it = r.headers.find("cookie");
  if (it == r.headers.end()) return std::nullopt;
  std::string_view cookies = it->second;
  constexpr std::string_view kName = "earshot_session=";
  while (!cookies.empty()) {
    const auto semi = cookies.find(';');
    std::string_view c = cookies.substr(0, semi);
    while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
    if (c.substr(0, kName.size()) == kName) {
      if (auto s = sessions.find(c.substr(kName.size()))) return std::pair{s->owner, s->scope};
    }
    if (semi == std::string_view::npos) break;
    cookies.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

}  // namespace earshot::sinks
