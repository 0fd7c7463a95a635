// earshot::sinks — the read side behind `earshot serve`: the latest aggregates and recent
// alerts, kept in memory from the `aggregates` (compacted) and `alerts` topics, answered as
// JSON (DESIGN.md §1, "api → HTTP JSON API, dashboard page").
//
// ApiStore holds, per entity and window size, the newest `max_points` windows (a window
// updated by late data replaces its older version), and the newest `max_alerts` alerts
// (de-duplicated by id). ApiFollower reads both topics from the beginning with a
// group-less consumer (every partition, no offsets committed, so any number of `serve`
// instances can run) and keeps following them.
//
//   ApiStore store(config.entities);
//   auto follower = ApiFollower::start(log, store, config.log.topic("aggregates"),
//   config.log.topic("alerts"));
//   add_api_routes(server, store);  // or add_api_v1_routes (sinks/api_v1.h) with posts
//
// JSON shapes (sinks/openapi.json has them all):
//   /api/v1/entities     {"entities": [{"id", "name", "kind", "latest": {"1m": A, "1h": A}}]}
//   /api/v1/aggregates?entity=ID&window=1m&limit=N   {"entity", "window", "points": [A, ...
//                        oldest first]}
//   /api/v1/alerts?limit=N   {"alerts": [alert, ... newest first]}
// where A = {"start", "end", "volume", "negative", "neutral", "positive", "mean_score",
// "unique_authors", "top_terms", "top_negative": [{"uid", "url", "text", "score"}], "version"}.
//
// Thread safety: ApiStore is safe from any thread (one mutex; apply_* from the follower,
// the *_json readers from HTTP threads). Lifetime: the follower's Log and store must
// outlive it; its destructor stops and joins the thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/config/entity.h"
#include "pipeline/core/records.h"
#include "pipeline/log/log.h"

namespace earshot::sinks {

class HttpServer;

struct ApiStoreOptions {
  std::size_t max_points = 1440;  // windows kept per entity and window size (a day of 1m)
  std::size_t max_alerts = 500;
  std::size_t max_entities = 10'000;  // entities seen in aggregates but not in the config
};

class ApiStore {
 public:
  explicit ApiStore(std::vector<pipeline::config::EntityDef> entities,
                    ApiStoreOptions options = {});

  // One record of the aggregates topic (key "entity|size|start"; an empty value deletes).
  void apply_aggregate_record(const pipeline::log::Record& record);
  void apply_aggregate(const pipeline::core::Aggregate& aggregate);
  void apply_alert_record(const pipeline::log::Record& record);
  void apply_alert(const pipeline::core::Alert& alert);

  std::string entities_json() const;
  // nullopt when the entity is neither configured nor seen.
  std::optional<std::string> aggregates_json(const std::string& entity, const std::string& window,
                                             std::size_t limit) const;
  std::string alerts_json(std::size_t limit) const;
  bool has_alert(const std::string& id) const;
  // One alert as in alerts_json(); nullopt when not held.
  std::optional<std::string> alert_json(const std::string& id) const;
  // One window as in aggregates_json()'s points.
  static std::string point_json(const pipeline::core::Aggregate& a);

  std::uint64_t aggregates_applied() const { return aggregates_applied_.load(); }
  std::uint64_t alerts_applied() const { return alerts_applied_.load(); }
  std::uint64_t bad_records() const { return bad_records_.load(); }

 private:
  struct Series {
    std::map<std::string, pipeline::core::Aggregate>
        windows;  // window start (RFC 3339, sortable) -> latest
  };
  std::vector<pipeline::config::EntityDef> entities_;
  ApiStoreOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, Series>> series_;  // entity -> window size -> series
  std::deque<pipeline::core::Alert> alerts_;                     // oldest first
  std::atomic<std::uint64_t> aggregates_applied_{0}, alerts_applied_{0}, bad_records_{0};

  bool known_locked(const std::string& entity) const;
};

class PostStore;
class AlertStates;

// What the follower reads besides aggregates and alerts (each optional): the `scored`
// topic into a PostStore, the alert-state topic into AlertStates (sinks/alert_states.h).
struct ApiFollowerExtras {
  std::string scored_topic;
  PostStore* posts = nullptr;
  std::string alert_states_topic;
  AlertStates* alert_states = nullptr;
  // Called with every record after the stores applied it (the live updates,
  // sinks/live_events.h), on the follower's thread.
  std::function<void(const pipeline::log::Record&)> on_record;
};

class ApiFollower {
 public:
  static pipeline::core::Result<std::unique_ptr<ApiFollower>> start(
      pipeline::log::Log& log, ApiStore& store, std::string aggregates_topic,
      std::string alerts_topic, ApiFollowerExtras extras = {});
  ~ApiFollower();
  void stop();
  // True once both topics were read to their end at least once.
  bool caught_up() const { return caught_up_.load(); }
  std::uint64_t errors() const { return errors_.load(); }

 private:
  ApiFollower() = default;
  std::unique_ptr<pipeline::log::Consumer> consumer_;
  ApiStore* store_ = nullptr;
  std::string aggregates_topic_, alerts_topic_;
  ApiFollowerExtras extras_;
  std::atomic<bool> stop_{false}, caught_up_{false};
  std::atomic<std::uint64_t> errors_{0};
  std::thread thread_;
};

// The read-only routes of sinks/api_v1.h over `store` alone: GET /api/v1/entities,
// /api/v1/aggregates, /api/v1/alerts (every alert "open"), /api/v1/openapi.json. The
// unversioned /api/... paths of earlier versions are gone.
void add_api_routes(HttpServer& server, const ApiStore& store);

}  // namespace earshot::sinks
