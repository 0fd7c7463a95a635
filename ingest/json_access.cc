#include "ingest/json_access.h"

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
  if (m->is_number_integer()) return m->get<std::int64_t>();
  if (m->is_number_unsigned()) return static_cast<std::int64_t>(m->get<std::uint64_t>());
  if (m->is_number_float()) return static_cast<std::int64_t>(m->get<double>());
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
