// earshot::pipeline::process — the process stage: posts → scored, mentions, dead letters.
//
// A BatchHandler (transactional_loop.h) for the `posts` topic. Per batch:
//   1. in parallel, on the worker pool (worker_pool.h): strict decode and validation
//      (json_codec.h), enrichment (enricher.h: language, sentiment, linking, targeted
//      sentiment, customer, intent), the SimHash fingerprint (simhash.h), the dedup value
//      (dedup_changelog.h) and the JSON of every output — all pure functions of the record;
//   2. in input order: exact dedup by uid (dedup_store.h), the near-duplicate flag
//      (near_duplicates.h), platform deletes, and the outputs — `scored` (key uid),
//      `mentions` (key entity id), `deadletter` (key as read, with the reason, the original
//      bytes and the source partition/offset) and the dedup changelog records.
// Outputs keep input order, so per-key order holds. The dedup store is restored from its
// changelog at start (restore()) and caught up with it before every batch, so a restart or
// a rebalance does not let a duplicate through; a batch's changes to it and to the
// near-duplicate window are undone by on_abort(). A corrupt changelog record is skipped,
// counted in ProcessCounters::changelog_skipped and reported through
// ProcessOptions::on_warning (the library never prints).
// A later record of a known uid that is a newer version (edited_at later than the one seen,
// or the text changed: dedup_changelog::is_edit) is not a duplicate: it is emitted to
// `scored` flagged `edited` (no mentions; ProcessCounters::edits), and the dedup value takes
// the next revision, so an identical repeat of it is again a duplicate.
// A delete of a known post yields a tombstone ScoredPost (deleted: true) and one Mention per
// entity it had with retract: true, carrying the original event time, label and score so
// aggregates can subtract it.
//
// Pipelining: the stage opts into TransactionalLoop's prepare() hook. Step 1 runs on the
// worker pool for batch N+1 while batch N commits; step 2 runs in handle(), after N
// committed. A post found to be a near-duplicate in step 2 is encoded again with the flag.
// on_abort() cancels the prepared batch.
//
//   ProcessCounters counters;
//   ProcessStage stage(enricher, topics, {.threads = 2, .on_warning = log_warning}, &counters);
//   if (auto st = stage.restore(log); !st) return st;
//   auto loop = TransactionalLoop::create(log, {...});
//   loop->run(stage, stop);
//   counters.scored.load();   // from any thread, e.g. a /metrics handler
//
// Thread safety: driven by one loop thread; owns `threads` worker threads (started in the
// constructor, joined in the destructor). ProcessCounters may be read from any thread.
// Lifetime: the Enricher and the Log given to restore() must outlive the stage.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/log/log.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/process/dedup_store.h"
#include "pipeline/process/enricher.h"
#include "pipeline/process/near_duplicates.h"
#include "pipeline/process/worker_pool.h"

namespace earshot::pipeline::process {

struct ProcessTopics {
  std::string posts, scored, mentions, deadletter, dedup;
};

// What the stage has emitted, for /metrics: every field may be read from any thread while the
// stage runs. Counts are of records emitted by handle(); a batch that is later aborted is
// counted again when it is reprocessed, so these are "work done", not "committed" (for
// committed totals use TransactionalLoop::stats()).
struct ProcessCounters {
  std::atomic<std::uint64_t> records_in{0};       // posts handled (valid, bad, deletes, dups)
  std::atomic<std::uint64_t> scored{0};           // ScoredPosts emitted (not tombstones)
  std::atomic<std::uint64_t> mentions{0};         // Mentions emitted (including retractions)
  std::atomic<std::uint64_t> dead_letters{0};     // dead letters emitted, all reasons
  std::atomic<std::uint64_t> duplicates{0};       // exact duplicates (same uid) dropped
  std::atomic<std::uint64_t> near_duplicates{0};  // posts flagged near_duplicate
  std::atomic<std::uint64_t> deletes{0};          // platform deletes applied (tombstones)
  std::atomic<std::uint64_t> edits{0};  // newer versions of known posts passed on, flagged edited
  std::atomic<std::uint64_t> batches{0};          // batches handled
  std::atomic<std::uint64_t> prepared{0};         // of which prepared while the previous committed
  std::atomic<std::uint64_t> last_batch_us{0};    // wall time of the last handle(), microseconds
  std::atomic<std::uint64_t> changelog_skipped{0};  // corrupt dedup changelog records skipped
  std::atomic<std::uint64_t> not_selected{0};  // posts ProcessOptions::select refused (reprocess)
  // Dead letters by reason class (the reason up to its first ':', e.g. "created_at").
  std::map<std::string, std::uint64_t> dead_letters_by_reason() const {
    std::lock_guard lock(mu);
    return dead_by_reason;
  }
  mutable std::mutex mu;
  std::map<std::string, std::uint64_t> dead_by_reason;  // guarded by mu
};

// How the stage runs. The defaults suit tests; `earshot process` sets on_warning to log.
struct ProcessOptions {
  int threads = 1;                       // worker threads (< 1 counts as 1)
  std::size_t dedup_capacity = 500'000;  // committed uids the dedup store keeps
  // A warning the stage recovered from (a corrupt dedup changelog record; dedup_store.h), one
  // line, called on the loop thread. Empty: warnings are only counted.
  std::function<void(std::string_view)> on_warning;
  // `earshot reprocess` (issue 17). When set, a post it refuses (e.g. an event time outside
  // the range) produces nothing — no output, no dedup record — and is counted in
  // ProcessCounters::not_selected. Called on the worker threads: must be thread-safe.
  std::function<bool(const core::Post&)> select;
  // Stamped on every Mention emitted (core::Mention::model_version); empty for live outputs.
  std::string model_version;
};

class ProcessStage final : public log::BatchHandler {
 public:
  ProcessStage(const Enricher& enricher, ProcessTopics topics, ProcessOptions options,
               ProcessCounters* counters);
  ProcessStage(const Enricher& enricher, ProcessTopics topics, int threads,
               ProcessCounters* counters, std::size_t dedup_capacity = 500'000)
      : ProcessStage(enricher, std::move(topics), ProcessOptions{threads, dedup_capacity, {}},
                     counters) {}
  ~ProcessStage() override;

  // Reads the dedup changelog to its end. Call once before the loop starts.
  core::Status restore(log::Log& log);

  core::Status handle(const std::vector<log::Record>& batch, log::Output& out) override;
  void on_commit() override;
  void on_abort() override;
  void on_revoked(const std::vector<log::TopicPartition>& partitions) override;
  bool prepares() const override { return true; }
  void prepare(std::shared_ptr<const log::Batch> batch) override;

  const ProcessCounters& counters() const { return *counters_; }

 private:
  struct Slot;  // one record's prepared results
  struct Work;  // one batch's slots, shared with the pool's job
  struct Started {
    std::shared_ptr<Work> work;
    std::shared_ptr<WorkerPool::Job> job;
  };
  // Starts the per-record work (decode, enrich, fingerprint, encode) of `batch` on the pool;
  // `owner` keeps a batch prepared ahead alive.
  Started start(const log::Batch& batch, std::shared_ptr<const log::Batch> owner);
  void prepare_record(const log::Record& in, Slot& slot) const;
  void recycle(Work* work);
  void emit(const log::Record& in, Slot& slot, log::Output& out);
  void emit_delete(const log::Record& in, Slot& slot, log::Output& out);
  void emit_edit(const log::Record& in, Slot& slot, const std::string& known, log::Output& out);

  const Enricher& enricher_;
  ProcessTopics topics_;
  ProcessCounters* counters_;
  std::function<bool(const core::Post&)> select_;
  std::string model_version_;
  DedupStore dedup_;
  NearDuplicates near_{50000, 3, /*staged=*/true};
  // Emptied Works kept for the next batches (at most kSpareWorks: one batch handled, one
  // prepared); filled by whichever thread lets a Work go, so guarded by spare_mu_. Declared
  // before prepared_ and pool_, whose Works come back here when they are destroyed.
  static constexpr std::size_t kSpareWorks = 2;
  std::mutex spare_mu_;
  std::vector<std::unique_ptr<Work>> spare_;
  Started prepared_;  // the batch prepare() started, until handle() or on_abort()
  std::vector<core::Mention> retracted_;  // scratch for a delete's retractions
  WorkerPool pool_;                       // last: its threads are joined before the rest goes
};

}  // namespace earshot::pipeline::process
