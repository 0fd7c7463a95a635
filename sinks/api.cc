#include "sinks/api.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/status.h"
#include "sinks/http_server.h"

namespace earshot::sinks {

using nlohmann::json;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json to_json(const pipeline::core::Aggregate& a) {
  json top_negative = json::array();
  for (const auto& p : a.top_negative) {
    top_negative.push_back({{"uid", p.uid}, {"url", p.url}, {"text", p.text}, {"score", p.score}});
  }
  return {{"start", a.window_start},    {"end", a.window_end},
          {"volume", a.volume},         {"negative", a.negative},
          {"neutral", a.neutral},       {"positive", a.positive},
          {"mean_score", a.mean_score}, {"unique_authors", a.unique_authors},
          {"top_terms", a.top_terms},   {"top_negative", top_negative},
          {"version", a.version}};
}

json to_json(const pipeline::core::Alert& a) {
  json evidence = json::array();
  for (const auto& p : a.evidence) {
    evidence.push_back({{"uid", p.uid}, {"url", p.url}, {"text", p.text}, {"score", p.score}});
  }
  return {{"id", a.id},
          {"rule", a.rule},
          {"entity", a.entity},
          {"severity", a.severity},
          {"status", a.status},
          {"window_start", a.window_start},
          {"window_end", a.window_end},
          {"observed", a.observed},
          {"baseline", a.baseline},
          {"summary", a.summary},
          {"evidence", evidence},
          {"dedup_key", a.dedup_key},
          {"created_at", a.created_at}};
}

// A positive integer query value, clamped to `max`; nullopt when not a number.
std::optional<std::size_t> parse_limit(const std::string& s, std::size_t fallback,
                                       std::size_t max) {
  if (s.empty()) return fallback;
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n == 0) return std::nullopt;
  return std::min(n, max);
}

}  // namespace

ApiStore::ApiStore(std::vector<pipeline::config::EntityDef> entities, ApiStoreOptions options)
    : entities_(std::move(entities)), options_(options) {}

bool ApiStore::known_locked(const std::string& entity) const {
  if (series_.contains(entity)) return true;
  return std::any_of(entities_.begin(), entities_.end(),
                     [&](const auto& e) { return e.id == entity; });
}

void ApiStore::apply_aggregate_record(const pipeline::log::Record& record) {
  if (record.value.empty()) {  // tombstone: forget that window
    auto last = record.key.rfind('|');
    auto mid = last == std::string::npos || last == 0 ? std::string::npos
                                                      : record.key.rfind('|', last - 1);
    if (mid == std::string::npos) {
      ++bad_records_;
      return;
    }
    std::lock_guard lock(mu_);
    auto e = series_.find(record.key.substr(0, mid));
    if (e == series_.end()) return;
    auto s = e->second.find(record.key.substr(mid + 1, last - mid - 1));
    if (s != e->second.end()) s->second.windows.erase(record.key.substr(last + 1));
    return;
  }
  auto a = pipeline::codec::decode_aggregate(record.value);
  if (!a) {
    ++bad_records_;
    return;
  }
  apply_aggregate(*a);
}

void ApiStore::apply_aggregate(const pipeline::core::Aggregate& a) {
  std::lock_guard lock(mu_);
  if (!series_.contains(a.entity) && !known_locked(a.entity) &&
      series_.size() >= options_.max_entities) {
    ++bad_records_;
    return;
  }
  auto& windows = series_[a.entity][a.window_size].windows;
  auto [it, fresh] = windows.try_emplace(a.window_start, a);
  if (!fresh && it->second.version <= a.version) it->second = a;
  while (windows.size() > options_.max_points) windows.erase(windows.begin());
  ++aggregates_applied_;
}

void ApiStore::apply_alert_record(const pipeline::log::Record& record) {
  auto a = pipeline::codec::decode_alert(record.value);
  if (!a) {
    ++bad_records_;
    return;
  }
  apply_alert(*a);
}

void ApiStore::apply_alert(const pipeline::core::Alert& alert) {
  std::lock_guard lock(mu_);
  if (std::any_of(alerts_.begin(), alerts_.end(), [&](const auto& a) { return a.id == alert.id; }))
    return;
  alerts_.push_back(alert);
  while (alerts_.size() > options_.max_alerts) alerts_.pop_front();
  ++alerts_applied_;
}

std::string ApiStore::entities_json() const {
  std::lock_guard lock(mu_);
  json list = json::array();
  auto latest = [&](const std::string& id) {
    json out = json::object();
    auto e = series_.find(id);
    if (e == series_.end()) return out;
    for (const auto& [size, s] : e->second) {
      if (!s.windows.empty()) out[size] = to_json(s.windows.rbegin()->second);
    }
    return out;
  };
  for (const auto& e : entities_) {
    list.push_back({{"id", e.id},
                    {"name", e.name},
                    {"kind", std::string(pipeline::core::to_string(e.kind))},
                    {"latest", latest(e.id)}});
  }
  for (const auto& [id, sizes] : series_) {
    if (std::any_of(entities_.begin(), entities_.end(), [&](const auto& e) { return e.id == id; }))
      continue;
    list.push_back({{"id", id}, {"name", id}, {"kind", nullptr}, {"latest", latest(id)}});
  }
  return dump({{"entities", list}});
}

std::optional<std::string> ApiStore::aggregates_json(const std::string& entity,
                                                     const std::string& window,
                                                     std::size_t limit) const {
  std::lock_guard lock(mu_);
  if (!known_locked(entity)) return std::nullopt;
  json points = json::array();
  if (auto e = series_.find(entity); e != series_.end()) {
    if (auto s = e->second.find(window); s != e->second.end()) {
      std::size_t skip = s->second.windows.size() > limit ? s->second.windows.size() - limit : 0;
      for (const auto& [start, a] : s->second.windows) {
        if (skip > 0) {
          --skip;
          continue;
        }
        points.push_back(to_json(a));
      }
    }
  }
  return dump({{"entity", entity}, {"window", window}, {"points", points}});
}

std::string ApiStore::alerts_json(std::size_t limit) const {
  std::lock_guard lock(mu_);
  json list = json::array();
  for (auto it = alerts_.rbegin(); it != alerts_.rend() && list.size() < limit; ++it)
    list.push_back(to_json(*it));
  return dump({{"alerts", list}});
}

pipeline::core::Result<std::unique_ptr<ApiFollower>> ApiFollower::start(
    pipeline::log::Log& log, ApiStore& store, std::string aggregates_topic,
    std::string alerts_topic) {
  auto consumer =
      log.consumer({.group = "", .topics = {aggregates_topic, alerts_topic}, .on_revoke = {}});
  EARSHOT_TRY(consumer);
  std::unique_ptr<ApiFollower> f(new ApiFollower());
  f->consumer_ = std::move(*consumer);
  f->store_ = &store;
  f->aggregates_topic_ = std::move(aggregates_topic);
  f->alerts_topic_ = std::move(alerts_topic);
  ApiFollower* self = f.get();
  f->thread_ = std::thread([self] {
    while (!self->stop_.load()) {
      auto batch = self->consumer_->poll(500, std::chrono::milliseconds(200));
      if (!batch) {
        ++self->errors_;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // back off, then retry
        continue;
      }
      for (const auto& r : *batch) {
        if (r.topic == self->aggregates_topic_)
          self->store_->apply_aggregate_record(r);
        else if (r.topic == self->alerts_topic_)
          self->store_->apply_alert_record(r);
      }
      if (batch->empty() && self->consumer_->at_end()) self->caught_up_ = true;
    }
  });
  return f;
}

ApiFollower::~ApiFollower() { stop(); }

void ApiFollower::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void add_api_routes(HttpServer& server, const ApiStore& store) {
  server.route("/api/entities", Access::kToken, [&store](const ServerRequest&) {
    return ServerResponse::json(200, store.entities_json());
  });
  server.route("/api/aggregates", Access::kToken, [&store](const ServerRequest& r) {
    std::string entity = r.query_value("entity");
    if (entity.empty()) return ServerResponse::error(400, "entity is required");
    std::string window = r.query_value("window", "1m");
    auto limit = parse_limit(r.query_value("limit"), 1440, 10'000);
    if (!limit) return ServerResponse::error(400, "limit: expected a positive integer");
    auto body = store.aggregates_json(entity, window, *limit);
    if (!body) return ServerResponse::error(404, "unknown entity: " + entity);
    return ServerResponse::json(200, std::move(*body));
  });
  server.route("/api/alerts", Access::kToken, [&store](const ServerRequest& r) {
    auto limit = parse_limit(r.query_value("limit"), 50, 500);
    if (!limit) return ServerResponse::error(400, "limit: expected a positive integer");
    return ServerResponse::json(200, store.alerts_json(*limit));
  });
}

}  // namespace earshot::sinks
