// Registers the role subcommands: process (and, as they land, ingest, react, run).
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "pipeline/cli/cli_common.h"
#include "pipeline/cli/roles.h"

namespace earshot::cli {
namespace {

struct RoleArgs {
  std::string config;
  std::string instance;
  double exit_when_idle = 0;
};

void add_role_options(CLI::App* cmd, RoleArgs& args) {
  cmd->add_option("--config", args.config, "Config file (YAML)")->required();
  cmd->add_option("--instance", args.instance,
                  "Instance id, unique within the group (default: $EARSHOT_INSTANCE or 0)");
  cmd->add_option("--exit-when-idle", args.exit_when_idle,
                  "Exit after this many seconds without input once caught up (default: run until stopped)");
}

RoleOptions role_options(const RoleArgs& args) {
  RoleOptions o;
  const char* env = std::getenv("EARSHOT_INSTANCE");
  o.instance = !args.instance.empty() ? args.instance : (env && *env ? env : "0");
  o.exit_when_idle = std::chrono::milliseconds(static_cast<std::int64_t>(args.exit_when_idle * 1000));
  return o;
}

}  // namespace

// `earshot run`: every role in one process, on one Log (the only way to use an in-memory
// embedded log). Each role runs on its own thread; the first to fail stops the others.
int run_all(const pipeline::Config& config, pipeline::Log& log, RoleOptions options) {
  std::atomic<bool> stop{false};
  options.stop = &stop;
  std::atomic<int> code{kExitOk};
  std::string failure;
  std::mutex mu;
  auto guard = [&](const char* name, auto fn) {
    return std::thread([&, name, fn] {
      try {
        int rc = fn();
        if (rc != kExitOk) code = rc;
      } catch (const Exit& e) {
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
    stop = true;
  } else {
    roles.push_back(guard("process", [&] { return run_process_role(config, log, options); }));
    roles.push_back(guard("react", [&] { return run_react_role(config, log, options); }));
  }
  while (!g_stop && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (auto& t : roles) t.join();
  if (!failure.empty()) throw Exit{code.load(), failure};
  return code.load();
}

void add_roles(CLI::App& app) {
  auto args = std::make_shared<RoleArgs>();
  auto* ingest = app.add_subcommand("ingest", "Pull posts from every configured source into the posts topic");
  add_role_options(ingest, *args);
  ingest->callback([args] {
    set_runner([args] {
      pipeline::Config config = load_config_or_exit(args->config);
      auto log = open_log_or_exit(config);
      install_stop_signals();
      return run_ingest_role(config, *log, role_options(*args));
    });
  });
  auto* react = app.add_subcommand("react", "Aggregate mentions in event-time windows, raise and deliver alerts");
  add_role_options(react, *args);
  react->callback([args] {
    set_runner([args] {
      pipeline::Config config = load_config_or_exit(args->config);
      auto log = open_log_or_exit(config);
      install_stop_signals();
      return run_react_role(config, *log, role_options(*args));
    });
  });
  auto* run = app.add_subcommand("run", "Run every role (ingest, process, react with its sinks) in one process");
  add_role_options(run, *args);
  run->callback([args] {
    set_runner([args] {
      pipeline::Config config = load_config_or_exit(args->config);
      auto log = open_log_or_exit(config);
      install_stop_signals();
      return run_all(config, *log, role_options(*args));
    });
  });
  auto* process = app.add_subcommand("process", "Score, link and dead-letter posts, exactly once");
  add_role_options(process, *args);
  process->callback([args] {
    set_runner([args] {
      pipeline::Config config = load_config_or_exit(args->config);
      auto log = open_log_or_exit(config);
      install_stop_signals();
      return run_process_role(config, *log, role_options(*args));
    });
  });
}

}  // namespace earshot::cli
