// earshot alert-test --config FILE [--sink NAME]
// Sends one clearly marked test alert through each configured sink (or the one named) the
// way react would (same payload builder, signing and idempotency key), one attempt each, and
// prints what every receiver answered; a PagerDuty test incident is resolved right away. Exit 0
// when all acknowledged, 1 when one did not, 2 for a bad config or an unknown --sink. The `kafka`
// sink is not sent to (a record on the alerts topic would reach every sink as a real alert); it is
// listed as skipped.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>

#include "pipeline/cli/cli_common.h"
#include "pipeline/core/rfc3339.h"
#include "pipeline/http/cpprest_client.h"
#include "sinks/alert_payloads.h"
#include "sinks/delivery.h"

namespace earshot::pipeline::cli {
namespace {

struct AlertTestArgs {
  std::string config;
  std::string sink;
};

pipeline::core::Alert test_alert(const pipeline::config::Config& cfg, std::int64_t now_ms) {
  pipeline::core::Alert a;
  a.rule = "earshot-alert-test";
  a.entity = cfg.entities.empty() ? "earshot-test" : cfg.entities.front().id;
  a.severity = "info";
  a.status = "trigger";
  a.window_start = pipeline::core::format_rfc3339_ms(now_ms - now_ms % 60'000);
  a.window_end = pipeline::core::format_rfc3339_ms(now_ms - now_ms % 60'000 + 60'000);
  a.created_at = pipeline::core::format_rfc3339_ms(now_ms);
  a.dedup_key = "earshot-alert-test|" + a.created_at;
  a.id = "alrt_test_" + std::to_string(now_ms);
  a.summary = "TEST ALERT from `earshot alert-test` (" + cfg.file +
              "): checking that this channel receives earshot alerts. Not a real alert; "
              "no action needed.";
  return a;
}

int run_alert_test(const AlertTestArgs& args) {
  pipeline::config::Config cfg = load_config_or_exit(args.config);
  bool found = args.sink.empty();
  for (const auto& s : cfg.sinks) found = found || s.name == args.sink;
  if (!found)
    throw Exit{kExitUsage, "alert-test: no sink named '" + args.sink + "' in " + cfg.file};
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const pipeline::core::Alert alert = test_alert(cfg, now_ms);
  auto http = pipeline::http::make_cpprest_client(
      {.address_policy = pipeline::config::address_policy(cfg.outbound)});
  std::atomic<bool> stop{false};
  int failed = 0, sent = 0;
  for (const auto& def : cfg.sinks) {
    if (!args.sink.empty() && def.name != args.sink) continue;
    if (def.type == "kafka") {
      std::printf("%-16s skipped: a test record on %s would reach every sink as a real alert\n",
                  def.name.c_str(), def.topic.c_str());
      continue;
    }
    sinks::RetryPolicy once{.max_attempts = 1};
    auto res = sinks::deliver(
        *http, [&] { return sinks::build_request(def, alert, now_ms / 1000); }, once, stop);
    ++sent;
    if (res.outcome == sinks::Outcome::delivered) {
      std::printf("%-16s ok: HTTP %d from %s\n", def.name.c_str(), res.last_status,
                  def.url.c_str());
      if (def.type == "pagerduty") {  // close the test incident it opened
        pipeline::core::Alert resolve = alert;
        resolve.status = "resolve";
        auto closed = sinks::deliver(
            *http, [&] { return sinks::build_request(def, resolve, now_ms / 1000); }, once, stop);
        std::printf("%-16s %s\n", "",
                    closed.outcome == sinks::Outcome::delivered
                        ? "test incident resolved"
                        : ("could not resolve the test incident: " + closed.reason).c_str());
      }
    } else {
      ++failed;
      std::printf("%-16s FAILED: %s (%s)\n", def.name.c_str(), res.reason.c_str(), def.url.c_str());
    }
  }
  std::printf("\ntest alert %s: %d sent, %d failed\n", alert.id.c_str(), sent, failed);
  std::fflush(stdout);
  return failed ? kExitRuntime : kExitOk;
}

}  // namespace

void add_alert_test(CLI::App& app) {
  auto args = std::make_shared<AlertTestArgs>();
  auto* cmd = app.add_subcommand(
      "alert-test",
      "Send a clearly marked test alert through each sink and print what it answered");
  cmd->add_option("--config", args->config, "Config file")->required();
  cmd->add_option("--sink", args->sink,
                  "Only this sink (its name: slack, webhook, webhook[1], ...)");
  cmd->callback([args] { set_runner([args] { return run_alert_test(*args); }); });
}

}  // namespace earshot::pipeline::cli
