// The reply planning stage (reply_stage.h).
#include "pipeline/react/reply_stage.h"

#include <chrono>

#include "pipeline/codec/json_codec.h"

namespace earshot::pipeline::react {

ReplyStage::ReplyStage(const config::Config& cfg, log::Log& log,
                       std::function<std::int64_t()> now_ms)
    : replies_(cfg.replies),
      topic_(cfg.log.topic("replies")),
      log_(log),
      now_ms_(std::move(now_ms)),
      planner_(cfg.replies) {
  if (!now_ms_) {
    now_ms_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

core::Result<std::unique_ptr<ReplyStage>> ReplyStage::create(const config::Config& cfg,
                                                             log::Log& log,
                                                             std::function<std::int64_t()> now_ms) {
  EARSHOT_TRY(log.create_topics({{cfg.log.topic("replies"), 3, /*compacted=*/true}}));
  std::unique_ptr<ReplyStage> s(new ReplyStage(cfg, log, std::move(now_ms)));
  EARSHOT_TRY(s->restore());
  return s;
}

core::Status ReplyStage::restore() {
  planner_ = ReplyPlanner(replies_);
  follow_.reset();
  auto consumer = log_.consumer({.group = "", .topics = {topic_}});
  if (!consumer) return std::unexpected(consumer.error());
  EARSHOT_TRY(log::read_to_end(
      **consumer,
      [&](log::Record& rec) {
        if (auto r = codec::decode_reply(rec.value)) planner_.observe(*r);
      },
      std::chrono::minutes(2), "the replies topic"));
  follow_ = std::move(*consumer);  // kept: approvals and sender states come in while we run
  stale_ = false;
  return core::ok();
}

core::Status ReplyStage::follow() {
  if (!follow_) return core::ok();
  auto polled = follow_->poll(10000, std::chrono::milliseconds(0));
  EARSHOT_TRY(polled);
  for (auto& rec : *polled) {
    if (auto r = codec::decode_reply(rec.value)) planner_.observe(*r);
  }
  return core::ok();
}

core::Status ReplyStage::handle(const std::vector<log::Record>& batch, log::Output& out) {
  if (stale_) {
    EARSHOT_TRY(restore());
  } else {
    EARSHOT_TRY(follow());  // the latest state of every reply, for late edits and deletes
  }
  const std::int64_t now = now_ms_();
  for (const auto& rec : batch) {
    auto sp = codec::decode_scored(rec.value);
    if (!sp) {
      ++skipped_;
      continue;
    }
    auto intent = planner_.plan(*sp, now);
    if (!planner_.note().empty()) {
      ++late_unblocked_;
      if (on_warning_) on_warning_(planner_.note());
    }
    if (!intent) continue;
    ++(intent->status == core::ReplyStatus::blocked ? blocked_ : planned_);
    if (intent->status == core::ReplyStatus::blocked) {
      std::lock_guard lock(guards_mu_);
      ++blocked_by_guard_[blocked_guard(intent->reason)];
    }
    out.emit(topic_, core::reply_topic_key(*intent), codec::encode(*intent));
    // A case is planned with the reply, never again for a late block (edited/deleted).
    if (auto c = intent->history.size() == 1 ? planner_.plan_case(*intent, now) : std::nullopt) {
      ++cases_;
      out.emit(topic_, core::reply_topic_key(*c), codec::encode(*c));
    }
  }
  return core::ok();
}

std::map<std::string, std::uint64_t> ReplyStage::blocked_by_guard() const {
  std::lock_guard lock(guards_mu_);
  return blocked_by_guard_;
}

std::string blocked_guard(std::string_view reason) {
  if (reason.starts_with("flag:")) return std::string(reason);
  return std::string(reason.substr(0, reason.find(':')));
}

log::LoopOptions reply_stage_loop_options(const config::Config& cfg, const std::string& instance) {
  log::LoopOptions o;
  o.group = cfg.log.group + ".replies";
  o.inputs = {cfg.log.topic("scored")};
  o.transactional_id = cfg.log.group + ".replies." + instance;
  return o;
}

}  // namespace earshot::pipeline::react
