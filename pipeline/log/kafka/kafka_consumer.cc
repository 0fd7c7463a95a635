#include "pipeline/log/kafka/kafka_consumer.h"

#include <algorithm>
#include <random>
#include <set>

#include "pipeline/core/status.h"
#include "pipeline/log/kafka/kafka_common.h"
#include "pipeline/log/kafka/kafka_log.h"

namespace earshot::pipeline::log::kafka {
namespace {

// rd_kafka_committed() for up to `total_ms`: one call, as before, unless a stop was requested
// (set_kafka_interrupt); then it asks in 2 s slices and gives up after the first one that
// times out (*stopped set, __TIMED_OUT returned). A stop that comes during a full-length call
// is the stop watchdog's (pipeline/cli/cli_common.h).
rd_kafka_resp_err_t committed_offsets(rd_kafka_t* rk, rd_kafka_topic_partition_list_t* list,
                                      int total_ms, bool* stopped) {
  constexpr int kSliceMs = 2000;
  *stopped = false;
  for (int waited = 0;;) {
    const int left = total_ms - waited;
    const int slice = kafka_interrupted() ? std::min(kSliceMs, left) : left;
    rd_kafka_resp_err_t err = rd_kafka_committed(rk, list, slice);
    if (err != RD_KAFKA_RESP_ERR__TIMED_OUT) return err;
    waited += slice;
    if (waited >= total_ms) return err;
    if (kafka_interrupted()) {
      *stopped = true;
      return err;
    }
  }
}

core::Error stopped_error(std::string_view what) {
  return core::Error(core::ErrorCode::kFatal,
                     "kafka " + std::string(what) +
                         ": stop requested and the broker does not answer: gave up");
}

class KafkaConsumer final : public log::Consumer {
 public:
  KafkaConsumer(log::LogOptions log, log::ConsumerOptions options)
      : log_(std::move(log)), options_(std::move(options)) {}

  ~KafkaConsumer() override {
    if (rk_ && !options_.group.empty()) rd_kafka_consumer_close(rk_.get());
  }

  core::Status init() {
    std::string group = options_.group;
    if (group.empty()) {  // a reader without a group still needs an id; it never commits
      std::random_device rd;
      group = "earshot-reader-" + std::to_string(rd()) + std::to_string(rd());
    }
    std::map<std::string, std::string> extra{{"group.id", group},
                                             {"isolation.level", "read_committed"},
                                             {"enable.auto.commit", "false"},
                                             {"enable.auto.offset.store", "false"},
                                             {"auto.offset.reset", "earliest"},
                                             {"enable.partition.eof", "true"},
                                             {"partition.assignment.strategy", "range,roundrobin"},
                                             {"session.timeout.ms", "10000"},
                                             {"heartbeat.interval.ms", "1000"},
                                             {"fetch.wait.max.ms", "100"},
                                             {"topic.metadata.refresh.interval.ms", "5000"}};
    auto conf = make_conf(log_, extra);
    EARSHOT_TRY(conf);
    rd_kafka_conf_set_opaque(*conf, this);
    if (!options_.group.empty())
      rd_kafka_conf_set_rebalance_cb(*conf, &KafkaConsumer::on_rebalance);
    auto h = make_handle(RD_KAFKA_CONSUMER, *conf);
    EARSHOT_TRY(h);
    rk_ = std::move(*h);
    rd_kafka_poll_set_consumer(rk_.get());
    if (!options_.group.empty()) {
      PartitionList topics(
          rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size())));
      for (const auto& t : options_.topics) {
        rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
      }
      if (auto err = rd_kafka_subscribe(rk_.get(), topics.get())) {
        return std::unexpected(from_code(err, "subscribe"));
      }
      return core::ok();
    }
    return assign_all_from_start();
  }

  rd_kafka_t* handle() const { return rk_.get(); }

  core::Result<std::vector<log::Record>> poll(std::size_t max_records,
                                              std::chrono::milliseconds timeout) override {
    if (auto auth = auth_failure(rk_.get())) {
      return core::fail(core::ErrorCode::kFatal, "kafka: authentication failed: " + *auth);
    }
    std::vector<log::Record> out;
    collecting_ = &out;  // a revocation inside this poll drops what was collected before it
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < max_records) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      int wait = out.empty() ? static_cast<int>(std::max<std::int64_t>(0, left.count())) : 0;
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), wait);
      if (!m) {
        if (!out.empty() || left.count() <= 0) break;
        continue;
      }
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        eof_.insert({rd_kafka_topic_name(m->rkt), m->partition});
      } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        core::Error e = from_code(m->err, "consume");
        bool fatal = m->err == RD_KAFKA_RESP_ERR__FATAL;
        rd_kafka_message_destroy(m);
        if (fatal) {
          collecting_ = nullptr;
          return core::fail(core::ErrorCode::kFatal, e.message);
        }
        if (out.empty()) {
          collecting_ = nullptr;
          return std::unexpected(e);
        }
        break;
      } else {
        log::Record& r = out.emplace_back();
        r.topic = rd_kafka_topic_name(m->rkt);
        r.partition = m->partition;
        r.offset = m->offset;
        if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
        if (m->payload) r.value.assign(static_cast<const char*>(m->payload), m->len);
        r.timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
        if (!eof_.empty()) eof_.erase({r.topic, r.partition});
      }
      rd_kafka_message_destroy(m);
    }
    collecting_ = nullptr;
    return out;
  }

  bool at_end() const override {
    if (assigned_.empty()) return false;
    return std::all_of(assigned_.begin(), assigned_.end(),
                       [&](const log::TopicPartition& tp) { return eof_.count(tp) > 0; });
  }

  core::Status commit(const log::Offsets& offsets) override {
    if (options_.group.empty())
      return core::fail(core::ErrorCode::kInvalidArgument, "commit needs a consumer group");
    PartitionList list = to_list(offsets);
    if (auto err = rd_kafka_commit(rk_.get(), list.get(), 0))
      return std::unexpected(from_code(err, "commit"));
    return core::ok();
  }

  core::Status rewind() override {
    if (assigned_.empty()) return core::ok();
    log::Offsets all;
    for (const auto& tp : assigned_) all[tp] = RD_KAFKA_OFFSET_INVALID;
    PartitionList list = to_list(all);
    if (!options_.group.empty()) {
      bool stopped = false;
      if (auto err = committed_offsets(rk_.get(), list.get(), 30000, &stopped)) {
        if (stopped) return std::unexpected(stopped_error("committed"));
        return std::unexpected(from_code(err, "committed"));
      }
    }
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].offset < 0) list->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    if (rd_kafka_error_t* e = rd_kafka_seek_partitions(rk_.get(), list.get(), 30000)) {
      return std::unexpected(from_error(e, "seek"));
    }
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].err) return std::unexpected(from_code(list->elems[i].err, "seek"));
    }
    eof_.clear();
    return core::ok();
  }

  core::Result<log::Offsets> committed(const std::vector<log::TopicPartition>& parts) override {
    if (options_.group.empty())
      return core::fail(core::ErrorCode::kInvalidArgument, "committed needs a consumer group");
    log::Offsets ask;
    for (const auto& tp : parts) ask[tp] = RD_KAFKA_OFFSET_INVALID;
    PartitionList list = to_list(ask);
    bool stopped = false;
    if (auto err = committed_offsets(rk_.get(), list.get(), 30000, &stopped)) {
      if (stopped) return std::unexpected(stopped_error("committed"));
      return std::unexpected(from_code(err, "committed"));
    }
    log::Offsets out;
    for (int i = 0; i < list->cnt; ++i) {
      const rd_kafka_topic_partition_t& p = list->elems[i];
      if (p.err) return std::unexpected(from_code(p.err, "committed"));
      if (p.offset >= 0) out[{p.topic, p.partition}] = p.offset;
    }
    return out;
  }

  std::vector<log::TopicPartition> assignment() const override {
    return {assigned_.begin(), assigned_.end()};
  }

  // Local state only: the assignment, the positions and the high watermarks librdkafka
  // keeps from its fetch responses.
  core::Result<log::Lag> lag() const override {
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (auto err = rd_kafka_assignment(rk_.get(), &raw))
      return std::unexpected(from_code(err, "assignment"));
    PartitionList list(raw);
    if (auto err = rd_kafka_position(rk_.get(), list.get()))
      return std::unexpected(from_code(err, "position"));
    log::Lag out;
    for (int i = 0; i < list->cnt; ++i) {
      const rd_kafka_topic_partition_t& p = list->elems[i];
      std::int64_t lo = 0, hi = 0;
      if (p.offset < 0 ||
          rd_kafka_get_watermark_offsets(rk_.get(), p.topic, p.partition, &lo, &hi) !=
              RD_KAFKA_RESP_ERR_NO_ERROR ||
          hi < 0) {
        continue;  // not fetched from since it was assigned
      }
      out[{p.topic, p.partition}] = std::max<std::int64_t>(0, hi - p.offset);
    }
    return out;
  }

 private:
  core::Status assign_all_from_start() {
    log::Offsets all;
    for (const auto& topic : options_.topics) {
      const rd_kafka_metadata_t* md = nullptr;
      rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr);
      rd_kafka_resp_err_t err = rd_kafka_metadata(rk_.get(), 0, rkt, &md, 30000);
      rd_kafka_topic_destroy(rkt);
      if (err) return std::unexpected(from_code(err, "metadata for " + topic));
      for (int t = 0; t < md->topic_cnt; ++t) {
        if (md->topics[t].err) {
          core::Error e = from_code(md->topics[t].err, "topic " + topic);
          rd_kafka_metadata_destroy(md);
          return std::unexpected(e);
        }
        for (int p = 0; p < md->topics[t].partition_cnt; ++p) {
          all[{topic, md->topics[t].partitions[p].id}] = RD_KAFKA_OFFSET_BEGINNING;
        }
      }
      rd_kafka_metadata_destroy(md);
    }
    PartitionList list = to_list(all);
    if (auto err = rd_kafka_assign(rk_.get(), list.get()))
      return std::unexpected(from_code(err, "assign"));
    for (const auto& [tp, off] : all) assigned_.insert(tp);
    return core::ok();
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<KafkaConsumer*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      rd_kafka_assign(rk, parts);
      for (int i = 0; i < parts->cnt; ++i)
        self->assigned_.insert({parts->elems[i].topic, parts->elems[i].partition});
      return;
    }
    std::vector<log::TopicPartition> gone;
    for (int i = 0; i < parts->cnt; ++i)
      gone.push_back({parts->elems[i].topic, parts->elems[i].partition});
    if (self->options_.on_revoke) self->options_.on_revoke(gone);
    rd_kafka_assign(rk, nullptr);
    for (const auto& tp : gone) {
      self->assigned_.erase(tp);
      self->eof_.erase(tp);
    }
    // Records of these partitions collected so far in this poll are not handed out: their
    // next owner (maybe this consumer again, later in the same poll) starts at the
    // committed offset. Records fetched after a re-assignment are kept.
    if (self->collecting_) {
      std::set<log::TopicPartition> gone_set(gone.begin(), gone.end());
      std::erase_if(*self->collecting_, [&](const log::Record& r) {
        return gone_set.count({r.topic, r.partition}) > 0;
      });
    }
  }

  log::LogOptions log_;
  log::ConsumerOptions options_;
  Handle rk_;
  std::set<log::TopicPartition> assigned_;
  std::set<log::TopicPartition> eof_;
  std::vector<log::Record>* collecting_ = nullptr;  // the batch poll() is filling, if any
};

}  // namespace

rd_kafka_t* kafka_consumer_handle(const log::Consumer& consumer) {
  const auto* k = dynamic_cast<const KafkaConsumer*>(&consumer);
  return k ? k->handle() : nullptr;
}

core::Result<std::unique_ptr<log::Consumer>> KafkaLog::consumer(
    const log::ConsumerOptions& options) {
  auto c = std::make_unique<KafkaConsumer>(options_, options);
  EARSHOT_TRY(c->init());
  return std::unique_ptr<log::Consumer>(std::move(c));
}

}  // namespace earshot::pipeline::log::kafka
