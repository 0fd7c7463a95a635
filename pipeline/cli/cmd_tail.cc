// earshot tail --config FILE TOPIC [--follow]
// Prints every committed record of TOPIC (a logical name or a real topic) as one line, from
// the beginning; exits at the end unless --follow.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "pipeline/cli/cli_common.h"

namespace earshot::pipeline::cli {
namespace {

struct TailArgs {
  std::string config;
  std::string topic;
  bool follow = false;
};

int run_tail(const TailArgs& args) {
  pipeline::config::Config config = load_config_or_exit(args.config);
  auto log = open_log_or_exit(config);
  const std::string topic = resolve_topic(config, args.topic);
  auto consumer = log->consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  if (!consumer) throw Exit{kExitRuntime, consumer.error().message};
  install_stop_signals();
  std::string out;
  while (!g_stop) {
    auto batch = (*consumer)->poll(1000, std::chrono::milliseconds(250));
    if (!batch) throw Exit{kExitRuntime, batch.error().message};
    out.clear();
    for (const auto& r : *batch) {
      out.append(r.value);
      out.push_back('\n');
    }
    if (!out.empty()) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
    }
    if (!args.follow && batch->empty() && (*consumer)->at_end()) break;
  }
  return kExitOk;
}

}  // namespace

void add_tail(CLI::App& app) {
  auto args = std::make_shared<TailArgs>();
  auto* cmd = app.add_subcommand("tail", "Print the committed records of a topic as JSON lines");
  cmd->add_option("--config", args->config, "Config file (YAML)")->required();
  cmd->add_option("topic", args->topic,
                  "posts|scored|mentions|deadletter|aggregates|alerts|replies or a topic name")
      ->required();
  cmd->add_flag("--follow", args->follow, "Keep waiting for new records");
  cmd->callback([args] { set_runner([args] { return run_tail(*args); }); });
}

}  // namespace earshot::pipeline::cli
