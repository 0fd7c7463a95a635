// earshot::pipeline::config — internals of the config loader (config.h); not for other callers.
//
// ConfigReader holds what one load knows: the file name for messages, the base folder for
// relative paths, and every error found so far (with line and column). MapReader walks one
// YAML mapping: each getter reads one key (with ${ENV} substitution, type checks and an
// error naming FILE:LINE:COL and the dotted key path), remembers that the key is known, and
// finish() reports every key nobody asked for as unknown, suggesting the closest known one.
// So the getters a section calls are its whole schema: a key is allowed exactly when some
// code reads it.
//
//   MapReader m(reader, node, "log", "log");
//   m.choice("kind", &cfg.kind, kLogKinds);
//   m.integer("partitions", &cfg.partitions, 1, 100000);
//   m.finish();
//
// Before parsing, `${...}` references in the text get their braces swapped for \x01 and
// \x02 (same length, so columns stay right), which lets `secret: ${X}` sit unquoted inside
// a flow map; string values swap them back and substitute.
//
// Thread safety: one reader per load, one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/config/config.h"
#include "pipeline/config/config_schema.h"

namespace earshot::pipeline::config::detail {

// `${` + name/default + `}` -> `$\x01...\x02`; `$${` is left alone.
std::string protect_env_refs(std::string_view yaml);
// The value as written, for messages: braces put back, no substitution.
std::string as_written(std::string_view scalar);
// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small edit distance, or "".
std::string closest(std::string_view key, const std::vector<std::string>& candidates);

class ConfigReader {
 public:
  ConfigReader(std::string file, std::string base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  void error(const YAML::Mark& at, std::string message);
  void error(const YAML::Node& at, std::string message) { error(at.Mark(), std::move(message)); }
  bool has_errors() const { return error_count_ > 0; }
  // The first kMaxErrors errors by position, one per line, then "... and N more error(s), T
  // in all" when there were more (only those are kept: memory stays bounded).
  std::string joined_errors();
  static constexpr std::size_t kMaxErrors = 100;
  static constexpr std::size_t kMaxErrorChars = 500;  // one message, longer is cut

  // True when the files the config names (file sources, csv/jsonl customers, a model file)
  // must exist (load_config; parse_config reads no files).
  bool check_files = false;

  // `path` resolved against the config's folder (absolute paths stay as they are).
  std::string resolve(std::string_view path) const;

  // The string value of a scalar node with ${ENV} substituted; nullopt (and an error naming
  // `key_path`) when a variable is unset or a reference is malformed. quiet: no error.
  std::optional<std::string> substitute(const YAML::Node& scalar, std::string_view key_path,
                                        bool quiet = false);

  // When set, every getter notes its key (config_schema.h). Not owned.
  void set_schema(SchemaRecorder* schema) { schema_ = schema; }
  SchemaRecorder* schema() const { return schema_; }

 private:
  SchemaRecorder* schema_ = nullptr;
  struct Entry {
    int line, column;
    std::string text;
  };
  std::string file_;
  std::string base_dir_;
  std::vector<Entry> errors_;
  std::size_t error_count_ = 0;
  void sort_errors();
};

// How a getter treats an absent or empty value.
enum Need {
  kOptional,  // absent or "" -> keeps the default / ""
  kNonEmpty,  // absent -> keeps the default; "" is an error
  kRequired,  // absent or "" is an error
};

template <class E>
using Choices = std::span<const std::pair<std::string_view, E>>;

class MapReader {
 public:
  // `path`: dotted key path for value errors ("sources[2]"); `where`: how unknown-key errors
  // name this map ("sources[2] (mastodon)"). A null node is an empty map; a non-map node is
  // an error and every getter then leaves its output alone.
  MapReader(ConfigReader& r, const YAML::Node& node, std::string path, std::string where);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  bool is_map() const { return is_map_; }
  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;

  // The value of `key` (marked known), or nullopt when absent or null.
  std::optional<YAML::Node> get(std::string_view key);
  bool has(std::string_view key);
  void missing(std::string_view key);  // "missing required key 'key'"

  // Each getter: absent or null leaves *out as it is (its default), or reports a missing
  // required key. Returns true when the key was present and valid.
  bool str(std::string_view key, std::string* out, Need need = kOptional);
  // "" (e.g. "${TOKEN:-}") leaves it unset.
  bool opt_str(std::string_view key, std::optional<std::string>* out);
  bool path_str(std::string_view key, std::string* out, Need need = kOptional);  // resolved
  bool integer(std::string_view key, std::int64_t* out, std::int64_t min, std::int64_t max);
  bool integer(std::string_view key, int* out, int min, int max);
  bool real(std::string_view key, double* out, double min, double max);
  bool boolean(std::string_view key, bool* out);
  bool duration(std::string_view key, std::chrono::milliseconds* out, bool allow_zero = false);
  bool bytes(std::string_view key, std::uint64_t* out);
  // A list of strings; with scalar_ok a single string is a list of one.
  bool list(std::string_view key, std::vector<std::string>* out, bool scalar_ok = false);
  bool string_map(std::string_view key, std::map<std::string, std::string>* out);
  template <class E>
  bool choice(std::string_view key, E* out, Choices<E> choices, bool required = false);

  // For the reference (config_schema.h): notes `key` with its type and the default it
  // keeps when absent. The first note of a key wins; get() notes "value" for keys no typed
  // getter noted. No-op without a recorder.
  void note(std::string_view key, std::string_view type, std::string_view default_value);

  // Reports unknown keys; call once, after every getter.
  void finish();

  // Scalar text of a present value with ${ENV} done; reports type errors. Public for
  // sections that read list items or nested values themselves.
  std::optional<std::string> scalar_at(const YAML::Node& value, std::string_view key_path,
                                       std::string_view expected);
  bool choice_error(const YAML::Node& value, std::string_view key_path, std::string_view text,
                    const std::vector<std::string>& names);

 private:
  ConfigReader& r_;
  YAML::Node node_;
  std::string path_;
  std::string where_;
  bool is_map_ = false;
  std::vector<std::pair<YAML::Node, YAML::Node>> entries_;  // key node, value node
  std::set<std::string, std::less<>> known_;
  std::set<std::string, std::less<>> noted_;
};

template <class E>
bool MapReader::choice(std::string_view key, E* out, Choices<E> choices, bool required) {
  if (r_.schema()) {
    std::string all, current;
    for (const auto& [name, value] : choices) {
      all += (all.empty() ? "" : "|") + std::string(name);
      if (!required && current.empty() && value == *out) current = std::string(name);
    }
    note(key, "one of: " + all + (required ? " (required)" : ""), current);
  }
  std::optional<YAML::Node> v = get(key);
  if (!v) {
    if (required) missing(key);
    return false;
  }
  std::optional<std::string> s = scalar_at(*v, key_path(key), "a name");
  if (!s) return false;
  std::vector<std::string> names;
  for (const auto& [name, value] : choices) {
    if (name == *s) {
      *out = value;
      return true;
    }
    names.emplace_back(name);
  }
  return choice_error(*v, key_path(key), *s, names);
}

// The raw scalar at `key` of a mapping (for labels such as "sources[2] (mastodon)"), or "".
std::string peek(const YAML::Node& map, std::string_view key);
// Why `url` is not an absolute URL with one of `schemes` ("https", "wss"), or nullopt.
std::optional<std::string> url_error(std::string_view url,
                                     std::initializer_list<std::string_view> schemes);
// Why `listen` is not "host:port", or nullopt.
std::optional<std::string> listen_error(std::string_view listen);

// Section readers (config_entities.cc, config_sources.cc, config_rules.cc).
void read_entities(ConfigReader& r, const YAML::Node& node, Config& cfg);
void read_customers(ConfigReader& r, const YAML::Node& node, Config& cfg);
void read_sources(ConfigReader& r, const YAML::Node& node, Config& cfg);
void read_alerts(ConfigReader& r, const YAML::Node& node, Config& cfg);
void read_sinks(ConfigReader& r, const YAML::Node& node, Config& cfg);
void read_replies(ConfigReader& r, const YAML::Node& node, Config& cfg);
// config_outbound.cc: the `outbound` section; every configured URL's host against the address
// policy (after all sections); the files the config names exist (load_config only).
void read_outbound(ConfigReader& r, const YAML::Node& node, Config& cfg);
void check_outbound(ConfigReader& r, const YAML::Node& root, const Config& cfg);
void check_files(ConfigReader& r, const YAML::Node& root, const Config& cfg);
// Ids of the configured entities, for rules that name one.
bool entity_known(const Config& cfg, std::string_view id);
// Compiles `pattern` with RE2; the error text when it does not.
std::optional<std::string> regex_error(const std::string& pattern);

// ASCII lower case of `s` (keys and enum values are compared without case).
std::string lower(std::string_view s);

}  // namespace earshot::pipeline::config::detail
