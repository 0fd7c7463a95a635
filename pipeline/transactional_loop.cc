#include "pipeline/transactional_loop.h"

#include <thread>

namespace earshot::pipeline {

Result<std::unique_ptr<TransactionalLoop>> TransactionalLoop::create(Log& log, LoopOptions options) {
  if (options.group.empty() || options.inputs.empty() || options.transactional_id.empty()) {
    return fail(ErrorCode::kInvalidArgument, "transactional loop needs a group, inputs and a transactional id");
  }
  std::unique_ptr<TransactionalLoop> loop(new TransactionalLoop(log, std::move(options)));
  auto producer = log.producer({.transactional_id = loop->options_.transactional_id});
  if (!producer) return std::unexpected(producer.error());
  loop->producer_ = std::move(*producer);
  TransactionalLoop* self = loop.get();
  auto consumer = log.consumer({.group = loop->options_.group, .topics = loop->options_.inputs,
                                .on_revoke = [self](const std::vector<TopicPartition>& parts) {
                                  // Partitions leave only inside poll(), which runs with no
                                  // transaction open; abort defensively if one ever is.
                                  if (self->in_txn_) {
                                    (void)self->producer_->abort();
                                    self->in_txn_ = false;
                                  }
                                  self->stats_.revocations.fetch_add(1, std::memory_order_relaxed);
                                  if (self->handler_ != nullptr) self->handler_->on_revoked(parts);
                                }});
  if (!consumer) return std::unexpected(consumer.error());
  loop->consumer_ = std::move(*consumer);
  return loop;
}

bool TransactionalLoop::caught_up() const { return consumer_->at_end(); }

Status TransactionalLoop::commit_batch(BatchHandler& handler, const std::vector<Record>& batch, Output& out) {
  if (auto st = producer_->begin(); !st) return st;
  in_txn_ = true;
  for (const auto& r : out.records) {
    if (auto st = producer_->produce(r.topic, r.key, r.value); !st) return st;
  }
  if (!batch.empty()) {
    if (auto st = producer_->send_offsets(*consumer_, next_offsets(batch)); !st) return st;
  }
  Status st = producer_->commit();
  in_txn_ = false;
  if (!st) return st;
  handler.on_commit();
  return ok();
}

Status TransactionalLoop::recover(BatchHandler& handler, const Error& error) {
  stats_.aborts.fetch_add(1, std::memory_order_relaxed);
  if (in_txn_) {
    (void)producer_->abort();
    in_txn_ = false;
  }
  handler.on_abort();
  if (error.code == ErrorCode::kFenced || error.code == ErrorCode::kFatal) {
    return std::unexpected(error);
  }
  if (auto st = consumer_->rewind(); !st) return st;
  return ok();
}

Result<std::size_t> TransactionalLoop::step(BatchHandler& handler) {
  handler_ = &handler;
  auto batch = consumer_->poll(options_.batch_size, options_.poll_timeout);
  if (!batch) {
    if (batch.error().code == ErrorCode::kFatal) return std::unexpected(batch.error());
    return std::size_t{0};  // transient: poll again
  }
  Output out;
  if (batch->empty()) {
    if (auto st = handler.on_idle(out); !st) return std::unexpected(st.error());
    if (out.records.empty()) return std::size_t{0};
  } else if (auto st = handler.handle(*batch, out); !st) {
    if (auto r = recover(handler, st.error()); !r) return std::unexpected(r.error());
    return std::size_t{0};
  }
  if (auto st = commit_batch(handler, *batch, out); !st) {
    if (auto r = recover(handler, st.error()); !r) return std::unexpected(r.error());
    return std::size_t{0};
  }
  stats_.batches.fetch_add(1, std::memory_order_relaxed);
  stats_.records_in.fetch_add(batch->size(), std::memory_order_relaxed);
  stats_.records_out.fetch_add(out.records.size(), std::memory_order_relaxed);
  if (options_.on_committed) options_.on_committed(batch->size(), out.records.size());
  return batch->size();
}

Status TransactionalLoop::run(BatchHandler& handler, const std::atomic<bool>& stop) {
  while (!stop.load()) {
    auto n = step(handler);
    if (!n) return std::unexpected(n.error());
  }
  return ok();
}

}  // namespace earshot::pipeline
