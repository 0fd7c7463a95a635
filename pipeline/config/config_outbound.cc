// The `outbound` section and the checks that need the whole file: every configured URL's host
// against the address policy (SSRF guard, core/address_policy.h) and, for load_config, the
// files the config names.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "pipeline/config/config_reader.h"
#include "pipeline/core/address_policy.h"

namespace earshot::pipeline::config {

core::AddressPolicy address_policy(const OutboundConfig& outbound) {
  auto p = core::AddressPolicy::create(outbound.allow_private);
  return p ? *p : core::AddressPolicy();
}

namespace detail {
namespace {

// The substituted string at node[key], with its node; nullopt when absent or not a scalar.
std::optional<std::pair<std::string, YAML::Node>> value_at(ConfigReader& r, const YAML::Node& map,
                                                           std::string_view key) {
  if (!map.IsDefined() || !map.IsMap()) return std::nullopt;
  YAML::Node v = map[std::string(key)];
  if (!v.IsDefined() || !v.IsScalar()) return std::nullopt;
  std::optional<std::string> s = r.substitute(v, key, /*quiet=*/true);
  if (!s || s->empty()) return std::nullopt;
  return std::pair{*s, v};
}

void check_url(ConfigReader& r, const core::AddressPolicy& policy, const YAML::Node& map,
               std::string_view key, const std::string& path, bool bare_host_ok = false) {
  auto v = value_at(r, map, key);
  if (!v) return;
  std::string url = v->first;
  if (bare_host_ok && url.find("://") == std::string::npos) url = "https://" + url;
  if (url.find("://") == std::string::npos) return;  // the section reported a bad URL already
  if (auto why = policy.check_url(url))
    r.error(v->second, path + "." + std::string(key) + ": " + *why);
}

void check_file(ConfigReader& r, const YAML::Node& map, std::string_view key,
                const std::string& path, bool folder_is_enough) {
  auto v = value_at(r, map, key);
  if (!v) return;
  std::string file = r.resolve(v->first);
  std::error_code ec;
  namespace fs = std::filesystem;
  if (fs::is_regular_file(file, ec)) return;
  std::string where = path + "." + std::string(key) + ": ";
  if (fs::exists(file, ec)) {
    r.error(v->second, where + "'" + file + "' is not a regular file");
  } else if (!folder_is_enough) {
    r.error(v->second, where + "'" + file + "' does not exist");
  } else if (!fs::is_directory(fs::path(file).parent_path(), ec)) {
    r.error(v->second, where + "folder of '" + file + "' does not exist");
  }
}

bool model_is_a_file(std::string_view model) {
  return !std::all_of(model.begin(), model.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace

void read_outbound(ConfigReader& r, const YAML::Node& node, Config& cfg) {
  MapReader m(r, node, "outbound", "outbound");
  if (m.list("allow_private", &cfg.outbound.allow_private)) {
    std::erase(cfg.outbound.allow_private, std::string());  // "${X:-}": nothing allowed
    for (std::size_t i = 0; i < cfg.outbound.allow_private.size(); ++i) {
      auto p = core::AddressPolicy::create({cfg.outbound.allow_private[i]});
      if (!p)
        r.error(*m.get("allow_private"),
                "outbound.allow_private[" + std::to_string(i) + "]: " + p.error().message);
    }
  }
  m.finish();
}

void check_outbound(ConfigReader& r, const YAML::Node& root, const Config& cfg) {
  if (!root.IsMap()) return;
  auto policy = core::AddressPolicy::create(cfg.outbound.allow_private);
  if (!policy) return;  // reported by read_outbound
  auto each = [&](const YAML::Node& list, const std::string& name, auto&& fn) {
    if (!list.IsDefined() || !list.IsSequence()) return;
    for (std::size_t i = 0; i < list.size(); ++i) fn(list[i], name + "[" + std::to_string(i) + "]");
  };
  each(root["sinks"], "sinks",
       [&](const YAML::Node& s, const std::string& p) { check_url(r, *policy, s, "url", p); });
  each(root["customers"], "customers",
       [&](const YAML::Node& c, const std::string& p) { check_url(r, *policy, c, "url", p); });
  if (root["replies"].IsDefined() && root["replies"].IsMap()) {
    each(root["replies"]["accounts"], "replies.accounts",
         [&](const YAML::Node& a, const std::string& p) {
           check_url(r, *policy, a, "instance", p, /*bare_host_ok=*/true);
           check_url(r, *policy, a, "service", p);
         });
    const YAML::Node replies = root["replies"];
    const YAML::Node helpdesk = replies["helpdesk"];
    if (helpdesk.IsDefined() && helpdesk.IsMap())
      check_url(r, *policy, helpdesk, "url", "replies.helpdesk");
  }
  each(root["sources"], "sources", [&](const YAML::Node& s, const std::string& p) {
    check_url(r, *policy, s, "url", p);
    check_url(r, *policy, s, "instance", p, /*bare_host_ok=*/true);
    check_url(r, *policy, s, "oauth_url", p);
    check_url(r, *policy, s, "token_url", p);
  });
}

void check_files(ConfigReader& r, const YAML::Node& root, const Config& cfg) {
  if (!root.IsMap()) return;
  const YAML::Node sources = root["sources"];
  if (sources.IsDefined() && sources.IsSequence()) {
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (peek(sources[i], "type") != "file") continue;
      auto follow = value_at(r, sources[i], "follow");
      bool follows = follow && (follow->first == "true" || follow->first == "yes");
      // A followed file may appear later; its folder must be there.
      check_file(r, sources[i], "path", "sources[" + std::to_string(i) + "]", follows);
    }
  }
  const YAML::Node customers = root["customers"];
  if (customers.IsDefined() && customers.IsSequence()) {
    for (std::size_t i = 0; i < customers.size(); ++i) {
      std::string type = peek(customers[i], "type");
      if (type == "csv" || type == "jsonl")
        check_file(r, customers[i], "path", "customers[" + std::to_string(i) + "]", false);
    }
  }
  if (root["sentiment"].IsDefined() && root["sentiment"].IsMap() &&
      model_is_a_file(cfg.sentiment.model) && cfg.sentiment.model != "default") {
    check_file(r, root["sentiment"], "model", "sentiment", false);
  }
}

}  // namespace detail
}  // namespace earshot::pipeline::config

namespace earshot::pipeline::config {

std::string AlertMessagesConfig::link_base(const ApiConfig& api) const {
  std::string base = dashboard_url.empty() ? "http://" + api.listen : dashboard_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace earshot::pipeline::config
