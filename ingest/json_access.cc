#include "ingest/json_access.h"

#include <limits>

namespace earshot::ingest {

std::optional<Json> parse_json(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

const Json* member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> opt_string(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  if (m == nullptr) return std::nullopt;
  if (m->is_string()) return m->get<std::string>();
  if (m->is_number_integer()) return std::to_string(m->get<std::int64_t>());
  if (m->is_number_unsigned()) return std::to_string(m->get<std::uint64_t>());
  return std::nullopt;
}

std::string get_string(const Json& j, std::string_view key) {
  return opt_string(j, key).value_or("");
}

std::optional<std::int64_t> get_int(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  if (m == nullptr) return std::nullopt;
  if (m->is_number_unsigned()) {  // before is_number_integer(), which is true for it too
    const std::uint64_t u = m->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (m->is_number_integer()) return m->get<std::int64_t>();
  if (m->is_number_float()) {
    // Out of range (or NaN) has no int64 value: converting it would be undefined behaviour
    // (found by tests/fuzz/jetstream_fuzz: "time_us": 1.7e26).
    const double d = m->get<double>();
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<double> get_number(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  if (m == nullptr || !m->is_number()) return std::nullopt;
  return m->get<double>();
}

bool get_bool(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  return m != nullptr && m->is_boolean() && m->get<bool>();
}

std::string dump_json(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace earshot::ingest
