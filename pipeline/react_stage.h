// earshot::pipeline — the react stage: mentions → windowed aggregates and alerts.
//
// ReactHandler is the BatchHandler (transactional_loop.h) of `earshot react`. For each
// mention of a batch it updates the event-time windows (windows.h) and the alert rules
// (alert_rules.h), and emits, in the batch's Kafka transaction:
//   - Aggregate JSON to the aggregates topic, key "entity|size|start" (compacted topic);
//   - Alert JSON to the alerts topic, key = dedup_key;
//   - bad mentions (undecodable, bad created_at) to the deadletter topic;
//   - a checkpoint per input partition to the checkpoint topic (compacted), key
//     "<mentions topic>|<partition>", value {"v":1,"topic":..,"partition":..,"next":N}: the
//     same offsets the transaction commits for the consumer group.
// Staging: a batch's state changes become the committed state with its transaction. After
// an abort, on_abort() marks the state stale and the next handle() first rebuilds it with
// restore() (below) — exactly the state of the committed offsets — so an aborted batch leaves
// no trace. (An undo log per batch, windows.h `staged`, costs ~14x throughput: the hour
// windows' author and term sets would be copied every batch; aborts are rare.)
//
// Restart (chosen design: replay, not a state changelog). State is a pure function of the
// mentions each entity received, in partition order (windows and rules use per-entity event
// time only). restore() reads the checkpoint topic to its end — the exact offsets of the
// last committed transaction — and replays the mentions topic from the beginning up to
// those offsets without emitting anything. The result equals the state of an uninterrupted
// run, so the aggregates and alerts that follow are the same (a kill -9 included). The cost
// is a replay of the retained mentions on start (bounded by the topic's retention; windows
// older than the allowed lateness and the spike baseline do not matter). When a batch brings
// a partition this handler has not applied yet and whose checkpoint is ahead of what it
// applied (another instance processed it: a rebalance), the handler restores again before
// handling the batch. A partition that leaves and later comes back is only caught that way
// if forget_partitions() is called on revocation (TransactionalLoop does not pass its
// revocations on yet); with one react instance per group nothing else is needed.
//
//   auto log = open_log(...);
//   auto handler = make_react_handler(cfg, **log);                 // creates topics, restores
//   auto loop = TransactionalLoop::create(**log, react_loop_options(cfg, 0));
//   (*loop)->run(**handler, stop);
//   // or all of it: run_react(cfg, **log, stop);
//
// Thread safety: one thread (the loop's). Lifetime: the Log passed in must outlive the
// handler.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/alert_rules.h"
#include "pipeline/config.h"
#include "pipeline/log.h"
#include "pipeline/transactional_loop.h"
#include "pipeline/windows.h"

namespace earshot::pipeline {

struct ReactOptions {
  std::string mentions_topic = "earshot.mentions";
  std::string aggregates_topic = "earshot.aggregates";
  std::string alerts_topic = "earshot.alerts";
  std::string deadletter_topic = "earshot.deadletter";
  std::string checkpoint_topic = "earshot.react-checkpoint";
  WindowsOptions windows;
  AlertEngineOptions alerts;
  std::chrono::milliseconds restore_timeout{60'000};  // give up reading the log after this
};

struct ReactStats {
  std::uint64_t mentions = 0;
  std::uint64_t bad = 0;
  std::uint64_t aggregates = 0;
  std::uint64_t alerts = 0;
  std::uint64_t replayed = 0;   // mentions applied by restore()
  std::uint64_t restores = 0;
};

class ReactHandler final : public BatchHandler {
 public:
  // `log` is used by restore() (and kept for rebalance restores); it must outlive this.
  static Result<std::unique_ptr<ReactHandler>> create(Log& log, std::vector<AlertRuleDef> rules,
                                                      ReactOptions options);

  // Rebuilds the state from the log (see above). Called by make_react_handler().
  Status restore();

  Status handle(const std::vector<Record>& batch, Output& out) override;
  // Partitions taken away by a rebalance: their next batch is checked against the committed
  // checkpoint (and the state rebuilt when another instance moved it on).
  void forget_partitions(const std::vector<TopicPartition>& revoked);
  void on_commit() override;
  void on_abort() override;

  const ReactStats& stats() const { return stats_; }
  const Windows& windows() const { return *windows_; }
  const AlertEngine& alerts() const { return *alerts_; }
  const ReactOptions& options() const { return options_; }

 private:
  ReactHandler(Log& log, ReactOptions options) : log_(log), options_(std::move(options)) {}
  // Applies one mention; outputs go to the given vectors.
  Status apply(const Mention& m, std::vector<Aggregate>& aggs, std::vector<Alert>& alerts);
  Result<std::map<std::int32_t, std::int64_t>> read_checkpoints();

  Log& log_;
  ReactOptions options_;
  std::unique_ptr<Windows> windows_;
  std::unique_ptr<AlertEngine> alerts_;
  std::vector<AlertRuleDef> rules_;
  std::map<std::int32_t, std::int64_t> applied_;         // partition -> next offset applied
  std::map<std::int32_t, std::int64_t> staged_applied_;  // this batch's, until on_commit()
  ReactStats stats_, stats_before_;
  bool stale_ = false;  // an abort happened: restore() before the next batch
};

// ReactOptions from a Config: topics from cfg.log.topics, windows from cfg.windows, the
// checkpoint topic "<cfg.log.group>.react-checkpoint".
ReactOptions react_options(const Config& cfg);

// The loop options of `earshot react`: group "<cfg.log.group>.react", input the mentions
// topic, transactional id "<cfg.log.group>.react-<instance>".
LoopOptions react_loop_options(const Config& cfg, const std::string& instance = "0");

// Creates the topics react writes (aggregates and checkpoint compacted), builds the handler
// from cfg.alerts and restores its state. Errors: a bad rule (kInvalidArgument), the log's.
Result<std::unique_ptr<ReactHandler>> make_react_handler(const Config& cfg, Log& log);

// make_react_handler + TransactionalLoop::run until `stop`. Returns the loop's error
// (kFenced, kFatal) or ok() when stopped.
Status run_react(const Config& cfg, Log& log, const std::atomic<bool>& stop, const std::string& instance = "0");

}  // namespace earshot::pipeline
