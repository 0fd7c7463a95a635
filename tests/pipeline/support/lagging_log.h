// Test support (pipeline): a Log decorator whose consumers have fetched nothing yet whenever
// they are asked not to wait — what a non-blocking poll of a real broker may see right after
// a rebalance. Polls that may wait, producers and topic creation go to the inner Log.
//
//   LaggingLog lagging(*log);
//   stage.restore(lagging);   // the stage's catch-up polls with a 0 ms wait now see nothing
//
// Lifetime: `inner` must outlive the LaggingLog and its consumers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pipeline/log.h"

namespace earshot::pipeline::testing {

class LaggingConsumer final : public Consumer {
 public:
  explicit LaggingConsumer(std::unique_ptr<Consumer> inner) : inner_(std::move(inner)) {}
  Result<std::vector<Record>> poll(std::size_t max_records, std::chrono::milliseconds timeout) override {
    if (timeout.count() == 0) return std::vector<Record>{};
    return inner_->poll(max_records, timeout);
  }
  bool at_end() const override { return inner_->at_end(); }
  Status commit(const Offsets& offsets) override { return inner_->commit(offsets); }
  Status rewind() override { return inner_->rewind(); }
  std::vector<TopicPartition> assignment() const override { return inner_->assignment(); }

 private:
  std::unique_ptr<Consumer> inner_;
};

class LaggingLog final : public Log {
 public:
  explicit LaggingLog(Log& inner) : inner_(inner) {}
  Status create_topics(const std::vector<TopicSpec>& t) override { return inner_.create_topics(t); }
  Result<std::unique_ptr<Producer>> producer(const ProducerOptions& o) override { return inner_.producer(o); }
  Result<std::unique_ptr<Consumer>> consumer(const ConsumerOptions& o) override {
    auto c = inner_.consumer(o);
    if (!c) return c;
    return std::unique_ptr<Consumer>(std::make_unique<LaggingConsumer>(std::move(*c)));
  }
  std::string describe() const override { return "lagging " + inner_.describe(); }

 private:
  Log& inner_;
};

}  // namespace earshot::pipeline::testing
