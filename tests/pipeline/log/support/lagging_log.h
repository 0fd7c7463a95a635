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

#include "pipeline/log/log.h"

namespace earshot::pipeline::testing {

class LaggingConsumer final : public log::Consumer {
 public:
  explicit LaggingConsumer(std::unique_ptr<log::Consumer> inner) : inner_(std::move(inner)) {}
  core::Result<std::vector<log::Record>> poll(std::size_t max_records,
                                              std::chrono::milliseconds timeout) override {
    if (timeout.count() == 0) return std::vector<log::Record>{};
    return inner_->poll(max_records, timeout);
  }
  bool at_end() const override { return inner_->at_end(); }
  core::Status commit(const log::Offsets& offsets) override { return inner_->commit(offsets); }
  core::Status rewind() override { return inner_->rewind(); }
  std::vector<log::TopicPartition> assignment() const override { return inner_->assignment(); }
  core::Result<log::Lag> lag() const override { return inner_->lag(); }

 private:
  std::unique_ptr<log::Consumer> inner_;
};

class LaggingLog final : public log::Log {
 public:
  explicit LaggingLog(log::Log& inner) : inner_(inner) {}
  core::Status create_topics(const std::vector<log::TopicSpec>& t) override {
    return inner_.create_topics(t);
  }
  core::Result<std::unique_ptr<log::Producer>> producer(const log::ProducerOptions& o) override {
    return inner_.producer(o);
  }
  core::Result<std::unique_ptr<log::Consumer>> consumer(const log::ConsumerOptions& o) override {
    auto c = inner_.consumer(o);
    if (!c) return c;
    return std::unique_ptr<log::Consumer>(std::make_unique<LaggingConsumer>(std::move(*c)));
  }
  std::string describe() const override { return "lagging " + inner_.describe(); }

 private:
  log::Log& inner_;
};

}  // namespace earshot::pipeline::testing
