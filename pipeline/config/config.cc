#include "pipeline/config/config.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "pipeline/config/config_reader.h"
#include "pipeline/core/duration.h"
#include "pipeline/core/time_zone.h"

namespace earshot::pipeline::config {
namespace {

using detail::ConfigReader;
using detail::MapReader;

constexpr std::array<std::pair<std::string_view, LogKind>, 2> kLogKinds{
    {{"kafka", LogKind::kafka}, {"embedded", LogKind::embedded}}};

YAML::Node or_null(const std::optional<YAML::Node>& n) { return n ? *n : YAML::Node(); }

void read_log(ConfigReader& r, const YAML::Node& node, LogConfig& log) {
  MapReader m(r, node, "log", "log");
  m.choice<LogKind>("kind", &log.kind, kLogKinds);
  m.str("brokers", &log.brokers);
  m.path_str("path", &log.path);
  m.string_map("properties", &log.properties);
  m.integer("partitions", &log.partitions, 1, 10000);
  m.integer("replication_factor", &log.replication_factor, 1, 32);
  m.duration("commit_timeout", &log.commit_timeout);
  m.str("group", &log.group, detail::kNonEmpty);
  std::optional<YAML::Node> topics = m.get("topics");
  MapReader t(r, or_null(topics), "log.topics", "log.topics");
  std::map<std::string, std::string> seen;  // real name -> logical name
  for (std::string_view name : kLogicalTopics) {
    std::string& real = log.topics[std::string(name)];
    t.str(name, &real, detail::kNonEmpty);
    auto [it, fresh] = seen.emplace(real, name);
    if (!fresh && topics) {
      r.error(*topics, "log.topics: '" + std::string(name) + "' and '" + it->second +
                           "' both use topic '" + real + "'");
    }
  }
  t.finish();
  if (log.kind == LogKind::kafka && log.brokers.empty() && m.is_map()) {
    r.error(node, "log: kind kafka needs 'brokers' (host:port[,host:port...])");
  }
  m.finish();
}

void read_api_tokens(ConfigReader& r, MapReader& m, std::vector<core::BearerToken>& tokens) {
  std::optional<YAML::Node> v = m.get("tokens");
  if (!v) return;
  if (!v->IsSequence()) {
    r.error(*v, "api.tokens: expected a list of tokens such as [\"${EARSHOT_API_TOKEN}\"]");
    return;
  }
  static constexpr std::pair<std::string_view, core::Scope> kScopes[] = {
      {"read", core::Scope::kRead}, {"admin", core::Scope::kAdmin}};
  for (std::size_t i = 0; i < v->size(); ++i) {
    const YAML::Node item = (*v)[i];
    const std::string path = "api.tokens[" + std::to_string(i) + "]";
    core::BearerToken t{.owner = "token-" + std::to_string(i + 1)};
    std::string where = path;
    if (item.IsMap()) {
      MapReader e(r, item, path, path);
      if (!e.str("token", &t.token, detail::kRequired)) {
        e.finish();
        continue;
      }
      e.str("owner", &t.owner, detail::kNonEmpty);
      e.choice("scope", &t.scope, detail::Choices<core::Scope>(kScopes));
      e.finish();
      where = path + ".token";
    } else {
      std::optional<std::string> s =
          m.scalar_at(item, path, "a token string or {token, owner, scope}");
      if (!s) continue;
      if (s->empty()) {
        r.error(item,
                path +
                    ": the token is empty (is its variable unset or empty?); an empty "
                    "token would leave the API open — remove the entry to run without tokens");
        continue;
      }
      t.token = std::move(*s);
    }
    if (t.token.size() < core::kMinTokenLength) {
      r.error(item, where + ": a token needs at least " + std::to_string(core::kMinTokenLength) +
                        " characters (got " + std::to_string(t.token.size()) + ")");
      continue;
    }
    tokens.push_back(std::move(t));
  }
}

void read_api(ConfigReader& r, const YAML::Node& node, ApiConfig& api) {
  MapReader m(r, node, "api", "api");
  if (m.str("listen", &api.listen, detail::kNonEmpty)) {
    if (auto why = detail::listen_error(api.listen)) {
      r.error(*m.get("listen"), "api.listen: " + *why);
    }
  }
  read_api_tokens(r, m, api.tokens);
  m.integer("max_connections", &api.max_connections, 1, 100'000);
  if (m.bytes("max_body", &api.max_body) && api.max_body == 0)
    r.error(*m.get("max_body"), "api.max_body: must be more than 0");
  m.duration("header_timeout", &api.header_timeout);
  m.duration("idle_timeout", &api.idle_timeout);
  m.integer("max_event_clients", &api.max_event_clients, 1, 10'000);
  m.duration("event_heartbeat", &api.event_heartbeat);
  m.duration("event_throttle", &api.event_throttle, /*allow_zero=*/true);
  m.duration("session_ttl", &api.session_ttl);
  m.finish();
}

void read_alert_messages(ConfigReader& r, const YAML::Node& node, AlertMessagesConfig& a) {
  MapReader m(r, node, "alert_messages", "alert_messages");
  if (m.str("time_zone", &a.time_zone, detail::kNonEmpty)) {
    if (auto zone = core::TimeZone::find(a.time_zone); !zone)
      r.error(*m.get("time_zone"), "alert_messages.time_zone: " + zone.error().message);
  }
  if (m.str("dashboard_url", &a.dashboard_url) && !a.dashboard_url.empty() &&
      a.dashboard_url.rfind("http://", 0) != 0 && a.dashboard_url.rfind("https://", 0) != 0) {
    r.error(*m.get("dashboard_url"),
            "alert_messages.dashboard_url: expected an http:// or https:// URL");
  }
  m.finish();
}

void read_metrics(ConfigReader& r, const YAML::Node& node, MetricsConfig& metrics) {
  MapReader m(r, node, "metrics", "metrics");
  if (m.str("listen", &metrics.listen) && !metrics.listen.empty()) {
    if (auto why = detail::listen_error(metrics.listen)) {
      r.error(*m.get("listen"), "metrics.listen: " + *why);
    }
  }
  m.finish();
}

void read_process(ConfigReader& r, const YAML::Node& node, ProcessConfig& p) {
  MapReader m(r, node, "process", "process");
  m.integer("threads", &p.threads, 0, 1024);
  m.integer("batch_size", &p.batch_size, 1, 1'000'000);
  if (m.bytes("max_inflight_bytes", &p.max_inflight_bytes) && p.max_inflight_bytes < 65536) {
    r.error(*m.get("max_inflight_bytes"), "process.max_inflight_bytes: must be at least 64KiB");
  }
  m.integer("dedup_capacity", &p.dedup_capacity, 1000, 100'000'000);
  m.finish();
}

void read_windows(ConfigReader& r, const YAML::Node& node, WindowsConfig& w) {
  MapReader m(r, node, "windows", "windows");
  std::vector<std::string> sizes;
  if (m.list("sizes", &sizes)) {
    std::vector<Millis> parsed;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const YAML::Node item = (*m.get("sizes"))[i];
      std::string at = "windows.sizes[" + std::to_string(i) + "]: ";
      core::Result<Millis> d = core::parse_duration(sizes[i]);
      if (!d) {
        r.error(item, at + d.error().message);
      } else if (d->count() <= 0) {
        r.error(item, at + "must be longer than 0");
      } else if (std::find(parsed.begin(), parsed.end(), *d) != parsed.end()) {
        r.error(item, at + "duplicate window size " + sizes[i]);
      } else {
        parsed.push_back(*d);
      }
    }
    if (sizes.empty()) r.error(*m.get("sizes"), "windows.sizes: give at least one size");
    std::sort(parsed.begin(), parsed.end());
    w.sizes = parsed;
  }
  m.duration("allowed_lateness", &w.allowed_lateness, /*allow_zero=*/true);
  m.duration("idle_close", &w.idle_close, /*allow_zero=*/true);
  m.finish();
}

void read_sentiment(ConfigReader& r, const YAML::Node& node, SentimentConfig& s) {
  MapReader m(r, node, "sentiment", "sentiment");
  if (m.str("model", &s.model, detail::kNonEmpty)) {
    bool bare = std::all_of(s.model.begin(), s.model.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!bare) s.model = r.resolve(s.model);  // a model file
  }
  if (m.str("default_language", &s.default_language, detail::kNonEmpty)) {
    const bool code = s.default_language.size() >= 2 && s.default_language.size() <= 3 &&
                      std::all_of(s.default_language.begin(), s.default_language.end(),
                                  [](char c) { return c >= 'a' && c <= 'z'; });
    if (!code) {
      r.error(*m.get("default_language"),
              "sentiment.default_language: give an ISO 639-1 code such as \"en\"");
    }
  }
  m.real("language_min_margin", &s.language_min_margin, 0.0, 1000.0);
  m.finish();
}

}  // namespace

std::string LogConfig::topic(std::string_view name) const {
  auto it = topics.find(std::string(name));
  return it == topics.end() ? std::string(name) : it->second;
}

std::string_view to_string(AlertKind k) {
  static constexpr std::string_view kNames[] = {"spike", "threshold", "customer", "keyword",
                                                "intent"};
  return kNames[static_cast<int>(k)];
}

std::string_view to_string(Severity s) {
  static constexpr std::string_view kNames[] = {"info", "warning", "critical"};
  return kNames[static_cast<int>(s)];
}

std::string_view to_string(ReplyMode m) {
  static constexpr std::string_view kNames[] = {"off", "shadow", "approval", "auto"};
  return kNames[static_cast<int>(m)];
}

Config default_config() {
  Config cfg;
  for (std::string_view name : kLogicalTopics) {
    cfg.log.topics[std::string(name)] = "earshot." + std::string(name);
  }
  return cfg;
}

namespace {

core::Result<Config> parse(std::string_view yaml, const std::string& file_name_for_errors,
                           const std::string& base_dir, bool check_files,
                           SchemaRecorder* schema = nullptr) {
  if (yaml.size() > kMaxConfigBytes) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      file_name_for_errors + ":1:1: the config is " + std::to_string(yaml.size()) +
                          " bytes; the limit is " + std::to_string(kMaxConfigBytes) + " bytes");
  }
  std::size_t node_starts = 0;
  for (char c : yaml) {
    node_starts += c == ',' || c == ':' || c == '-' || c == '[' || c == '{' || c == '\n';
  }
  if (node_starts > kMaxConfigNodes) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      file_name_for_errors + ":1:1: the config has about " +
                          std::to_string(node_starts) + " YAML nodes; the limit is " +
                          std::to_string(kMaxConfigNodes) +
                          " (counted as ',', ':', '-', '[', '{' and line ends)");
  }
  ConfigReader r(file_name_for_errors, base_dir);
  r.check_files = check_files;
  r.set_schema(schema);
  Config cfg = default_config();
  cfg.file = file_name_for_errors;
  cfg.base_dir = base_dir;
  if (yaml.find_first_of(std::string_view("\x01\x02", 2)) != std::string_view::npos) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      file_name_for_errors + ": control characters are not allowed in a config");
  }
  YAML::Node root;
  try {
    root = YAML::Load(detail::protect_env_refs(yaml));
  } catch (const YAML::Exception& e) {
    r.error(e.mark, "YAML syntax error: " + e.msg);
    return core::fail(core::ErrorCode::kInvalidArgument, r.joined_errors());
  } catch (const std::exception& e) {
    return core::fail(core::ErrorCode::kInvalidArgument, file_name_for_errors + ": " + e.what());
  }
  try {
    MapReader top(r, root, "", "");
    auto section = [&](std::string_view key) { return or_null(top.get(key)); };
    read_log(r, section("log"), cfg.log);
    detail::read_entities(r, section("entities"), cfg);
    detail::read_customers(r, section("customers"), cfg);
    detail::read_sources(r, section("sources"), cfg);
    read_sentiment(r, section("sentiment"), cfg.sentiment);
    detail::read_alerts(r, section("alerts"), cfg);
    detail::read_sinks(r, section("sinks"), cfg);
    detail::read_replies(r, section("replies"), cfg);
    read_api(r, section("api"), cfg.api);
    read_metrics(r, section("metrics"), cfg.metrics);
    read_process(r, section("process"), cfg.process);
    read_windows(r, section("windows"), cfg.windows);
    detail::read_outbound(r, section("outbound"), cfg);
    read_alert_messages(r, section("alert_messages"), cfg.alert_messages);
    top.finish();
    detail::check_outbound(r, root, cfg);
    if (r.check_files) detail::check_files(r, root, cfg);
  } catch (const std::bad_alloc&) {
    r.error(YAML::Mark::null_mark(), "out of memory while checking the config");
  } catch (const std::exception& e) {  // yaml-cpp throws on a few malformed trees
    r.error(YAML::Mark::null_mark(), std::string("unexpected YAML structure: ") + e.what());
  }
  if (r.has_errors()) return core::fail(core::ErrorCode::kInvalidArgument, r.joined_errors());
  return cfg;
}

}  // namespace

core::Result<Config> parse_config(std::string_view yaml, const std::string& file_name_for_errors,
                                  const std::string& base_dir, SchemaRecorder* schema) {
  return parse(yaml, file_name_for_errors, base_dir, /*check_files=*/false, schema);
}

core::Result<Config> load_config(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return core::fail(core::ErrorCode::kNotFound, path + ": config file not found");
  }
  if (std::filesystem::is_directory(path, ec)) {
    return core::fail(core::ErrorCode::kInvalidArgument, path + ": is a folder, not a config file");
  }
  if (auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxConfigBytes) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      path + ":1:1: the config is " + std::to_string(size) +
                          " bytes; the limit is " + std::to_string(kMaxConfigBytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::ErrorCode::kIo, path + ": cannot open config file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return core::fail(core::ErrorCode::kIo, path + ": cannot read config file");
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  std::string base = ec ? std::filesystem::path(path).parent_path().string()
                        : abs.lexically_normal().parent_path().string();
  return parse(text.str(), path, base, /*check_files=*/true);
}

}  // namespace earshot::pipeline::config
