// earshot::ingest — small, non-throwing accessors over nlohmann::json used by the
// normalisers (internal to ingest/; platform payloads are parsed into nlohmann DOMs because
// they are small and their shapes vary).
//
//   auto doc = parse_json(body);                 // nullopt when not JSON
//   std::string id = get_string(*doc, "id");     // "" when missing or not a string
//   std::optional<std::int64_t> n = get_int(*doc, "followers_count");
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace earshot::ingest {

using Json = nlohmann::json;

// nullopt when `text` is not one JSON value (never throws).
std::optional<Json> parse_json(std::string_view text);
// Member `key` of object `j` when it is a string; numbers are printed ("id": 12 → "12").
std::optional<std::string> opt_string(const Json& j, std::string_view key);
std::string get_string(const Json& j, std::string_view key);
std::optional<std::int64_t> get_int(const Json& j, std::string_view key);
std::optional<double> get_number(const Json& j, std::string_view key);
bool get_bool(const Json& j, std::string_view key);
// Member `key` when present and not null, else nullptr.
const Json* member(const Json& j, std::string_view key);
// dump() that never throws on invalid UTF-8 (replaces it).
std::string dump_json(const Json& j);

}  // namespace earshot::ingest
