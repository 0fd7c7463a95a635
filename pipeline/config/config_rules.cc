// The `alerts:`, `sinks:` and `replies:` sections of the config (config.h).
#include <algorithm>
#include <array>
#include <limits>

#include "pipeline/config/config_reader.h"
#include "pipeline/core/webhook_signature.h"

namespace earshot::pipeline::config::detail {
namespace {

using sentiment::Label;

constexpr std::array<std::pair<std::string_view, AlertKind>, 5> kAlertKinds{
    {{"spike", AlertKind::spike},
     {"threshold", AlertKind::threshold},
     {"customer", AlertKind::customer},
     {"keyword", AlertKind::keyword},
     {"intent", AlertKind::intent}}};
constexpr std::array<std::pair<std::string_view, Severity>, 3> kSeverities{
    {{"info", Severity::info}, {"warning", Severity::warning}, {"critical", Severity::critical}}};
constexpr std::array<std::pair<std::string_view, Label>, 3> kLabels{
    {{"negative", Label::negative}, {"neutral", Label::neutral}, {"positive", Label::positive}}};
constexpr std::array<std::pair<std::string_view, core::Intent>, 4> kIntents{
    {{"complaint", core::Intent::complaint},
     {"question", core::Intent::question},
     {"praise", core::Intent::praise},
     {"other", core::Intent::other}}};
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kMetrics{
    {{"volume", "volume"},
     {"negative", "negative"},
     {"positive", "positive"},
     {"neutral", "neutral"},
     {"negative_share", "negative_share"},
     {"mean_score", "mean_score"}}};
// spike `measure`: what is compared with the baseline; stored in AlertRuleDef::metric
// ("" = volume, "share" = the share of `label` among the window's mentions).
constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kMeasures{
    {{"volume", ""}, {"share", "share"}}};
constexpr std::array<std::pair<std::string_view, bool>, 2> kDirections{
    {{"above", false}, {"below", true}}};
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kSinkTypes{
    {{"webhook", "webhook"}, {"slack", "slack"}, {"pagerduty", "pagerduty"}, {"kafka", "kafka"}}};
constexpr std::array<std::pair<std::string_view, ReplyMode>, 4> kModes{
    {{"off", ReplyMode::off},
     {"shadow", ReplyMode::shadow},
     {"approval", ReplyMode::approval},
     {"auto", ReplyMode::auto_send}}};
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kPlatforms{
    {{"mastodon", "mastodon"}, {"bluesky", "bluesky"}, {"reddit", "reddit"}}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kHelpdeskWhen{
    {{"blocked", "blocked"}, {"all", "all"}}};

constexpr std::int64_t kMaxCount = std::numeric_limits<int>::max();

bool is_list(ConfigReader& r, const YAML::Node& node, std::string_view what) {
  if (!node.IsDefined() || node.IsNull()) return false;
  if (node.IsSequence()) return true;
  r.error(node, std::string(what) + ": expected a list (- ...)");
  return false;
}

std::string label_for(const YAML::Node& item, const std::string& path, std::string_view key) {
  std::string v = peek(item, key);
  return v.empty() ? path : path + " (" + v + ")";
}

// Reads `entity` (default "*"), which must name a configured entity or be "*".
void entity_field(ConfigReader& r, MapReader& m, const Config& cfg, std::string* out) {
  if (m.str("entity", out, kNonEmpty) && *out != "*" && !entity_known(cfg, *out)) {
    r.error(*m.get("entity"), m.key_path("entity") + ": no entity with id '" + *out + "'");
  }
}

void unique_name(ConfigReader& r, MapReader& m, std::vector<std::string>& seen,
                 const std::string& name) {
  if (name.empty()) return;
  if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
    r.error(*m.get("name"), m.key_path("name") + ": duplicate name '" + name + "'");
  }
  seen.push_back(name);
}

void read_alert(ConfigReader& r, MapReader& m, const Config& cfg, AlertRuleDef& a) {
  entity_field(r, m, cfg, &a.entity);
  m.choice<Severity>("severity", &a.severity, kSeverities);
  m.duration("cooldown", &a.cooldown, /*allow_zero=*/true);
  if (a.kind == AlertKind::spike || a.kind == AlertKind::customer) a.label = Label::negative;
  if (a.kind != AlertKind::threshold) {
    Label l{};
    if (m.choice<Label>("label", &l, kLabels)) a.label = l;
  }
  if (a.kind != AlertKind::customer) m.duration("window", &a.window);
  switch (a.kind) {
    case AlertKind::spike:
      m.integer("min_volume", &a.min_volume, 0, kMaxCount);
      m.real("sensitivity", &a.sensitivity, 0.1, 1000);
      m.duration("baseline", &a.baseline);
      {
        std::string_view measure;
        if (m.choice<std::string_view>("measure", &measure, kMeasures)) a.metric = measure;
      }
      break;
    case AlertKind::threshold: {
      std::string_view metric;
      if (m.choice<std::string_view>("metric", &metric, kMetrics, true)) a.metric = metric;
      if (!m.has("threshold")) m.missing("threshold");
      m.real("threshold", &a.threshold, -1e15, 1e15);
      m.choice<bool>("direction", &a.below, kDirections);
      m.integer("min_volume", &a.min_volume, 0, kMaxCount);
      break;
    }
    case AlertKind::customer:
      m.list("tiers", &a.tiers, /*scalar_ok=*/true);
      break;
    case AlertKind::keyword:
      if (m.str("pattern", &a.pattern, kRequired)) {
        if (auto why = regex_error(a.pattern)) {
          r.error(*m.get("pattern"), m.key_path("pattern") + ": bad regular expression: " + *why);
        }
      }
      m.integer("min_count", &a.min_count, 1, kMaxCount);
      break;
    case AlertKind::intent: {
      core::Intent i{};
      if (m.choice<core::Intent>("intent", &i, kIntents, true)) a.intent = i;
      m.integer("min_count", &a.min_count, 1, kMaxCount);
      break;
    }
  }
}

}  // namespace

void read_alerts(ConfigReader& r, const YAML::Node& node, Config& cfg) {
  if (!is_list(r, node, "alerts")) return;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string path = "alerts[" + std::to_string(i) + "]";
    MapReader m(r, node[i], path, label_for(node[i], path, "name"));
    if (!m.is_map()) continue;
    AlertRuleDef a;
    m.str("name", &a.name, kRequired);
    unique_name(r, m, names, a.name);
    m.str("description", &a.description);
    if (!m.choice<AlertKind>("kind", &a.kind, kAlertKinds, true)) continue;  // keys unjudged
    read_alert(r, m, cfg, a);
    m.finish();
    cfg.alerts.push_back(std::move(a));
  }
}

void read_sinks(ConfigReader& r, const YAML::Node& node, Config& cfg) {
  if (!is_list(r, node, "sinks")) return;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string path = "sinks[" + std::to_string(i) + "]";
    MapReader m(r, node[i], path, label_for(node[i], path, "type"));
    if (!m.is_map()) continue;
    SinkDef s;
    std::string_view t;
    if (!m.choice<std::string_view>("type", &t, kSinkTypes, true)) continue;  // keys unjudged
    s.type = std::string(t);
    bool dup_type = std::any_of(cfg.sinks.begin(), cfg.sinks.end(),
                                [&](const SinkDef& o) { return o.type == s.type; });
    s.name = dup_type ? s.type + "-" + std::to_string(i) : s.type;
    if (m.str("name", &s.name, kNonEmpty)) unique_name(r, m, names, s.name);
    m.choice<Severity>("min_severity", &s.min_severity, kSeverities);
    m.list("entities", &s.entities, /*scalar_ok=*/true);
    if (m.list("severities", &s.severities, /*scalar_ok=*/true)) {
      for (const auto& v : s.severities) {
        if (v != "info" && v != "warning" && v != "critical")
          r.error(*m.get("severities"),
                  m.key_path("severities") + ": '" + v + "' is not info, warning or critical");
      }
    }
    if (s.type == "slack") m.str("channel", &s.channel);
    if (s.type == "kafka") {
      s.topic = cfg.log.topic("alerts");
      m.str("topic", &s.topic, kNonEmpty);
    } else {
      if (s.type == "pagerduty") {
        s.url = "https://events.pagerduty.com/v2/enqueue";
        m.str("routing_key", &s.routing_key, kRequired);
      }
      if (m.str("url", &s.url, s.type == "pagerduty" ? kNonEmpty : kRequired)) {
        if (auto why = url_error(s.url, {"https", "http"})) {
          r.error(*m.get("url"), m.key_path("url") + ": " + *why);
        }
      }
      if (s.type == "webhook") {
        m.str("secret", &s.secret);
        m.string_map("headers", &s.headers);
      }
      m.integer("max_attempts", &s.max_attempts, 1, 1000);
      m.duration("timeout", &s.timeout);
    }
    m.finish();
    cfg.sinks.push_back(std::move(s));
  }
}

namespace {

// "HH:MM" -> minutes of the day; -1 when malformed.
int minutes_of_day(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return -1;
  for (int i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  return h < 24 && m < 60 ? h * 60 + m : -1;
}

void read_quiet_hours(ConfigReader& r, MapReader& a, ReplyAccountDef* acc) {
  std::string from, to, offset;
  a.str("quiet_from", &from);
  a.str("quiet_to", &to);
  a.str("utc_offset", &offset);
  if (from.empty() != to.empty()) {
    r.error(*a.get(from.empty() ? "quiet_to" : "quiet_from"),
            a.key_path("quiet_from") + ": quiet_from and quiet_to go together");
    return;
  }
  if (!from.empty()) {
    acc->quiet_from = minutes_of_day(from);
    acc->quiet_to = minutes_of_day(to);
    if (acc->quiet_from < 0 || acc->quiet_to < 0) {
      r.error(*a.get("quiet_from"), a.key_path("quiet_from") + ": expected HH:MM");
    }
  }
  if (!offset.empty()) {
    int mins = offset.size() == 6 ? minutes_of_day(offset.substr(1)) : -1;
    if ((offset[0] != '+' && offset[0] != '-') || mins < 0) {
      r.error(*a.get("utc_offset"), a.key_path("utc_offset") + ": expected +HH:MM or -HH:MM");
    } else {
      acc->utc_offset_minutes = offset[0] == '-' ? -mins : mins;
    }
  }
}

// Bluesky: service URL (default the public PDS host), did, app_password or token.
void read_bluesky_account(ConfigReader& r, MapReader& a, ReplyAccountDef* acc) {
  acc->service = "https://bsky.social";
  if (a.str("service", &acc->service, kNonEmpty)) {
    if (auto why = url_error(acc->service, {"https", "http"})) {
      r.error(*a.get("service"), a.key_path("service") + ": " + *why);
    }
  }
  a.str("did", &acc->did);
  if (!acc->did.empty() && !acc->did.starts_with("did:")) {
    r.error(*a.get("did"), a.key_path("did") + ": expected a DID such as did:plc:...");
  }
  bool password = a.str("app_password", &acc->app_password, kNonEmpty);
  bool token = a.str("token", &acc->token, kNonEmpty);
  if (!a.has("app_password") && !a.has("token")) {
    r.error(a.node(), a.key_path("app_password") +
                          ": a bluesky account needs app_password (or token with did)");
  } else if (password && acc->handle.empty() && acc->did.empty()) {
    r.error(*a.get("app_password"),
            a.key_path("handle") + ": app_password needs the account's handle (or did)");
  } else if (token && !password && acc->did.empty()) {
    r.error(*a.get("token"), a.key_path("did") + ": a bluesky token needs the account's did");
  }
}

}  // namespace

void read_replies(ConfigReader& r, const YAML::Node& node, Config& cfg) {
  RepliesConfig& rc = cfg.replies;
  MapReader m(r, node, "replies", "replies");
  m.choice<ReplyMode>("mode", &rc.mode, kModes);
  m.duration("author_cooldown", &rc.author_cooldown, /*allow_zero=*/true);
  m.integer("daily_cap", &rc.daily_cap, 0, 10'000'000);
  m.str("fallback_lang", &rc.fallback_lang);
  m.duration("max_post_age", &rc.max_post_age);
  m.real("min_confidence", &rc.min_confidence, 0.0, 1.0);
  m.list("other_accounts", &rc.other_accounts, /*scalar_ok=*/true);
  std::optional<YAML::Node> accounts = m.get("accounts");
  if (accounts && is_list(r, *accounts, "replies.accounts")) {
    for (std::size_t i = 0; i < accounts->size(); ++i) {
      std::string path = "replies.accounts[" + std::to_string(i) + "]";
      MapReader a(r, (*accounts)[i], path, label_for((*accounts)[i], path, "entity"));
      if (!a.is_map()) continue;
      ReplyAccountDef acc;
      if (a.str("entity", &acc.entity, kRequired) && !entity_known(cfg, acc.entity)) {
        r.error(*a.get("entity"),
                a.key_path("entity") + ": no entity with id '" + acc.entity + "'");
      }
      std::string_view platform;
      if (a.choice<std::string_view>("platform", &platform, kPlatforms, true)) {
        acc.platform = platform;
      }
      if (acc.platform == "mastodon" && a.str("instance", &acc.instance, kRequired)) {
        if (auto why = url_error(acc.instance, {"https", "http"})) {
          r.error(*a.get("instance"), a.key_path("instance") + ": " + *why);
        }
      }
      a.str("handle", &acc.handle);
      if (acc.platform == "bluesky") {
        read_bluesky_account(r, a, &acc);
      } else {
        a.str("token", &acc.token, kRequired);
      }
      read_quiet_hours(r, a, &acc);
      a.finish();
      rc.accounts.push_back(std::move(acc));
    }
  }
  if (std::optional<YAML::Node> hd = m.get("helpdesk")) {
    MapReader h(r, *hd, "replies.helpdesk", "replies.helpdesk");
    if (h.is_map()) {
      HelpdeskDef& d = rc.helpdesk;
      if (h.str("url", &d.url, kRequired)) {
        if (auto why = url_error(d.url, {"https", "http"}))
          r.error(*h.get("url"), h.key_path("url") + ": " + *why);
      }
      if (h.str("secret", &d.secret) && !core::decode_webhook_secret(d.secret))
        r.error(*h.get("secret"), h.key_path("secret") +
                                      ": not a usable key (whsec_<base64>, or the raw bytes)");
      std::string_view when = "blocked";
      if (h.choice<std::string_view>("when", &when, kHelpdeskWhen)) d.when = when;
      h.string_map("headers", &d.headers);
      h.duration("timeout", &d.timeout);
      h.integer("max_attempts", &d.max_attempts, 1, 1000);
      h.finish();
    }
  }
  std::optional<YAML::Node> rules = m.get("rules");
  std::vector<std::string> names;
  if (rules && is_list(r, *rules, "replies.rules")) {
    for (std::size_t i = 0; i < rules->size(); ++i) {
      std::string path = "replies.rules[" + std::to_string(i) + "]";
      MapReader a(r, (*rules)[i], path, label_for((*rules)[i], path, "name"));
      if (!a.is_map()) continue;
      ReplyRuleDef rule;
      a.str("name", &rule.name, kRequired);
      unique_name(r, a, names, rule.name);
      std::optional<YAML::Node> when = a.get("when");
      MapReader w(r, when ? *when : YAML::Node(), path + ".when", path + ".when");
      core::Intent intent{};
      if (w.choice<core::Intent>("intent", &intent, kIntents)) rule.intent = intent;
      Label label{};
      if (w.choice<Label>("label", &label, kLabels)) rule.label = label;
      w.list("tier", &rule.tiers, /*scalar_ok=*/true);
      w.list("source", &rule.sources, /*scalar_ok=*/true);
      w.list("lang", &rule.langs, /*scalar_ok=*/true);
      w.list("keywords", &rule.keywords, /*scalar_ok=*/true);
      entity_field(r, w, cfg, &rule.entity);
      w.finish();
      if (a.str("template", &rule.template_text, kRequired) &&
          std::count(rule.template_text.begin(), rule.template_text.end(), '{') !=
              std::count(rule.template_text.begin(), rule.template_text.end(), '}')) {
        r.error(*a.get("template"), a.key_path("template") + ": unbalanced { } in the template");
      }
      a.string_map("templates", &rule.templates);
      a.finish();
      rc.rules.push_back(std::move(rule));
    }
  }
  m.finish();
}

}  // namespace earshot::pipeline::config::detail
