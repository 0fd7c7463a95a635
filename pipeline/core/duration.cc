#include "pipeline/core/duration.h"

#include <array>
#include <charconv>
#include <limits>

namespace earshot::pipeline::core {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ms;
};
// Longest names first so "ms" wins over "m".
constexpr std::array<Unit, 5> kUnits{
    {{"ms", 1}, {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// "30" -> 30s, "1.5" -> 1500ms, "0.25" -> 250ms: a plain number of seconds, to the ms.
Result<std::chrono::milliseconds> plain_seconds(std::string_view text) {
  std::size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty()) ||
      fraction.find('.') != std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument,
                "expected a number in " + quoted(text) + " (e.g. 30s, 1m, 1.5)");
  }
  if (fraction.size() > 3) {
    return fail(ErrorCode::kInvalidArgument,
                "finer than a millisecond: " + quoted(text) + " (at most 3 decimals)");
  }
  std::int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (ec != std::errc() || seconds > std::numeric_limits<std::int64_t>::max() / 1000 - 1) {
    return fail(ErrorCode::kInvalidArgument, "duration too large: " + quoted(text));
  }
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  return std::chrono::milliseconds(seconds * 1000 + ms);
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return fail(ErrorCode::kInvalidArgument, "empty duration");
  if (text.find_first_not_of("0123456789.") == std::string_view::npos) return plain_seconds(text);
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start) {
      return fail(ErrorCode::kInvalidArgument,
                  "expected a number in " + quoted(text) + " (e.g. 30s, 1m, 1h)");
    }
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + i, n);
    if (ec != std::errc()) {
      return fail(ErrorCode::kInvalidArgument, "number too large in " + quoted(text));
    }
    std::size_t ustart = i;
    while (i < text.size() && !is_digit(text[i])) ++i;
    std::string_view unit = text.substr(ustart, i - ustart);
    if (unit.empty()) {
      return fail(ErrorCode::kInvalidArgument, "missing unit at the end of " + quoted(text) +
                                                   " (use ms, s, m, h or d, e.g. 1h30m)");
    }
    if (unit.front() == '.') {
      return fail(ErrorCode::kInvalidArgument,
                  "a fraction with a unit in " + quoted(text) +
                      " (write 1s500ms, or plain seconds such as 1.5)");
    }
    const Unit* found = nullptr;
    for (const Unit& u : kUnits) {
      if (u.name == unit) found = &u;
    }
    if (found == nullptr) {
      return fail(ErrorCode::kInvalidArgument, "unknown unit " + quoted(unit) + " in " +
                                                   quoted(text) + " (use ms, s, m, h or d)");
    }
    if (n > (std::numeric_limits<std::int64_t>::max() - total) / found->ms) {
      return fail(ErrorCode::kInvalidArgument, "duration too large: " + quoted(text));
    }
    total += n * found->ms;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  for (const Unit& u : {kUnits[1], kUnits[2], kUnits[3], kUnits[4], kUnits[0]}) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms);
      out += u.name;
      ms %= u.ms;
    }
  }
  return out;
}

Result<std::uint64_t> parse_byte_size(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == 0) {
    return fail(ErrorCode::kInvalidArgument,
                "expected a byte size such as 65536 or 64MiB, got " + quoted(text));
  }
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, n);
  if (ec != std::errc()) return fail(ErrorCode::kInvalidArgument, "too large: " + quoted(text));
  std::string_view unit = text.substr(i);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 8> kSizes{
      {{"", 1},
       {"B", 1},
       {"KB", 1000},
       {"MB", 1000'000},
       {"GB", 1000'000'000},
       {"KiB", 1ull << 10},
       {"MiB", 1ull << 20},
       {"GiB", 1ull << 30}}};
  for (const auto& [name, mult] : kSizes) {
    if (name != unit) continue;
    if (n > std::numeric_limits<std::uint64_t>::max() / mult) {
      return fail(ErrorCode::kInvalidArgument, "too large: " + quoted(text));
    }
    return n * mult;
  }
  return fail(ErrorCode::kInvalidArgument, "unknown size unit " + quoted(unit) + " in " +
                                               quoted(text) +
                                               " (use B, KB, MB, GB, KiB, MiB or GiB)");
}

}  // namespace earshot::pipeline::core
