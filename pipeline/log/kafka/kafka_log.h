// earshot::pipeline::log::kafka — the Kafka Log (librdkafka).
//
// Producers are idempotent; with a transactional id they are transactional and follow
// librdkafka's error classes: a retriable commit is retried; an abortable error aborts and
// returns kAbortable (the caller rewinds its consumer to the committed offsets); a fatal
// error recreates the producer and returns kFatal; a commit that still times out after its
// retries destroys and recreates the producer before anything else is sent (librdkafka
// 2.0 lacks KIP-890, so a late EndTxn could otherwise land on the next transaction) and
// returns kTimeout. Fencing by a newer instance returns kFenced.
//
// Consumers read with isolation.level=read_committed and never auto-commit. In a group
// they join with the eager protocol; a revocation runs ConsumerOptions::on_revoke inside
// poll() first and drops any records of the revoked partitions from the batch being
// collected. Without a group they read every partition of their topics from the start.
//
//   auto log = KafkaLog::open({.kind = "kafka", .brokers = "127.0.0.1:9092"});
//
// Thread safety: as Log (log.h). librdkafka's own log lines go to set_kafka_log_handler()'s
// handler (none by default: library code does not print).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/log/log.h"

namespace earshot::pipeline::log::kafka {

// syslog levels (3 error, 4 warning, 6 info, 7 debug); called on librdkafka's threads.
using KafkaLogHandler =
    std::function<void(int level, std::string_view facility, std::string_view message)>;
void set_kafka_log_handler(KafkaLogHandler handler);

class KafkaLog final : public log::Log {
 public:
  static core::Result<std::unique_ptr<KafkaLog>> open(const log::LogOptions& options);

  core::Status create_topics(const std::vector<log::TopicSpec>& topics) override;
  core::Result<std::unique_ptr<log::Producer>> producer(
      const log::ProducerOptions& options) override;
  core::Result<std::unique_ptr<log::Consumer>> consumer(
      const log::ConsumerOptions& options) override;
  std::string describe() const override;
  // The broker's version string as reported by the cluster, when it can be learnt.
  const log::LogOptions& options() const { return options_; }

 private:
  explicit KafkaLog(log::LogOptions options) : options_(std::move(options)) {}
  log::LogOptions options_;
};

}  // namespace earshot::pipeline::log::kafka
