#include "ingest/time_util.h"

#include "pipeline/codec/json_codec.h"

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace earshot::ingest {
namespace {

// The n characters at pos as a non-negative number (digits only).
bool digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (n == 0 || pos + n > s.size() || !std::isdigit(static_cast<unsigned char>(s[pos])))
    return false;
  const char* end = s.data() + pos + n;
  const auto [stop, ec] = std::from_chars(s.data() + pos, end, *out);
  return ec == std::errc() && stop == end;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

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
  auto ms = pipeline::core::parse_rfc3339_ms(text);
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
    if (z == "gmt" || z == "ut" || z == "utc" || z == "z")
      offset = 0;
    else if (z == "est")
      offset = -300;
    else if (z == "edt")
      offset = -240;
    else if (z == "cst")
      offset = -360;
    else if (z == "cdt")
      offset = -300;
    else if (z == "mst")
      offset = -420;
    else if (z == "mdt")
      offset = -360;
    else if (z == "pst")
      offset = -480;
    else if (z == "pdt")
      offset = -420;
    else if ((z[0] == '+' || z[0] == '-') && z.size() == 5) {
      int hh, mm;
      if (!digits(z, 1, 2, &hh) || !digits(z, 3, 2, &mm)) return std::nullopt;
      offset = (hh * 60 + mm) * (z[0] == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  return pipeline::core::civil_to_ms(y, mo, d, h, mi, sec, 0, offset);
}

std::string format_rfc3339_ms(std::int64_t ms) {
  return pipeline::core::format_rfc3339_ms(ms, pipeline::core::SubSecond::when_nonzero);
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
