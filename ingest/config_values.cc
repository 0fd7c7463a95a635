#include "ingest/config_values.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <string>

namespace earshot::ingest {
namespace {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

// Splits "12.5ms" into 12.5 and "ms".
std::optional<std::pair<double, std::string>> number_and_unit(std::string_view text) {
  std::size_t split = 0;
  while (split < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[split])) || text[split] == '.'))
    ++split;
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + split, v);
  if (split == 0 || ec != std::errc() || end != text.data() + split) return std::nullopt;
  std::string unit(text.substr(split));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  return std::pair{v, unit};
}

}  // namespace

pipeline::core::Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto nu = number_and_unit(text);
  double scale = 0;
  if (nu) {
    const std::string& u = nu->second;
    if (u.empty() || u == "s") scale = 1000;
    else if (u == "ms") scale = 1;
    else if (u == "m" || u == "min") scale = 60000;
    else if (u == "h") scale = 3600000;
    else if (u == "d") scale = 86400000;
  }
  if (scale == 0)
    return fail(ErrorCode::kInvalidArgument,
                "expected a duration like 30s, 5m or 500ms, got '" + std::string(text) + "'");
  return std::chrono::milliseconds(static_cast<std::int64_t>(nu->first * scale));
}

pipeline::core::Result<std::uint64_t> parse_bytes(std::string_view text) {
  auto nu = number_and_unit(text);
  double scale = 0;
  if (nu) {
    std::string u = nu->second;
    for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (u.empty() || u == "b") scale = 1;
    else if (u == "k" || u == "kib") scale = 1024.0;
    else if (u == "kb") scale = 1000.0;
    else if (u == "m" || u == "mib") scale = 1024.0 * 1024;
    else if (u == "mb") scale = 1e6;
    else if (u == "g" || u == "gib") scale = 1024.0 * 1024 * 1024;
    else if (u == "gb") scale = 1e9;
  }
  if (scale == 0)
    return fail(ErrorCode::kInvalidArgument,
                "expected a size like 1048576, 512KiB or 1MiB, got '" + std::string(text) + "'");
  return static_cast<std::uint64_t>(nu->first * scale);
}

pipeline::core::Result<bool> parse_bool(std::string_view text) {
  std::string t(text);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "true" || t == "yes" || t == "on" || t == "1") return true;
  if (t == "false" || t == "no" || t == "off" || t == "0") return false;
  return fail(ErrorCode::kInvalidArgument, "expected true or false, got '" + std::string(text) + "'");
}

}  // namespace earshot::ingest
