#include "pipeline/config/config_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "pipeline/core/duration.h"

// MapReader: one YAML mapping, read key by key (config_reader.h).
namespace earshot::pipeline::config::detail {
namespace {

std::string quote(std::string_view s) { return "'" + as_written(s) + "'"; }

std::string number_text(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return quote(n.Scalar());
    default:
      return "nothing";
  }
}

}  // namespace

MapReader::MapReader(ConfigReader& r, const YAML::Node& node, std::string path, std::string where)
    : r_(r), node_(node), path_(std::move(path)), where_(std::move(where)) {
  if (!node.IsDefined() || node.IsNull()) {
    is_map_ = true;
    return;
  }
  if (!node.IsMap()) {
    r_.error(node, (path_.empty() ? std::string("the file") : path_) +
                       ": expected a mapping (key: value), got " + describe(node));
    return;
  }
  is_map_ = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      r_.error(it->first, "keys in " + where_ + " must be plain names");
      continue;
    }
    const std::string& k = it->first.Scalar();
    auto dup = std::find_if(entries_.begin(), entries_.end(),
                            [&](const auto& e) { return e.first.Scalar() == k; });
    if (dup != entries_.end()) {
      r_.error(it->first, "duplicate key " + quote(k) + " in " + where_ + " (first at line " +
                              std::to_string(dup->first.Mark().line + 1) + ")");
      continue;
    }
    entries_.emplace_back(it->first, it->second);
  }
}

std::string MapReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void MapReader::note(std::string_view key, std::string_view type, std::string_view default_value) {
  SchemaRecorder* schema = r_.schema();
  if (!schema || !noted_.emplace(key).second) return;
  std::string variant = peek(node_, "type");
  if (variant.empty() && path_.rfind("alerts[", 0) == 0) variant = peek(node_, "kind");
  std::string example;
  for (const auto& [k, v] : entries_) {
    if (k.Scalar() != key) continue;
    if (v.IsScalar()) {
      example = as_written(v.Scalar());
    } else {
      YAML::Emitter e;
      e << YAML::Flow << v;
      example = as_written(e.c_str());
    }
  }
  schema->note(key_path(key), variant, type, default_value, example);
}

std::optional<YAML::Node> MapReader::get(std::string_view key) {
  note(key, "value", "");
  known_.emplace(key);
  for (const auto& [k, v] : entries_) {
    if (k.Scalar() == key) {
      if (v.IsNull()) return std::nullopt;
      return v;
    }
  }
  return std::nullopt;
}

bool MapReader::has(std::string_view key) { return get(key).has_value(); }

void MapReader::missing(std::string_view key) {
  if (is_map_) r_.error(node_, where_ + ": missing required key " + quote(key));
}

std::optional<std::string> MapReader::scalar_at(const YAML::Node& value, std::string_view key_path,
                                                std::string_view expected) {
  if (!value.IsScalar()) {
    r_.error(value, std::string(key_path) + ": expected " + std::string(expected) + ", got " +
                        describe(value));
    return std::nullopt;
  }
  return r_.substitute(value, key_path);
}

bool MapReader::choice_error(const YAML::Node& value, std::string_view key_path,
                             std::string_view text, const std::vector<std::string>& names) {
  std::string all;
  for (const std::string& n : names) all += (all.empty() ? "" : "|") + n;
  std::string msg = std::string(key_path) + ": expected one of " + all + ", got " + quote(text);
  std::string near = closest(text, names);
  if (!near.empty()) msg += "; did you mean '" + near + "'?";
  r_.error(value, msg);
  return false;
}

bool MapReader::str(std::string_view key, std::string* out, Need need) {
  note(key, need == kRequired ? "string (required)" : "string", *out);
  std::optional<YAML::Node> v = get(key);
  if (!v) {
    if (need == kRequired) missing(key);
    return false;
  }
  std::optional<std::string> s = scalar_at(*v, key_path(key), "a string");
  if (!s) return false;
  if (need != kOptional && s->empty()) {
    r_.error(*v, key_path(key) + ": must not be empty");
    return false;
  }
  *out = std::move(*s);
  return true;
}

bool MapReader::opt_str(std::string_view key, std::optional<std::string>* out) {
  note(key, "string", out->value_or(""));
  std::string s;
  if (!str(key, &s)) return false;
  if (s.empty()) {
    out->reset();
  } else {
    *out = std::move(s);
  }
  return true;
}

bool MapReader::path_str(std::string_view key, std::string* out, Need need) {
  note(key,
       need == kRequired ? "path (required; relative to the config file)"
                         : "path (relative to the config file)",
       *out);
  std::string s;
  if (!str(key, &s, need)) return false;
  *out = s.empty() ? s : r_.resolve(s);
  return true;
}

bool MapReader::integer(std::string_view key, std::int64_t* out, std::int64_t min,
                        std::int64_t max) {
  note(key, "integer " + std::to_string(min) + ".." + std::to_string(max), std::to_string(*out));
  std::optional<YAML::Node> v = get(key);
  if (!v) return false;
  std::optional<std::string> s = scalar_at(*v, key_path(key), "an integer");
  if (!s) return false;
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
  if (ec != std::errc() || ptr != s->data() + s->size()) {
    r_.error(*v, key_path(key) + ": expected an integer, got " + quote(v->Scalar()));
    return false;
  }
  if (n < min || n > max) {
    r_.error(*v, key_path(key) + ": must be between " + std::to_string(min) + " and " +
                     std::to_string(max) + ", got " + *s);
    return false;
  }
  *out = n;
  return true;
}

bool MapReader::integer(std::string_view key, int* out, int min, int max) {
  note(key, "integer " + std::to_string(min) + ".." + std::to_string(max), std::to_string(*out));
  std::int64_t n = 0;
  if (!integer(key, &n, min, max)) return false;
  *out = static_cast<int>(n);
  return true;
}

bool MapReader::real(std::string_view key, double* out, double min, double max) {
  note(key, "number " + number_text(min) + ".." + number_text(max), number_text(*out));
  std::optional<YAML::Node> v = get(key);
  if (!v) return false;
  std::optional<std::string> s = scalar_at(*v, key_path(key), "a number");
  if (!s) return false;
  double d = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), d);
  if (ec != std::errc() || ptr != s->data() + s->size() || !std::isfinite(d)) {
    r_.error(*v, key_path(key) + ": expected a number, got " + quote(v->Scalar()));
    return false;
  }
  if (d < min || d > max) {
    r_.error(*v, key_path(key) + ": must be between " + std::to_string(min) + " and " +
                     std::to_string(max) + ", got " + *s);
    return false;
  }
  *out = d;
  return true;
}

bool MapReader::boolean(std::string_view key, bool* out) {
  note(key, "boolean", *out ? "true" : "false");
  std::optional<YAML::Node> v = get(key);
  if (!v) return false;
  std::optional<std::string> s = scalar_at(*v, key_path(key), "true or false");
  if (!s) return false;
  std::string l = lower(*s);
  if (l == "true" || l == "yes" || l == "on") {
    *out = true;
  } else if (l == "false" || l == "no" || l == "off") {
    *out = false;
  } else {
    r_.error(*v, key_path(key) + ": expected true or false, got " + quote(v->Scalar()));
    return false;
  }
  return true;
}

bool MapReader::duration(std::string_view key, std::chrono::milliseconds* out, bool allow_zero) {
  note(key, allow_zero ? "duration" : "duration (> 0)", core::format_duration(*out));
  std::optional<YAML::Node> v = get(key);
  if (!v) return false;
  std::optional<std::string> s = scalar_at(*v, key_path(key), "a duration such as 30s");
  if (!s) return false;
  core::Result<std::chrono::milliseconds> d = core::parse_duration(*s);
  if (!d) {
    r_.error(*v, key_path(key) + ": " + d.error().message);
    return false;
  }
  if (!allow_zero && d->count() == 0) {
    r_.error(*v, key_path(key) + ": must be longer than 0");
    return false;
  }
  *out = *d;
  return true;
}

bool MapReader::bytes(std::string_view key, std::uint64_t* out) {
  if (r_.schema()) {
    std::string d = std::to_string(*out);
    for (auto [unit, name] :
         {std::pair{1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}}) {
      if (*out != 0 && *out % unit == 0) {
        d = std::to_string(*out / unit) + name;
        break;
      }
    }
    note(key, "byte size", d);
  }
  std::optional<YAML::Node> v = get(key);
  if (!v) return false;
  std::optional<std::string> s = scalar_at(*v, key_path(key), "a byte size such as 64MiB");
  if (!s) return false;
  core::Result<std::uint64_t> b = core::parse_byte_size(*s);
  if (!b) {
    r_.error(*v, key_path(key) + ": " + b.error().message);
    return false;
  }
  *out = *b;
  return true;
}

bool MapReader::list(std::string_view key, std::vector<std::string>* out, bool scalar_ok) {
  if (r_.schema()) {
    std::string d;
    for (const auto& x : *out) d += (d.empty() ? "" : ", ") + x;
    note(key, scalar_ok ? "list of strings (or one string)" : "list of strings", "[" + d + "]");
  }
  std::optional<YAML::Node> v = get(key);
  if (!v) return false;
  if (v->IsScalar() && scalar_ok) {
    std::optional<std::string> s = scalar_at(*v, key_path(key), "a string");
    if (!s) return false;
    *out = {std::move(*s)};
    return true;
  }
  if (!v->IsSequence()) {
    r_.error(*v, key_path(key) + ": expected a list such as [a, b], got " + describe(*v));
    return false;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (std::size_t i = 0; i < v->size(); ++i) {
    std::optional<std::string> s =
        scalar_at((*v)[i], key_path(key) + "[" + std::to_string(i) + "]", "a string");
    if (s) items.push_back(std::move(*s));
    ok = ok && s.has_value();
  }
  if (ok) *out = std::move(items);
  return ok;
}

bool MapReader::string_map(std::string_view key, std::map<std::string, std::string>* out) {
  note(key, "map of strings", out->empty() ? "{}" : "");
  std::optional<YAML::Node> v = get(key);
  if (!v) return false;
  MapReader m(r_, *v, key_path(key), key_path(key));
  if (!m.is_map()) return false;
  std::map<std::string, std::string> result;
  bool ok = true;
  for (const auto& [k, value] : m.entries_) {
    m.known_.insert(k.Scalar());
    std::optional<std::string> s = m.scalar_at(value, m.key_path(k.Scalar()), "a string");
    if (s) result[k.Scalar()] = std::move(*s);
    ok = ok && s.has_value();
  }
  if (ok) *out = std::move(result);
  return ok;
}

void MapReader::finish() {
  std::vector<std::string> names(known_.begin(), known_.end());
  for (const auto& [k, v] : entries_) {
    if (known_.contains(k.Scalar())) continue;
    std::string msg = where_.empty() ? "unknown top-level key " + quote(k.Scalar())
                                     : "unknown key " + quote(k.Scalar()) + " in " + where_;
    std::string near = closest(k.Scalar(), names);
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    r_.error(k, msg);
  }
}

}  // namespace earshot::pipeline::config::detail
