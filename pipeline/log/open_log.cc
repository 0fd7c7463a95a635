// open_log(): the one place that picks a Log backend from LogOptions::kind.
#include "pipeline/core/status.h"
#include "pipeline/log/embedded/embedded_log.h"
#include "pipeline/log/kafka/kafka_log.h"
#include "pipeline/log/log.h"

namespace earshot::pipeline::log {

core::Result<std::unique_ptr<Log>> open_log(const LogOptions& options) {
  if (options.kind == "kafka") {
    auto log = log::kafka::KafkaLog::open(options);
    EARSHOT_TRY(log);
    return std::unique_ptr<Log>(std::move(*log));
  }
  if (options.kind == "embedded") {
    auto log = log::embedded::EmbeddedLog::open(options.path, options.partitions);
    EARSHOT_TRY(log);
    return std::unique_ptr<Log>(std::move(*log));
  }
  return core::fail(core::ErrorCode::kInvalidArgument,
                    "log.kind: expected kafka or embedded, got '" + options.kind + "'");
}

}  // namespace earshot::pipeline::log
