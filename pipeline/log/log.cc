#include "pipeline/log/log.h"
#include "pipeline/core/status.h"

#include <algorithm>

namespace earshot::pipeline::log {

Offsets next_offsets(const std::vector<Record>& batch) {
  Offsets out;
  for (const auto& r : batch) {
    auto& o = out[{r.topic, r.partition}];
    o = std::max(o, r.offset + 1);
  }
  return out;
}

std::int64_t total_lag(const Lag& lag) {
  std::int64_t n = 0;
  for (const auto& [tp, records] : lag) n += records;
  return n;
}

core::Status read_to_end(Consumer& consumer, const std::function<void(Record&)>& on_record,
                         std::chrono::milliseconds limit, std::string_view what,
                         std::chrono::milliseconds poll_wait) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto batch = consumer.poll(10000, poll_wait);
    EARSHOT_TRY(batch);
    for (auto& r : *batch) on_record(r);
    if (batch->empty() && consumer.at_end()) return core::ok();
    if (std::chrono::steady_clock::now() > deadline) {
      return core::fail(core::ErrorCode::kTimeout, std::string(what) +
                                                       " did not reach its end in " +
                                                       std::to_string(limit.count() / 1000) + " s");
    }
  }
}

}  // namespace earshot::pipeline::log
