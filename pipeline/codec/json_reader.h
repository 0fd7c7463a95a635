// earshot::pipeline::codec — strict field-by-field reading of JSON objects with simdjson On-Demand.
//
// Internal to the codec (json_decode*.cc). One pass over the document: each object's
// members are visited in order, duplicate member names are refused, members the record
// does not know are still walked (so their strings, numbers and nesting are checked too),
// and every failure names the member path and what was expected.
//
// Thread safety: each thread uses its own parser (thread_local in parse_object()).
// Lifetime: string_views handed to callbacks live until the next document on this thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::codec::json {

namespace od = simdjson::ondemand;

inline std::unexpected<core::Error> bad(std::string_view path, std::string_view what) {
  return core::fail(core::ErrorCode::kInvalidArgument,
                    std::string(path) + ": " + std::string(what));
}

inline std::string join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

// Walks any value, checking nesting depth and duplicate member names below it.
core::Status check_any(od::value v, std::string_view path, std::size_t depth);

// Calls f(key, value) for each member of `obj`; refuses duplicates.
template <class F>
core::Status for_each_member(od::object obj, std::string_view path, std::size_t depth, F&& f) {
  if (depth > kMaxNesting) return bad(path, "nested deeper than 32 levels");
  std::array<std::string_view, 24> seen_small;
  std::vector<std::string_view> seen_big;
  std::size_t nseen = 0;
  for (auto member : obj) {
    od::field field;
    if (std::move(member).get(field) != simdjson::SUCCESS) return bad(path, "malformed object");
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return bad(path, "malformed member name");
    }
    for (std::size_t i = 0; i < nseen && i < seen_small.size(); ++i) {
      if (seen_small[i] == key) return bad(join(path, key), "duplicate member name");
    }
    for (auto k : seen_big) {
      if (k == key) return bad(join(path, key), "duplicate member name");
    }
    if (nseen < seen_small.size())
      seen_small[nseen] = key;
    else
      seen_big.push_back(key);
    ++nseen;
    core::Status s = f(key, field.value());
    if (!s) return s;
  }
  return core::ok();
}

inline bool is_null(od::value& v) {
  auto t = v.type();
  bool null = false;  // read the result's error: converting it would throw on a bad literal
  return !t.error() && t.value() == od::json_type::null && !v.is_null().get(null) && null;
}

inline core::Status read_string(od::value& v, std::string_view path, std::string& out) {
  std::string_view s;
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::string) return bad(path, "expected a string");
  if (v.get_string().get(s) != simdjson::SUCCESS) {
    return bad(path, "invalid string (bad escape or lone surrogate)");
  }
  out.assign(s);
  return core::ok();
}

inline core::Status read_opt_string(od::value& v, std::string_view path,
                                    std::optional<std::string>& out) {
  if (is_null(v)) {
    out.reset();
    return core::ok();
  }
  std::string s;
  EARSHOT_TRY(read_string(v, path, s));
  out = std::move(s);
  return core::ok();
}

inline core::Status read_int(od::value& v, std::string_view path, std::int64_t& out) {
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::number) return bad(path, "expected an integer");
  if (v.get_int64().get(out) != simdjson::SUCCESS) return bad(path, "expected an integer");
  return core::ok();
}

inline core::Status read_double(od::value& v, std::string_view path, double& out) {
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::number) return bad(path, "expected a number");
  if (v.get_double().get(out) != simdjson::SUCCESS) return bad(path, "expected a number");
  return core::ok();
}

inline core::Status read_bool(od::value& v, std::string_view path, bool& out) {
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::boolean) return bad(path, "expected true or false");
  if (v.get_bool().get(out) != simdjson::SUCCESS) return bad(path, "expected true or false");
  return core::ok();
}

inline core::Status read_strings(od::value& v, std::string_view path,
                                 std::vector<std::string>& out) {
  od::array arr;
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::array ||
      v.get_array().get(arr) != simdjson::SUCCESS) {
    return bad(path, "expected an array of strings");
  }
  out.clear();
  for (auto item : arr) {
    od::value e;
    if (std::move(item).get(e) != simdjson::SUCCESS) return bad(path, "malformed array");
    std::string s;
    if (auto st = read_string(e, path, s); !st) return bad(path, "expected an array of strings");
    out.push_back(std::move(s));
  }
  return core::ok();
}

inline core::Status read_object(od::value& v, std::string_view path, od::object& out) {
  auto t = v.type();
  if (t.error() || t.value() != od::json_type::object ||
      v.get_object().get(out) != simdjson::SUCCESS) {
    return bad(path, "expected an object");
  }
  return core::ok();
}

inline core::Status read_rfc3339(od::value& v, std::string_view path, std::string& out) {
  EARSHOT_TRY(read_string(v, path, out));
  if (!core::is_rfc3339(out))
    return bad(path, "expected an RFC 3339 date-time, got '" + out.substr(0, 40) + "'");
  return core::ok();
}

// Parses `json` as one top-level object and calls f(key, value) per member; checks that
// nothing but white space follows the object. `what` names the record in errors.
template <class F>
core::Status parse_object(std::string_view json, F&& f) {
  thread_local od::parser parser;
  thread_local std::string buffer;
  buffer.assign(json);
  buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (auto e = parser.iterate(buffer.data(), buffer.size(), buffer.capacity()).get(doc)) {
    if (e == simdjson::UTF8_ERROR) return bad("$", "invalid UTF-8");
    return bad("$", simdjson::error_message(e));
  }
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return bad("$", "expected a JSON object");
  EARSHOT_TRY(for_each_member(obj, "", 1, f));
  const char* loc = nullptr;
  if (doc.current_location().get(loc) == simdjson::SUCCESS)
    return bad("$", "trailing content after the object");
  return core::ok();
}

// Required-member bookkeeping: mark(i) as members are read; missing() names the first absent one.
template <std::size_t N>
struct Required {
  std::array<std::string_view, N> names;
  std::uint32_t seen = 0;
  void mark(std::size_t i) { seen |= 1u << i; }
  core::Status check(std::string_view path) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (!(seen & (1u << i))) return bad(join(path, names[i]), "required member missing");
    }
    return core::ok();
  }
};

// Bits of the Post members read_post_member() has seen.
enum PostBit : std::uint32_t {
  kV = 1,
  kUid = 2,
  kSource = 4,
  kCreated = 8,
  kText = 16,
  kAuthor = 32
};

core::Status read_sentiment(od::value& v, std::string_view path, sentiment::Sentiment& out);
core::Status read_customer(od::value& v, std::string_view path,
                           std::optional<core::CustomerRef>& out);
core::Status read_post_refs(od::value& v, std::string_view path, std::vector<core::PostRef>& out);
// "reply_ref": null or {uri, cid, root_uri, root_cid}, each a non-empty string (uris "at://").
core::Status read_reply_ref(od::value& v, std::string_view path,
                            std::optional<core::ReplyRef>& out);
// Reads one member of a Post (or of a record that embeds a Post's members). Returns
// false in *known when the key is not a Post member (the caller handles it).
core::Status read_post_member(std::string_view key, od::value& v, core::Post& p,
                              std::uint32_t& seen, bool* known);
core::Status check_post(const core::Post& p, std::uint32_t seen);

}  // namespace earshot::pipeline::codec::json
