// The `entities:` and `customers:` sections of the config (config.h).
#include <algorithm>
#include <array>

#include "pipeline/config/config_reader.h"

namespace earshot::pipeline::config::detail {
namespace {

constexpr std::array<std::pair<std::string_view, core::EntityKind>, 2> kKinds{
    {{"company", core::EntityKind::company}, {"product", core::EntityKind::product}}};

bool valid_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// Reads a list of matcher strings; empty items are errors.
void matcher_list(ConfigReader& r, MapReader& m, std::string_view key,
                  std::vector<std::string>* out) {
  if (!m.list(key, out)) return;
  for (std::size_t i = 0; i < out->size(); ++i) {
    if ((*out)[i].empty()) {
      r.error((*m.get(key))[i], m.key_path(key) + "[" + std::to_string(i) + "]: empty string");
    }
  }
}

struct Located {
  EntityDef def;
  YAML::Node node;
  YAML::Node parent_node;
};

}  // namespace

void read_entities(ConfigReader& r, const YAML::Node& node, Config& cfg) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) {
    r.error(node, "entities: expected a list of entities (- id: ...)");
    return;
  }
  std::vector<Located> all;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    std::string path = "entities[" + std::to_string(i) + "]";
    std::string id = peek(item, "id");
    MapReader m(r, item, path, id.empty() ? path : path + " (" + id + ")");
    if (!m.is_map()) continue;
    Located e{EntityDef{}, item, YAML::Node()};
    EntityDef& d = e.def;
    if (m.str("id", &d.id, kRequired) && !valid_id(d.id)) {
      r.error(*m.get("id"), path + ".id: use letters, digits, '-', '_' or '.', got '" + d.id + "'");
    }
    d.name = d.id;
    m.note("name", "string", "the id");  // for the reference: the default is the id
    m.str("name", &d.name, kNonEmpty);
    m.choice<core::EntityKind>("kind", &d.kind, kKinds);
    if (m.opt_str("parent", &d.parent)) e.parent_node = *m.get("parent");
    matcher_list(r, m, "aliases", &d.aliases);
    matcher_list(r, m, "patterns", &d.patterns);
    matcher_list(r, m, "handles", &d.handles);
    matcher_list(r, m, "hashtags", &d.hashtags);
    matcher_list(r, m, "domains", &d.domains);
    matcher_list(r, m, "require_any", &d.require_any);
    matcher_list(r, m, "exclude", &d.exclude);
    for (std::size_t p = 0; p < d.patterns.size(); ++p) {
      if (auto why = regex_error(d.patterns[p])) {
        r.error((*m.get("patterns"))[p],
                path + ".patterns[" + std::to_string(p) + "]: bad regular expression: " + *why);
      }
    }
    // A name alone still links: with nothing else to match, the name is the alias.
    if (d.aliases.empty() && d.patterns.empty() && d.handles.empty() && d.hashtags.empty() &&
        d.domains.empty() && !d.name.empty()) {
      d.aliases.push_back(d.name);
    }
    m.finish();
    all.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    const EntityDef& d = all[i].def;
    std::string path = "entities[" + std::to_string(i) + "]";
    for (std::size_t j = 0; j < i; ++j) {
      if (!d.id.empty() && all[j].def.id == d.id) {
        r.error(all[i].node, path + ": duplicate entity id '" + d.id + "' (first at line " +
                                 std::to_string(all[j].node.Mark().line + 1) + ")");
        break;
      }
    }
    if (!d.parent) continue;
    auto parent = std::find_if(all.begin(), all.end(),
                               [&](const Located& o) { return o.def.id == *d.parent; });
    if (d.kind == core::EntityKind::company) {
      r.error(all[i].parent_node, path + ".parent: only a product has a parent company");
    } else if (parent == all.end()) {
      r.error(all[i].parent_node, path + ".parent: no entity with id '" + *d.parent + "'");
    } else if (parent->def.kind != core::EntityKind::company) {
      r.error(all[i].parent_node,
              path + ".parent: '" + *d.parent + "' is a product; a parent must be a company");
    }
  }
  for (Located& e : all) cfg.entities.push_back(std::move(e.def));
}

void read_customers(ConfigReader& r, const YAML::Node& node, Config& cfg) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) {
    r.error(node, "customers: expected a list of directories (- {type: csv, path: ...})");
    return;
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kTypes{
      {{"csv", "csv"}, {"jsonl", "jsonl"}, {"http", "http"}, {"kafka", "kafka"}}};
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string path = "customers[" + std::to_string(i) + "]";
    std::string type = peek(node[i], "type");
    MapReader m(r, node[i], path, type.empty() ? path : path + " (" + type + ")");
    if (!m.is_map()) continue;
    CustomerDirectoryDef d;
    std::string_view t;
    if (!m.choice<std::string_view>("type", &t, kTypes, true)) continue;  // keys unjudged
    d.type = std::string(t);
    if (d.type == "csv" || d.type == "jsonl") {
      m.path_str("path", &d.path, kRequired);
    } else if (d.type == "http") {
      if (m.str("url", &d.url, kRequired)) {
        if (auto why = url_error(d.url, {"http", "https"})) {
          r.error(*m.get("url"), path + ".url: " + *why);
        }
      }
      m.string_map("headers", &d.headers);
      m.duration("timeout", &d.timeout);
      Millis ttl = std::chrono::duration_cast<Millis>(d.cache_ttl);
      if (m.duration("cache_ttl", &ttl, true)) {
        d.cache_ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
      }
      std::int64_t size = static_cast<std::int64_t>(d.cache_size);
      if (m.integer("cache_size", &size, 0, 100'000'000)) {
        d.cache_size = static_cast<std::size_t>(size);
      }
      m.integer("max_concurrency", &d.max_concurrency, 1, 1024);
    } else {
      d.topic = "earshot.customers";
      m.str("topic", &d.topic, kNonEmpty);
    }
    m.finish();
    cfg.customers.push_back(std::move(d));
  }
}

}  // namespace earshot::pipeline::config::detail
