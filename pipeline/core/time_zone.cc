#include "pipeline/core/time_zone.h"

#include <chrono>
#include <cstdio>
#include <exception>

#include <date/tz.h>

namespace earshot::pipeline::core {

Result<TimeZone> TimeZone::find(std::string_view name) {
  TimeZone z;
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return z;
  if (name.empty() || name.size() > 100)
    return fail(ErrorCode::kInvalidArgument, "time zone: expected an IANA name like Europe/Berlin");
  try {
    z.zone_ = date::locate_zone(std::string(name));
    z.name_ = std::string(name);
    return z;
  } catch (const std::exception&) {
    return fail(ErrorCode::kInvalidArgument,
                "unknown time zone '" + std::string(name) +
                    "' (an IANA name from /usr/share/zoneinfo, e.g. Europe/Berlin, "
                    "America/New_York, UTC)");
  }
}

LocalTime TimeZone::at(std::int64_t unix_ms) const {
  using std::chrono::milliseconds;
  const date::sys_time<milliseconds> tp{milliseconds(unix_ms)};
  LocalTime out;
  std::chrono::seconds offset{0};
  out.abbrev = "UTC";
  if (zone_ != nullptr) {
    const date::sys_info info = static_cast<const date::time_zone*>(zone_)->get_info(tp);
    offset = info.offset;
    out.abbrev = info.abbrev;
  }
  out.offset_min = static_cast<int>(offset.count() / 60);
  const date::local_time<milliseconds> local{milliseconds(unix_ms) + offset};
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> hms{local - day};
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.hour = static_cast<int>(hms.hours().count());
  out.minute = static_cast<int>(hms.minutes().count());
  out.second = static_cast<int>(hms.seconds().count());
  return out;
}

std::string TimeZone::clock(std::int64_t unix_ms) const {
  LocalTime t = at(unix_ms);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d ", t.hour, t.minute);
  return buf + t.abbrev;
}

std::string TimeZone::date_clock(std::int64_t unix_ms) const {
  LocalTime t = at(unix_ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d ", t.year, t.month, t.day, t.hour,
                t.minute);
  return buf + t.abbrev;
}

}  // namespace earshot::pipeline::core
