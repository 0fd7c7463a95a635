// earshot::pipeline::react — the reply planning stage (issue 14): scored posts → ReplyIntents
// on the replies topic, exactly once (a BatchHandler of the transactional loop).
//
// For each scored post of a batch, ReplyPlanner (reply_planner.h) decides; an intent is
// emitted to the replies topic (compacted, key = post uid) in the batch's transaction. An
// undecodable scored record is counted (skipped(): process already validated it, so this
// is a bug elsewhere, not data to answer) and never stops the stream. State (posts planned,
// cooldowns, caps) is rebuilt from the replies topic itself: on start and after an aborted
// batch, restore() reads it to its end (read_committed) and observe()s every record, so a
// kill -9 neither re-plans a post nor forgets a cooldown. Between batches the stage keeps
// reading the topic (a non-blocking poll), so it knows each reply's latest state (approved
// through the API, sending/sent by the sender) when an edit or delete of its post arrives
// (the late guards of reply_planner.h).
//
//   auto h = ReplyStage::create(cfg, log);            // creates the replies topic, restores
//   auto loop = log::TransactionalLoop::create(log, reply_stage_loop_options(cfg, 0));
//   (*loop)->run(**h, stop);
//
// Thread safety: one thread (the loop's). Lifetime: the Log must outlive the handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "pipeline/config/config.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/react/reply_planner.h"

namespace earshot::pipeline::react {

class ReplyStage : public log::BatchHandler {
 public:
  static core::Result<std::unique_ptr<ReplyStage>> create(
      const config::Config& cfg, log::Log& log, std::function<std::int64_t()> now_ms = {});

  core::Status handle(const std::vector<log::Record>& batch, log::Output& out) override;
  void on_abort() override { stale_ = true; }

  std::uint64_t planned() const { return planned_.load(); }
  std::uint64_t blocked() const { return blocked_.load(); }
  std::uint64_t skipped() const { return skipped_.load(); }
  std::uint64_t cases() const { return cases_.load(); }  // helpdesk cases planned
  // Edits and deletes that came after their reply was already sending or sent (nothing is
  // recorded for them; each is reported through the warning callback, if set).
  std::uint64_t late_unblocked() const { return late_unblocked_.load(); }
  // One line per such edit or delete, on the loop thread. Set before the loop runs.
  void set_on_warning(std::function<void(std::string_view)> f) { on_warning_ = std::move(f); }
  // Blocked replies by guard (blocked_guard(): the reason without its detail).
  std::map<std::string, std::uint64_t> blocked_by_guard() const;

 private:
  ReplyStage(const config::Config& cfg, log::Log& log, std::function<std::int64_t()> now_ms);
  core::Status restore();
  core::Status follow();

  config::RepliesConfig replies_;
  std::string topic_;
  log::Log& log_;
  std::function<std::int64_t()> now_ms_;
  ReplyPlanner planner_;
  bool stale_ = true;
  std::unique_ptr<log::Consumer> follow_;  // the replies topic, read on before every batch
  std::function<void(std::string_view)> on_warning_;
  std::atomic<std::uint64_t> planned_{0}, blocked_{0}, skipped_{0}, cases_{0}, late_unblocked_{0};
  mutable std::mutex guards_mu_;
  std::map<std::string, std::uint64_t> blocked_by_guard_;
};

// The guard of a blocked reason, for a metric label: "no_template:de" -> "no_template",
// "placeholder:case_url" -> "placeholder"; "flag:sarcasm" and plain names stay as they are.
std::string blocked_guard(std::string_view reason);

// The loop options of the stage: group "<log.group>.replies", input the scored topic.
log::LoopOptions reply_stage_loop_options(const config::Config& cfg, const std::string& instance);

}  // namespace earshot::pipeline::react
