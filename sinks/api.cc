#include "sinks/api.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/status.h"
#include "sinks/alert_states.h"
#include "sinks/post_store.h"

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
          {"created_at", a.created_at},
          {"link", a.link}};
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

std::optional<std::string> ApiStore::alert_json(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (auto it = alerts_.rbegin(); it != alerts_.rend(); ++it)
    if (it->id == id) return dump(to_json(*it));
  return std::nullopt;
}

std::string ApiStore::point_json(const pipeline::core::Aggregate& a) { return dump(to_json(a)); }

bool ApiStore::has_alert(const std::string& id) const {
  std::lock_guard lock(mu_);
  return std::any_of(alerts_.begin(), alerts_.end(), [&](const auto& a) { return a.id == id; });
}

pipeline::core::Result<std::unique_ptr<ApiFollower>> ApiFollower::start(
    pipeline::log::Log& log, ApiStore& store, std::string aggregates_topic,
    std::string alerts_topic, ApiFollowerExtras extras) {
  std::vector<std::string> topics = {aggregates_topic, alerts_topic};
  if (extras.posts != nullptr) topics.push_back(extras.scored_topic);
  if (extras.alert_states != nullptr) topics.push_back(extras.alert_states_topic);
  auto consumer = log.consumer({.group = "", .topics = topics, .on_revoke = {}});
  EARSHOT_TRY(consumer);
  std::unique_ptr<ApiFollower> f(new ApiFollower());
  f->consumer_ = std::move(*consumer);
  f->store_ = &store;
  f->aggregates_topic_ = std::move(aggregates_topic);
  f->alerts_topic_ = std::move(alerts_topic);
  f->extras_ = std::move(extras);
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
        else if (self->extras_.posts != nullptr && r.topic == self->extras_.scored_topic)
          self->extras_.posts->apply_scored_record(r);
        else if (self->extras_.alert_states != nullptr &&
                 r.topic == self->extras_.alert_states_topic)
          self->extras_.alert_states->apply_record(r);
        if (self->extras_.on_record) self->extras_.on_record(r);
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

}  // namespace earshot::sinks
