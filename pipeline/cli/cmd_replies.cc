// The replies role (issue 14): plans replies from the scored topic (exactly once, into the
// replies topic; pipeline/react/reply_stage.h) and sends approved ones (sinks/reply_runner.h:
// outbox records, Idempotency-Key, the thread read before a late retry). `earshot replies`
// alone, or inside `earshot run` when replies.mode is not off. The approval API is served
// by `earshot serve` (sinks/reply_api.h).
#include <chrono>
#include <limits>
#include <thread>

#include "pipeline/cli/cli_common.h"
#include "pipeline/cli/roles.h"
#include "pipeline/http/cpprest_client.h"
#include "pipeline/react/reply_stage.h"
#include "sinks/reply_runner.h"

namespace earshot::pipeline::cli {

int run_replies_role(const pipeline::config::Config& config, pipeline::log::Log& log,
                     const RoleOptions& options) {
  auto handler = pipeline::react::ReplyStage::create(config, log);
  if (!handler) throw Exit{kExitRuntime, "replies: " + handler.error().message};
  (*handler)->set_on_warning([](std::string_view w) { log_warn("replies: " + std::string(w)); });
  auto loop = pipeline::log::TransactionalLoop::create(
      log, pipeline::react::reply_stage_loop_options(config, options.instance));
  if (!loop) throw Exit{kExitRuntime, "replies: " + loop.error().message};
  std::atomic<bool> stop{false};
  std::string sender_error;
  sinks::ReplyRunner runner(
      config, log,
      pipeline::http::make_cpprest_client(
          {.address_policy = pipeline::config::address_policy(config.outbound)}),
      {.by = "sender-" + options.instance});
  std::thread sender([&] {
    if (auto st = runner.run(stop); !st) sender_error = st.error().message;
  });
  pipeline::core::CollectorHandle watched;
  if (options.metrics) {
    watched = options.metrics->add_collector([&](pipeline::core::MetricsWriter& w) {
      auto c = [&](const char* name, const char* help, std::uint64_t v) {
        w.counter(name, help, {}, static_cast<double>(v));
      };
      c("earshot_replies_planned_total", "Replies planned (shadow, pending or approved)",
        (*handler)->planned());
      c("earshot_replies_blocked_total", "Replies blocked by a guard", (*handler)->blocked());
      w.declare_counter("earshot_replies_blocked_by_guard_total",
                        "Replies blocked, by guard (the reason without its detail)");
      for (const auto& [guard, n] : (*handler)->blocked_by_guard())
        w.counter("earshot_replies_blocked_by_guard_total",
                  "Replies blocked, by guard (the reason without its detail)", {{"reason", guard}},
                  static_cast<double>(n));
      c("earshot_replies_late_unblocked_total",
        "Edits or deletes of posts whose reply was already sending or sent (logged)",
        (*handler)->late_unblocked());
      c("earshot_replies_cases_planned_total", "Helpdesk cases planned", (*handler)->cases());
      c("earshot_replies_cases_opened_total", "Helpdesk cases the helpdesk acknowledged",
        runner.counters().cases_opened.load());
      c("earshot_replies_cases_failed_total", "Helpdesk cases that failed (4xx, retries exhausted)",
        runner.counters().cases_failed.load());
      c("earshot_replies_sent_total", "Replies the platform acknowledged",
        runner.counters().sent.load());
      c("earshot_replies_failed_total", "Replies that failed (4xx, or retries exhausted)",
        runner.counters().failed.load());
      c("earshot_replies_retries_total", "Send attempts to retry (429, 5xx, transport)",
        runner.counters().retries.load());
      for (double q : {0.5, 0.99}) {
        // NaN until the first reply is sent, so dashboards can name the series from the
        // start. A gauge per percentile (a `quantile` label is reserved for summaries).
        double v = runner.post_to_sent_seconds(q);
        w.gauge("earshot_replies_post_to_sent_seconds",
                "Post created_at to reply sent (last 10000 sends of this process)",
                {{"percentile", q == 0.5 ? "50" : "99"}},
                v >= 0 ? v : std::numeric_limits<double>::quiet_NaN());
      }
    });
  }
  log_info("replies: mode " + std::string(pipeline::config::to_string(config.replies.mode)) + ", " +
           std::to_string(config.replies.rules.size()) + " rule(s), " +
           std::to_string(config.replies.accounts.size()) + " account(s) on " + log.describe());
  std::string error;
  auto idle_since = std::chrono::steady_clock::now();
  while (!g_stop && (!options.stop || !options.stop->load()) && sender_error.empty()) {
    auto n = (*loop)->step(**handler);
    if (!n) {
      error = n.error().message;
      break;
    }
    auto now = std::chrono::steady_clock::now();
    if (*n > 0) idle_since = now;
    if (options.exit_when_idle.count() > 0 && now - idle_since > options.exit_when_idle &&
        (*loop)->caught_up())
      break;
  }
  stop = true;
  sender.join();
  if (!error.empty()) throw Exit{kExitRuntime, "replies: " + error};
  if (!sender_error.empty()) throw Exit{kExitRuntime, "replies sender: " + sender_error};
  return kExitOk;
}

}  // namespace earshot::pipeline::cli
