// earshot::ingest — reading the raw string values of a `sources:` item (the config loader
// keeps every scalar as written, after ${ENV} substitution).
//
//   parse_duration("30s") == 30000ms;  parse_duration("1.5") == 1500ms (plain = seconds)
//   parse_bytes("1MiB") == 1048576;    parse_bool("yes") == true
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "pipeline/core/status.h"

namespace earshot::ingest {

// "250ms", "30s", "5m", "2h", "1d" or a plain number of seconds ("1.5").
pipeline::core::Result<std::chrono::milliseconds> parse_duration(std::string_view text);
// "1048576", "512KiB", "1MiB", "2MB", "1GiB", "64k", "1M".
pipeline::core::Result<std::uint64_t> parse_bytes(std::string_view text);
// true/false, yes/no, on/off, 1/0 (any case).
pipeline::core::Result<bool> parse_bool(std::string_view text);

}  // namespace earshot::ingest
