#include "pipeline/log/transactional_loop.h"
#include "pipeline/core/status.h"

#include <algorithm>
#include <set>

namespace earshot::pipeline::log {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t micros_since(Clock::time_point t0) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
}

std::size_t record_bytes(const Record& r) { return r.key.size() + r.value.size(); }

std::size_t batch_bytes(const Batch* b) {
  std::size_t n = 0;
  if (b) {
    for (const auto& r : *b) n += record_bytes(r);
  }
  return n;
}

bool unrecoverable(const core::Error& e) {
  return e.code == core::ErrorCode::kFenced || e.code == core::ErrorCode::kFatal;
}

}  // namespace

core::Result<std::unique_ptr<TransactionalLoop>> TransactionalLoop::create(Log& log,
                                                                           LoopOptions options) {
  if (options.group.empty() || options.inputs.empty() || options.transactional_id.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "transactional loop needs a group, inputs and a transactional id");
  }
  if (options.batch_size == 0) options.batch_size = 1;
  std::unique_ptr<TransactionalLoop> loop(new TransactionalLoop(log, std::move(options)));
  auto producer = log.producer({.transactional_id = loop->options_.transactional_id});
  EARSHOT_TRY(producer);
  loop->producer_ = std::move(*producer);
  TransactionalLoop* self = loop.get();
  auto consumer = log.consumer(
      {.group = loop->options_.group,
       .topics = loop->options_.inputs,
       .on_revoke = [self](const std::vector<TopicPartition>& parts) { self->on_revoke(parts); }});
  EARSHOT_TRY(consumer);
  loop->consumer_ = std::move(*consumer);
  return loop;
}

TransactionalLoop::~TransactionalLoop() {
  // Closing a group consumer revokes its partitions (on_revoke runs): nothing is open by
  // now, and the handler may already be gone, so it is not called.
  handler_ = nullptr;
  open_ = nullptr;
  consumer_.reset();
}

bool TransactionalLoop::caught_up() const { return consumer_->at_end(); }

// Runs inside poll(), on the loop thread, before the partitions leave.
void TransactionalLoop::on_revoke(const std::vector<TopicPartition>& parts) {
  if (open_ != nullptr && !open_result_) {
    // A handled batch waits for its commit (we are polling ahead): settle it now, so its
    // offsets are committed (or not) before another member may read these partitions.
    core::Status st = commit_batch(*handler_, *open_, *open_out_);
    if (st) {
      stats_.revoke_commits.fetch_add(1, std::memory_order_relaxed);
    } else {
      stats_.aborts.fetch_add(1, std::memory_order_relaxed);
      if (in_txn_) {
        (void)producer_->abort();
        in_txn_ = false;
      }
      handler_->on_abort();
    }
    open_result_ = std::move(st);
  } else if (in_txn_) {  // never expected: poll() runs with no transaction open
    (void)producer_->abort();
    in_txn_ = false;
  }
  if (collecting_ != nullptr) {
    std::set<TopicPartition> gone(parts.begin(), parts.end());
    std::erase_if(*collecting_, [&](const Record& r) {
      return gone.count({r.topic, r.partition}) > 0;
    });
  }
  stats_.revocations.fetch_add(1, std::memory_order_relaxed);
  if (handler_ != nullptr) handler_->on_revoked(parts);
}

core::Result<std::shared_ptr<Batch>> TransactionalLoop::collect(std::chrono::milliseconds timeout) {
  auto batch = std::make_shared<Batch>();
  std::size_t bytes = 0;
  collecting_ = batch.get();
  while (batch->size() < options_.batch_size) {
    std::size_t want = options_.batch_size - batch->size();
    if (options_.max_batch_bytes > 0) {
      if (bytes >= options_.max_batch_bytes) break;
      const std::size_t left = options_.max_batch_bytes - bytes;
      // Sized so that records no larger than the largest seen so far fit the budget; the
      // first record of a batch is taken whatever its size.
      const std::size_t fit = max_record_bytes_ == 0 ? 1 : left / max_record_bytes_;
      if (fit == 0 && !batch->empty()) break;
      want = std::min(want, std::max<std::size_t>(1, fit));
    }
    auto got = consumer_->poll(want, batch->empty() ? timeout : std::chrono::milliseconds(0));
    if (!got) {
      collecting_ = nullptr;
      if (batch->empty() || got.error().code == core::ErrorCode::kFatal)
        return std::unexpected(got.error());
      break;  // keep what we have; the error (if it persists) shows on the next poll
    }
    for (auto& r : *got) {
      const std::size_t n = record_bytes(r);
      bytes += n;
      max_record_bytes_ = std::max(max_record_bytes_, n);
      batch->push_back(std::move(r));
    }
    if (got->size() < want) break;  // nothing more buffered right now
  }
  collecting_ = nullptr;
  return batch;
}

core::Status TransactionalLoop::commit_batch(BatchHandler& handler,
                                             const std::vector<Record>& batch, Output& out) {
  const auto t0 = Clock::now();
  EARSHOT_TRY(producer_->begin());
  in_txn_ = true;
  for (const auto& r : out.records) {
    EARSHOT_TRY(producer_->produce(r.topic, r.key, r.value));
  }
  point(LoopPoint::kProduced);
  if (!batch.empty()) {
    EARSHOT_TRY(producer_->send_offsets(*consumer_, next_offsets(batch)));
  }
  point(LoopPoint::kOffsetsSent);
  point(LoopPoint::kCommitting);
  core::Status st = producer_->commit();
  in_txn_ = false;
  if (!st && st.error().code == core::ErrorCode::kTimeout) {
    // The commit's answer never came (the producer was recreated): the group's committed
    // offsets say whether the broker committed it. If so, it is a commit like any other (the
    // handler keeps its staged state); if not, or unknown, the batch is redone from there.
    stats_.unknown_commits.fetch_add(1, std::memory_order_relaxed);
    if (committed_anyway(batch)) {
      stats_.unknown_committed.fetch_add(1, std::memory_order_relaxed);
      st = core::ok();
    }
  }
  if (!st) return st;
  point(LoopPoint::kCommitted);
  stats_.last_commit_us.store(micros_since(t0), std::memory_order_relaxed);
  handler.on_commit();
  return core::ok();
}

bool TransactionalLoop::committed_anyway(const std::vector<Record>& batch) {
  if (batch.empty()) return false;  // no offsets to tell by
  const Offsets want = next_offsets(batch);
  std::vector<TopicPartition> parts;
  for (const auto& [tp, off] : want) parts.push_back(tp);
  core::Result<Offsets> got = consumer_->committed(parts);
  return got && *got == want;
}

core::Status TransactionalLoop::recover(BatchHandler& handler, const core::Error& error) {
  stats_.aborts.fetch_add(1, std::memory_order_relaxed);
  if (in_txn_) {
    (void)producer_->abort();
    in_txn_ = false;
  }
  handler.on_abort();  // drops the staged batch and the prepared one
  ahead_.reset();
  set_inflight();
  EARSHOT_TRY(reopen_or_fail(error));
  return rewind_or_defer();
}

core::Status TransactionalLoop::rewind_or_defer() {
  core::Status st = consumer_->rewind();
  if (st) {
    rewind_pending_ = false;
    return core::ok();
  }
  // The group's committed offsets could not be read (the broker away, a rebalance going
  // on): nothing may be polled before the rewind, or the aborted records would be skipped.
  // The next step() tries again; a stop or a fatal error ends the loop as usual.
  if (unrecoverable(st.error())) return st;
  rewind_pending_ = true;
  stats_.rewind_retries.fetch_add(1, std::memory_order_relaxed);
  return core::ok();
}

core::Status TransactionalLoop::reopen_or_fail(const core::Error& error) {
  if (!unrecoverable(error)) return core::ok();
  if (error.code != core::ErrorCode::kFenced) return std::unexpected(error);
  const auto now = Clock::now();
  std::erase_if(reopens_, [&](Clock::time_point t) { return now - t > kReopenWindow; });
  if (static_cast<int>(reopens_.size()) >= kMaxReopens) {
    return core::fail(core::ErrorCode::kFenced,
                      error.message + " (fenced " + std::to_string(kMaxReopens + 1) +
                          " times within " + std::to_string(kReopenWindow.count()) +
                          " minutes: is another instance running with the same transactional id '" +
                          options_.transactional_id + "'?)");
  }
  reopens_.push_back(now);
  producer_.reset();  // the fenced one can do nothing more
  auto producer = log_.producer({.transactional_id = options_.transactional_id});
  if (!producer) return std::unexpected(producer.error());
  producer_ = std::move(*producer);
  stats_.producer_reopens.fetch_add(1, std::memory_order_relaxed);
  return core::ok();
}

void TransactionalLoop::update_lag() {
  core::Result<Lag> lag = consumer_->lag();
  if (!lag) return;  // keep the last figure
  stats_.lag.store(static_cast<std::uint64_t>(total_lag(*lag)), std::memory_order_relaxed);
}

void TransactionalLoop::set_inflight(const Batch* open) {
  stats_.inflight_bytes.store(batch_bytes(open) + batch_bytes(ahead_.get()),
                              std::memory_order_relaxed);
}

core::Result<std::size_t> TransactionalLoop::step(BatchHandler& handler) {
  handler_ = &handler;
  if (rewind_pending_) {
    EARSHOT_TRY(rewind_or_defer());
    if (rewind_pending_) return std::size_t{0};
  }
  std::shared_ptr<Batch> batch = std::move(ahead_);
  ahead_.reset();
  if (!batch) {
    auto polled = collect(options_.poll_timeout);
    if (!polled) {
      if (polled.error().code == core::ErrorCode::kFatal) return std::unexpected(polled.error());
      return std::size_t{0};  // transient: poll again
    }
    batch = std::move(*polled);
  }
  const auto started = Clock::now();
  // One Output for every batch: its vector keeps its capacity (thousands of records), so a
  // batch does not map and fault in fresh memory for it. Emptied again before returning.
  Output& out = out_;
  out.records.clear();
  struct Empty {
    Output& out;
    ~Empty() { out.records.clear(); }
  } empty_after{out};
  if (batch->empty()) {
    EARSHOT_TRY(handler.on_idle(out));
    if (out.records.empty()) return std::size_t{0};
  } else if (auto st = handler.handle(*batch, out); !st) {
    EARSHOT_TRY(recover(handler, st.error()));
    return std::size_t{0};
  }

  std::optional<core::Error> poll_fatal;
  if (handler.prepares() && !batch->empty()) {
    // Poll the next batch now (no transaction is open) and let the handler start on it
    // while this batch commits. A revocation inside this poll settles `batch` first.
    open_ = batch.get();
    open_out_ = &out;
    open_result_.reset();
    auto next = collect(std::chrono::milliseconds(0));
    open_ = nullptr;
    open_out_ = nullptr;
    if (open_result_ && !*open_result_) {
      // The revocation callback had to abort `batch` (it already told the handler): forget
      // what was polled after it and read again from the committed offsets.
      core::Error e = open_result_->error();
      open_result_.reset();
      set_inflight();
      EARSHOT_TRY(reopen_or_fail(e));
      EARSHOT_TRY(rewind_or_defer());
      return std::size_t{0};
    }
    if (!next) {
      if (next.error().code == core::ErrorCode::kFatal) poll_fatal = next.error();
    } else if (!(*next)->empty()) {
      ahead_ = std::move(*next);
      handler.prepare(ahead_);
    }
  }
  set_inflight(batch.get());

  if (!open_result_) {  // not already committed by a revocation callback
    if (auto st = commit_batch(handler, *batch, out); !st) {
      EARSHOT_TRY(recover(handler, st.error()));
      return poll_fatal ? core::Result<std::size_t>(std::unexpected(*poll_fatal)) : std::size_t{0};
    }
  }
  open_result_.reset();
  set_inflight();
  stats_.last_batch_us.store(micros_since(started), std::memory_order_relaxed);
  update_lag();
  stats_.batches.fetch_add(1, std::memory_order_relaxed);
  stats_.records_in.fetch_add(batch->size(), std::memory_order_relaxed);
  stats_.records_out.fetch_add(out.records.size(), std::memory_order_relaxed);
  if (options_.on_committed) options_.on_committed(batch->size(), out.records.size());
  if (poll_fatal) return std::unexpected(*poll_fatal);
  return batch->size();
}

core::Status TransactionalLoop::run(BatchHandler& handler, const std::atomic<bool>& stop) {
  while (!stop.load()) {
    auto n = step(handler);
    EARSHOT_TRY(n);
  }
  return core::ok();
}

}  // namespace earshot::pipeline::log
