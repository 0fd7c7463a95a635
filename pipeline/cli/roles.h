// earshot CLI — the long-running roles (ingest, process, react, serve, run) and what they share.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "pipeline/config/config.h"
#include "pipeline/core/metrics.h"
#include "pipeline/log/log.h"

namespace earshot::sinks {
class HttpServer;
class ApiStore;
class ApiFollower;
class PostStore;
class AlertStates;
class ReplyBook;
class ReplyApi;
class ReplyBookFollower;
class LiveHub;
class SessionStore;
class ModelVersions;
}  // namespace earshot::sinks

namespace earshot::pipeline::cli {

class MetricsHub;

struct RoleOptions {
  std::string instance = "0";  // --instance: part of the transactional id
  std::chrono::milliseconds exit_when_idle{
      0};  // 0 = run until stopped; ingest: until finite sources end
  const std::atomic<bool>* stop = nullptr;  // extra stop flag (earshot run / demo)
  bool report = true;                       // progress lines on stderr
  // Where the role registers collectors for its counters (pipeline/cli/metrics_wiring.h);
  // null = metrics off. See watch_loop() and friends.
  pipeline::core::MetricsRegistry* metrics = nullptr;
};

// `earshot serve`: the JSON API, the dashboard, /metrics and /healthz on one listener,
// fed by a follower of the aggregates and alerts topics.
struct ServeOptions {
  std::string listen;  // "" = config.api.listen
  bool busy_is_warning =
      false;  // a listen address in use: warn and serve nothing (demo's default port)
};

struct ServeInstance {
  ~ServeInstance();
  // Live updates (GET /api/v1/events, sinks/live_events.h); first, so they go last: the
  // followers and the server use them until they stop.
  std::unique_ptr<sinks::LiveHub> live;
  std::unique_ptr<sinks::SessionStore> sessions;
  std::unique_ptr<sinks::ApiStore> store;
  std::unique_ptr<sinks::ApiFollower> follower;
  std::unique_ptr<sinks::HttpServer> server;
  pipeline::core::CollectorHandle watched;
  std::string url;  // "http://127.0.0.1:8080"
  // The dashboard's post stream (the newest scored posts) and alert acknowledgements (read
  // from and written to alert_states_topic(), through `writer`).
  std::unique_ptr<sinks::PostStore> posts;
  std::unique_ptr<sinks::AlertStates> alert_states;
  std::unique_ptr<pipeline::log::Producer> writer;
  // The reply queue API (issue 14): the book fed from the replies topic, actions written
  // back to it by reply_producer.
  std::unique_ptr<sinks::ReplyBook> reply_book;
  std::unique_ptr<pipeline::log::Producer> reply_producer;
  std::unique_ptr<sinks::ReplyApi> reply_api;
  std::unique_ptr<sinks::ReplyBookFollower> reply_follower;
  pipeline::core::CollectorHandle reply_watched;
  pipeline::core::CollectorHandle live_watched;  // earshot_live_* (clients, events, dropped)
  // The re-scored model versions (issue 17, `earshot reprocess`) found on versions_topic().
  std::unique_ptr<sinks::ModelVersions> versions;
};

// Starts serving (returns at once; cpprestsdk's threads answer). Throws Exit{1, ...} when the
// address cannot be bound, unless busy_is_warning (then logs a warning and returns nullptr).
std::unique_ptr<ServeInstance> start_serve(const pipeline::config::Config& config,
                                           pipeline::log::Log& log, MetricsHub& hub,
                                           const ServeOptions& serve);
int run_serve_role(const pipeline::config::Config& config, pipeline::log::Log& log, MetricsHub& hub,
                   const ServeOptions& serve, const RoleOptions& options);

// `earshot run` (and demo): every role on one Log; `hub` (may be null) gets each role's
// state, and `options.metrics` is handed to the roles.
int run_all(const pipeline::config::Config& config, pipeline::log::Log& log, RoleOptions options,
            MetricsHub* hub = nullptr);

int run_ingest_role(const pipeline::config::Config& config, pipeline::log::Log& log,
                    const RoleOptions& options);
int run_react_role(const pipeline::config::Config& config, pipeline::log::Log& log,
                   const RoleOptions& options);
// Reply planning + sending (cmd_replies.cc, issue 14).
int run_replies_role(const pipeline::config::Config& config, pipeline::log::Log& log,
                     const RoleOptions& options);
int run_process_role(const pipeline::config::Config& config, pipeline::log::Log& log,
                     const RoleOptions& options);

}  // namespace earshot::pipeline::cli
