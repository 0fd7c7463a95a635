// The earshot command line (DESIGN.md §4): parses arguments, hands over to one subcommand.
// Exit codes: 0 ok, 2 usage or config error, 1 runtime error.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
#include <iostream>

#include "pipeline/cli/cli_common.h"

namespace earshot::pipeline::cli {
namespace {
std::function<int()> g_runner;
}
void set_runner(std::function<int()> runner) { g_runner = std::move(runner); }
}  // namespace earshot::pipeline::cli

int main(int argc, char** argv) {
  using namespace earshot::pipeline::cli;
  CLI::App app{"earshot — social-media listening and sentiment stream processor", "earshot"};
  app.set_version_flag("--version", std::string("earshot ") + EARSHOT_VERSION);
  app.require_subcommand(1);
  // --log-level may follow the subcommand (earshot react --config x --log-level debug).
  app.fallthrough(true);
  std::string level = "info";
  app.add_option("--log-level", level, "Least severe log line shown: debug|info|warn|error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  add_demo(app);
  add_roles(app);
  add_score(app);
  add_eval(app);
  add_train(app);
  add_replay(app);
  add_tail(app);
  add_config_reference(app);
  add_check(app);
  add_alert_test(app);
  add_reprocess(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  set_log_level(level == "debug"  ? LogLevel::debug
                : level == "warn" ? LogLevel::warn
                : level == "error" ? LogLevel::error
                                   : LogLevel::info);
  try {
    return g_runner ? g_runner() : kExitUsage;
  } catch (const Exit& e) {
    if (!e.message.empty()) log_error(e.message);
    return e.code;
  } catch (const std::exception& e) {
    log_error(e.what());
    return kExitRuntime;
  }
}
