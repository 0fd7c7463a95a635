// earshot::pipeline::core — local wall-clock time in an IANA time zone, for the words people
// read (alert summaries, alert_messages.time_zone); records stay in UTC.
//
// Zones come from the operating system's zoneinfo (/usr/share/zoneinfo, Debian's `tzdata`)
// through Howard Hinnant's date/tz (`libhowardhinnant-date-dev`, USE_OS_TZDB), so summer time
// follows the rules of the installed tzdata: 2026-03-29T01:30Z is 03:30 CEST in
// Europe/Berlin, 00:30Z the same night 01:30 CET. "UTC" (and "Etc/UTC") never needs the files.
//
//   auto zone = TimeZone::find("Europe/Berlin");        // Result<TimeZone>
//   if (!zone) ...                                      // kInvalidArgument: unknown zone
//   LocalTime t = zone->at(ms);                         // {2026,3,29, 3,30,0, 120, "CEST"}
//   zone->clock(ms);                                    // "03:30 CEST"
//
// Thread safety: TimeZone is an immutable value (a pointer into the process-wide tz database,
// which is loaded once, thread-safely, on first use); copy it freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/core/status.h"

namespace earshot::pipeline::core {

struct LocalTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int offset_min = 0;   // east of UTC, e.g. 120 for CEST
  std::string abbrev;   // "CEST", "UTC", or what tzdata says ("+03")
};

class TimeZone {
 public:
  // UTC.
  TimeZone() = default;
  // kInvalidArgument naming `name` when the zone is not in the zoneinfo (or the zoneinfo is
  // missing: then only "UTC" works).
  static Result<TimeZone> find(std::string_view name);
  const std::string& name() const { return name_; }
  bool is_utc() const { return zone_ == nullptr; }
  LocalTime at(std::int64_t unix_ms) const;
  // "HH:MM ABBR", e.g. "03:30 CEST", "10:30 UTC".
  std::string clock(std::int64_t unix_ms) const;
  // "YYYY-MM-DD HH:MM ABBR".
  std::string date_clock(std::int64_t unix_ms) const;

 private:
  std::string name_ = "UTC";
  const void* zone_ = nullptr;  // const date::time_zone*; null = UTC
};

}  // namespace earshot::pipeline::core
