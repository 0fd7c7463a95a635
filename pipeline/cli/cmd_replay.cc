// earshot replay --config FILE --file posts.jsonl [--rate N]
// Writes each non-blank line of a JSONL file to the posts topic as it is (a malformed line
// is written too: the process stage dead-letters it with its reason), keyed by the post's
// uid when the line decodes. Progress bar on a TTY.
#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "pipeline/cli/cli_common.h"
#include "pipeline/codec/json_codec.h"

namespace earshot::pipeline::cli {
namespace {

struct ReplayArgs {
  std::string config;
  std::string file;
  double rate = 0;
};

int run_replay(const ReplayArgs& args) {
  pipeline::config::Config config = load_config_or_exit(args.config);
  std::ifstream in(args.file, std::ios::binary);
  if (!in) throw Exit{kExitUsage, "--file: cannot read '" + args.file + "'"};
  std::size_t total = 0;
  for (std::string line; std::getline(in, line);) total += !line.empty();
  in.clear();
  in.seekg(0);

  auto log = open_log_or_exit(config);
  auto producer = log->producer({});
  if (!producer) throw Exit{kExitRuntime, producer.error().message};
  const std::string topic = config.log.topic("posts");
  install_stop_signals();

  Progress progress("posts", total);
  std::size_t sent = 0, malformed = 0;
  auto start = std::chrono::steady_clock::now();
  for (std::string line; !g_stop && std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::string key;
    if (auto post = pipeline::codec::decode_post(line))
      key = post->uid;
    else
      ++malformed;
    if (auto st = (*producer)->produce(topic, key, line); !st)
      throw Exit{kExitRuntime, st.error().message};
    ++sent;
    progress.update(sent);
    if (args.rate > 0) {
      auto due = start + std::chrono::duration<double>(static_cast<double>(sent) / args.rate);
      std::this_thread::sleep_until(due);
    }
  }
  if (auto st = (*producer)->flush(std::chrono::seconds(60)); !st)
    throw Exit{kExitRuntime, st.error().message};
  progress.finish();
  log_info("replayed " + std::to_string(sent) + " line(s) to " + topic + " on " + log->describe() +
           (malformed ? " (" + std::to_string(malformed) +
                            " malformed: the process stage dead-letters them)"
                      : ""));
  return g_stop ? kExitRuntime : kExitOk;
}

}  // namespace

void add_replay(CLI::App& app) {
  auto args = std::make_shared<ReplayArgs>();
  auto* cmd = app.add_subcommand("replay", "Write a JSONL file of posts to the posts topic");
  cmd->add_option("--config", args->config, "Config file (YAML)")->required();
  cmd->add_option("--file", args->file, "JSONL file, one Post per line")->required();
  cmd->add_option("--rate", args->rate, "Posts per second (default: as fast as possible)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args] { set_runner([args] { return run_replay(*args); }); });
}

}  // namespace earshot::pipeline::cli
