// Registers the role subcommands: process (and, as they land, ingest, react, run).
#include <CLI/CLI.hpp>

#include <cstdlib>

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

void add_roles(CLI::App& app) {
  auto args = std::make_shared<RoleArgs>();
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
