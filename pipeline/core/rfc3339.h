// earshot::pipeline::core — RFC 3339 instants: the one calendar arithmetic of earshot.
//
// Records carry `created_at` and `ingested_at` as RFC 3339 UTC strings with millisecond
// precision; platform parsers of other formats (RFC 822 dates in feeds) reuse civil_to_ms.
//
//   auto ms = parse_rfc3339_ms("2026-11-23T10:00:00+02:00");   // Result<int64_t>
//   std::string s = format_rfc3339_ms(*ms);                     // "2026-11-23T08:00:00.000Z"
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/core/status.h"

namespace earshot::pipeline::core {

// True when `s` is a real RFC 3339 date-time (with offset), e.g. 2026-11-23T10:00:00Z.
bool is_rfc3339(std::string_view s);
// Milliseconds since the Unix epoch of an RFC 3339 date-time; error when not one.
Result<std::int64_t> parse_rfc3339_ms(std::string_view s);
// Milliseconds since the Unix epoch of a civil UTC date-time minus `offset_min` minutes
// (the offset east of UTC, as in "+02:00" → 120); nullopt when a field is out of range
// (month 1–12, the month's days in the proleptic Gregorian calendar, hour 0–23, minute 0–59,
// second 0–60 — a leap second counts as :59 —, millis 0–999). The one date arithmetic that
// parse_rfc3339_ms and the ingest parsers of other formats (RFC 822) share.
std::optional<std::int64_t> civil_to_ms(int year, int mon, int day, int hour, int min, int sec,
                                        int millis, int offset_min);

// How format_rfc3339_ms writes the sub-second part.
enum class SubSecond {
  always,        // "2026-11-23T10:00:00.000Z": the records' fixed width (the default)
  when_nonzero,  // "2026-11-23T10:00:00Z" for whole seconds: keeps a platform's precision
};
// "2026-11-23T10:00:00.123Z" for `ms` since the epoch (always UTC, millisecond precision).
std::string format_rfc3339_ms(std::int64_t ms, SubSecond millis_shown = SubSecond::always);

}  // namespace earshot::pipeline::core
