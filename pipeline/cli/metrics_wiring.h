// earshot CLI — where the roles' existing counters become Prometheus metrics, in one place.
//
// A MetricsHub is one process's registry plus the state of each role it runs; it installs
// GET /metrics (text format 0.0.4) and GET /healthz (JSON; 503 once a role failed) on an
// HttpServer. The watch_* functions register collectors that read the counters the stages
// already keep (atomics, or snapshots behind a lock) at scrape time; each returns a handle
// that must be destroyed before the watched object (declare it after the object). They
// accept a null registry (metrics off) and then return an empty handle, so a role does:
//
//   auto loop = TransactionalLoop::create(...);
//   auto watched = watch_loop(options.metrics, "process", **loop);   // RoleOptions::metrics
//
// Where /metrics is served: `serve`, `run` and `demo` on api.listen (with the API); the
// single roles (ingest, process, react) only when `--metrics-listen HOST:PORT` or the config
// key metrics.listen is set, so several roles on one machine never fight over api.listen.
//
// Thread safety: all of it may be used from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "pipeline/core/metrics.h"

namespace earshot::pipeline::log {
class TransactionalLoop;
}  // namespace earshot::pipeline::log
namespace earshot::pipeline::process {
struct ProcessCounters;
}  // namespace earshot::pipeline::process
namespace earshot::pipeline::react {
class ReactHandler;
}  // namespace earshot::pipeline::react
namespace earshot::ingest {
class IngestRunner;
}  // namespace earshot::ingest
namespace earshot::sinks {
class HttpServer;
class SinkRunner;
class ApiStore;
class ApiFollower;
}  // namespace earshot::sinks

namespace earshot::pipeline::cli {

class MetricsHub {
 public:
  MetricsHub();
  pipeline::core::MetricsRegistry& registry() { return registry_; }
  // starting | running | stopped | failed; exported as earshot_role_state{role,state} 1.
  void set_role_state(const std::string& role, const std::string& state);
  // Adds GET /metrics and GET /healthz (both without auth).
  void install(sinks::HttpServer& server);

 private:
  pipeline::core::MetricsRegistry registry_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> roles_;
  pipeline::core::CollectorHandle own_;
  std::chrono::system_clock::time_point started_;
};

pipeline::core::CollectorHandle watch_loop(pipeline::core::MetricsRegistry* registry,
                                           const std::string& role,
                                           const pipeline::log::TransactionalLoop& loop);
pipeline::core::CollectorHandle watch_process(pipeline::core::MetricsRegistry* registry,
                                              const pipeline::process::ProcessCounters& counters);
pipeline::core::CollectorHandle watch_ingest(pipeline::core::MetricsRegistry* registry,
                                             const ingest::IngestRunner& runner);
pipeline::core::CollectorHandle watch_sinks(pipeline::core::MetricsRegistry* registry,
                                            const sinks::SinkRunner& runner);
pipeline::core::CollectorHandle watch_react(pipeline::core::MetricsRegistry* registry,
                                            const pipeline::react::ReactHandler& handler);
pipeline::core::CollectorHandle watch_api(pipeline::core::MetricsRegistry* registry,
                                          const sinks::ApiStore& store,
                                          const sinks::ApiFollower& follower,
                                          const sinks::HttpServer& server);

// For a single role: starts an HTTP server with /metrics and /healthz on `listen`, or
// returns nullptr when `listen` is empty. Throws Exit{1, ...} when it cannot bind.
std::unique_ptr<sinks::HttpServer> serve_metrics_or_exit(MetricsHub& hub,
                                                         const std::string& listen);

}  // namespace earshot::pipeline::cli
