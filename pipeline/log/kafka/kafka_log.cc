#include "pipeline/log/kafka/kafka_log.h"

#include <optional>
#include <string>

#include "pipeline/core/status.h"
#include "pipeline/log/kafka/kafka_common.h"

namespace earshot::pipeline::log::kafka {

core::Result<std::unique_ptr<KafkaLog>> KafkaLog::open(const log::LogOptions& options) {
  if (options.brokers.empty())
    return core::fail(core::ErrorCode::kInvalidArgument, "log.brokers: required for kind kafka");
  // Check the properties once, so that a typo is reported at start-up, not at first use.
  auto conf = make_conf(options, {});
  EARSHOT_TRY(conf);
  rd_kafka_conf_destroy(*conf);
  return std::unique_ptr<KafkaLog>(new KafkaLog(options));
}

core::Status KafkaLog::create_topics(const std::vector<log::TopicSpec>& topics) {
  if (topics.empty()) return core::ok();
  auto conf = make_conf(options_, {});
  EARSHOT_TRY(conf);
  auto rk = make_handle(RD_KAFKA_PRODUCER, *conf);
  EARSHOT_TRY(rk);

  std::vector<rd_kafka_NewTopic_t*> specs;
  char err[512];
  for (const auto& t : topics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(
        t.name.c_str(), t.partitions > 0 ? t.partitions : options_.partitions, -1, err, sizeof err);
    if (!nt) {
      for (auto* s : specs) rd_kafka_NewTopic_destroy(s);
      return core::fail(core::ErrorCode::kInvalidArgument, "topic " + t.name + ": " + err);
    }
    if (t.compacted) rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
    specs.push_back(nt);
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk->get());
  rd_kafka_AdminOptions_t* opts =
      rd_kafka_AdminOptions_new(rk->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, 30000, err, sizeof err);
  rd_kafka_CreateTopics(rk->get(), specs.data(), specs.size(), opts, q);
  // Wait up to 60 s, serving the handle's callbacks so that an authentication failure (wrong
  // credentials never heal) ends the wait at once with a clear message.
  rd_kafka_event_t* ev = nullptr;
  std::optional<std::string> auth;
  for (int waited_ms = 0; !ev && waited_ms < 60000 && !auth; waited_ms += 250) {
    ev = rd_kafka_queue_poll(q, 250);
    rd_kafka_poll(rk->get(), 0);
    auth = auth_failure(rk->get());
  }
  core::Status result = core::ok();
  if (!ev && auth) {
    result = core::fail(core::ErrorCode::kFatal, "kafka: authentication failed: " + *auth);
  } else if (!ev) {
    result = core::fail(core::ErrorCode::kTimeout,
                        "kafka create topics: no answer from " + options_.brokers);
  } else if (rd_kafka_event_error(ev)) {
    result = core::fail(core::ErrorCode::kUnavailable,
                        std::string("kafka create topics: ") + rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    for (size_t i = 0; i < n && result; ++i) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        result =
            core::fail(core::ErrorCode::kUnavailable,
                       std::string("kafka create topic ") + rd_kafka_topic_result_name(res[i]) +
                           ": " + rd_kafka_topic_result_error_string(res[i]));
      }
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  for (auto* s : specs) rd_kafka_NewTopic_destroy(s);
  return result;
}

std::string KafkaLog::describe() const { return "kafka " + options_.brokers; }

}  // namespace earshot::pipeline::log::kafka
