// earshot::pipeline::process — the process stage: posts → scored, mentions, dead letters.
//
// A BatchHandler (transactional_loop.h) for the `posts` topic. Per batch:
//   1. in parallel (`threads` workers): strict decode and validation (json_codec.h) and
//      enrichment (enricher.h: language, sentiment, linking, targeted sentiment, customer,
//      intent);
//   2. in input order: exact dedup by uid, near-duplicate flag (simhash.h), platform deletes,
//      and the outputs — `scored` (key uid), `mentions` (key entity id), `deadletter` (key as
//      read, with the reason, the original bytes and the source partition/offset), and, on
//      the dedup changelog (compacted), one record per input partition per batch packing
//      every (uid, dedup value) of that partition's posts and deletes (dedup_changelog.h has
//      the format; records of the older one-record-per-uid format are still read).
// Outputs keep input order, so per-key order holds. A batch's changes to the dedup set are
// applied as it is handled and undone by on_abort(); the set is restored from the changelog
// at start (restore()) and kept up to date from it at the start of every batch (records of
// other instances, e.g. after a rebalance), so a restart or a rebalance does not let a
// duplicate through: the first batch from a partition this instance did not own before
// reads the changelog to its end first (the previous owner committed its last batch before
// giving the partition up; a plain non-blocking poll might not have fetched it yet). Each instance marks its records with a random writer id and skips its
// own committed records when reading the changelog back (they are already in the set).
// A corrupt changelog record is skipped with a warning on stderr (counted in
// ProcessCounters::changelog_skipped).
// A delete of a known post yields a tombstone ScoredPost (deleted: true) and one Mention per
// entity it had with retract: true, carrying the original event time, label and score so
// aggregates can subtract it.
//
// Pipelining: the stage opts into TransactionalLoop's prepare() hook. Step 1 — plus the
// SimHash fingerprint, the dedup changelog value and the JSON encoding of every output,
// all pure functions of the record — runs on the worker pool for batch N+1 while batch N
// commits; step 2 runs in handle(), after N committed. A post found to be a near-duplicate
// in step 2 is encoded again with the flag. on_abort() cancels the prepared batch.
//
//   ProcessCounters counters;
//   ProcessStage stage(enricher, topics, /*threads=*/2, &counters);
//   stage.restore(log);
//   auto loop = TransactionalLoop::create(log, {...});
//   loop->run(stage, stop);
//   counters.scored.load();   // from any thread, e.g. a /metrics handler
//
// Thread safety: driven by one loop thread; owns `threads` worker threads (started in the
// constructor, joined in the destructor). ProcessCounters may be read from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pipeline/process/dedup_changelog.h"
#include "pipeline/process/enricher.h"
#include "pipeline/log/log.h"
#include "pipeline/process/near_duplicates.h"
#include "pipeline/process/simhash.h"
#include "pipeline/log/transactional_loop.h"

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
  std::atomic<std::uint64_t> batches{0};          // batches handled
  std::atomic<std::uint64_t> prepared{0};         // of which prepared while the previous committed
  std::atomic<std::uint64_t> last_batch_us{0};    // wall time of the last handle(), microseconds
  std::atomic<std::uint64_t> changelog_skipped{0};  // corrupt dedup changelog records skipped
  // Dead letters by reason class (the reason up to its first ':', e.g. "created_at").
  std::map<std::string, std::uint64_t> dead_letters_by_reason() const {
    std::lock_guard lock(mu);
    return dead_by_reason;
  }
  mutable std::mutex mu;
  std::map<std::string, std::uint64_t> dead_by_reason;  // guarded by mu
};

class ProcessStage final : public log::BatchHandler {
 public:
  ProcessStage(const Enricher& enricher, ProcessTopics topics, int threads, ProcessCounters* counters,
               std::size_t dedup_capacity = 2'000'000);
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
  struct Slot;
  struct Job;
  void work(const log::Record& in, Slot& slot) const;
  void run_job(Job& job) const;
  void publish(std::shared_ptr<Job> job);
  void worker_main();
  void emit(const log::Record& in, Slot& slot, log::Output& out);
  void retract(const std::string& uid, std::string_view known, const core::Post& post, log::Output& out);
  void stage_dedup(const log::Record& in, std::string_view uid, std::string_view value, log::Output& out);
  void flush_dedup(log::Output& out);
  void apply_changelog(log::Record& r, bool skip_own);
  void remember(std::string_view uid, std::string_view value);
  void evict();
  core::Status catch_up(std::chrono::milliseconds wait);

  // Heterogeneous lookup, so that changelog entries (string_views) need no copy to be found.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // A change the open batch made to seen_: a new uid (inserted), or a delete that replaced
  // a known uid's value (kept in `old` for on_abort()). `uid` points at the key in its map
  // node, which does not move when the map rehashes.
  struct Undo {
    const std::string* uid;
    std::string old;
    bool inserted;
  };
  // The open batch's changelog record for one input partition.
  struct PendingDedup {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t first = 0;  // offset of the first post it covers (part of the key)
    dedup_changelog::BatchWriter writer;
  };

  const Enricher& enricher_;
  ProcessTopics topics_;
  int threads_;
  ProcessCounters* counters_;
  std::size_t capacity_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> seen_;  // uid → dedup value
  std::deque<const std::string*> order_;  // committed keys of seen_, oldest first (eviction)
  std::vector<Undo> undo_;                // the open batch's changes to seen_
  std::vector<PendingDedup> pending_;     // the open batch's changelog records
  std::size_t last_record_bytes_ = 0;     // size hint for the next changelog record
  std::uint64_t writer_id_;               // random; marks this instance's changelog records
  std::uint64_t sequence_ = 0;            // this instance's last handled batch
  bool open_ = false;                     // a handled batch waits for on_commit/on_abort
  std::deque<std::uint64_t> aborted_;     // sequences of own batches reported aborted (bounded)
  std::vector<log::TopicPartition> owned_;     // input partitions handled since assigned
  dedup_changelog::Batch scratch_;        // decoded changelog record, reused
  NearDuplicates near_{50000, 3, /*staged=*/true};
  std::unique_ptr<log::Consumer> changelog_;

  std::shared_ptr<Job> prepared_;  // the batch prepare() started, until handle() or on_abort()
  // The worker pool: workers run the newest published job's chunks.
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::shared_ptr<Job> current_;  // guarded by pool_mu_
  std::uint64_t generation_ = 0;  // guarded by pool_mu_; bumped per published job
  bool stopping_ = false;         // guarded by pool_mu_
  std::vector<std::shared_ptr<Job>> finished_;  // guarded by pool_mu_; handled, for a worker to free
  std::vector<std::thread> workers_;
};

}  // namespace earshot::pipeline::process
