#include "pipeline/react/react_stage.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/duration.h"
#include "pipeline/core/time_zone.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::react {

namespace {

using Clock = std::chrono::steady_clock;

std::string now_rfc3339() {
  return core::format_rfc3339_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

std::string checkpoint_value(const std::string& topic, std::int32_t partition, std::int64_t next) {
  nlohmann::json j{
      {"v", core::kSchemaVersion}, {"topic", topic}, {"partition", partition}, {"next", next}};
  return j.dump();
}

}  // namespace

core::Result<std::unique_ptr<ReactHandler>> ReactHandler::create(
    log::Log& log, std::vector<config::AlertRuleDef> rules, ReactOptions options) {
  options.windows.staged = false;  // aborts rebuild from the log instead (see the header)
  options.alerts.staged = false;
  std::unique_ptr<ReactHandler> h(new ReactHandler(log, std::move(options)));
  ReactHandler* self = h.get();
  h->options_.windows.on_dropped_late = [self](const std::string& entity, std::int64_t delay) {
    self->note_late(entity, delay, false);
  };
  h->options_.alerts.on_beyond_lateness = [self](const std::string& entity, const std::string&,
                                                 std::int64_t delay) {
    self->note_late(entity, delay, true);
  };
  auto engine = AlertEngine::create(rules, h->options_.alerts);
  EARSHOT_TRY(engine);
  h->alerts_ = std::move(*engine);
  h->rules_ = std::move(rules);
  h->windows_ = std::make_unique<Windows>(h->options_.windows);
  return h;
}

std::int64_t ReactHandler::now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

core::Status ReactHandler::apply(const core::Mention& m, std::int32_t partition,
                                 std::vector<core::Aggregate>& aggs,
                                 std::vector<core::Alert>& alerts) {
  EARSHOT_TRY(windows_->add(m, aggs));
  PartitionState& part = parts_[partition];
  if (!part.entities.contains(m.entity)) part.entities.insert(m.entity);
  if (auto t = windows_->stream_time(m.entity); t && (!part.has_event || *t > part.max_event)) {
    part.max_event = *t;
    part.has_event = true;
  }
  return alerts_->add(m, alerts);
}

void ReactHandler::apply_advance(std::int32_t partition, std::int64_t to_ms,
                                 std::vector<core::Aggregate>& aggs,
                                 std::vector<core::Alert>& alerts) {
  auto it = parts_.find(partition);
  if (it == parts_.end()) return;
  for (const auto& e : it->second.entities) {
    windows_->advance(e, to_ms, aggs);
    alerts_->advance(e, to_ms, alerts);
  }
}

core::Status ReactHandler::idle_check(log::Output& out) {
  const std::int64_t t = now();
  last_idle_check_ = t;
  std::set<std::int32_t> assigned;
  if (assignment_) {
    for (const auto& tp : assignment_()) {
      if (tp.topic == options_.mentions_topic) assigned.insert(tp.partition);
    }
    EARSHOT_TRY(take_ownership(assigned));
  } else {
    assigned = owned_;
  }
  if (options_.idle_close.count() <= 0) return core::ok();
  std::vector<core::Aggregate> aggs;
  std::vector<core::Alert> alerts;
  for (auto p : assigned) {
    if (!owned_.contains(p)) continue;
    auto it = parts_.find(p);
    if (it == parts_.end() || !it->second.has_event) continue;
    PartitionState& part = it->second;
    const std::int64_t quiet = t - part.last_arrival;
    if (quiet < options_.idle_close.count()) continue;
    const std::int64_t to = part.max_event + quiet;
    std::optional<std::int64_t> due;
    for (const auto& e : part.entities) {
      for (auto c : {windows_->next_close(e), alerts_->next_close(e)}) {
        if (c && (!due || *c < *due)) due = c;
      }
    }
    if (!due || to < *due) continue;
    apply_advance(p, to, aggs, alerts);
    ++stats_.idle_advances;
    const std::int64_t at = applied_.contains(p) ? applied_[p] : 0;
    nlohmann::json j{{"v", core::kSchemaVersion},
                     {"topic", options_.mentions_topic},
                     {"partition", p},
                     {"at", at},
                     {"advance_to", to}};
    out.emit(options_.checkpoint_topic,
             options_.mentions_topic + "|" + std::to_string(p) + "|idle|" + std::to_string(at),
             j.dump());
  }
  for (auto& a : aggs) {
    a.model_version = options_.model_version;
    out.emit(options_.aggregates_topic, aggregate_key(a), codec::encode(a));
  }
  for (const auto& a : alerts) {
    out.emit(options_.alerts_topic, a.dedup_key, codec::encode(a));
    ++stats_.alerts_by_rule[{a.rule, a.status}];
  }
  stats_.aggregates += aggs.size();
  stats_.alerts += alerts.size();
  return core::ok();
}

core::Status ReactHandler::on_idle(log::Output& out) {
  if (stale_) {
    if (auto st = restore(); !st)
      return core::fail(core::ErrorCode::kAbortable, "react restore: " + st.error().message);
  }
  staged_applied_.clear();
  stats_before_ = stats_;
  if (auto st = idle_check(out); !st)
    return core::fail(core::ErrorCode::kAbortable, "react idle close: " + st.error().message);
  return core::ok();
}

core::Status ReactHandler::handle(const std::vector<log::Record>& batch, log::Output& out) {
  if (stale_) {
    if (auto st = restore(); !st)
      return core::fail(core::ErrorCode::kAbortable, "react restore: " + st.error().message);
  }
  std::set<std::int32_t> parts;
  for (const log::Record& r : batch) parts.insert(r.partition);
  if (auto st = take_ownership(parts); !st)
    return core::fail(core::ErrorCode::kAbortable, "react rebuild: " + st.error().message);
  staged_applied_.clear();
  stats_before_ = stats_;
  std::vector<core::Aggregate> aggs;
  std::vector<core::Alert> alerts;
  const std::int64_t t = now();
  for (const log::Record& r : batch) {
    auto& next = staged_applied_[r.partition];
    next = std::max(next, r.offset + 1);
    parts_[r.partition].last_arrival = t;
    auto m = codec::decode_mention(r.value);
    core::Status st =
        m ? apply(*m, r.partition, aggs, alerts) : core::Status(std::unexpected(m.error()));
    if (!st) {
      core::DeadLetter d;
      d.reason = st.error().message;
      d.stage = "react";
      d.topic = r.topic;
      d.partition = r.partition;
      d.offset = r.offset;
      d.key = r.key;
      d.original = r.value;
      d.at = now_rfc3339();
      out.emit(options_.deadletter_topic, r.key, codec::encode(d));
      ++stats_.bad;
      continue;
    }
    ++stats_.mentions;
  }
  for (auto& a : aggs) {
    a.model_version = options_.model_version;
    out.emit(options_.aggregates_topic, aggregate_key(a), codec::encode(a));
  }
  for (const auto& a : alerts) {
    out.emit(options_.alerts_topic, a.dedup_key, codec::encode(a));
    ++stats_.alerts_by_rule[{a.rule, a.status}];
  }
  stats_.aggregates += aggs.size();
  stats_.alerts += alerts.size();
  for (const auto& [p, next] : staged_applied_) {
    out.emit(options_.checkpoint_topic, options_.mentions_topic + "|" + std::to_string(p),
             checkpoint_value(options_.mentions_topic, p, next));
  }
  // A quiet partition among busy ones never gets an empty poll: check it here too.
  if (t - last_idle_check_ >= 1000) {
    if (auto st = idle_check(out); !st)
      return core::fail(core::ErrorCode::kAbortable, "react idle close: " + st.error().message);
  }
  return core::ok();
}

void ReactHandler::on_revoked(const std::vector<log::TopicPartition>& revoked) {
  for (const auto& tp : revoked) {
    if (tp.topic != options_.mentions_topic) continue;
    forget_partition(tp.partition);
    ++stats_.revoked;
  }
}

void ReactHandler::note_late(const std::string& entity, std::int64_t delay_ms, bool rule) {
  LateNote& n = late_notes_[entity];
  ++(rule ? n.rules : n.windows);
  if (!rule) ++stats_.late_beyond;
  n.max_delay_ms = std::max(n.max_delay_ms, delay_ms);
}

void ReactHandler::on_commit() {
  if (options_.on_notice) {
    const std::string bound = core::format_duration(options_.windows.allowed_lateness);
    for (const auto& [entity, n] : late_notes_) {
      if (n.windows == 0) continue;  // rule-only notes repeat what the windows said
      options_.on_notice(
          "react: " + std::to_string(n.windows) + " mention(s) of " + entity +
          " arrived more than " + bound + " (allowed_lateness) behind its newest, up to " +
          core::format_duration(std::chrono::milliseconds(n.max_delay_ms / 1000 * 1000)) +
          " behind: counted in earshot_react_late_beyond_total, not added to aggregates "
          "(customer, keyword and intent rules still judged them)");
    }
  }
  late_notes_.clear();
  {
    std::lock_guard lock(counters_mu_);
    published_.stage = stats_;
    published_.windows = windows_->stats();
    published_.windows_held = windows_->held();
    published_.rule_late = alerts_->stats().late;
    published_.suppressed_cooldown = alerts_->stats().suppressed_cooldown;
  }
  windows_->commit();
  alerts_->commit();
  for (const auto& [p, next] : staged_applied_) applied_[p] = next;
  staged_applied_.clear();
}

void ReactHandler::on_abort() {
  late_notes_.clear();
  stale_ = true;
  staged_applied_.clear();
  stats_ = stats_before_;
}

ReactOptions react_options(const config::Config& cfg) {
  ReactOptions o;
  o.mentions_topic = cfg.log.topic("mentions");
  o.aggregates_topic = cfg.log.topic("aggregates");
  o.alerts_topic = cfg.log.topic("alerts");
  o.deadletter_topic = cfg.log.topic("deadletter");
  o.checkpoint_topic = cfg.log.group + ".react-checkpoint";
  o.windows.sizes = cfg.windows.sizes;
  o.windows.allowed_lateness = cfg.windows.allowed_lateness;
  o.idle_close = cfg.windows.idle_close;
  o.alerts.allowed_lateness = cfg.windows.allowed_lateness;
  for (const auto& e : cfg.entities) o.alerts.entity_names[e.id] = e.name.empty() ? e.id : e.name;
  if (auto zone = core::TimeZone::find(cfg.alert_messages.time_zone)) o.alerts.time_zone = *zone;
  o.alerts.link_base = cfg.alert_messages.link_base(cfg.api);
  return o;
}

log::LoopOptions react_loop_options(const config::Config& cfg, const std::string& instance) {
  log::LoopOptions o;
  o.group = cfg.log.group + ".react";
  o.inputs = {cfg.log.topic("mentions")};
  o.transactional_id = cfg.log.group + ".react-" + instance;
  return o;
}

core::Result<std::unique_ptr<ReactHandler>> make_react_handler(const config::Config& cfg,
                                                               log::Log& log) {
  ReactOptions o = react_options(cfg);
  std::vector<log::TopicSpec> topics{{o.mentions_topic, cfg.log.partitions, false},
                                     {o.aggregates_topic, cfg.log.partitions, true},
                                     {o.alerts_topic, cfg.log.partitions, false},
                                     {o.deadletter_topic, cfg.log.partitions, false},
                                     {o.checkpoint_topic, cfg.log.partitions, true}};
  EARSHOT_TRY(log.create_topics(topics));
  auto h = ReactHandler::create(log, cfg.alerts, std::move(o));
  if (!h) return h;
  EARSHOT_TRY((*h)->restore());
  return h;
}

core::Status run_react(const config::Config& cfg, log::Log& log, const std::atomic<bool>& stop,
                       const std::string& instance) {
  auto handler = make_react_handler(cfg, log);
  EARSHOT_TRY(handler);
  auto loop = log::TransactionalLoop::create(log, react_loop_options(cfg, instance));
  EARSHOT_TRY(loop);
  log::Consumer* consumer = &(*loop)->consumer();
  (*handler)->set_assignment([consumer] { return consumer->assignment(); });
  return (*loop)->run(**handler, stop);
}

}  // namespace earshot::pipeline::react
