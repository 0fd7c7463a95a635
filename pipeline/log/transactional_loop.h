// earshot::pipeline::log — the exactly-once consume → transform → produce loop.
//
// Every stage that reads one topic and writes others (process, react) runs in this loop:
// poll a batch (outside any transaction) → the handler turns it into output records →
// begin → produce them → send the consumed offsets → commit. On an abortable error the
// transaction is aborted, the handler is told to drop what it staged, and the consumer is
// rewound to the committed offsets, so the batch is processed again. Readers with
// read_committed see each batch's outputs exactly once, together with its offsets.
//
// Handlers keep state (dedup sets, windows) in two layers: what a batch changes is staged,
// and becomes real only in on_commit(); on_abort() throws the staged changes away.
//
// Pipelining (opt-in, BatchHandler::prepares()). A commit is a few network round trips
// (produce acks, AddOffsetsToTxn, TxnOffsetCommit, EndTxn: tens of ms) during which the loop
// thread only waits. A handler whose per-record work is a pure function of the record
// (decode, enrichment) can do it during that wait: after handle(N) the loop polls batch N+1
// (no transaction is open yet), hands it to prepare(N+1) — which starts the work on the
// handler's threads and returns — and then commits N. Only after N is committed does
// handle(N+1) run the ordered, stateful part and emit. If N aborts, on_abort() is called:
// the handler drops N's staged state *and* the prepared N+1, the loop forgets N+1 and
// rewinds, so N and N+1 are read again from the committed offsets.
//
// Rebalances (Kafka, eager protocol). Partitions are revoked inside poll(); the loop polls
// only between handle(N) and commit(N) or with nothing open, never inside a transaction.
// When a revocation arrives while a handled batch waits for its commit, the revocation
// callback commits that batch first (or aborts it, then the loop rewinds), and only then
// do the partitions leave, so a partition is never handed over with its offsets held by an
// uncommitted transaction. Records of revoked partitions collected so far are dropped.
//
// Bounded in-flight bytes. A batch stops growing at LoopOptions::batch_size records or
// once its keys and values reach max_batch_bytes, whichever comes first (a batch always
// takes at least one record; the last sub-poll is sized from the largest record seen so
// far, so a batch overshoots the budget only when a record is larger than every earlier
// one). At most two input batches are held at once (N committing, N+1 prepared), so the
// input held by the loop is at most ~2 × max_batch_bytes, plus the outputs the handler
// makes from them; librdkafka's own fetch and produce queues are bounded by their settings.
//
//   class Upper : public BatchHandler {
//     Status handle(const std::vector<Record>& in, Output& out) override {
//       for (auto& r : in) out.emit("out", r.key, to_upper(r.value));
//       return ok();
//     }
//   };
//   auto loop = TransactionalLoop::create(log, {.group = "g", .inputs = {"in"},
//                                               .transactional_id = "upper-0"});
//   Upper h;
//   loop->run(h, stop_flag);
//
// Thread safety: one thread runs a loop (step/run); the handler may use threads inside
// handle() and prepare(). stats() may be read from any thread.
// Lifetime: the loop keeps a prepared batch alive through a shared_ptr, which the handler
// may hold too, so either may be destroyed first.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/log/log.h"

namespace earshot::pipeline::log {

struct OutRecord {
  std::string topic;
  std::string key;
  std::string value;
};

class Output {
 public:
  void emit(std::string topic, std::string key, std::string value) {
    records.push_back({std::move(topic), std::move(key), std::move(value)});
  }
  std::vector<OutRecord> records;
};

using Batch = std::vector<Record>;

// The points of one transaction, in order, at which LoopOptions::on_point is called: after
// every output record was produced, after the consumed offsets were sent, just before the
// commit call, and after the commit returned successfully (before the handler's on_commit).
enum class LoopPoint { kProduced, kOffsetsSent, kCommitting, kCommitted };

class BatchHandler {
 public:
  virtual ~BatchHandler() = default;
  // Turns a batch into outputs. An error aborts the batch (it will be retried).
  virtual core::Status handle(const std::vector<Record>& batch, Output& out) = 0;
  virtual void on_commit() {}
  // The open batch was aborted: drop what it staged, and (pipelining) the prepared batch.
  virtual void on_abort() {}
  // Called when idle (no records in a poll), e.g. to close event-time windows on a timer.
  virtual core::Status on_idle(Output&) { return core::ok(); }
  // Called inside poll() when the group takes partitions away from this instance (after
  // the batch in flight, if any, was committed or aborted). State kept per input partition
  // should be dropped here: the new owner rebuilds it, and this instance rebuilds it if the
  // partition comes back.
  virtual void on_revoked(const std::vector<TopicPartition>&) {}

  // Pipelining (see the file comment); off unless prepares() returns true.
  virtual bool prepares() const { return false; }
  // Starts the pure per-record work for `batch` and returns without waiting for it. The next
  // call is handle(*batch, ...) — after the previous batch's on_commit() — or on_abort(),
  // after which the prepared work is dropped and `batch` is never handled.
  virtual void prepare(std::shared_ptr<const Batch> batch) { (void)batch; }
};

struct LoopOptions {
  std::string group;
  std::vector<std::string> inputs;
  std::string transactional_id;
  std::size_t batch_size = 500;
  std::chrono::milliseconds poll_timeout{200};
  // Called after each committed batch with (input records, output records).
  std::function<void(std::size_t, std::size_t)> on_committed;
  // A batch also stops growing once its records' keys and values reach this many bytes
  // (0 = no byte bound). See "Bounded in-flight bytes" above.
  std::size_t max_batch_bytes = 16u << 20;
  // Test-only fault hook (empty in production): called on the loop thread at each LoopPoint
  // of every transaction. The chaos tests make it abort the process there (the `earshot`
  // binary installs it from $EARSHOT_TEST_FAULT, see pipeline/cli/fault_hook.h) to prove
  // that nothing of a transaction killed at that point is ever visible to read_committed.
  std::function<void(LoopPoint)> on_point;
};

// Counters a metrics endpoint may read from another thread while the loop runs.
struct LoopStats {
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> records_in{0};
  std::atomic<std::uint64_t> records_out{0};
  std::atomic<std::uint64_t> aborts{0};
  std::atomic<std::uint64_t> revocations{0};
  // Batches committed from inside a revocation callback (pipelining).
  std::atomic<std::uint64_t> revoke_commits{0};
  // Commits whose answer never came (Producer::commit() returned kTimeout), and those of them
  // the group's committed offsets then showed to be committed (handled as committed; the
  // others were redone).
  std::atomic<std::uint64_t> unknown_commits{0};
  std::atomic<std::uint64_t> unknown_committed{0};
  // Times the producer was fenced and the loop opened a new one (see run()).
  std::atomic<std::uint64_t> producer_reopens{0};
  // Rewinds after an abort that could not read the committed offsets yet (retried by the
  // next step before anything is polled).
  std::atomic<std::uint64_t> rewind_retries{0};
  // Wall time of the last commit (begin → commit returned), and of the last whole batch
  // (handle → commit returned), in microseconds.
  std::atomic<std::uint64_t> last_commit_us{0};
  std::atomic<std::uint64_t> last_batch_us{0};
  // Input bytes (keys + values) of the batches the loop holds now (open + prepared).
  std::atomic<std::uint64_t> inflight_bytes{0};
  // Consumer lag after the last committed batch: Consumer::lag() summed over the assigned
  // partitions (records between this consumer's position and each partition's end; on
  // Kafka as of the last fetch, no extra request).
  std::atomic<std::uint64_t> lag{0};
};

class TransactionalLoop {
 public:
  static constexpr int kMaxReopens = 3;
  static constexpr std::chrono::minutes kReopenWindow{10};
  static core::Result<std::unique_ptr<TransactionalLoop>> create(Log& log, LoopOptions options);
  ~TransactionalLoop();

  // One poll-and-commit round; returns how many input records were committed (0 when idle
  // or aborted). With a pipelining handler, the next batch may already be polled and
  // prepared when step() returns; it is handled by the next step().
  core::Result<std::size_t> step(BatchHandler& handler);
  // Steps until `stop` is set or a non-recoverable error (kFatal from the log, or kFenced
  // more than kMaxReopens times within kReopenWindow) occurs. A fenced producer is not
  // always a zombie: the broker also bumps the epoch of a transaction left open past
  // transaction.timeout.ms, e.g. during a broker outage or a long pause of this process.
  // So on kFenced the loop aborts the batch, opens a new producer with the same
  // transactional id (which in turn fences any older holder of the id) and reads again from
  // the group's committed offsets; the consumer group's generation keeps a true zombie's
  // offsets out. Two processes started with the same transactional id would fence each other
  // in turn: after kMaxReopens fencings within kReopenWindow the loop gives up with kFenced. On stop, an open batch is finished or aborted, never half-committed (a prepared
  // batch was never in a transaction: it is read again by whoever owns its partitions).
  core::Status run(BatchHandler& handler, const std::atomic<bool>& stop);
  // True when the last poll found every assigned partition at its end.
  bool caught_up() const;

  const LoopStats& stats() const { return stats_; }
  Consumer& consumer() { return *consumer_; }

 private:
  TransactionalLoop(Log& log, LoopOptions options) : log_(log), options_(std::move(options)) {}
  // Polls up to batch_size records / max_batch_bytes bytes, waiting at most `timeout` for
  // the first record.
  core::Result<std::shared_ptr<Batch>> collect(std::chrono::milliseconds timeout);
  core::Status commit_batch(BatchHandler& handler, const std::vector<Record>& batch, Output& out);
  core::Status recover(BatchHandler& handler, const core::Error& error);
  // After an abort for `error`: ok when the loop can go on (a fenced producer replaced, see
  // run()), else the error.
  core::Status reopen_or_fail(const core::Error& error);
  // Rewinds to the committed offsets; when they cannot be read yet (kTimeout, kRetriable,
  // kAbortable), marks the rewind pending so step() retries it before polling anything.
  core::Status rewind_or_defer();
  // After a commit that timed out: true when the group's committed offsets are the batch's.
  bool committed_anyway(const std::vector<Record>& batch);
  void on_revoke(const std::vector<TopicPartition>& parts);
  void set_inflight(const Batch* open = nullptr);
  void update_lag();
  void point(LoopPoint p) {
    if (options_.on_point) options_.on_point(p);
  }

  Log& log_;
  LoopOptions options_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<Producer> producer_;
  LoopStats stats_;
  bool in_txn_ = false;
  bool rewind_pending_ = false;
  std::vector<std::chrono::steady_clock::time_point> reopens_;  // within kReopenWindow
  BatchHandler* handler_ = nullptr;  // the handler of the running step(), for on_revoke

  // Pipelining state, all on the loop thread.
  std::shared_ptr<Batch> ahead_;  // polled and prepared, not handled yet
  const Batch* open_ = nullptr;   // handled, waiting for its commit
  Output* open_out_ = nullptr;
  Output out_;  // the outputs of the batch being handled (reused: see step())
  std::optional<core::Status> open_result_;  // set when the revocation callback settled open_
  Batch* collecting_ = nullptr;              // the batch collect() is filling
  std::size_t max_record_bytes_ = 0;         // largest record seen, to size sub-polls
};

}  // namespace earshot::pipeline::log
