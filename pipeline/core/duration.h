// earshot::pipeline::core — durations and byte sizes as people write them in configs.
//
// The config (config.h) writes time spans the way operators say them: "500ms", "30s",
// "1m", "10m", "1h", "24h", "7d", and compounds such as "1h30m". Units: ms, s, m, h, d, each
// after a whole number. A plain number, on its own, is seconds to the millisecond: "60" is
// 60s, "1.5" is 1500ms, "0" is 0. Not accepted: fractions with a unit ("1.5s": write
// "1s500ms"), spaces, negative spans, other unit names ("min", "w"). This is the one
// duration syntax of the whole config, sources included.
// Byte sizes take an optional unit: "65536", "512KiB", "64MiB", "1GiB", "10MB" (KB/MB/GB
// are powers of 1000, KiB/MiB/GiB powers of 1024).
//
//   Result<std::chrono::milliseconds> w = parse_duration("1m");   // 60000ms
//   std::string name = format_duration(std::chrono::hours(1));    // "1h"
//   Result<std::uint64_t> b = parse_byte_size("64MiB");           // 67108864
//
// format_duration() is the inverse of parse_duration() for whole units and names window
// sizes on the wire (Aggregate::window_size "1m", "1h").
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/core/status.h"

namespace earshot::pipeline::core {

// "500ms", "30s", "1m", "1h30m", "7d", "30", "1.5" -> milliseconds. Errors are
// kInvalidArgument and say what was wrong ("unknown unit 'w' in '2w' (use ms, s, m, h or d)").
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest exact spelling: 60000ms -> "1m", 90000ms -> "1m30s", 1500ms -> "1s500ms",
// 0 -> "0s".
std::string format_duration(std::chrono::milliseconds d);

// "1048576", "512KiB", "64MiB", "10MB" -> bytes.
Result<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace earshot::pipeline::core
