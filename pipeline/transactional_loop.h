// earshot::pipeline — the exactly-once consume → transform → produce loop.
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
// Thread safety: one thread runs a loop; the handler may use threads inside handle().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/log.h"

namespace earshot::pipeline {

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

class BatchHandler {
 public:
  virtual ~BatchHandler() = default;
  // Turns a batch into outputs. An error aborts the batch (it will be retried).
  virtual Status handle(const std::vector<Record>& batch, Output& out) = 0;
  virtual void on_commit() {}
  virtual void on_abort() {}
  // Called when idle (no records in a poll), e.g. to close event-time windows on a timer.
  virtual Status on_idle(Output&) { return ok(); }
  // Called inside poll() when the group takes partitions away from this instance (no
  // transaction is open then). State kept per input partition should be dropped here: the
  // new owner rebuilds it, and this instance rebuilds it if the partition comes back.
  virtual void on_revoked(const std::vector<TopicPartition>&) {}
};

struct LoopOptions {
  std::string group;
  std::vector<std::string> inputs;
  std::string transactional_id;
  std::size_t batch_size = 500;
  std::chrono::milliseconds poll_timeout{200};
  // Called after each committed batch with (input records, output records).
  std::function<void(std::size_t, std::size_t)> on_committed;
};

// Counters a metrics endpoint may read from another thread while the loop runs.
struct LoopStats {
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> records_in{0};
  std::atomic<std::uint64_t> records_out{0};
  std::atomic<std::uint64_t> aborts{0};
  std::atomic<std::uint64_t> revocations{0};
};

class TransactionalLoop {
 public:
  static Result<std::unique_ptr<TransactionalLoop>> create(Log& log, LoopOptions options);

  // One poll-and-commit round; returns how many input records were committed (0 when idle
  // or aborted).
  Result<std::size_t> step(BatchHandler& handler);
  // Steps until `stop` is set or a non-recoverable error (kFenced, kFatal from the log)
  // occurs. On stop, an open batch is finished or aborted, never half-committed.
  Status run(BatchHandler& handler, const std::atomic<bool>& stop);
  // True when the last poll found every assigned partition at its end.
  bool caught_up() const;

  const LoopStats& stats() const { return stats_; }
  Consumer& consumer() { return *consumer_; }

 private:
  TransactionalLoop(Log& log, LoopOptions options) : log_(log), options_(std::move(options)) {}
  Status commit_batch(BatchHandler& handler, const std::vector<Record>& batch, Output& out);
  Status recover(BatchHandler& handler, const Error& error);

  Log& log_;
  LoopOptions options_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<Producer> producer_;
  LoopStats stats_;
  bool in_txn_ = false;
  BatchHandler* handler_ = nullptr;  // the handler of the running step(), for on_revoked
};

}  // namespace earshot::pipeline
