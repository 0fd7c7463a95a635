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

#include <atomic>
#include <cstdint>
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

// Stop requests (the CLI passes its SIGTERM/SIGINT flag; null = none). Once `*flag` is true,
// a transactional call (init, send offsets, commit, abort) or a producer's final flush that
// has waited 5 s for a broker gives up instead of waiting out its timeout (up to 60 s, three
// times for a commit): the call fails with kFatal, nothing is committed, and the caller stops
// (a dead broker must not hold a process that was told to stop). Calls that get answers
// finish normally. Thread-safe; `flag` must outlive every Kafka client.
void set_kafka_interrupt(const std::atomic<bool>* flag);

// How many times, in this process, a transactional producer was destroyed and created again
// because a commit's outcome stayed unknown (retriable errors or timeouts after every retry,
// see above) or the producer hit a fatal error. Each one is also logged (level 3, facility
// "TXN"). For /metrics and tests. Thread-safe.
std::uint64_t kafka_producer_recreations();

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
