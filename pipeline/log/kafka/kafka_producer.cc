// The Kafka Log's producer: idempotent, optionally transactional (kafka_log.h).
#include <atomic>
#include <string>
#include <thread>

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
        {"compression.type", "lz4"},
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
    rd_kafka_conf_set_dr_msg_cb(*conf, &KafkaProducer::on_delivery);
    auto h = make_handle(RD_KAFKA_PRODUCER, *conf);
    EARSHOT_TRY(h);
    rk_ = std::move(*h);
    if (transactional()) {
      if (rd_kafka_error_t* e = rd_kafka_init_transactions(rk_.get(), kInitTimeoutMs)) {
        return std::unexpected(from_error(e, "init_transactions"));
      }
    }
    return core::ok();
  }

  ~KafkaProducer() override {
    if (rk_ && !transactional()) rd_kafka_flush(rk_.get(), 10000);
  }

  core::Status produce(std::string_view topic, std::string_view key,
                       std::string_view value) override {
    std::string t(topic);  // librdkafka wants a terminated name
    for (int attempt = 0;; ++attempt) {
      rd_kafka_resp_err_t err =
          rd_kafka_producev(rk_.get(), RD_KAFKA_V_TOPIC(t.c_str()),
                            RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && attempt < 600) {
        rd_kafka_poll(rk_.get(), 100);  // back-pressure: wait for deliveries
        continue;
      }
      if (err == RD_KAFKA_RESP_ERR__FATAL) return fatal("produce");
      return std::unexpected(from_code(err, "produce to " + t));
    }
    rd_kafka_poll(rk_.get(), 0);
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
    rd_kafka_error_t* e =
        rd_kafka_send_offsets_to_transaction(rk_.get(), list.get(), md, kTxnTimeoutMs);
    rd_kafka_consumer_group_metadata_destroy(md);
    if (e) return std::unexpected(from_error(e, "send_offsets_to_transaction"));
    return core::ok();
  }

  core::Status commit() override {
    for (int attempt = 0;; ++attempt) {
      rd_kafka_error_t* e = rd_kafka_commit_transaction(rk_.get(), kTxnTimeoutMs);
      if (!e) return core::ok();
      core::Error err = from_error(e, "commit_transaction");
      if (err.code == core::ErrorCode::kAbortable) {
        (void)abort();
        return std::unexpected(err);
      }
      if (err.code == core::ErrorCode::kFenced) return std::unexpected(err);
      if (err.code == core::ErrorCode::kFatal) {
        EARSHOT_TRY(recreate());
        return std::unexpected(err);
      }
      if (attempt + 1 < kCommitRetries) continue;  // retriable: the same commit again
      // Still unresolved: never let this transaction's EndTxn meet the next one.
      EARSHOT_TRY(recreate());
      return core::fail(core::ErrorCode::kTimeout,
                        err.message + " (producer recreated; outcome decided by the broker)");
    }
  }

  core::Status abort() override {
    rd_kafka_error_t* e = rd_kafka_abort_transaction(rk_.get(), kTxnTimeoutMs);
    if (!e) return core::ok();
    core::Error err = from_error(e, "abort_transaction");
    if (err.code == core::ErrorCode::kFenced) return std::unexpected(err);
    EARSHOT_TRY(recreate());  // fatal or stuck: start over with a new epoch
    return core::ok();
  }

 private:
  bool transactional() const { return !options_.transactional_id.empty(); }

  core::Status recreate() {
    rk_.reset();
    return init();
  }

  core::Status fatal(std::string_view what) {
    char buf[512];
    rd_kafka_fatal_error(rk_.get(), buf, sizeof buf);
    core::Error err(core::ErrorCode::kFatal, "kafka " + std::string(what) + ": fatal: " + buf);
    EARSHOT_TRY(recreate());
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
