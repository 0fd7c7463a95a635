// earshot::pipeline::process — the process stage's memory of the post uids it has handled.
//
// Exact dedup needs to know, for every post uid seen, that it was seen — across restarts and
// rebalances, and with what its mentions were (so a platform delete can retract them). The
// store keeps uid → dedup value (dedup_changelog.h: a post's value, or "!" once deleted),
// at most `capacity` committed uids (oldest forgotten first), and three jobs around it. The
// uids are kept as 128-bit hashes in a compact table (uid_table.h: ~40 bytes per uid plus its
// value; the odds that a genuine post is ever taken for a duplicate are stated there):
//
//   - the open batch: add() and mark_deleted() apply their change at once and log it, so that
//     rollback() (the transaction aborted) undoes the batch and commit() makes it final;
//   - the changelog it writes: one record per input partition per batch (flush(); split
//     past 256 KiB), each marked with this store's random writer id and batch sequence;
//   - the changelog it reads back: restore() at start reads it to its end; catch_up() before
//     every batch applies other instances' records (e.g. after a rebalance). The first batch
//     from a partition this store did not own before reads the changelog to its end first:
//     the previous owner committed its last batch before giving the partition up, but a
//     non-blocking poll might not have fetched it yet. Its own records are skipped (they are
//     already in the set) unless their batch was rolled back and committed after all (a
//     commit timeout). A corrupt record is skipped and counted (skipped()), and reported
//     through Options::on_warning for the first ten and every thousandth.
//
//   DedupStore store({.topic = "posts.dedup", .capacity = 500'000, .on_warning = {}});
//   if (auto st = store.restore(log); !st) return st;
//   // per batch:
//   if (auto st = store.catch_up(batch); !st) return st;   // the batch aborts, comes again
//   store.begin();
//   if (!store.add(record, uid, dedup_changelog::post_value(scored), out)) { /* duplicate */ }
//   store.flush(out);        // the batch's changelog records
//   store.commit();          // or rollback()
//
// Thread safety: not thread-safe; driven by the stage's loop thread. on_warning is called on
// that thread. Lifetime: the Log given to restore() must outlive the store.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/core/status.h"
#include "pipeline/log/log.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/process/dedup_changelog.h"
#include "pipeline/process/uid_table.h"

namespace earshot::pipeline::process {

class DedupStore {
 public:
  struct Options {
    std::string topic;               // the changelog topic (compacted)
    std::size_t capacity = 500'000;  // committed uids kept (process.dedup_capacity)
    // A warning the store recovered from, one line without a trailing newline (a corrupt
    // changelog record). May be empty: warnings are then only counted.
    std::function<void(std::string_view)> on_warning;
  };

  explicit DedupStore(Options options);

  // Opens a consumer of the changelog and reads it to its end. Call once, before any batch;
  // without it the store neither reads the changelog nor catches up.
  core::Status restore(log::Log& log);
  // Before handling `batch`: reads the changelog to its end when the batch holds a partition
  // not owned yet (which is owned from then on), else applies what a non-blocking poll gets.
  core::Status catch_up(const std::vector<log::Record>& batch);
  // The partitions are no longer owned: the next batch from one of them reads to the end.
  void on_revoked(const std::vector<log::TopicPartition>& partitions);

  // Starts a batch: its changelog records carry the next sequence number.
  void begin();
  // The value of a known uid ("!" once deleted), or nullptr. A copy the store keeps until
  // the next find().
  const std::string* find(std::string_view uid) const;
  // Remembers a new post `uid` (read in `in`) with dedup value `value` and stages its
  // changelog entry. False, changing nothing (`value` is not moved from), when the uid is
  // known.
  bool add(const log::Record& in, const std::string& uid, std::string&& value, log::Output& out);
  // Remembers a newer version of the known post `uid` (an edit, dedup_changelog::is_edit):
  // find() answers `value` from then on, and its changelog entry is staged. Readers of the
  // changelog keep the value of the highest revision (dedup_changelog::Version), so the
  // order they read entries in does not matter.
  void update(const log::Record& in, const std::string& uid, std::string&& value,
              log::Output& out);
  // Remembers `uid` (read in `in`) as deleted and stages its changelog entry.
  void mark_deleted(const log::Record& in, const std::string& uid, log::Output& out);
  // Emits the batch's changelog records not emitted yet (add() emits one that grew past its
  // size limit).
  void flush(log::Output& out);
  void commit();
  void rollback();

  std::size_t size() const { return seen_.size(); }
  std::size_t memory_bytes() const { return seen_.memory_bytes(); }  // the table's bytes
  std::uint64_t writer_id() const { return writer_id_; }
  std::uint64_t skipped() const { return skipped_; }  // corrupt changelog records skipped

 private:
  void apply(log::Record& r, bool skip_own);
  void remember(std::string_view uid, std::string_view value);
  void evict();
  void stage(const log::Record& in, std::string_view uid, std::string_view value, log::Output& out);

  // A change the open batch made to the table: a new uid (inserted; always the newest
  // entries, so rollback() pops them), or a delete of a known uid (its old flag kept).
  struct Undo {
    std::uint64_t seq;
    bool inserted;
    bool was_deleted;
    bool edit = false;  // update(): restore edits_[key] to old_edit (absent when empty)
    UidTable::Key key{};
    std::string old_edit{};
  };
  // The open batch's changelog record for one input partition.
  struct Pending {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t first = 0;  // offset of the first post it covers (part of the key)
    dedup_changelog::BatchWriter writer;
  };

  Options options_;
  UidTable seen_;                           // uid hash → dedup value, oldest first
  // Edited posts (few): uid hash → the latest version's value, which overrides seen_'s.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> edits_;
  mutable std::string found_;               // what find() returned last
  std::vector<Undo> undo_;                  // the open batch's changes to seen_
  std::vector<Pending> pending_;            // the open batch's changelog records
  std::size_t last_record_bytes_ = 0;       // size hint for the next changelog record
  std::uint64_t writer_id_;                 // random; marks this store's changelog records
  std::uint64_t sequence_ = 0;              // this store's last begun batch
  bool open_ = false;                       // a begun batch waits for commit() or rollback()
  std::deque<std::uint64_t> aborted_;       // sequences of own batches rolled back (bounded)
  std::vector<log::TopicPartition> owned_;  // input partitions caught up for since assigned
  std::uint64_t skipped_ = 0;
  dedup_changelog::Batch scratch_;  // decoded changelog record, reused
  std::unique_ptr<log::Consumer> changelog_;
};

}  // namespace earshot::pipeline::process
