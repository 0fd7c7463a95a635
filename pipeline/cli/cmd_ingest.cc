// The ingest role: every configured source into the posts topic, exactly once (posts and
// the source's cursor in one transaction per poll).
#include <chrono>
#include <cstdio>
#include <map>

#include "ingest/ingest_runner.h"
#include "ingest/source_factory.h"
#include "pipeline/cli/cli_common.h"
#include "pipeline/cli/metrics_wiring.h"
#include "pipeline/cli/roles.h"
#include "pipeline/codec/json_codec.h"

namespace earshot::pipeline::cli {
namespace {

// One source's health as a log line (the same numbers IngestRunner::health() gives /metrics).
std::string health_line(const ingest::SourceHealth& h) {
  auto n = [](std::int64_t v) { return std::to_string(v); };
  std::string line = "ingest: " + h.name + " " + h.state + ", " + n(h.committed_posts) +
                     " posts committed (" + n(h.committed_dead) + " dead), " + n(h.errors) +
                     " errors [4xx " + n(h.http_4xx) + ", 5xx " + n(h.http_5xx) + ", network " +
                     n(h.network_errors) + ", parse " + n(h.parse_errors) + "], rate-limit waits " +
                     n(h.rate_limit_waits) + ", reconnects " + n(h.reconnects) + ", stalls " +
                     n(h.stalls) + ", aborts " + n(h.aborts);
  if (h.last_event_ms > 0) {
    char lag[32];
    std::snprintf(lag, sizeof lag, "%.1f", h.lag_seconds);
    line += ", newest post " + pipeline::core::format_rfc3339_ms(h.last_event_ms) + " (lag " + lag +
            " s)";
  }
  if (!h.last_error.empty()) line += " (" + h.last_error + ")";
  return line;
}

}  // namespace

int run_ingest_role(const pipeline::config::Config& config, pipeline::log::Log& log,
                    const RoleOptions& options) {
  if (config.sources.empty()) throw Exit{kExitUsage, config.file + ": sources: nothing to ingest"};
  std::vector<std::unique_ptr<ingest::Source>> sources;
  for (const auto& def : config.sources) {
    auto src = ingest::make_source(
        def, {.address_policy = pipeline::config::address_policy(config.outbound)});
    if (!src)
      throw Exit{kExitRuntime, config.file + ": sources[" + def.name + "]: " + src.error().message};
    sources.push_back(std::move(*src));
  }
  const std::string id = config.log.group + ".ingest-" + options.instance;
  auto runner = ingest::IngestRunner::create(log, std::move(sources),
                                             {.posts = config.log.topic("posts"),
                                              .deadletter = config.log.topic("deadletter"),
                                              .cursors = cursor_topic(config),
                                              .transactional_id = id,
                                              .poll_timeout = std::chrono::milliseconds(200)});
  if (!runner) throw Exit{kExitRuntime, runner.error().message};
  if (auto st = (*runner)->restore(); !st) throw Exit{kExitRuntime, st.error().message};
  // /metrics reads the runner's health snapshot from the server's thread (null registry: off).
  pipeline::core::CollectorHandle metrics = watch_ingest(options.metrics, **runner);
  log_info("ingest: " + std::to_string(config.sources.size()) + " source(s) into " +
           config.log.topic("posts") + " on " + log.describe());
  auto last_report = std::chrono::steady_clock::now();
  std::map<std::string, std::string> last_health;  // a source's line is logged when it changes
  while (!g_stop && (!options.stop || !options.stop->load())) {
    if (options.exit_when_idle.count() > 0 && (*runner)->all_ended()) break;
    auto n = (*runner)->step();
    if (!n) throw Exit{kExitRuntime, "ingest: " + n.error().message};
    auto now = std::chrono::steady_clock::now();
    if (options.report && now - last_report > std::chrono::seconds(10)) {
      last_report = now;
      for (const auto& h : (*runner)->health()) {
        const std::string key = h.state + "|" + h.last_error;
        std::string& last = last_health[h.name];
        (key != last ? log_info : log_debug)(health_line(h));
        last = key;
      }
    }
  }
  for (const auto& h : (*runner)->health()) log_info(health_line(h));
  const auto& c = (*runner)->counters();
  log_info("ingest: committed " + std::to_string(c.posts) + " post(s), " +
           std::to_string(c.dead_letters) + " dead letter(s) in " + std::to_string(c.commits) +
           " transaction(s)");
  return kExitOk;
}

}  // namespace earshot::pipeline::cli
