// earshot::pipeline::log::kafka — the Kafka Log's consumer (internal; see kafka_log.h for
// behaviour).
#pragma once

#include <librdkafka/rdkafka.h>

#include "pipeline/log/log.h"

namespace earshot::pipeline::log::kafka {

// The librdkafka handle of a consumer made by KafkaLog, or nullptr for any other consumer
// (the transactional producer needs it for the group metadata).
rd_kafka_t* kafka_consumer_handle(const log::Consumer& consumer);

}  // namespace earshot::pipeline::log::kafka
