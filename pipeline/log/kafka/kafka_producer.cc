// The Kafka Log's producer: idempotent, optionally transactional (kafka_log.h).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <unordered_map>

#include "pipeline/core/status.h"
#include "pipeline/log/kafka/kafka_common.h"
#include "pipeline/log/kafka/kafka_consumer.h"
#include "pipeline/log/kafka/kafka_log.h"

namespace earshot::pipeline::log::kafka {
namespace {

constexpr int kInitTimeoutMs = 60000;
constexpr int kTxnTimeoutMs = 60000;   // how long a transactional call may block
constexpr int kTxnLifetimeMs = 15000;  // a dead instance's open transaction is aborted after this
constexpr int kCommitRetries = 3;
// Transactional calls wait in slices of this length (they resume where they were when called
// again after a timeout), so that a stop request (set_kafka_interrupt) is seen within a slice.
constexpr int kSliceMs = 1000;
// Once a stop is requested, a call that has already waited this long gives up.
constexpr int kStopWaitMs = 5000;

// Once one call gave up on a stop request, the broker is known not to answer: later calls (the
// abort after a given-up send_offsets) give up after their first slice.
std::atomic<bool> g_gave_up{false};

// A transactional call `call(timeout_ms)` for up to `total_ms`, in slices; nullptr (success),
// its error, or — a stop was requested and the broker has not answered for kStopWaitMs — the
// timed-out error with *interrupted set. With `retry_retriable` (init_transactions), a retriable
// error (the transaction coordinator still loading or moving, which librdkafka reports on a
// resumed call) is tried again, like a timed-out slice, until `total_ms` is spent; other calls
// return it (commit() has its own attempts).
template <class Call>
rd_kafka_error_t* sliced(Call call, int total_ms, bool* interrupted,
                         bool retry_retriable = false) {
  using Clock = std::chrono::steady_clock;
  *interrupted = false;
  const auto start = Clock::now();
  auto waited = [&] {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
  };
  for (;;) {
    const int slice = std::max(1, std::min(kSliceMs, total_ms - waited()));
    rd_kafka_error_t* e = call(slice);
    if (!e) return nullptr;
    // A slice that ran out is tried again; an error that needs an abort (or is fatal) is not,
    // even when its code is __TIMED_OUT: librdkafka reports the transaction's own messages
    // timing out (a producer stopped past transaction.timeout.ms) that way, and repeating the
    // call only returns the same error until `total_ms` is spent.
    const bool timed_out = rd_kafka_error_code(e) == RD_KAFKA_RESP_ERR__TIMED_OUT &&
                           !rd_kafka_error_txn_requires_abort(e) && !rd_kafka_error_is_fatal(e);
    const bool retriable = retry_retriable && rd_kafka_error_is_retriable(e) &&
                           !rd_kafka_error_is_fatal(e) && !rd_kafka_error_txn_requires_abort(e);
    if (!timed_out && !retriable) return e;
    if (waited() >= total_ms) return e;
    if (kafka_interrupted() && (waited() >= kStopWaitMs || g_gave_up.load())) {
      g_gave_up = true;
      *interrupted = true;
      return e;
    }
    rd_kafka_error_destroy(e);
    if (!timed_out) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The error of a call given up because of a stop request: kFatal, so the loop stops (the open
// transaction is never committed; the broker aborts it, the next instance redoes the batch).
core::Error stopped_error(rd_kafka_error_t* e, std::string_view what) {
  core::Error err = from_error(e, what);
  return core::Error(core::ErrorCode::kFatal,
                     err.message + " (stop requested; no answer from the broker for " +
                         std::to_string(kStopWaitMs / 1000) + " s: gave up)");
}

class KafkaProducer final : public log::Producer {
 public:
  KafkaProducer(log::LogOptions log, log::ProducerOptions options)
      : log_(std::move(log)), options_(std::move(options)) {}

  core::Status init() {
    std::map<std::string, std::string> extra{
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"linger.ms", "5"},
        {"batch.num.messages", "10000"},
        // No compression by default (Kafka's and librdkafka's default too): lz4 cost `process`
        // ~9k instructions per post in the producer's thread, and the broker decompresses
        // each batch again to validate it (bench/RESULTS.md, "CPU per post, third round").
        // log.properties: {compression.type: lz4} turns it back on, e.g. across a real network.
        {"partitioner", "murmur2_random"},  // the Java client's partitioner
        {"queue.buffering.max.kbytes", "262144"},
        {"message.max.bytes", "4000000"}};
    if (transactional()) {
      extra["transactional.id"] = options_.transactional_id;
      extra["transaction.timeout.ms"] = std::to_string(kTxnLifetimeMs);
    }
    auto conf = make_conf(log_, extra);
    EARSHOT_TRY(conf);
    rd_kafka_conf_set_opaque(*conf, this);
    // Delivery reports count failures for flush(). A transactional producer does not need
    // them: a record that fails makes commit() fail (abortable), and without a report
    // callback librdkafka frees delivered records at once instead of queueing a report per
    // record for the next poll.
    if (!transactional()) rd_kafka_conf_set_dr_msg_cb(*conf, &KafkaProducer::on_delivery);
    auto h = make_handle(RD_KAFKA_PRODUCER, *conf);
    EARSHOT_TRY(h);
    rk_ = std::move(*h);
    if (transactional()) {
      bool stopped = false;
      if (rd_kafka_error_t* e = sliced(
              [&](int ms) { return rd_kafka_init_transactions(rk_.get(), ms); }, kInitTimeoutMs,
              &stopped, /*retry_retriable=*/true)) {
        if (stopped) return std::unexpected(stopped_error(e, "init_transactions"));
        return std::unexpected(from_error(e, "init_transactions"));
      }
    }
    return core::ok();
  }

  ~KafkaProducer() override {
    if (rk_ && !transactional()) {
      for (int waited = 0; waited < 10000; waited += kSliceMs) {
        if (rd_kafka_flush(rk_.get(), kSliceMs) == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (kafka_interrupted() && waited + kSliceMs >= kStopWaitMs) break;
      }
    }
    drop_topics();  // before the handle (rk_) is destroyed
  }

  core::Status produce(std::string_view topic, std::string_view key,
                       std::string_view value) override {
    rd_kafka_topic_t* rkt = topic_handle(topic);
    if (!rkt) {
      return std::unexpected(
          from_code(rd_kafka_last_error(), "produce to " + std::string(topic) + " (topic handle)"));
    }
    for (int attempt = 0;; ++attempt) {
      rd_kafka_resp_err_t err =
          rd_kafka_producev(rk_.get(), RD_KAFKA_V_RKT(rkt),
                            RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && attempt < 600) {
        rd_kafka_poll(rk_.get(), 100);  // back-pressure: wait for deliveries
        continue;
      }
      if (err == RD_KAFKA_RESP_ERR__FATAL) return fatal("produce");
      return std::unexpected(from_code(err, "produce to " + std::string(topic)));
    }
    // Delivery reports (non-transactional producers) and other events are served every
    // kPollEvery records (each poll takes the queue's lock; a report only counts failures,
    // and flush() and commit() serve the rest).
    if (++unpolled_ >= kPollEvery) {
      unpolled_ = 0;
      rd_kafka_poll(rk_.get(), 0);
    }
    return core::ok();
  }

  core::Status flush(std::chrono::milliseconds timeout) override {
    rd_kafka_resp_err_t err = rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (auto auth = auth_failure(rk_.get())) {
        return core::fail(core::ErrorCode::kFatal, "kafka: authentication failed: " + *auth);
      }
      return std::unexpected(from_code(err, "flush"));
    }
    if (int n = failed_.exchange(0); n > 0) {
      return core::fail(
          core::ErrorCode::kRetriable,
          "kafka: " + std::to_string(n) + " record(s) not delivered: " + last_failure_);
    }
    return core::ok();
  }

  core::Status begin() override {
    if (rd_kafka_error_t* e = rd_kafka_begin_transaction(rk_.get())) {
      return std::unexpected(from_error(e, "begin_transaction"));
    }
    return core::ok();
  }

  core::Status send_offsets(const log::Consumer& consumer, const log::Offsets& offsets) override {
    rd_kafka_t* crk = kafka_consumer_handle(consumer);
    if (!crk)
      return core::fail(core::ErrorCode::kInvalidArgument, "consumer is not from the Kafka log");
    rd_kafka_consumer_group_metadata_t* md = rd_kafka_consumer_group_metadata(crk);
    if (!md) return core::fail(core::ErrorCode::kInvalidArgument, "consumer has no group");
    PartitionList list = to_list(offsets);
    bool stopped = false;
    rd_kafka_error_t* e = sliced(
        [&](int ms) { return rd_kafka_send_offsets_to_transaction(rk_.get(), list.get(), md, ms); },
        kTxnTimeoutMs, &stopped);
    rd_kafka_consumer_group_metadata_destroy(md);
    if (e && stopped) return std::unexpected(stopped_error(e, "send_offsets_to_transaction"));
    if (e) return std::unexpected(from_error(e, "send_offsets_to_transaction"));
    return core::ok();
  }

  core::Status commit() override {
    for (int attempt = 0;; ++attempt) {
      bool stopped = false;
      rd_kafka_error_t* e = sliced(
          [&](int ms) { return rd_kafka_commit_transaction(rk_.get(), ms); },
          static_cast<int>(log_.commit_timeout.count()), &stopped);
      if (!e) return core::ok();
      // Stopping: the outcome is the broker's; the process exits without reusing this producer.
      if (stopped) return std::unexpected(stopped_error(e, "commit_transaction"));
      core::Error err = from_error(e, "commit_transaction");
      if (err.code == core::ErrorCode::kAbortable) {
        (void)abort();
        return std::unexpected(err);
      }
      if (err.code == core::ErrorCode::kFenced) return std::unexpected(err);
      if (err.code == core::ErrorCode::kFatal) {
        EARSHOT_TRY(recreate(err.message));
        return std::unexpected(err);
      }
      if (attempt + 1 < kCommitRetries) continue;  // retriable: the same commit again
      // Still unresolved: never let this transaction's EndTxn meet the next one.
      EARSHOT_TRY(recreate(err.message + " after " + std::to_string(kCommitRetries) +
                           " attempts (outcome unknown)"));
      return core::fail(core::ErrorCode::kTimeout,
                        err.message + " (producer recreated; outcome decided by the broker)");
    }
  }

  core::Status abort() override {
    bool stopped = false;
    rd_kafka_error_t* e = sliced(
        [&](int ms) { return rd_kafka_abort_transaction(rk_.get(), ms); }, kTxnTimeoutMs,
        &stopped);
    if (!e) return core::ok();
    if (stopped) return std::unexpected(stopped_error(e, "abort_transaction"));
    core::Error err = from_error(e, "abort_transaction");
    if (err.code == core::ErrorCode::kFenced) return std::unexpected(err);
    EARSHOT_TRY(recreate(err.message));  // fatal or stuck: start over with a new epoch
    return core::ok();
  }

 private:
  static constexpr int kPollEvery = 256;

  bool transactional() const { return !options_.transactional_id.empty(); }

  // The topic's handle, created on first use and kept until the producer handle goes: a
  // name in producev() costs a lookup under the client's write lock on every record.
  rd_kafka_topic_t* topic_handle(std::string_view topic) {
    if (auto it = topics_.find(topic); it != topics_.end()) return it->second;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), std::string(topic).c_str(), nullptr);
    if (rkt) topics_.emplace(std::string(topic), rkt);
    return rkt;
  }

  void drop_topics() {
    for (auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
    topics_.clear();
  }

  core::Status recreate(const std::string& why) {
    note_producer_recreated(why);
    drop_topics();
    rk_.reset();
    return init();
  }

  core::Status fatal(std::string_view what) {
    char buf[512];
    rd_kafka_fatal_error(rk_.get(), buf, sizeof buf);
    core::Error err(core::ErrorCode::kFatal, "kafka " + std::string(what) + ": fatal: " + buf);
    EARSHOT_TRY(recreate(err.message));
    return std::unexpected(err);
  }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    auto* self = static_cast<KafkaProducer*>(opaque);
    self->failed_.fetch_add(1);
    self->last_failure_ = rd_kafka_err2str(m->err);
  }

  log::LogOptions log_;
  log::ProducerOptions options_;
  Handle rk_;
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, rd_kafka_topic_t*, NameHash, std::equal_to<>> topics_;
  int unpolled_ = 0;
  std::atomic<int> failed_{0};
  std::string last_failure_;
};

}  // namespace

core::Result<std::unique_ptr<log::Producer>> KafkaLog::producer(
    const log::ProducerOptions& options) {
  auto p = std::make_unique<KafkaProducer>(options_, options);
  EARSHOT_TRY(p->init());
  return std::unique_ptr<log::Producer>(std::move(p));
}

}  // namespace earshot::pipeline::log::kafka
