// Registers the role subcommands: ingest, process, react, serve and run.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "pipeline/cli/cli_common.h"
#include "pipeline/cli/metrics_wiring.h"
#include "pipeline/cli/roles.h"
#include "sinks/http_server.h"

namespace earshot::pipeline::cli {
namespace {

struct RoleArgs {
  std::string config;
  std::string instance;
  double exit_when_idle = 0;
  std::string metrics_listen;
  std::string listen;
};

void add_role_options(CLI::App* cmd, RoleArgs& args) {
  cmd->add_option("--config", args.config, "Config file (YAML)")->required();
  cmd->add_option("--instance", args.instance,
                  "Instance id, unique within the group (default: $EARSHOT_INSTANCE or 0)");
  cmd->add_option(
      "--exit-when-idle", args.exit_when_idle,
      "Exit after this many seconds without input once caught up (default: run until stopped)");
}

void add_metrics_option(CLI::App* cmd, RoleArgs& args) {
  cmd->add_option(
      "--metrics-listen", args.metrics_listen,
      "Serve /metrics and /healthz on HOST:PORT (default: the config's metrics.listen; none if unset)");
}

RoleOptions role_options(const RoleArgs& args) {
  RoleOptions o;
  const char* env = std::getenv("EARSHOT_INSTANCE");
  o.instance = !args.instance.empty() ? args.instance : (env && *env ? env : "0");
  o.exit_when_idle =
      std::chrono::milliseconds(static_cast<std::int64_t>(args.exit_when_idle * 1000));
  return o;
}

}  // namespace

// `earshot run`: every role in one process, on one Log (the only way to use an in-memory
// embedded log). Each role runs on its own thread; the first to fail stops the others.
int run_all(const pipeline::config::Config& config, pipeline::log::Log& log, RoleOptions options,
            MetricsHub* hub) {
  std::atomic<bool> stop{false};
  options.stop = &stop;
  if (hub) options.metrics = &hub->registry();
  std::atomic<int> code{kExitOk};
  std::string failure;
  std::mutex mu;
  auto state = [hub](const char* name, const char* st) {
    if (hub) hub->set_role_state(name, st);
  };
  auto guard = [&](const char* name, auto fn) {
    state(name, "running");
    return std::thread([&, name, fn] {
      try {
        int rc = fn();
        if (rc != kExitOk) code = rc;
        state(name, rc == kExitOk ? "stopped" : "failed");
      } catch (const Exit& e) {
        state(name, "failed");
        std::lock_guard lock(mu);
        failure = std::string(name) + ": " + e.message;
        code = e.code;
        stop = true;
      }
    });
  };
  RoleOptions ingest_options = options;
  ingest_options.exit_when_idle = std::chrono::milliseconds(0);  // run keeps listening
  std::vector<std::thread> roles;
  if (!config.sources.empty()) {
    roles.push_back(guard("ingest", [&] { return run_ingest_role(config, log, ingest_options); }));
  }
  if (options.exit_when_idle.count() > 0) {
    // Drain in order: process until idle, then react until idle, then stop the rest.
    std::thread process = guard("process", [&] { return run_process_role(config, log, options); });
    process.join();
    std::thread react = guard("react", [&] { return run_react_role(config, log, options); });
    react.join();
    // Then replies until idle (started after `stop` it would plan nothing: issue 14 demo).
    if (config.replies.mode != pipeline::config::ReplyMode::off && !stop) {
      std::thread replies =
          guard("replies", [&] { return run_replies_role(config, log, options); });
      replies.join();
    }
    stop = true;
  } else {
    roles.push_back(guard("process", [&] { return run_process_role(config, log, options); }));
    roles.push_back(guard("react", [&] { return run_react_role(config, log, options); }));
    if (config.replies.mode != pipeline::config::ReplyMode::off) {
      roles.push_back(guard("replies", [&] { return run_replies_role(config, log, options); }));
    }
  }
  while (!g_stop && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (auto& t : roles) t.join();
  if (!failure.empty()) throw Exit{code.load(), failure};
  return code.load();
}

namespace {

// One single role with its optional /metrics listener.
int run_single(const RoleArgs& args, const char* name,
               int (*role)(const pipeline::config::Config&, pipeline::log::Log&,
                           const RoleOptions&)) {
  pipeline::config::Config config = load_config_or_exit(args.config);
  auto log = open_log_or_exit(config);
  install_stop_signals();
  MetricsHub hub;
  auto server = serve_metrics_or_exit(
      hub, args.metrics_listen.empty() ? config.metrics.listen : args.metrics_listen);
  RoleOptions options = role_options(args);
  if (server) options.metrics = &hub.registry();
  hub.set_role_state(name, "running");
  try {
    int rc = role(config, *log, options);
    hub.set_role_state(name, rc == kExitOk ? "stopped" : "failed");
    return rc;
  } catch (...) {
    hub.set_role_state(name, "failed");
    throw;
  }
}

}  // namespace

void add_roles(CLI::App& app) {
  auto args = std::make_shared<RoleArgs>();
  auto* ingest =
      app.add_subcommand("ingest", "Pull posts from every configured source into the posts topic");
  add_role_options(ingest, *args);
  add_metrics_option(ingest, *args);
  ingest->callback(
      [args] { set_runner([args] { return run_single(*args, "ingest", run_ingest_role); }); });
  auto* react = app.add_subcommand(
      "react", "Aggregate mentions in event-time windows, raise and deliver alerts");
  add_role_options(react, *args);
  add_metrics_option(react, *args);
  react->callback(
      [args] { set_runner([args] { return run_single(*args, "react", run_react_role); }); });
  auto* replies = app.add_subcommand(
      "replies", "Plan replies to scored posts (replies: rules and guards) and send approved ones");
  add_role_options(replies, *args);
  add_metrics_option(replies, *args);
  replies->callback(
      [args] { set_runner([args] { return run_single(*args, "replies", run_replies_role); }); });
  auto* run = app.add_subcommand(
      "run", "Run every role (ingest, process, react with its sinks, serve) in one process");
  add_role_options(run, *args);
  run->add_option("--listen", args->listen,
                  "HOST:PORT for the API, dashboard and /metrics (default: api.listen)");
  run->callback([args] {
    set_runner([args] {
      pipeline::config::Config config = load_config_or_exit(args->config);
      // Alert links (alert_messages.dashboard_url unset) point where this run serves.
      if (!args->listen.empty()) config.api.listen = args->listen;
      auto log = open_log_or_exit(config);
      install_stop_signals();
      MetricsHub hub;
      hub.set_role_state("serve", "starting");
      // The stages are the job here: a busy api.listen costs the API, not the run (an
      // explicit --listen that is busy is an error).
      auto served = start_serve(
          config, *log, hub,
          ServeOptions{.listen = args->listen, .busy_is_warning = args->listen.empty()});
      hub.set_role_state("serve", served ? "running" : "failed");
      if (served)
        log_info("run: dashboard and API at " + served->url + "/, metrics at " + served->url +
                 "/metrics");
      int rc = run_all(config, *log, role_options(*args), &hub);
      if (served) hub.set_role_state("serve", "stopped");
      return rc;
    });
  });
  auto* process = app.add_subcommand("process", "Score, link and dead-letter posts, exactly once");
  process->footer(
      "Memory (bounded; bench/RESULTS.md, issue 18): the dedup store keeps the last "
      "process.dedup_capacity (default 500,000) committed post uids as 128-bit hashes with their "
      "dedup values (~140 bytes each: ~70 MB when full), the near-duplicate window the "
      "last 50,000 fingerprints, batches in flight process.max_inflight_bytes; entities and "
      "customer files stay loaded (10,000 entities + 1,000,000 handles: ~155 MB); each "
      "scoring thread (process.threads workers and the loop thread) keeps fixed-size word "
      "caches: 1 MiB for language detection, 1.5 MiB for the default model.");
  add_role_options(process, *args);
  add_metrics_option(process, *args);
  process->callback(
      [args] { set_runner([args] { return run_single(*args, "process", run_process_role); }); });
  auto* serve = app.add_subcommand(
      "serve", "Serve the JSON API, the dashboard page, /metrics and /healthz on api.listen");
  add_role_options(serve, *args);
  serve->add_option("--listen", args->listen,
                    "HOST:PORT to serve on (default: the config's api.listen)");
  serve->callback([args] {
    set_runner([args] {
      pipeline::config::Config config = load_config_or_exit(args->config);
      auto log = open_log_or_exit(config);
      install_stop_signals();
      MetricsHub hub;
      return run_serve_role(config, *log, hub, ServeOptions{.listen = args->listen},
                            role_options(*args));
    });
  });
}

}  // namespace earshot::pipeline::cli
