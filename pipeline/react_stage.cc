#include "pipeline/react_stage.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "pipeline/json_codec.h"

namespace earshot::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

std::string now_rfc3339() {
  return format_rfc3339_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count());
}

std::string checkpoint_value(const std::string& topic, std::int32_t partition, std::int64_t next) {
  nlohmann::json j{{"v", kSchemaVersion}, {"topic", topic}, {"partition", partition}, {"next", next}};
  return j.dump();
}

// Reads `topic` from the beginning to its end (no consumer group), calling `fn` per record;
// `done` may end the read early. kTimeout after `timeout`.
template <class Fn, class Done>
Status read_to_end(Log& log, const std::string& topic, std::chrono::milliseconds timeout, Fn fn, Done done) {
  const auto deadline = Clock::now() + timeout;
  // A topic created a moment ago may not be known to every broker yet: retry a while.
  auto consumer = log.consumer({.group = "", .topics = {topic}});
  while (!consumer && consumer.error().code != ErrorCode::kFatal &&
         consumer.error().code != ErrorCode::kInvalidArgument && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    consumer = log.consumer({.group = "", .topics = {topic}});
  }
  if (!consumer) return std::unexpected(consumer.error());
  for (;;) {
    auto batch = (*consumer)->poll(1000, std::chrono::milliseconds(200));
    if (!batch) {
      if (batch.error().code == ErrorCode::kFatal) return std::unexpected(batch.error());
    } else {
      for (const Record& r : *batch) fn(r);
      if ((*consumer)->at_end() || done()) return ok();
    }
    if (Clock::now() > deadline) {
      return fail(ErrorCode::kTimeout, "react restore: reading " + topic + " did not reach its end in time");
    }
  }
}

}  // namespace

Result<std::unique_ptr<ReactHandler>> ReactHandler::create(Log& log, std::vector<AlertRuleDef> rules,
                                                           ReactOptions options) {
  options.windows.staged = false;  // aborts rebuild from the log instead (see the header)
  options.alerts.staged = false;
  std::unique_ptr<ReactHandler> h(new ReactHandler(log, std::move(options)));
  auto engine = AlertEngine::create(rules, h->options_.alerts);
  if (!engine) return std::unexpected(engine.error());
  h->alerts_ = std::move(*engine);
  h->rules_ = std::move(rules);
  h->windows_ = std::make_unique<Windows>(h->options_.windows);
  return h;
}

Result<std::map<std::int32_t, std::int64_t>> ReactHandler::read_checkpoints() {
  std::map<std::int32_t, std::int64_t> out;
  auto st = read_to_end(
      log_, options_.checkpoint_topic, options_.restore_timeout,
      [&](const Record& r) {
        auto j = nlohmann::json::parse(r.value, nullptr, /*allow_exceptions=*/false);
        if (!j.is_object() || !j.contains("topic") || !j.contains("partition") || !j.contains("next")) return;
        if (!j["topic"].is_string() || j["topic"].get<std::string>() != options_.mentions_topic) return;
        if (!j["partition"].is_number_integer() || !j["next"].is_number_integer()) return;
        out[j["partition"].get<std::int32_t>()] = j["next"].get<std::int64_t>();
      },
      [] { return false; });
  if (!st) return std::unexpected(st.error());
  return out;
}

Status ReactHandler::restore() {
  ++stats_.restores;
  auto engine = AlertEngine::create(rules_, options_.alerts);
  if (!engine) return std::unexpected(engine.error());
  alerts_ = std::move(*engine);
  windows_ = std::make_unique<Windows>(options_.windows);
  applied_.clear();
  auto ckpt = read_checkpoints();
  if (!ckpt) return std::unexpected(ckpt.error());
  if (ckpt->empty()) {
    stale_ = false;
    return ok();
  }
  std::map<std::int32_t, std::int64_t> seen;
  std::vector<Aggregate> aggs;
  std::vector<Alert> alerts;
  auto st = read_to_end(
      log_, options_.mentions_topic, options_.restore_timeout,
      [&](const Record& r) {
        seen[r.partition] = std::max(seen[r.partition], r.offset + 1);
        auto c = ckpt->find(r.partition);
        if (c == ckpt->end() || r.offset >= c->second) return;
        auto m = decode_mention(r.value);
        if (!m) return;
        aggs.clear();
        alerts.clear();
        if (apply(*m, aggs, alerts)) ++stats_.replayed;
      },
      [&] {
        for (const auto& [p, next] : *ckpt) {
          if (seen[p] < next) return false;
        }
        return true;
      });
  if (!st) return st;
  windows_->commit();
  alerts_->commit();
  applied_ = *ckpt;
  stale_ = false;
  return ok();
}

Status ReactHandler::apply(const Mention& m, std::vector<Aggregate>& aggs, std::vector<Alert>& alerts) {
  if (auto st = windows_->add(m, aggs); !st) return st;
  return alerts_->add(m, alerts);
}

Status ReactHandler::handle(const std::vector<Record>& batch, Output& out) {
  if (stale_) {
    if (auto st = restore(); !st) return fail(ErrorCode::kAbortable, "react restore: " + st.error().message);
  }
  // A partition whose committed checkpoint is not what this handler applied was processed
  // elsewhere (rebalance): rebuild before going on.
  std::set<std::int32_t> parts;
  for (const Record& r : batch) parts.insert(r.partition);
  bool unknown = false;
  for (auto p : parts) unknown = unknown || !applied_.contains(p);
  if (unknown) {
    auto ckpt = read_checkpoints();
    if (!ckpt) return fail(ErrorCode::kAbortable, ckpt.error().message);
    bool stale = false;
    for (auto p : parts) {
      auto c = ckpt->find(p);
      if (c != ckpt->end() && (!applied_.contains(p) || applied_[p] != c->second)) stale = true;
    }
    if (stale) {
      if (auto st = restore(); !st) return fail(ErrorCode::kAbortable, st.error().message);
    }
  }
  staged_applied_.clear();
  stats_before_ = stats_;
  std::vector<Aggregate> aggs;
  std::vector<Alert> alerts;
  for (const Record& r : batch) {
    auto& next = staged_applied_[r.partition];
    next = std::max(next, r.offset + 1);
    auto m = decode_mention(r.value);
    Status st = m ? apply(*m, aggs, alerts) : Status(std::unexpected(m.error()));
    if (!st) {
      DeadLetter d;
      d.reason = st.error().message;
      d.stage = "react";
      d.topic = r.topic;
      d.partition = r.partition;
      d.offset = r.offset;
      d.key = r.key;
      d.original = r.value;
      d.at = now_rfc3339();
      out.emit(options_.deadletter_topic, r.key, encode(d));
      ++stats_.bad;
      continue;
    }
    ++stats_.mentions;
  }
  for (const auto& a : aggs) out.emit(options_.aggregates_topic, aggregate_key(a), encode(a));
  for (const auto& a : alerts) out.emit(options_.alerts_topic, a.dedup_key, encode(a));
  stats_.aggregates += aggs.size();
  stats_.alerts += alerts.size();
  for (const auto& [p, next] : staged_applied_) {
    out.emit(options_.checkpoint_topic, options_.mentions_topic + "|" + std::to_string(p),
             checkpoint_value(options_.mentions_topic, p, next));
  }
  return ok();
}

void ReactHandler::forget_partitions(const std::vector<TopicPartition>& revoked) {
  for (const auto& tp : revoked) {
    if (tp.topic == options_.mentions_topic) applied_.erase(tp.partition);
  }
}

void ReactHandler::on_commit() {
  windows_->commit();
  alerts_->commit();
  for (const auto& [p, next] : staged_applied_) applied_[p] = next;
  staged_applied_.clear();
}

void ReactHandler::on_abort() {
  stale_ = true;
  staged_applied_.clear();
  stats_ = stats_before_;
}

ReactOptions react_options(const Config& cfg) {
  ReactOptions o;
  o.mentions_topic = cfg.log.topic("mentions");
  o.aggregates_topic = cfg.log.topic("aggregates");
  o.alerts_topic = cfg.log.topic("alerts");
  o.deadletter_topic = cfg.log.topic("deadletter");
  o.checkpoint_topic = cfg.log.group + ".react-checkpoint";
  o.windows.sizes = cfg.windows.sizes;
  o.windows.allowed_lateness = cfg.windows.allowed_lateness;
  return o;
}

LoopOptions react_loop_options(const Config& cfg, const std::string& instance) {
  LoopOptions o;
  o.group = cfg.log.group + ".react";
  o.inputs = {cfg.log.topic("mentions")};
  o.transactional_id = cfg.log.group + ".react-" + instance;
  return o;
}

Result<std::unique_ptr<ReactHandler>> make_react_handler(const Config& cfg, Log& log) {
  ReactOptions o = react_options(cfg);
  std::vector<TopicSpec> topics{{o.mentions_topic, cfg.log.partitions, false},
                                {o.aggregates_topic, cfg.log.partitions, true},
                                {o.alerts_topic, cfg.log.partitions, false},
                                {o.deadletter_topic, cfg.log.partitions, false},
                                {o.checkpoint_topic, cfg.log.partitions, true}};
  if (auto st = log.create_topics(topics); !st) return std::unexpected(st.error());
  auto h = ReactHandler::create(log, cfg.alerts, std::move(o));
  if (!h) return h;
  if (auto st = (*h)->restore(); !st) return std::unexpected(st.error());
  return h;
}

Status run_react(const Config& cfg, Log& log, const std::atomic<bool>& stop, const std::string& instance) {
  auto handler = make_react_handler(cfg, log);
  if (!handler) return std::unexpected(handler.error());
  auto loop = TransactionalLoop::create(log, react_loop_options(cfg, instance));
  if (!loop) return std::unexpected(loop.error());
  return (*loop)->run(**handler, stop);
}

}  // namespace earshot::pipeline
