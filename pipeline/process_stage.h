// earshot::pipeline — the process stage: posts → scored, mentions, dead letters.
//
// A BatchHandler (transactional_loop.h) for the `posts` topic. Per batch:
//   1. in parallel (`threads` workers): strict decode and validation (json_codec.h) and
//      enrichment (enricher.h: language, sentiment, linking, targeted sentiment, customer,
//      intent);
//   2. in input order: exact dedup by uid, near-duplicate flag (simhash.h), platform deletes,
//      and the outputs — `scored` (key uid), `mentions` (key entity id), `deadletter` (key as
//      read, with the reason, the original bytes and the source partition/offset), and one
//      record per post on the dedup changelog (key uid, compacted).
// Outputs keep input order, so per-key order holds. The dedup set is staged per batch and
// applied on commit; it is restored from the changelog at start (restore()) and kept up to
// date from it, so a restart or a rebalance does not let a duplicate through.
// A delete of a known post yields a tombstone ScoredPost (deleted: true) and one Mention per
// entity it had with retract: true, carrying the original event time, label and score so
// aggregates can subtract it.
//
//   ProcessStage stage(enricher, topics, /*threads=*/2, &counters);
//   stage.restore(log);
//   auto loop = TransactionalLoop::create(log, {...});
//   loop->run(stage, stop);
//
// Thread safety: driven by one loop thread; uses its own worker threads inside handle().
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/enricher.h"
#include "pipeline/log.h"
#include "pipeline/simhash.h"
#include "pipeline/transactional_loop.h"

namespace earshot::pipeline {

struct ProcessTopics {
  std::string posts, scored, mentions, deadletter, dedup;
};

struct ProcessCounters {
  std::atomic<std::uint64_t> records_in{0}, scored{0}, mentions{0}, dead_letters{0},
      duplicates{0}, near_duplicates{0}, deletes{0}, batches{0};
  std::atomic<std::uint64_t> last_batch_us{0};
  std::mutex mu;
  std::map<std::string, std::uint64_t> dead_by_reason;  // first word(s) of the reason
};

class ProcessStage final : public BatchHandler {
 public:
  ProcessStage(const Enricher& enricher, ProcessTopics topics, int threads, ProcessCounters* counters,
               std::size_t dedup_capacity = 2'000'000);
  ~ProcessStage() override;

  // Reads the dedup changelog to its end. Call once before the loop starts.
  Status restore(Log& log);

  Status handle(const std::vector<Record>& batch, Output& out) override;
  void on_commit() override;
  void on_abort() override;

 private:
  struct Slot;
  void work(const std::vector<Record>& batch, std::vector<Slot>& slots, std::size_t begin, std::size_t end) const;
  void emit(const Record& in, Slot& slot, Output& out);
  void remember(const std::string& uid, std::string value);
  const std::string* seen(const std::string& uid) const;
  Status catch_up(std::chrono::milliseconds wait);

  const Enricher& enricher_;
  ProcessTopics topics_;
  int threads_;
  ProcessCounters* counters_;
  std::size_t capacity_;
  std::unordered_map<std::string, std::string> seen_;    // committed: uid → entities
  std::deque<std::string> order_;                        // eviction order of seen_
  std::unordered_map<std::string, std::string> staged_;  // this batch
  NearDuplicates near_;
  std::unique_ptr<Consumer> changelog_;
};

}  // namespace earshot::pipeline
