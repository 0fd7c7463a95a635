// earshot::pipeline::log — the Log: keyed, partitioned, transactional topics.
//
// Every arrow between stages is a Log. Two implementations sit behind this interface and
// stage code does not know which it runs on:
//   - Kafka (kafka_log.h, librdkafka): production; exactly-once through transactions.
//   - embedded (embedded_log.h, SQLite): one machine, demos and tests; in memory, or durable
//     in a SQLite file when LogOptions::path is set.
//
// Exactly-once consume-transform-produce, the same on both:
//
//   auto log = open_log(options);                                   // Result<unique_ptr<Log>>
//   auto in  = (*log)->consumer({.group = "earshot-process", .topics = {"earshot.posts"}});
//   auto out = (*log)->producer({.transactional_id = "earshot-process-0"});
//   for (;;) {
//     auto batch = (*in)->poll(500, 200ms);                         // outside any transaction
//     if (auto lag = (*in)->lag()) report(total_lag(*lag));         // records still to read
//     if (!batch || batch->empty()) continue;
//     (*out)->begin();
//     for (auto& r : *batch) (*out)->produce("earshot.scored", r.key, transform(r.value));
//     (*out)->send_offsets(**in, next_offsets(*batch));
//     if (auto st = (*out)->commit(); !st) {                        // kAbortable, kFenced, ...
//       (*out)->abort(); (*in)->rewind();                           // reprocess from committed
//     }
//   }
//
// Readers only ever see committed data (read_committed). A crash between produce and
// commit exposes nothing; a commit exposes the outputs and the consumed offsets at once.
//
// Thread safety: a Log may be shared by threads; each Producer and Consumer is used by one
// thread at a time. Lifetime: producers and consumers must not outlive their Log.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/status.h"

namespace earshot::pipeline::log {

struct Record {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::string key;
  std::string value;
  std::int64_t timestamp_ms = 0;
};

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// Next offset to read, per partition (Kafka's convention: last consumed + 1).
using Offsets = std::map<TopicPartition, std::int64_t>;

// The offsets that follow the records of `batch` (max offset + 1 per partition).
Offsets next_offsets(const std::vector<Record>& batch);

// Consumer lag: per partition, the records this consumer has not handed out yet — the
// partition's end offset minus the consumer's position (the next offset poll() returns).
using Lag = std::map<TopicPartition, std::int64_t>;

// The sum over the partitions of `lag`.
std::int64_t total_lag(const Lag& lag);

struct ConsumerOptions {
  // Consumer group; the group's committed offsets are where reading starts. Empty: no
  // group, every partition of `topics` is read from the beginning (for `earshot tail`).
  std::string group;
  std::vector<std::string> topics;
  // Called (on the polling thread, inside poll()) before partitions are taken away, so
  // the owner can abort an open transaction that covers them.
  std::function<void(const std::vector<TopicPartition>&)> on_revoke;
};

struct ProducerOptions {
  // Non-empty: a transactional producer (begin/send_offsets/commit/abort); a newer
  // producer with the same id fences this one. Empty: idempotent, no transactions.
  std::string transactional_id;
};

struct TopicSpec {
  std::string name;
  int partitions = 3;
  bool compacted = false;
};

class Consumer {
 public:
  virtual ~Consumer() = default;
  // Up to `max_records` committed records, waiting at most `timeout` for the first one.
  // Records of one partition come in offset order.
  virtual core::Result<std::vector<Record>> poll(std::size_t max_records,
                                                 std::chrono::milliseconds timeout) = 0;
  // True when every assigned partition has been read up to its end (as of the last poll).
  virtual bool at_end() const = 0;
  // Commits offsets outside a transaction (for at-least-once readers such as sinks).
  virtual core::Status commit(const Offsets& offsets) = 0;
  // Moves every assigned partition back to the group's committed offset (after an abort).
  virtual core::Status rewind() = 0;
  virtual std::vector<TopicPartition> assignment() const = 0;
  // The group's committed offsets of `parts` (absent: none committed). Kafka asks the group
  // coordinator and waits for offsets of transactions still completing (require_stable).
  // Used to learn the outcome of a commit whose answer never came; a Log whose commits never
  // end unknown (embedded) need not implement it (kUnavailable).
  virtual core::Result<Offsets> committed(const std::vector<TopicPartition>& parts) {
    (void)parts;
    return core::fail(core::ErrorCode::kUnavailable, "committed offsets: not available");
  }
  // The lag of each assigned partition whose position and end offset are known, without
  // waiting on anything (no broker request). Kafka: the end is the high watermark of the
  // last fetch response (so records of transactions still open count), and partitions not
  // fetched from since they were assigned are left out. Embedded: every assigned partition.
  virtual core::Result<Lag> lag() const = 0;
};

class Producer {
 public:
  virtual ~Producer() = default;
  // Sends `value` under `key` to `topic` (partition chosen by the key's hash). Inside a
  // transaction the record becomes visible only at commit().
  virtual core::Status produce(std::string_view topic, std::string_view key,
                               std::string_view value) = 0;
  // Waits until everything produced so far is acknowledged (non-transactional producers).
  virtual core::Status flush(std::chrono::milliseconds timeout) = 0;
  virtual core::Status begin() = 0;
  // Adds the consumer's offsets to the open transaction (its group is fenced by generation).
  virtual core::Status send_offsets(const Consumer& consumer, const Offsets& offsets) = 0;
  // Errors: kAbortable (abort, rewind, go on), kFenced or kFatal (recreate the producer),
  // kTimeout (outcome unknown: the producer was recreated; the transactional loop reads the
  // group's committed offsets to learn whether the batch committed, then goes on).
  virtual core::Status commit() = 0;
  virtual core::Status abort() = 0;
};

class Log {
 public:
  virtual ~Log() = default;
  // Creates the topics that do not exist yet (existing ones are left as they are).
  virtual core::Status create_topics(const std::vector<TopicSpec>& topics) = 0;
  virtual core::Result<std::unique_ptr<Producer>> producer(const ProducerOptions& options) = 0;
  virtual core::Result<std::unique_ptr<Consumer>> consumer(const ConsumerOptions& options) = 0;
  // "kafka 127.0.0.1:9092" or "embedded /path/earshot.db" / "embedded (in memory)".
  virtual std::string describe() const = 0;
};

struct LogOptions {
  std::string kind = "embedded";                  // kafka | embedded
  std::string brokers;                            // kafka
  std::string path;                               // embedded: SQLite file; empty = in memory
  std::map<std::string, std::string> properties;  // kafka: passed to librdkafka as-is
  int partitions = 3;                             // for topics this Log creates
  // kafka: how long one commit_transaction call waits for the broker (config
  // log.commit_timeout); a commit is tried 3 times, then the producer is recreated.
  std::chrono::milliseconds commit_timeout{60000};
};

core::Result<std::unique_ptr<Log>> open_log(const LogOptions& options);

// Polls `consumer` until every assigned partition is at its end, handing each record to
// `on_record` (it may move from it). Used to load state kept in a topic (dedup changelog,
// source cursors, customer identities) before a stage starts. kTimeout after `limit`,
// naming `what`. Each poll waits up to `poll_wait`; the last one, which finds nothing
// more, costs that wait.
core::Status read_to_end(Consumer& consumer, const std::function<void(Record&)>& on_record,
                         std::chrono::milliseconds limit, std::string_view what,
                         std::chrono::milliseconds poll_wait = std::chrono::milliseconds(200));

}  // namespace earshot::pipeline::log
