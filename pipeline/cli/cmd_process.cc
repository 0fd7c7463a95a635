// earshot process --config FILE [--instance ID] [--exit-when-idle SECONDS]
// Consumes posts; produces scored, mentions and dead letters exactly once (one Kafka or
// embedded transaction per batch, with the consumed offsets). Several instances with
// different --instance ids form one consumer group and split the partitions. SIGTERM or
// SIGINT finish or abort the open batch, never half-commit it. Memory: process.batch_size
// and process.max_inflight_bytes bound the input held at once (see transactional_loop.h).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string_view>
#include <thread>
#include <utility>

#include "pipeline/cli/cli_common.h"
#include "pipeline/cli/fault_hook.h"
#include "pipeline/cli/metrics_wiring.h"
#include "pipeline/cli/roles.h"
#include "pipeline/http/cpprest_client.h"
#include "pipeline/process/process_stage.h"

namespace earshot::pipeline::cli {

int run_process_role(const pipeline::config::Config& config, pipeline::log::Log& log,
                     const RoleOptions& options) {
  // The IO the customer directories use: this log for `kafka`, cpprestsdk for `http`.
  auto enricher = pipeline::process::Enricher::build(
      &config, "",
      {.http = pipeline::http::make_cpprest_client(
           {.address_policy = pipeline::config::address_policy(config.outbound)}),
       .log = &log});
  if (!enricher) throw Exit{kExitUsage, enricher.error().message};
  pipeline::process::ProcessTopics topics{config.log.topic("posts"), config.log.topic("scored"),
                                          config.log.topic("mentions"),
                                          config.log.topic("deadletter"), dedup_topic(config)};
  int threads = config.process.threads > 0
                    ? config.process.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  pipeline::process::ProcessCounters counters;
  // The stage reports what it recovered from (a corrupt dedup changelog record); we log it.
  pipeline::process::ProcessOptions stage_options{
      .threads = threads,
      .dedup_capacity = static_cast<std::size_t>(config.process.dedup_capacity),
      .on_warning = [](std::string_view warning) {
        std::fprintf(stderr, "earshot process: warning: %.*s\n", static_cast<int>(warning.size()),
                     warning.data());
      }};
  pipeline::process::ProcessStage stage(**enricher, topics, std::move(stage_options), &counters);
  if (auto st = stage.restore(log); !st) throw Exit{kExitRuntime, st.error().message};
  const std::string group = config.log.group + ".process";
  auto loop = pipeline::log::TransactionalLoop::create(
      log, {.group = group,
            .inputs = {topics.posts},
            .transactional_id = group + "-" + options.instance,
            .batch_size = static_cast<std::size_t>(config.process.batch_size),
            .poll_timeout = std::chrono::milliseconds(200),
            .on_committed = {},
            // The loop holds at most two input batches (one committing, one prepared), each
            // with outputs of about its size: a quarter of the budget per batch.
            .max_batch_bytes = static_cast<std::size_t>(config.process.max_inflight_bytes / 4),
            .on_point = fault_hook("process")});
  if (!loop) throw Exit{kExitRuntime, loop.error().message};
  // /metrics collectors; declared after what they read, so they are destroyed first.
  auto watched_loop = watch_loop(options.metrics, "process", **loop);
  auto watched_counters = watch_process(options.metrics, counters);
  log_info("process: " + log.describe() + ", group " + group + ", instance " + options.instance +
           ", " + std::to_string(threads) + " thread(s), batches of at most " +
           std::to_string(config.process.batch_size) + " posts / " +
           std::to_string(config.process.max_inflight_bytes / 4) + " bytes, dedup capacity " +
           std::to_string(config.process.dedup_capacity) + " uids, model " +
           std::string((*enricher)->scorer().id()));
  auto idle_since = std::chrono::steady_clock::now();
  auto last_report = idle_since;
  while (!g_stop && (!options.stop || !options.stop->load())) {
    auto n = (*loop)->step(stage);
    if (!n) throw Exit{kExitRuntime, "process: " + n.error().message};
    auto now = std::chrono::steady_clock::now();
    if (*n > 0) idle_since = now;
    if (options.report && now - last_report > std::chrono::seconds(5)) {
      last_report = now;
      log_debug("process: in " + std::to_string(counters.records_in) + ", scored " +
               std::to_string(counters.scored) + ", mentions " + std::to_string(counters.mentions) +
               ", dead letters " + std::to_string(counters.dead_letters) + ", duplicates " +
               std::to_string(counters.duplicates));
    }
    if (options.exit_when_idle.count() > 0 && now - idle_since > options.exit_when_idle &&
        (*loop)->caught_up())
      break;
  }
  const auto& s = (*loop)->stats();
  log_info("process: committed " + std::to_string(s.batches) + " batch(es), " +
           std::to_string(s.records_in) + " record(s) in, " + std::to_string(s.records_out) +
           " out, " + std::to_string(s.aborts) + " abort(s), " +
           std::to_string(s.producer_reopens) + " producer reopen(s), " +
           std::to_string(s.unknown_commits) + " unknown commit(s), " +
           std::to_string(s.unknown_committed) + " of them committed; scored " +
           std::to_string(counters.scored) + ", dead letters " +
           std::to_string(counters.dead_letters) + ", duplicates " +
           std::to_string(counters.duplicates) + ", near-duplicates " +
           std::to_string(counters.near_duplicates) + ", edits " +
           std::to_string(counters.edits));
  return kExitOk;
}

}  // namespace earshot::pipeline::cli
