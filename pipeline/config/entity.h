// earshot::pipeline::config — what the config says about entities and customer directories.
//
// EntityDef is one item of the config's `entities:` list (DESIGN.md §5); the config loader
// (config.h) fills it, the linker (linker.h) compiles a list of them into a matcher.
// CustomerDirectoryDef is one item of `customers:`; customer_directory.h builds from it.
//
// Thread safety: plain values.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/core/records.h"

namespace earshot::pipeline::config {

struct EntityDef {
  std::string id;
  std::string name;
  core::EntityKind kind = core::EntityKind::company;
  std::optional<std::string> parent;  // a product names its company's id
  std::vector<std::string> aliases;   // literal names, Unicode case-insensitive, word-bounded
  std::vector<std::string> patterns;  // RE2 regex aliases (config key `patterns`)
  std::vector<std::string>
      handles;  // "@acmeair", "acmeair.bsky.social", "@acmeair@mastodon.example"
  std::vector<std::string> hashtags;     // "#acmeair" (case-insensitive)
  std::vector<std::string> domains;      // "acmeair.example" (and its subdomains) in URLs
  std::vector<std::string> require_any;  // an alias match needs one of these words in the post
  std::vector<std::string> exclude;      // any of these words in the post vetoes an alias match
  bool operator==(const EntityDef&) const = default;
};

struct CustomerDirectoryDef {
  std::string type;                            // csv | jsonl | http | kafka
  std::string path;                            // csv/jsonl: resolved against the config's folder
  std::string url;                             // http: template with {handle} and {platform}
  std::map<std::string, std::string> headers;  // http: ${ENV} already substituted
  std::chrono::milliseconds timeout{2000};     // http
  std::chrono::seconds cache_ttl{600};         // http: positive and negative answers
  std::size_t cache_size = 100000;             // http: LRU entries
  int max_concurrency = 8;                     // http
  std::string topic;                           // kafka: compacted identities topic
  bool operator==(const CustomerDirectoryDef&) const = default;
};

}  // namespace earshot::pipeline::config
