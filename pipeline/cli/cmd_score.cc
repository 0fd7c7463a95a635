// earshot score [--model NAME|PATH] [--config FILE] [--text]
// stdin → stdout: one ScoredPost JSON object per input line, in input order. Input is JSONL
// posts (only "text" is required), or with --text one plain text per line. A bad line gives
// {"error": "...", "line": N} in its place; the command goes on. With --config, entities and
// customers from that file are linked as well.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "pipeline/cli/cli_common.h"
#include "pipeline/codec/json_codec.h"
#include "pipeline/codec/json_writer.h"
#include "pipeline/http/cpprest_client.h"
#include "pipeline/process/enricher.h"

namespace earshot::pipeline::cli {
namespace {

struct ScoreArgs {
  std::string model;
  std::string config;
  bool text = false;
};

void write_error(std::string& out, std::string_view message, std::size_t line) {
  pipeline::codec::JsonWriter w(out);
  w.begin_object();
  w.field("error", message);
  w.field("line", static_cast<std::int64_t>(line));
  w.end_object();
}

int run_score(const ScoreArgs& args) {
  std::optional<pipeline::config::Config> config;
  std::unique_ptr<pipeline::log::Log> log;  // only for `type: kafka` customer directories
  if (!args.config.empty()) {
    config = load_config_or_exit(args.config);
    for (const auto& d : config->customers) {
      if (d.type == "kafka" && !log) log = open_log_or_exit(*config);
    }
  }
  auto enricher = pipeline::process::Enricher::build(
      config ? &*config : nullptr, args.model,
      {.http = pipeline::http::make_cpprest_client(
           {.address_policy = config ? pipeline::config::address_policy(config->outbound)
                                     : pipeline::core::AddressPolicy()}),
       .log = log.get()});
  if (!enricher) {
    throw Exit{enricher.error().code == pipeline::core::ErrorCode::kInvalidArgument ? kExitUsage
                                                                                    : kExitRuntime,
               enricher.error().message};
  }
  std::ios::sync_with_stdio(false);
  std::string line, out;
  std::size_t n = 0;
  while (std::getline(std::cin, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pipeline::core::Post post;
    if (args.text) {
      post.text = line;
    } else {
      auto decoded = pipeline::codec::decode_post_for_scoring(line);
      if (!decoded) {
        write_error(out, decoded.error().message, n);
        out.push_back('\n');
        continue;
      }
      post = std::move(*decoded);
    }
    pipeline::codec::encode_to((*enricher)->enrich(std::move(post)), out);
    out.push_back('\n');
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void add_score(CLI::App& app) {
  auto args = std::make_shared<ScoreArgs>();
  auto* cmd = app.add_subcommand("score",
                                 "Score posts from stdin: one ScoredPost JSON line per input line");
  cmd->add_option("--model", args->model, "default | vader | path to a model file");
  cmd->add_option("--config", args->config, "Config file: link its entities and customers too");
  cmd->add_flag("--text", args->text, "Input is one plain text per line instead of JSONL posts");
  cmd->callback([args] { set_runner([args] { return run_score(*args); }); });
}

}  // namespace earshot::pipeline::cli
