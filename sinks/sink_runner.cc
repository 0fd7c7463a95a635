#include "sinks/sink_runner.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/duration.h"
#include "pipeline/core/status.h"
#include "pipeline/http/cpprest_client.h"
#include "sinks/alert_payloads.h"

namespace earshot::sinks {

using namespace std::chrono;
using pipeline::core::DeadLetter;
using pipeline::log::Record;

namespace {

std::string now_rfc3339() {
  return pipeline::core::format_rfc3339_ms(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::int64_t now_s() {
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct SinkRunner::Worker {
  pipeline::config::SinkDef def;
  std::string alerts_topic, deadletter_topic;
  std::unique_ptr<pipeline::log::Consumer> consumer;
  std::unique_ptr<pipeline::log::Producer> producer;  // dead letters, kafka copies
  std::shared_ptr<pipeline::core::HttpClient> http;
  RetryPolicy retry;
  milliseconds poll_timeout{200};
  std::function<void(const std::string&)> on_warning;
  mutable std::mutex mu;
  SinkStats stats;

  std::function<void(const std::string&)> on_notice;

  void notice(const std::string& line) const {
    if (on_notice) on_notice("sink " + def.name + ": " + line);
  }

  void bump(std::uint64_t SinkStats::*field, std::uint64_t n = 1) {
    std::lock_guard lock(mu);
    stats.*field += n;
  }

  // Writes a dead letter and flushes it; false when the log refused (then do not commit).
  bool dead_letter(const Record& r, const std::string& reason) {
    DeadLetter d;
    d.reason = reason;
    d.stage = "sink:" + def.name;
    d.topic = r.topic;
    d.partition = r.partition;
    d.offset = r.offset;
    d.key = r.key;
    d.original = r.value;
    d.at = now_rfc3339();
    if (!producer->produce(deadletter_topic, r.key, pipeline::codec::encode(d)) ||
        !producer->flush(seconds(10))) {
      bump(&SinkStats::errors);
      return false;
    }
    return true;
  }

  // Handles one alert record; true when its offset may be committed.
  bool handle(const Record& r, const std::atomic<bool>& stop) {
    auto alert = pipeline::codec::decode_alert(r.value);
    if (!alert) {
      bump(&SinkStats::skipped);
      return dead_letter(r, alert.error().message);
    }
    auto listed = [](const std::vector<std::string>& v, const std::string& x) {
      return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
    };
    if (severity_rank(alert->severity) < static_cast<int>(def.min_severity) ||
        !listed(def.entities, alert->entity) || !listed(def.severities, alert->severity)) {
      bump(&SinkStats::skipped);  // routed elsewhere (min_severity, entities, severities)
      return true;
    }
    if (def.type == "kafka") {
      if (!producer->produce(def.topic, alert->dedup_key, r.value) ||
          !producer->flush(seconds(10))) {
        bump(&SinkStats::errors);
        return false;
      }
      bump(&SinkStats::delivered);
      return true;
    }
    std::string disabled;
    {
      std::lock_guard lock(mu);
      if (stats.disabled) disabled = stats.disabled_reason;
    }
    if (!disabled.empty()) {  // never sent, never dropped: dead-lettered with the reason
      bump(&SinkStats::dead);
      return dead_letter(r, "sink disabled: " + disabled);
    }
    RetryPolicy p = retry;
    p.max_attempts = def.max_attempts;
    const std::string what = "alert " + alert->id + " (" + alert->rule + " on " + alert->entity +
                             ", " + alert->status + ")";
    p.on_retry = [&](int attempt, const std::string& reason, milliseconds wait) {
      bump(&SinkStats::retries);
      if (attempt == 1)
        notice(what + " failed: " + reason + "; retrying, up to " +
               std::to_string(def.max_attempts) + " attempts (next in " +
               pipeline::core::format_duration(std::max(wait, milliseconds(1))) + ")");
    };
    DeliveryResult res = deliver(
        *http, [&] { return build_request(def, *alert, now_s()); }, p, stop);
    bump(&SinkStats::attempts, static_cast<std::uint64_t>(res.attempts));
    switch (res.outcome) {
      case Outcome::delivered:
        bump(&SinkStats::delivered);
        if (res.attempts > 1)
          notice(what + " delivered on attempt " + std::to_string(res.attempts));
        return true;
      case Outcome::dead:
        bump(&SinkStats::dead);
        notice(what + " not delivered: " + res.reason + "; written to " + deadletter_topic +
               " (stage sink:" + def.name + "), not retried");
        return dead_letter(r, res.reason);
      case Outcome::stopped:
        return false;
      case Outcome::gone: {
        {
          std::lock_guard lock(mu);
          stats.disabled = true;
          stats.disabled_reason = res.reason;
          ++stats.dead;
        }
        if (on_warning)
          on_warning("sink " + def.name + " disabled: the receiver answered " + res.reason +
                     "; its alerts go to the deadletter topic until restart");
        return dead_letter(r, "sink disabled: " + res.reason);
      }
    }
    return false;
  }

  void run(const std::atomic<bool>& stop) {
    while (!stop.load()) {
      auto batch = consumer->poll(20, poll_timeout);
      if (!batch) {
        bump(&SinkStats::errors);
        retry.clock.sleep_for(milliseconds(100));
        continue;
      }
      // Deliver the poll's alerts in order, then commit once past the acknowledged ones: one
      // offset commit per poll instead of per alert keeps it off the delivery path of the
      // next alert (a crash in between re-sends acknowledged alerts with the same id).
      pipeline::log::Offsets acked;
      bool failed = false;
      for (const Record& r : *batch) {
        if (!handle(r, stop)) {
          failed = true;  // not acknowledged: back to the committed position, try again later
          break;
        }
        acked[{r.topic, r.partition}] = r.offset + 1;
      }
      if (!acked.empty() && !consumer->commit(acked)) {
        bump(&SinkStats::errors);
        failed = true;
      }
      if (failed)
        (void)consumer->rewind();
      else if (consumer->at_end())
        bump(&SinkStats::caught_up);
    }
  }
};

std::string sink_group(const pipeline::config::Config& cfg, const pipeline::config::SinkDef& sink) {
  return cfg.log.group + ".sink." + sink.name;
}

pipeline::core::Result<std::unique_ptr<SinkRunner>> SinkRunner::start(
    const pipeline::config::Config& cfg, pipeline::log::Log& log, SinkRunnerOptions options) {
  std::unique_ptr<SinkRunner> runner(new SinkRunner());
  const std::string alerts = cfg.log.topic("alerts");
  const std::string deadletter = cfg.log.topic("deadletter");
  std::vector<pipeline::log::TopicSpec> topics{{alerts, cfg.log.partitions, false},
                                               {deadletter, cfg.log.partitions, false}};
  for (const auto& def : cfg.sinks) {
    if (def.type == "kafka" && def.topic != alerts)
      topics.push_back({def.topic, cfg.log.partitions, false});
  }
  EARSHOT_TRY(log.create_topics(topics));
  std::shared_ptr<pipeline::core::HttpClient> http =
      options.http ? options.http
                   : pipeline::http::make_cpprest_client(
                         {.address_policy = pipeline::config::address_policy(cfg.outbound)});
  for (const auto& def : cfg.sinks) {
    if (def.type == "kafka" && def.topic == alerts) continue;  // the alerts topic is the sink
    auto w = std::make_unique<Worker>();
    w->def = def;
    w->alerts_topic = alerts;
    w->deadletter_topic = deadletter;
    w->http = http;
    w->retry = options.retry;
    w->poll_timeout = options.poll_timeout;
    w->on_notice = options.on_notice;
    w->on_warning = options.on_warning;
    w->stats.name = def.name;
    auto consumer = log.consumer({.group = sink_group(cfg, def), .topics = {alerts}});
    EARSHOT_TRY(consumer);
    w->consumer = std::move(*consumer);
    auto producer = log.producer({});
    EARSHOT_TRY(producer);
    w->producer = std::move(*producer);
    runner->workers_.push_back(std::move(w));
  }
  for (auto& w : runner->workers_) {
    Worker* worker = w.get();
    std::atomic<bool>* stop = &runner->stop_;
    runner->threads_.emplace_back([worker, stop] { worker->run(*stop); });
  }
  return runner;
}

SinkRunner::~SinkRunner() { stop(); }

void SinkRunner::stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::vector<SinkStats> SinkRunner::stats() const {
  std::vector<SinkStats> out;
  for (const auto& w : workers_) {
    std::lock_guard lock(w->mu);
    out.push_back(w->stats);
  }
  return out;
}

pipeline::core::Status run_sinks(const pipeline::config::Config& cfg, pipeline::log::Log& log,
                                 const std::atomic<bool>& stop) {
  auto runner = SinkRunner::start(cfg, log);
  EARSHOT_TRY(runner);
  while (!stop.load()) std::this_thread::sleep_for(milliseconds(100));
  (*runner)->stop();
  return pipeline::core::ok();
}

}  // namespace earshot::sinks
