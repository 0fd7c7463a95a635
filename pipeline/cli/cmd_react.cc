// The react role: mentions → event-time windowed aggregates and alerts, exactly once; the
// alert sinks (Slack, PagerDuty, signed webhooks, Kafka) deliver from the alerts topic.
#include <chrono>
#include <utility>

#include "pipeline/cli/cli_common.h"
#include "pipeline/cli/fault_hook.h"
#include "pipeline/cli/metrics_wiring.h"
#include "pipeline/cli/roles.h"
#include "pipeline/react/react_stage.h"
#include "sinks/sink_runner.h"

namespace earshot::pipeline::cli {

int run_react_role(const pipeline::config::Config& config, pipeline::log::Log& log,
                   const RoleOptions& options) {
  auto handler = pipeline::react::make_react_handler(config, log);
  if (!handler) throw Exit{kExitRuntime, "react: " + handler.error().message};
  pipeline::log::LoopOptions loop_options =
      pipeline::react::react_loop_options(config, options.instance);
  loop_options.on_point = fault_hook("react");
  auto loop = pipeline::log::TransactionalLoop::create(log, std::move(loop_options));
  if (!loop) throw Exit{kExitRuntime, "react: " + loop.error().message};
  pipeline::log::Consumer* consumer = &(*loop)->consumer();
  (*handler)->set_assignment([consumer] { return consumer->assignment(); });
  (*handler)->set_on_notice([](const std::string& line) { log_info(line); });
  sinks::SinkRunnerOptions sink_options;
  sink_options.on_notice = [](const std::string& line) { log_info(line); };
  sink_options.on_warning = [](const std::string& line) { log_info("react: warning: " + line); };
  auto sinks = sinks::SinkRunner::start(config, log, std::move(sink_options));
  if (!sinks) throw Exit{kExitRuntime, "sinks: " + sinks.error().message};
  // /metrics collectors; declared after what they read, so they are destroyed first.
  auto watched_loop = watch_loop(options.metrics, "react", **loop);
  auto watched_sinks = watch_sinks(options.metrics, **sinks);
  auto watched_react = watch_react(options.metrics, **handler);
  log_info("react: " + std::to_string(config.alerts.size()) + " alert rule(s), " +
           std::to_string(config.sinks.size()) + " sink(s) on " + log.describe());
  auto idle_since = std::chrono::steady_clock::now();
  while (!g_stop && (!options.stop || !options.stop->load())) {
    auto n = (*loop)->step(**handler);
    if (!n) {
      (*sinks)->stop();
      throw Exit{kExitRuntime, "react: " + n.error().message};
    }
    auto now = std::chrono::steady_clock::now();
    if (*n > 0) idle_since = now;
    if (options.exit_when_idle.count() > 0 && now - idle_since > options.exit_when_idle &&
        (*loop)->caught_up())
      break;
  }
  (*sinks)->stop();
  const auto& s = (*handler)->stats();
  std::string delivered;
  for (const auto& st : (*sinks)->stats()) {
    delivered += " " + st.name + ": " + std::to_string(st.delivered) + " delivered, " +
                 std::to_string(st.dead) + " dead" +
                 (st.dead ? " (reasons above and in the deadletter topic)" : "") + ";";
  }
  log_info("react: " + std::to_string(s.mentions) + " mention(s), " + std::to_string(s.aggregates) +
           " aggregate(s), " + std::to_string(s.alerts) + " alert(s);" + delivered);
  return kExitOk;
}

}  // namespace earshot::pipeline::cli
