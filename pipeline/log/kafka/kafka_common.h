// earshot::pipeline::log::kafka — librdkafka handles and configuration shared by the Kafka Log's
// producer, consumer and admin code (internal).
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "pipeline/log/log.h"

namespace earshot::pipeline::log::kafka {

// The authentication failure (SASL or TLS) librdkafka reported for `rk` through its error
// callback, if any. Credentials that are wrong stay wrong, so callers fail clearly (kFatal)
// instead of retrying forever. Thread-safe.
std::optional<std::string> auth_failure(const rd_kafka_t* rk);
void forget_auth_failure(const rd_kafka_t* rk);

// True once the flag given to set_kafka_interrupt() is set (a stop was requested).
bool kafka_interrupted();
// Counts a producer recreation and logs `why` (level 3, facility "TXN").
void note_producer_recreated(const std::string& why);

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const {
    if (rk) rd_kafka_destroy(rk);
    forget_auth_failure(rk);
  }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    if (l) rd_kafka_topic_partition_list_destroy(l);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

// A configuration with the brokers, the user's properties and then `extra` applied.
// Errors name the property.
core::Result<rd_kafka_conf_t*> make_conf(const log::LogOptions& options,
                                         const std::map<std::string, std::string>& extra);
// Creates a handle from `conf` (taking ownership of it on success and on failure).
core::Result<Handle> make_handle(rd_kafka_type_t type, rd_kafka_conf_t* conf);

PartitionList to_list(const log::Offsets& offsets);
// Maps an rd_kafka_error_t (and destroys it) to an Error; "what" says which call failed.
core::Error from_error(rd_kafka_error_t* error, std::string_view what);
core::Error from_code(rd_kafka_resp_err_t err, std::string_view what);

}  // namespace earshot::pipeline::log::kafka
