#include "pipeline/log/kafka/kafka_common.h"

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "pipeline/log/kafka/kafka_log.h"

namespace earshot::pipeline::log::kafka {

namespace {
std::mutex g_log_mu;
KafkaLogHandler g_log_handler;

std::atomic<const std::atomic<bool>*> g_interrupt{nullptr};
std::atomic<std::uint64_t> g_recreations{0};

std::mutex g_auth_mu;
std::map<const rd_kafka_t*, std::string> g_auth_failures;

void log_cb(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  std::lock_guard lock(g_log_mu);
  if (g_log_handler) g_log_handler(level, fac ? fac : "", buf ? buf : "");
}

// With an error callback set, librdkafka no longer logs these errors itself: log them as
// before (level 3, "ERROR"), and remember an authentication failure for auth_failure().
void error_cb(rd_kafka_t* rk, int err, const char* reason, void*) {
  if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
      err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED) {
    std::lock_guard lock(g_auth_mu);
    g_auth_failures[rk] = reason ? reason : rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(err));
  }
  log_cb(rk, 3, "ERROR", reason);
}
}  // namespace

std::optional<std::string> auth_failure(const rd_kafka_t* rk) {
  std::lock_guard lock(g_auth_mu);
  auto it = g_auth_failures.find(rk);
  if (it == g_auth_failures.end()) return std::nullopt;
  return it->second;
}

void forget_auth_failure(const rd_kafka_t* rk) {
  std::lock_guard lock(g_auth_mu);
  g_auth_failures.erase(rk);
}

void set_kafka_interrupt(const std::atomic<bool>* flag) { g_interrupt.store(flag); }

bool kafka_interrupted() {
  const std::atomic<bool>* flag = g_interrupt.load();
  return flag != nullptr && flag->load();
}

std::uint64_t kafka_producer_recreations() { return g_recreations.load(); }

void note_producer_recreated(const std::string& why) {
  g_recreations.fetch_add(1);
  log_cb(nullptr, 3, "TXN", ("transactional producer recreated: " + why).c_str());
}

void set_kafka_log_handler(KafkaLogHandler handler) {
  std::lock_guard lock(g_log_mu);
  g_log_handler = std::move(handler);
}

core::Result<rd_kafka_conf_t*> make_conf(const log::LogOptions& options,
                                         const std::map<std::string, std::string>& extra) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) -> core::Status {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      return core::fail(core::ErrorCode::kInvalidArgument, "log.properties." + k + ": " + err);
    }
    return core::ok();
  };
  core::Status st = set("bootstrap.servers", options.brokers);
  for (const auto& [k, v] : extra) {
    if (st) st = set(k, v);
  }
  for (const auto& [k, v] : options.properties) {
    if (st) st = set(k, v);
  }
  if (!st) {
    rd_kafka_conf_destroy(conf);
    return std::unexpected(st.error());
  }
  rd_kafka_conf_set_log_cb(conf, log_cb);
  rd_kafka_conf_set_error_cb(conf, error_cb);
  return conf;
}

core::Result<Handle> make_handle(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return core::fail(core::ErrorCode::kInvalidArgument, std::string("kafka: ") + err);
  }
  return Handle(rk);
}

PartitionList to_list(const log::Offsets& offsets) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [tp, off] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = off;
  }
  return list;
}

core::Error from_error(rd_kafka_error_t* error, std::string_view what) {
  core::ErrorCode code = core::ErrorCode::kRetriable;
  rd_kafka_resp_err_t err = rd_kafka_error_code(error);
  if (err == RD_KAFKA_RESP_ERR__FENCED || err == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
      err == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH) {
    code = core::ErrorCode::kFenced;
  } else if (rd_kafka_error_is_fatal(error)) {
    code = core::ErrorCode::kFatal;
  } else if (rd_kafka_error_txn_requires_abort(error)) {
    code = core::ErrorCode::kAbortable;
  } else if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    code = core::ErrorCode::kTimeout;
  } else if (!rd_kafka_error_is_retriable(error)) {
    code = core::ErrorCode::kFatal;
  }
  core::Error out(code, "kafka " + std::string(what) + ": " + rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
  return out;
}

core::Error from_code(rd_kafka_resp_err_t err, std::string_view what) {
  core::ErrorCode code =
      err == RD_KAFKA_RESP_ERR__TIMED_OUT ? core::ErrorCode::kTimeout : core::ErrorCode::kRetriable;
  if (err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION || err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
      err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS) {
    code = core::ErrorCode::kAbortable;
  }
  return core::Error(code, "kafka " + std::string(what) + ": " + rd_kafka_err2str(err));
}

}  // namespace earshot::pipeline::log::kafka
