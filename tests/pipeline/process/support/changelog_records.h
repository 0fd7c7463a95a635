// Test support (process): a dedup changelog batch record as the stage writes it
// (pipeline/process/dedup_changelog.h), for the tests that feed or check the changelog.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/process/dedup_changelog.h"

namespace earshot::pipeline::process {

// The batch record of writer `writer`, sequence `seq`, with (uid, value) `entries` in order.
inline std::string batch_record(std::uint64_t writer, std::uint64_t seq,
                                const std::vector<std::pair<std::string, std::string>>& entries) {
  dedup_changelog::BatchWriter w;
  w.start(writer, seq);
  for (const auto& [uid, value] : entries) w.add(uid, value);
  return w.finish();
}

}  // namespace earshot::pipeline::process
