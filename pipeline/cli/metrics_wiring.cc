#include "pipeline/cli/metrics_wiring.h"

#include <nlohmann/json.hpp>

#include "ingest/ingest_runner.h"
#include "pipeline/cli/cli_common.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/process/process_stage.h"
#include "pipeline/react/react_stage.h"
#include "sinks/api.h"
#include "sinks/http_server.h"
#include "sinks/sink_runner.h"

namespace earshot::pipeline::cli {

using pipeline::core::CollectorHandle;
using pipeline::core::MetricsRegistry;
using pipeline::core::MetricsWriter;

namespace {

double num(const std::atomic<std::uint64_t>& v) {
  return static_cast<double>(v.load(std::memory_order_relaxed));
}
double num(std::int64_t v) { return static_cast<double>(v); }

}  // namespace

MetricsHub::MetricsHub() : started_(std::chrono::system_clock::now()) {
  own_ = registry_.add_collector([this](core::MetricsWriter& w) {
    w.gauge("earshot_build_info", "Version of the running earshot", {{"version", EARSHOT_VERSION}},
            1);
    w.gauge("earshot_start_time_seconds", "When this process started, seconds since the Unix epoch",
            {}, std::chrono::duration<double>(started_.time_since_epoch()).count());
    std::lock_guard lock(mu_);
    for (const auto& [role, state] : roles_) {
      w.gauge("earshot_role_state", "1 for the current state of each role this process runs",
              {{"role", role}, {"state", state}}, 1);
    }
  });
}

void MetricsHub::set_role_state(const std::string& role, const std::string& state) {
  std::lock_guard lock(mu_);
  roles_[role] = state;
}

void MetricsHub::install(sinks::HttpServer& server) {
  server.route("/metrics", sinks::Access::kPublic, [this](const sinks::ServerRequest&) {
    return sinks::ServerResponse{
        200, "text/plain; version=0.0.4; charset=utf-8", registry_.render(), {}};
  });
  server.route("/healthz", sinks::Access::kPublic, [this](const sinks::ServerRequest&) {
    nlohmann::json roles = nlohmann::json::object();
    bool failed = false;
    {
      std::lock_guard lock(mu_);
      for (const auto& [role, state] : roles_) {
        roles[role] = state;
        failed |= state == "failed";
      }
    }
    nlohmann::json body{{"status", failed ? "failed" : "ok"}, {"roles", roles}};
    return sinks::ServerResponse::json(failed ? 503 : 200, body.dump());
  });
}

core::CollectorHandle watch_loop(core::MetricsRegistry* registry, const std::string& role,
                                 const pipeline::log::TransactionalLoop& loop) {
  if (!registry) return {};
  return registry->add_collector([role, &loop](core::MetricsWriter& w) {
    const pipeline::log::LoopStats& s = loop.stats();
    pipeline::core::MetricLabels l{{"role", role}};
    w.counter("earshot_loop_batches_total", "Batches committed by the exactly-once loop", l,
              num(s.batches));
    w.counter("earshot_loop_records_in_total", "Input records in committed batches", l,
              num(s.records_in));
    w.counter("earshot_loop_records_out_total", "Output records in committed batches", l,
              num(s.records_out));
    w.counter("earshot_loop_aborts_total", "Transactions aborted (the batch is read again)", l,
              num(s.aborts));
    w.counter("earshot_loop_producer_reopens_total",
              "Fenced producers replaced by a new one (a transaction the broker aborted)", l,
              num(s.producer_reopens));
    w.counter("earshot_loop_rewind_retries_total",
              "Rewinds after an abort retried because the committed offsets were unreadable", l,
              num(s.rewind_retries));
    w.counter("earshot_loop_revocations_total", "Partition revocations seen by the loop", l,
              num(s.revocations));
    w.counter("earshot_loop_unknown_commits_total",
              "Commits whose answer never came (producer recreated; outcome read back)", l,
              num(s.unknown_commits));
    w.counter("earshot_loop_unknown_committed_total",
              "Unknown commits the group's offsets showed committed", l,
              num(s.unknown_committed));
    w.gauge("earshot_loop_last_batch_seconds", "Wall time of the last batch, handle to commit", l,
            num(s.last_batch_us) / 1e6);
    w.gauge("earshot_loop_last_commit_seconds", "Wall time of the last commit", l,
            num(s.last_commit_us) / 1e6);
    w.gauge("earshot_loop_inflight_bytes", "Input bytes of the batches the loop holds now", l,
            num(s.inflight_bytes));
    w.gauge("earshot_loop_lag_records",
            "Records left to read in the assigned partitions after the last batch", l,
            num(s.lag));
  });
}

core::CollectorHandle watch_process(core::MetricsRegistry* registry,
                                    const pipeline::process::ProcessCounters& c) {
  if (!registry) return {};
  return registry->add_collector([&c](core::MetricsWriter& w) {
    w.counter("earshot_process_records_in_total", "Posts handled by the process stage", {},
              num(c.records_in));
    w.counter("earshot_process_scored_total", "Scored posts written", {}, num(c.scored));
    w.counter("earshot_process_mentions_total", "Mentions written", {}, num(c.mentions));
    w.counter("earshot_process_duplicates_total", "Exact duplicates dropped", {},
              num(c.duplicates));
    w.counter("earshot_process_near_duplicates_total", "Posts flagged near_duplicate", {},
              num(c.near_duplicates));
    w.counter("earshot_process_deletes_total", "Platform deletes applied", {}, num(c.deletes));
    w.counter("earshot_process_edits_total",
              "Newer versions of known posts passed on flagged edited", {}, num(c.edits));
    w.gauge("earshot_process_last_batch_seconds", "Wall time of the last handle()", {},
            num(c.last_batch_us) / 1e6);
    w.counter("earshot_process_dead_letters_total", "Dead letters written, all reasons", {},
              num(c.dead_letters));
    w.declare_counter("earshot_process_dead_letters_by_reason_total",
                      "Dead letters written, by reason class");
    for (const auto& [reason, n] : c.dead_letters_by_reason()) {
      w.counter("earshot_process_dead_letters_by_reason_total",
                "Dead letters written, by reason class", {{"reason", reason}},
                static_cast<double>(n));
    }
  });
}

core::CollectorHandle watch_ingest(core::MetricsRegistry* registry,
                                   const ingest::IngestRunner& runner) {
  if (!registry) return {};
  return registry->add_collector([&runner](core::MetricsWriter& w) {
    const ingest::IngestCounters& c = runner.counters();
    w.counter("earshot_ingest_posts_total", "Posts committed to the posts topic", {}, num(c.posts));
    w.counter("earshot_ingest_dead_letters_total", "Dead letters committed by ingest", {},
              num(c.dead_letters));
    w.counter("earshot_ingest_commits_total", "Ingest transactions committed", {}, num(c.commits));
    w.counter("earshot_ingest_aborts_total", "Ingest transactions aborted", {}, num(c.aborts));
    w.counter("earshot_ingest_poll_errors_total", "Source polls that failed", {},
              num(c.poll_errors));
    for (const ingest::SourceHealth& h : runner.health()) {
      pipeline::core::MetricLabels l{{"source", h.name}};
      w.gauge("earshot_source_state", "1 for the current state of each source",
              {{"source", h.name}, {"state", h.state}}, 1);
      w.counter("earshot_source_posts_total", "Posts a source handed out", l, num(h.posts));
      w.counter("earshot_source_committed_posts_total",
                "Posts of a source in committed transactions", l, num(h.committed_posts));
      w.counter("earshot_source_dead_letters_total", "Dead letters a source handed out", l,
                num(h.dead));
      const std::pair<const char*, std::int64_t> kinds[] = {{"http_4xx", h.http_4xx},
                                                            {"http_5xx", h.http_5xx},
                                                            {"network", h.network_errors},
                                                            {"parse", h.parse_errors}};
      for (const auto& [kind, n] : kinds) {
        w.counter("earshot_source_errors_total", "Source failures by kind",
                  {{"source", h.name}, {"kind", kind}}, num(n));
      }
      for (const auto& [reason, n] : h.rejected) {
        w.counter("earshot_source_rejected_total",
                  "Requests a push source refused (401, 413, 431, 408, ...), by reason",
                  {{"source", h.name}, {"reason", reason}}, num(n));
      }
      w.counter("earshot_source_rate_limit_waits_total", "Pauses for rate limits", l,
                num(h.rate_limit_waits));
      w.counter("earshot_source_reconnects_total", "Streaming reconnects", l, num(h.reconnects));
      w.counter("earshot_source_stalls_total", "Times the stall detector fired", l, num(h.stalls));
      w.gauge("earshot_source_lag_seconds", "ingested_at - created_at of the newest committed post",
              l, h.lag_seconds);
      w.gauge("earshot_source_last_commit_timestamp_seconds",
              "Wall clock of the last commit (0 = none)", l, num(h.last_commit_ms) / 1e3);
    }
  });
}

core::CollectorHandle watch_sinks(core::MetricsRegistry* registry,
                                  const sinks::SinkRunner& runner) {
  if (!registry) return {};
  return registry->add_collector([&runner](core::MetricsWriter& w) {
    for (const sinks::SinkStats& s : runner.stats()) {
      pipeline::core::MetricLabels l{{"sink", s.name}};
      w.counter("earshot_sink_delivered_total", "Alerts the receiver acknowledged", l,
                static_cast<double>(s.delivered));
      w.counter("earshot_sink_attempts_total", "Delivery attempts", l,
                static_cast<double>(s.attempts));
      w.counter("earshot_sink_retries_total", "Failed delivery attempts that were tried again", l,
                static_cast<double>(s.retries));
      w.counter("earshot_sink_dead_total", "Alerts given up on (dead-lettered)", l,
                static_cast<double>(s.dead));
      w.counter("earshot_sink_skipped_total", "Alerts below min_severity or undecodable", l,
                static_cast<double>(s.skipped));
      w.counter("earshot_sink_errors_total", "Log errors seen by the sink thread", l,
                static_cast<double>(s.errors));
      w.gauge("earshot_sink_disabled", "1 when the receiver answered 410 Gone (sink disabled)", l,
              s.disabled ? 1.0 : 0.0);
    }
  });
}

core::CollectorHandle watch_react(core::MetricsRegistry* registry,
                                  const pipeline::react::ReactHandler& handler) {
  if (!registry) return {};
  return registry->add_collector([&handler](core::MetricsWriter& w) {
    const pipeline::react::ReactCounters c = handler.counters();
    auto n = [](std::uint64_t v) { return static_cast<double>(v); };
    w.counter("earshot_react_mentions_total", "Mentions applied", {}, n(c.stage.mentions));
    w.counter("earshot_react_bad_total", "Mentions dead-lettered by react", {}, n(c.stage.bad));
    w.counter("earshot_react_aggregates_total", "Aggregates emitted (first and updated)", {},
              n(c.stage.aggregates));
    w.counter("earshot_react_late_updates_total",
              "Windows updated and re-emitted by a late mention within allowed_lateness", {},
              n(c.windows.late_updates));
    w.counter("earshot_react_late_beyond_total",
              "Mentions beyond allowed_lateness: not added to aggregates (logged)", {},
              n(c.stage.late_beyond));
    w.counter("earshot_react_rule_late_total",
              "Late (mention, rule) pairs counted in an earlier rule window", {}, n(c.rule_late));
    w.counter("earshot_react_cooldown_suppressed_total",
              "Alert triggers suppressed by a rule's cooldown", {}, n(c.suppressed_cooldown));
    w.gauge("earshot_react_windows_held", "Aggregate windows held in memory", {},
            static_cast<double>(c.windows_held));
    for (const auto& [key, count] : c.stage.alerts_by_rule) {
      w.counter("earshot_react_alerts_total", "Alerts emitted, by rule and status",
                {{"rule", key.first}, {"status", key.second}}, n(count));
    }
  });
}

core::CollectorHandle watch_api(core::MetricsRegistry* registry, const sinks::ApiStore& store,
                                const sinks::ApiFollower& follower,
                                const sinks::HttpServer& server) {
  if (!registry) return {};
  return registry->add_collector([&store, &follower, &server](core::MetricsWriter& w) {
    w.counter("earshot_api_aggregates_applied_total", "Aggregates read by serve", {},
              static_cast<double>(store.aggregates_applied()));
    w.counter("earshot_api_alerts_applied_total", "Alerts read by serve", {},
              static_cast<double>(store.alerts_applied()));
    w.counter("earshot_api_bad_records_total", "Undecodable aggregate or alert records", {},
              static_cast<double>(store.bad_records()));
    w.counter("earshot_api_log_errors_total", "Failed polls of the serve follower", {},
              static_cast<double>(follower.errors()));
    w.gauge("earshot_api_caught_up", "1 once serve has read both topics to their end", {},
            follower.caught_up() ? 1 : 0);
    w.counter("earshot_api_unauthorized_total", "API requests answered 401", {},
              static_cast<double>(server.unauthorized()));
  });
}

std::unique_ptr<sinks::HttpServer> serve_metrics_or_exit(MetricsHub& hub,
                                                         const std::string& listen) {
  if (listen.empty()) return nullptr;
  auto server = std::make_unique<sinks::HttpServer>(sinks::HttpServerOptions{.listen = listen});
  hub.install(*server);
  if (auto st = server->start(); !st) throw Exit{kExitRuntime, "metrics: " + st.error().message};
  log_info("metrics: " + server->url() + "/metrics");
  return server;
}

}  // namespace earshot::pipeline::cli
