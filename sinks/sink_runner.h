// earshot::sinks — delivers the alerts topic to every configured sink (config `sinks:`).
//
// One thread per sink, each with its own consumer group ("<log.group>.sink.<name>") on the
// alerts topic, so one slow or failing receiver never holds back another. For each alert, in
// topic order: skip it when below the sink's min_severity; otherwise deliver it (delivery.h:
// retries with exponential backoff and jitter, 429 Retry-After honoured) and commit the
// offset only after the receiver acknowledged it, or after it was written to the deadletter
// topic (stage "sink:<name>") once attempts ran out or the receiver refused it for good.
// A receiver answering 410 Gone disables its sink until restart: that alert and every later
// one are dead-lettered (reason "sink disabled: ...") without a request, SinkStats::disabled
// is set (the metric earshot_sink_disabled) and SinkRunnerOptions::on_warning says so once.
// The offset is committed once per poll, past the alerts acknowledged so far (not once per
// alert: a synchronous commit between two alerts would delay the second).
// Delivery is at-least-once: a sink stopped or killed mid-delivery sends the same alert
// again on restart, with the same idempotency key (webhook-id = alert id, PagerDuty
// dedup_key), so the receiver never acts twice; a second distinct alert is never produced.
//
// Sink types: webhook (Standard Webhooks signed), slack, pagerduty (alert_payloads.h), and
// kafka: when its topic is the alerts topic itself there is nothing to do (no thread);
// otherwise alerts are copied to that topic (at-least-once, key = dedup_key).
//
//   std::atomic<bool> stop{false};
//   auto runner = SinkRunner::start(cfg, *log);         // threads start here
//   ...                                                  // stop = true on SIGTERM
//   (*runner)->stop();                                   // joins; or run_sinks(cfg, *log, stop)
//   for (auto& s : (*runner)->stats()) ... s.name, s.delivered, s.dead ...
//
// Thread safety: stats() may be called from any thread. Lifetime: the Log must outlive the
// runner; the destructor stops and joins the threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/config/config.h"
#include "pipeline/core/http_client.h"
#include "pipeline/log/log.h"
#include "sinks/delivery.h"

namespace earshot::sinks {

struct SinkStats {
  std::string name;
  std::uint64_t delivered = 0;
  std::uint64_t attempts = 0;
  std::uint64_t dead = 0;
  std::uint64_t retries = 0;  // failed attempts that were tried again
  std::uint64_t skipped = 0;  // below min_severity, or undecodable (dead-lettered)
  std::uint64_t errors = 0;   // log errors (poll, commit) seen by the thread
  // Polls that left the sink at the end of every assigned partition with all it read handled
  // and committed: once this grows, everything on the topic before that poll is done with.
  std::uint64_t caught_up = 0;
  bool disabled = false;        // the receiver answered 410 Gone: nothing is sent any more
  std::string disabled_reason;  // "HTTP 410: ..." when disabled
};

struct SinkRunnerOptions {
  RetryPolicy retry;  // max_attempts comes from each SinkDef; retry.clock
                      // also times the pause after a failed poll
  // null: pipeline::http::make_cpprest_client() with the config's outbound policy
  std::shared_ptr<pipeline::core::HttpClient> http;
  std::chrono::milliseconds poll_timeout{200};
  // One readable line per change an operator should know about: the first failed attempt of
  // an alert (sink, status or error, what happens next), its final outcome after failures
  // (delivered on attempt N, or dead-lettered with the reason). Called from the sink
  // threads; optional (the CLI logs them).
  std::function<void(const std::string& line)> on_notice;
  // Told (from a sink thread) when a sink is disabled, with a line that names it; the caller
  // logs it (library code never prints). May be empty.
  std::function<void(const std::string&)> on_warning;
};

class SinkRunner {
 public:
  static pipeline::core::Result<std::unique_ptr<SinkRunner>> start(
      const pipeline::config::Config& cfg, pipeline::log::Log& log, SinkRunnerOptions options = {});
  ~SinkRunner();
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  // Asks every thread to stop (an in-flight delivery is abandoned, its offset not committed)
  // and joins them.
  void stop();
  std::vector<SinkStats> stats() const;

  struct Worker;  // sink_runner.cc

 private:
  SinkRunner() = default;
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

// The consumer group of one sink: "<cfg.log.group>.sink.<sink.name>".
std::string sink_group(const pipeline::config::Config& cfg, const pipeline::config::SinkDef& sink);

// Starts a SinkRunner and blocks until `stop` is set. Errors: the log's, at start.
pipeline::core::Status run_sinks(const pipeline::config::Config& cfg, pipeline::log::Log& log,
                                 const std::atomic<bool>& stop);

}  // namespace earshot::sinks
