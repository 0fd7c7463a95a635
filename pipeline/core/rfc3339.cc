// RFC 3339 date-time parsing and formatting (declared in json_codec.h).
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "pipeline/core/rfc3339.h"

namespace earshot::pipeline::core {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2));
}

}  // namespace

Result<std::int64_t> parse_rfc3339_ms(std::string_view s) {
  auto bad = [&] {
    return fail(ErrorCode::kInvalidArgument,
                "expected an RFC 3339 date-time, got '" + std::string(s.substr(0, 40)) + "'");
  };
  int year, mon, day, hour, min, sec;
  if (!digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, &mon) ||
      s[7] != '-' || !digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s, 11, 2, &hour) || s[13] != ':' || !digits(s, 14, 2, &min) || s[16] != ':' ||
      !digits(s, 17, 2, &sec)) {
    return bad();
  }
  if (sec == 60 && min != 59) return bad();
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return bad();
  }
  if (pos >= s.size()) return bad();
  int offset_min = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  const auto ms = civil_to_ms(year, mon, day, hour, min, sec, millis, offset_min);
  if (!ms) return bad();
  return *ms;
}

std::optional<std::int64_t> civil_to_ms(int year, int mon, int day, int hour, int min, int sec,
                                        int millis, int offset_min) {
  if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) || hour < 0 || hour > 23 ||
      min < 0 || min > 59 || sec < 0 || sec > 60 || millis < 0 || millis > 999) {
    return std::nullopt;
  }
  if (sec == 60) sec = 59;  // a leap second counts as the second before it
  std::int64_t days = days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
  std::int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec - std::int64_t{offset_min} * 60;
  return secs * 1000 + millis;
}

bool is_rfc3339(std::string_view s) { return parse_rfc3339_ms(s).has_value(); }

std::string format_rfc3339_ms(std::int64_t ms, SubSecond millis_shown) {
  // Floor division by remainder, so every int64 is defined: (ms - 999) / 1000 overflowed at
  // INT64_MIN (found by tests/fuzz/reddit_fuzz, a created_utc of 1e20 s rounded to INT64_MIN).
  std::int64_t secs = ms / 1000;
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --secs;
  }
  std::int64_t days = secs / 86400;
  int rem = static_cast<int>(secs % 86400);
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int y, m, d;
  civil_from_days(days, &y, &m, &d);
  const bool show_millis = millis != 0 || millis_shown == SubSecond::always;
  if (y >= 0 && y <= 9999) {
    // What the snprintf below writes, without snprintf (~3k instructions a call; process writes
    // two timestamps per post).
    char out[24];
    char* p = out;
    const auto put = [&p](int v, int digits) {
      for (int i = digits - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
      p += digits;
    };
    put(y, 4);
    *p++ = '-';
    put(m, 2);
    *p++ = '-';
    put(d, 2);
    *p++ = 'T';
    put(rem / 3600, 2);
    *p++ = ':';
    put((rem / 60) % 60, 2);
    *p++ = ':';
    put(rem % 60, 2);
    if (show_millis) {
      *p++ = '.';
      put(millis, 3);
    }
    *p++ = 'Z';
    return std::string(out, static_cast<std::size_t>(p - out));
  }
  char buf[64];
  if (!show_millis && millis_shown == SubSecond::when_nonzero) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, rem / 3600,
                  (rem / 60) % 60, rem % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, rem / 3600,
                  (rem / 60) % 60, rem % 60, millis);
  }
  return buf;
}

}  // namespace earshot::pipeline::core
