// earshot::pipeline::react — the react stage: mentions → windowed aggregates and alerts.
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
// time only), plus the idle advances below. restore() reads the checkpoint topic to its end
// — the exact offsets of the last committed transaction — and replays the mentions topic
// from the beginning up to those offsets without emitting anything. The result equals the
// state of an uninterrupted run, so the aggregates and alerts that follow are the same (a
// kill -9 included). The cost is a replay of the retained mentions on start (bounded by the
// topic's retention; windows older than the allowed lateness and the spike baseline do not
// matter).
//
// Quiet streams (windows.idle_close, ReactOptions::idle_close). Windows and rule windows
// close when a newer mention arrives; the last ones of a stream that goes quiet would never
// close. When a partition this handler owns has had no record for idle_close (on the
// injectable clock ReactOptions::now_ms), its entities' stream time is advanced to the
// partition's latest event time + the wall time since its last record, as soon as that
// closes something (a window to emit, a rule window with mentions or an open alert): the
// aggregates are emitted, rules judged (alerts fire or resolve), in a transaction. This
// makes the output of quiet streams depend on arrival timing (only theirs: a partition
// that keeps receiving records is never advanced). Each advance is written to the
// checkpoint topic (key "<mentions>|<partition>|idle|<next offset>", value {"v":1,
// "topic","partition","at":<next offset>,"advance_to":<ms>}) in the same transaction, and
// restore() re-applies it at the same point of the replay, so restarts stay exact. It is
// checked from on_idle() (a poll with no records) and, at most once a second, after a
// batch (a quiet partition among busy ones).
//
// Rebalance. on_revoked() forgets the revoked partitions' state (their entities' windows
// and rule states). The first time a partition is handled after that (or after start), its
// committed checkpoint is compared with what this handler applied; when another instance
// moved it on, that partition alone is rebuilt by replay, as on start. With
// set_assignment() (run_react and `earshot react` wire it to the loop's consumer), newly
// assigned quiet partitions are rebuilt from on_idle() too, and only assigned partitions
// are ever advanced.
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
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pipeline/config/config.h"
#include "pipeline/log/log.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/react/alert_rules.h"
#include "pipeline/react/windows.h"

namespace earshot::pipeline::react {

struct ReactOptions {
  std::string mentions_topic = "earshot.mentions";
  std::string aggregates_topic = "earshot.aggregates";
  std::string alerts_topic = "earshot.alerts";
  std::string deadletter_topic = "earshot.deadletter";
  std::string checkpoint_topic = "earshot.react-checkpoint";
  WindowsOptions windows;
  AlertEngineOptions alerts;
  std::chrono::milliseconds restore_timeout{60'000};  // give up reading the log after this
  // Close the windows of a partition quiet for this long (wall clock); 0 = never.
  std::chrono::milliseconds idle_close{30'000};
  // Monotonic clock in ms for idle_close; empty = std::chrono::steady_clock.
  std::function<std::int64_t()> now_ms;
  // Receives one readable line when something changes that an operator should know about
  // (late mentions beyond allowed_lateness: entity, count, delay), after the transaction
  // that saw it committed; never during a restore. Optional (the CLI logs them).
  std::function<void(const std::string& line)> on_notice;
  // Stamped on every Aggregate emitted (core::Aggregate::model_version): set by
  // `earshot reprocess` (issue 17) for its versioned outputs; empty for the live pipeline.
  std::string model_version;
};

struct ReactStats {
  std::uint64_t mentions = 0;
  std::uint64_t bad = 0;
  std::uint64_t aggregates = 0;
  std::uint64_t alerts = 0;
  std::uint64_t replayed = 0;  // mentions applied by restore()
  std::uint64_t restores = 0;
  std::uint64_t partial_restores = 0;  // one partition rebuilt after a rebalance
  std::uint64_t idle_advances = 0;     // partitions advanced on the wall clock
  std::uint64_t revoked = 0;           // partitions forgotten on revocation
  std::uint64_t late_beyond = 0;       // mentions beyond allowed_lateness (not in aggregates)
  std::map<std::pair<std::string, std::string>, std::uint64_t> alerts_by_rule;  // rule, status
};

// What /metrics shows of a react handler: its stats and the windows' and rules' counters,
// as of the last committed transaction.
struct ReactCounters {
  ReactStats stage;
  WindowsStats windows;
  std::size_t windows_held = 0;
  std::uint64_t rule_late = 0;  // (mention, rule) pairs counted in an earlier rule window
  std::uint64_t suppressed_cooldown = 0;
};

class ReactHandler final : public log::BatchHandler {
 public:
  // `log` is used by restore() (and kept for rebalance restores); it must outlive this.
  static core::Result<std::unique_ptr<ReactHandler>> create(log::Log& log,
                                                            std::vector<config::AlertRuleDef> rules,
                                                            ReactOptions options);

  // Rebuilds the state from the log (see above). Called by make_react_handler().
  core::Status restore();

  core::Status handle(const std::vector<log::Record>& batch, log::Output& out) override;
  // Closes the windows of quiet partitions (see "Quiet streams").
  core::Status on_idle(log::Output& out) override;
  // Forgets the state of the revoked partitions (see "Rebalance").
  void on_revoked(const std::vector<log::TopicPartition>& revoked) override;
  void forget_partitions(const std::vector<log::TopicPartition>& revoked) { on_revoked(revoked); }
  void on_commit() override;
  void on_abort() override;

  // Where the handler learns which partitions it owns now (the loop's consumer assignment).
  // Without it, a partition counts as owned once one of its batches was handled.
  void set_assignment(std::function<std::vector<log::TopicPartition>()> assignment) {
    assignment_ = std::move(assignment);
  }

  // Where operator notices go (ReactOptions::on_notice), e.g. the CLI's log.
  void set_on_notice(std::function<void(const std::string&)> f) {
    options_.on_notice = std::move(f);
  }

  const ReactStats& stats() const { return stats_; }
  // A copy of the counters as of the last commit; safe from any thread (a metrics scrape).
  ReactCounters counters() const {
    std::lock_guard lock(counters_mu_);
    return published_;
  }
  const Windows& windows() const { return *windows_; }
  const AlertEngine& alerts() const { return *alerts_; }
  const ReactOptions& options() const { return options_; }

 private:
  ReactHandler(log::Log& log, ReactOptions options) : log_(log), options_(std::move(options)) {}
  struct Advance {
    std::int64_t at = 0;  // before the record at this offset (or at the end)
    std::int64_t to_ms = 0;
  };
  struct Checkpoints {
    std::map<std::int32_t, std::int64_t> next;
    std::map<std::int32_t, std::vector<Advance>> advances;  // per partition, in log order
  };
  struct PartitionState {
    std::set<std::string> entities;
    std::int64_t max_event = 0;  // latest stream time of its entities (ms)
    bool has_event = false;
    std::int64_t last_arrival = 0;  // now_ms() of its last record (or of its rebuild)
  };

  // Applies one mention of `partition`; outputs go to the given vectors.
  core::Status apply(const core::Mention& m, std::int32_t partition,
                     std::vector<core::Aggregate>& aggs, std::vector<core::Alert>& alerts);
  void apply_advance(std::int32_t partition, std::int64_t to_ms, std::vector<core::Aggregate>& aggs,
                     std::vector<core::Alert>& alerts);
  core::Result<Checkpoints> read_checkpoints();
  // Replays the log into the state: every partition (`only` empty) or just `only`.
  core::Status rebuild(const std::set<std::int32_t>& only);
  void forget_partition(std::int32_t partition);
  // Rebuilds the partitions in `parts` not owned yet whose checkpoint moved elsewhere.
  core::Status take_ownership(const std::set<std::int32_t>& parts);
  // Advances quiet owned partitions; emits into `out`.
  core::Status idle_check(log::Output& out);
  std::int64_t now() const;

  log::Log& log_;
  ReactOptions options_;
  std::unique_ptr<Windows> windows_;
  std::unique_ptr<AlertEngine> alerts_;
  std::vector<config::AlertRuleDef> rules_;
  std::map<std::int32_t, std::int64_t> applied_;         // partition -> next offset applied
  std::map<std::int32_t, std::int64_t> staged_applied_;  // this batch's, until on_commit()
  std::map<std::int32_t, PartitionState> parts_;
  std::set<std::int32_t> owned_;  // partitions checked against their checkpoint
  std::function<std::vector<log::TopicPartition>()> assignment_;
  std::int64_t last_idle_check_ = 0;
  struct LateNote {
    std::uint64_t windows = 0, rules = 0;  // mentions (windows), mention × rule (rules)
    std::int64_t max_delay_ms = 0;
  };
  std::map<std::string, LateNote> late_notes_;  // this batch's, reported on_commit()
  void note_late(const std::string& entity, std::int64_t delay_ms, bool rule);
  ReactStats stats_, stats_before_;
  mutable std::mutex counters_mu_;
  ReactCounters published_;  // under counters_mu_, refreshed on_commit()
  bool stale_ = false;       // an abort happened: restore() before the next batch
};

// ReactOptions from a Config: topics from cfg.log.topics, windows from cfg.windows (its
// allowed_lateness also for the alert rules), entity names from cfg.entities, the
// checkpoint topic "<cfg.log.group>.react-checkpoint".
ReactOptions react_options(const config::Config& cfg);

// The loop options of `earshot react`: group "<cfg.log.group>.react", input the mentions
// topic, transactional id "<cfg.log.group>.react-<instance>".
log::LoopOptions react_loop_options(const config::Config& cfg, const std::string& instance = "0");

// Creates the topics react writes (aggregates and checkpoint compacted), builds the handler
// from cfg.alerts and restores its state. Errors: a bad rule (kInvalidArgument), the log's.
core::Result<std::unique_ptr<ReactHandler>> make_react_handler(const config::Config& cfg,
                                                               log::Log& log);

// make_react_handler + TransactionalLoop::run until `stop`. Returns the loop's error
// (kFenced, kFatal) or ok() when stopped.
core::Status run_react(const config::Config& cfg, log::Log& log, const std::atomic<bool>& stop,
                       const std::string& instance = "0");

}  // namespace earshot::pipeline::react
