#include "ingest/time_util.h"

#include "pipeline/json_codec.h"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <vector>
#include <string>

namespace earshot::ingest {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

std::optional<std::int64_t> to_ms(int y, int mo, int d, int h, int mi, int sec, int ms,
                                  int offset_min) {
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
      sec > 60)
    return std::nullopt;
  if (sec == 60) sec = 59;  // leap second: clamp
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  std::int64_t s = days * 86400 + h * 3600 + mi * 60 + sec - std::int64_t{offset_min} * 60;
  return s * 1000 + ms;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view s) {
  // pipeline's parser is the one RFC 3339 reader; platforms add two liberties RFC 3339
  // allows or real feeds use: a space instead of 'T' (RFC 3339 §5.6 note) and fractions
  // longer than nanoseconds. Both are rewritten before it reads the text.
  std::string text(s);
  if (text.size() > 10 && text[10] == ' ') text[10] = 'T';
  if (text.size() > 20 && text[19] == '.') {
    std::size_t end = 20;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    if (end - 20 > 9) text.erase(29, end - 29);  // ms precision is all we keep anyway
  }
  auto ms = pipeline::parse_rfc3339_ms(text);
  if (!ms) return std::nullopt;
  return *ms;
}

std::optional<std::int64_t> parse_rfc822_ms(std::string_view s) {
  // Tokenise on spaces and commas.
  std::vector<std::string> tok;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!cur.empty()) tok.push_back(std::move(cur)), cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) tok.push_back(std::move(cur));
  std::size_t t = 0;
  if (t < tok.size() && !tok[t].empty() && std::isalpha(static_cast<unsigned char>(tok[t][0])))
    ++t;  // day name
  if (tok.size() < t + 4) return std::nullopt;
  int d = 0, y = 0;
  if (tok[t].size() > 2 || !digits(tok[t], 0, tok[t].size(), &d)) return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  std::string mon = lower(tok[t + 1]).substr(0, 3);
  int mo = 0;
  for (std::size_t k = 0; k < kMonths.size(); ++k)
    if (kMonths[k] == mon) mo = static_cast<int>(k) + 1;
  if (mo == 0) return std::nullopt;
  const std::string& ys = tok[t + 2];
  if ((ys.size() != 4 && ys.size() != 2) || !digits(ys, 0, ys.size(), &y)) return std::nullopt;
  if (ys.size() == 2) y += y < 50 ? 2000 : 1900;
  const std::string& ts = tok[t + 3];
  int h, mi, sec = 0;
  if (!digits(ts, 0, 2, &h) || ts.size() < 5 || ts[2] != ':' || !digits(ts, 3, 2, &mi))
    return std::nullopt;
  if (ts.size() == 8) {
    if (ts[5] != ':' || !digits(ts, 6, 2, &sec)) return std::nullopt;
  } else if (ts.size() != 5) {
    return std::nullopt;
  }
  int offset = 0;
  if (tok.size() > t + 4) {
    std::string z = lower(tok[t + 4]);
    if (z == "gmt" || z == "ut" || z == "utc" || z == "z") offset = 0;
    else if (z == "est") offset = -300;
    else if (z == "edt") offset = -240;
    else if (z == "cst") offset = -360;
    else if (z == "cdt") offset = -300;
    else if (z == "mst") offset = -420;
    else if (z == "mdt") offset = -360;
    else if (z == "pst") offset = -480;
    else if (z == "pdt") offset = -420;
    else if ((z[0] == '+' || z[0] == '-') && z.size() == 5) {
      int hh, mm;
      if (!digits(z, 1, 2, &hh) || !digits(z, 3, 2, &mm)) return std::nullopt;
      offset = (hh * 60 + mm) * (z[0] == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  return to_ms(y, mo, d, h, mi, sec, 0, offset);
}

std::string format_rfc3339_ms(std::int64_t ms) {
  std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int frac = static_cast<int>(ms - secs * 1000);
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  std::int64_t rem = secs - days * 86400;
  // civil_from_days
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[48];
  int h = static_cast<int>(rem / 3600), mi = static_cast<int>(rem / 60 % 60),
      s = static_cast<int>(rem % 60);
  if (frac == 0)
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<long long>(y), m, d, h, mi, s);
  else
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(y), m, d, h, mi, s, frac);
  return buf;
}

std::optional<std::string> normalize_rfc3339(std::string_view s) {
  auto ms = parse_rfc3339_ms(s);
  if (!ms) return std::nullopt;
  return format_rfc3339_ms(*ms);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string now_rfc3339() { return format_rfc3339_ms(now_ms()); }

}  // namespace earshot::ingest
