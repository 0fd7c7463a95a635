// earshot demo [--port N] [--config FILE]
// The main job on the embedded default: the bundled sample stream (deploy/examples/
// embedded.yaml → deploy/demo/sample_posts.jsonl) through ingest, process and react on an
// in-memory log while the dashboard is served on 127.0.0.1:N (default 8080), then a report
// of what happened to it, read back from the topics — with the reply queue and one approved
// reply delivered to a fixture Mastodon (demo_replies.h). Afterwards it keeps serving until
// Ctrl-C when --port was given or stdout is a terminal; otherwise (scripts, CI) it exits.
// A busy default port is a warning (the demo runs without dashboard); a busy --port is
// exit 1.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "pipeline/cli/cli_common.h"
#include "pipeline/cli/demo_replies.h"
#include "pipeline/cli/metrics_wiring.h"
#include "pipeline/cli/roles.h"
#include "pipeline/codec/json_codec.h"

namespace earshot::pipeline::cli {

namespace {

struct DemoArgs {
  std::string config;
  int port = 8080;
  bool port_given = false;
};

std::vector<pipeline::log::Record> read_all(pipeline::log::Log& log, const std::string& topic) {
  std::vector<pipeline::log::Record> out;
  auto reader = log.consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  if (!reader) throw Exit{kExitRuntime, reader.error().message};
  auto st = pipeline::log::read_to_end(
      **reader, [&](pipeline::log::Record& r) { out.push_back(std::move(r)); },
      std::chrono::seconds(60), topic);
  if (!st) throw Exit{kExitRuntime, st.error().message};
  return out;
}

void report(const pipeline::config::Config& config, pipeline::log::Log& log) {
  std::map<std::string, int> labels, langs, intents, models;
  std::vector<pipeline::core::ScoredPost> negatives;
  int customers = 0, near_dups = 0, total = 0;
  for (const auto& r : read_all(log, config.log.topic("scored"))) {
    auto s = pipeline::codec::decode_scored(r.value);
    if (!s) continue;
    ++total;
    ++labels[std::string(sentiment::to_string(s->sentiment.label))];
    ++langs[s->post.lang.value_or("?")];
    ++intents[std::string(sentiment::to_string(s->intent))];
    ++models[s->sentiment.model];
    if (s->customer) ++customers;
    if (std::find(s->flags.begin(), s->flags.end(), "near_duplicate") != s->flags.end())
      ++near_dups;
    if (s->sentiment.label == sentiment::Label::negative) negatives.push_back(std::move(*s));
  }
  struct EntityStats {
    int n = 0, neg = 0, pos = 0;
    double score = 0;
  };
  std::map<std::string, EntityStats> entities;
  for (const auto& r : read_all(log, config.log.topic("mentions"))) {
    auto m = pipeline::codec::decode_mention(r.value);
    if (!m) continue;
    auto& e = entities[m->entity];
    ++e.n;
    e.neg += m->sentiment.label == sentiment::Label::negative;
    e.pos += m->sentiment.label == sentiment::Label::positive;
    e.score += m->sentiment.score;
  }
  auto dead = read_all(log, config.log.topic("deadletter"));
  auto aggregates = read_all(log, config.log.topic("aggregates"));
  std::vector<pipeline::core::Alert> alerts;
  for (const auto& r : read_all(log, config.log.topic("alerts"))) {
    if (auto a = pipeline::codec::decode_alert(r.value)) alerts.push_back(std::move(*a));
  }

  auto print_counts = [](const char* title, const std::map<std::string, int>& m) {
    std::printf("  %-10s", title);
    for (const auto& [k, v] : m) std::printf(" %s %d ", k.c_str(), v);
    std::printf("\n");
  };
  std::printf("\n== earshot demo: %d posts scored, %zu dead letters ==\n", total, dead.size());
  print_counts("sentiment", labels);
  print_counts("intent", intents);
  print_counts("language", langs);
  print_counts("model", models);
  std::printf("  customers linked: %d, near-duplicates flagged: %d\n", customers, near_dups);
  std::printf("\n  %-18s %8s %8s %8s %10s\n", "entity", "mentions", "negative", "positive",
              "mean score");
  for (const auto& [id, e] : entities) {
    std::printf("  %-18s %8d %8d %8d %10.3f\n", id.c_str(), e.n, e.neg, e.pos,
                e.n ? e.score / e.n : 0.0);
  }
  std::sort(negatives.begin(), negatives.end(),
            [](const auto& a, const auto& b) { return a.sentiment.score < b.sentiment.score; });
  std::printf("\n  most negative posts:\n");
  for (std::size_t i = 0; i < std::min<std::size_t>(5, negatives.size()); ++i) {
    const auto& s = negatives[i];
    std::string text = s.post.text.substr(0, 90);
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::printf("  %6.3f  %-9s %s%s\n", s.sentiment.score,
                std::string(sentiment::to_string(s.intent)).c_str(), text.c_str(),
                s.customer
                    ? ("  [customer " + s.customer->id + ", " + s.customer->tier + "]").c_str()
                    : "");
  }
  std::printf("\n  aggregates written: %zu (windows per entity: %zu sizes)\n", aggregates.size(),
              config.windows.sizes.size());
  std::printf("\n  alerts (%zu):\n", alerts.size());
  for (const auto& a : alerts) {
    std::printf("  - [%s] %s %s on %s, %zu evidence post(s)\n      %s\n", a.severity.c_str(),
                a.status.c_str(), a.rule.c_str(), a.entity.c_str(), a.evidence.size(),
                a.summary.c_str());
    if (!a.evidence.empty()) {
      std::string text = a.evidence[0].text.substr(0, 80);
      std::replace(text.begin(), text.end(), '\n', ' ');
      std::printf("      e.g. %s\n", text.c_str());
    }
  }
  std::printf("\n  dead letters:\n");
  for (const auto& r : dead) {
    auto d = pipeline::codec::decode_deadletter(r.value);
    if (d) std::printf("  - %s (%s)\n", d->reason.c_str(), d->stage.c_str());
  }
  std::printf("\n");
}

int run_demo(const DemoArgs& args) {
  std::string path = args.config;
  if (path.empty()) {
    path = std::string(EARSHOT_SOURCE_DIR) + "/deploy/examples/embedded.yaml";
    if (!std::filesystem::exists(path))
      throw Exit{kExitUsage, "no --config given and " + path + " is missing"};
  }
  pipeline::config::Config config = load_config_or_exit(path);
  DemoReplies replies;  // issue 14: a fixture Mastodon the approved reply is delivered to
  replies.prepare(config);
  // Alert links (alert_messages.dashboard_url unset) point at the dashboard served here.
  config.api.listen = "127.0.0.1:" + std::to_string(args.port);
  auto log = open_log_or_exit(config);
  install_stop_signals();
  log_info("demo: " + path + " on " + log->describe());
  MetricsHub hub;
  auto served = start_serve(config, *log, hub,
                            ServeOptions{.listen = "127.0.0.1:" + std::to_string(args.port),
                                         .busy_is_warning = !args.port_given});
  if (served) {
    hub.set_role_state("serve", "running");
    std::printf("earshot demo: dashboard at %s/ (metrics at %s/metrics)\n", served->url.c_str(),
                served->url.c_str());
    std::fflush(stdout);
  }
  RoleOptions options;
  options.exit_when_idle = std::chrono::milliseconds(2000);
  options.report = false;
  int rc = run_all(config, *log, options, &hub);
  if (rc != kExitOk) return rc;
  report(config, *log);
  replies.run(config, *log, served ? served->url : "");
  std::fflush(stdout);
  if (served && (args.port_given || ::isatty(STDOUT_FILENO)) && !g_stop) {
    log_info("demo: still serving " + served->url + "/ — press Ctrl-C to stop");
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return kExitOk;
}

}  // namespace

void add_demo(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo",
      "Run the bundled sample stream through earshot on the embedded log, with the dashboard");
  cmd->add_option("--config", args->config, "Config file (default: deploy/examples/embedded.yaml)");
  auto* port =
      cmd->add_option(
             "--port", args->port,
             "Serve the dashboard on 127.0.0.1:PORT (default 8080); given explicitly, keep "
             "serving after the report until Ctrl-C")
          ->check(CLI::Range(1, 65535));
  cmd->callback([args, port] {
    args->port_given = port->count() > 0;
    set_runner([args] { return run_demo(*args); });
  });
}

}  // namespace earshot::pipeline::cli
