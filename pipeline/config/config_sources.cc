// The `sources:` section of the config (config.h).
#include <algorithm>
#include <array>

#include "pipeline/config/config_reader.h"
#include "pipeline/core/webhook_signature.h"

namespace earshot::pipeline::config::detail {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kTypes{
    {{"mastodon", "mastodon"},
     {"jetstream", "jetstream"},
     {"reddit", "reddit"},
     {"hackernews", "hackernews"},
     {"rss", "rss"},
     {"atom", "atom"},
     {"webhook", "webhook"},
     {"file", "file"}}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kListings{
    {{"new", "new"}, {"comments", "comments"}}};

std::string host_of(std::string_view url) {
  std::size_t s = url.find("://");
  if (s != std::string_view::npos) url.remove_prefix(s + 3);
  return std::string(url.substr(0, url.find('/')));
}

void check_url(ConfigReader& r, MapReader& m, std::string_view key, const std::string& url,
               std::initializer_list<std::string_view> schemes) {
  if (auto why = url_error(url, schemes)) {
    std::optional<YAML::Node> at = m.get(key);
    r.error(at ? *at : m.node(), m.key_path(key) + ": " + *why);
  }
}

bool valid_timeline(std::string_view t) {
  if (t == "public" || t == "local") return true;
  if (!t.starts_with("hashtag:")) return false;
  std::string_view tag = t.substr(8);
  if (!tag.empty() && tag[0] == '#') tag.remove_prefix(1);
  return !tag.empty() && tag.find_first_of(" /#?&") == std::string_view::npos;
}

// "a, b" -> {"a", "b"}: each item may hold several names, comma-separated; blanks dropped.
std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    std::size_t i = 0;
    while (i <= item.size()) {
      std::size_t comma = std::min(item.find(',', i), item.size());
      std::string one = item.substr(i, comma - i);
      one.erase(0, one.find_first_not_of(" \t"));
      one.erase(one.find_last_not_of(" \t") + 1);
      if (!one.empty()) out.push_back(std::move(one));
      i = comma + 1;
    }
  }
  return out;
}

// `limit` (items per request, 1..max_limit) and `rate` (requests per second per
// credential; 0 = no client-side limit) of the REST sources that take them.
void read_request_limits(MapReader& m, SourceDef& s, int max_limit) {
  s.limit = max_limit;
  m.integer("limit", &s.limit, 1, max_limit);
  double rate = 1;
  m.real("rate", &rate, 0, 1e6);
  s.rate = rate;
}

void read_mastodon(ConfigReader& r, MapReader& m, SourceDef& s) {
  s.poll_interval = std::chrono::seconds(15);
  if (m.str("instance", &s.instance, kRequired)) {
    if (s.instance.find("://") == std::string::npos) s.instance = "https://" + s.instance;
    while (s.instance.size() > 8 && s.instance.back() == '/') s.instance.pop_back();
    check_url(r, m, "instance", s.instance, {"https", "http"});
  }
  if (m.str("timeline", &s.timeline, kNonEmpty) && !valid_timeline(s.timeline)) {
    r.error(*m.get("timeline"), m.key_path("timeline") +
                                    ": expected public, local or hashtag:NAME, got '" + s.timeline +
                                    "'");
  }
  m.opt_str("token", &s.token);
  m.boolean("streaming", &s.streaming);
  m.duration("poll_interval", &s.poll_interval);
  read_request_limits(m, s, 40);
  s.name = "mastodon:" + host_of(s.instance) + ":" + s.timeline;
}

void read_jetstream(ConfigReader& r, MapReader& m, SourceDef& s) {
  s.url = "wss://jetstream2.us-east.bsky.network/subscribe";
  if (m.str("url", &s.url, kNonEmpty)) check_url(r, m, "url", s.url, {"wss", "ws"});
  if (m.list("collections", &s.collections, /*scalar_ok=*/true)) {
    s.collections = split_commas(s.collections);
    if (s.collections.empty()) {
      r.error(*m.get("collections"), m.key_path("collections") + ": give at least one");
    }
  }
  m.duration("expected_interval", &s.expected_interval);
  m.real("stall_factor", &s.stall_factor, 1, 1e6);
  s.name = "jetstream:" + host_of(s.url);
}

void read_reddit(ConfigReader& r, MapReader& m, SourceDef& s) {
  s.poll_interval = std::chrono::seconds(60);
  if (m.str("subreddit", &s.subreddit)) {
    std::string_view sub = s.subreddit;
    for (std::string_view prefix : {"/r/", "r/"}) {
      if (sub.starts_with(prefix)) sub.remove_prefix(prefix.size());
    }
    s.subreddit = std::string(sub);
    const std::string& name = s.subreddit;
    bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '+';
    });
    if (!ok) r.error(*m.get("subreddit"), m.key_path("subreddit") + ": not a subreddit name");
  }
  m.opt_str("query", &s.query);
  if (s.subreddit.empty() && (!s.query || s.query->empty()) && m.is_map()) {
    r.error(m.node(), m.path() + " (reddit): needs 'subreddit' or 'query'");
  }
  m.opt_str("client_id", &s.client_id);
  m.opt_str("client_secret", &s.client_secret);
  if (s.client_id.has_value() != s.client_secret.has_value()) {
    r.error(m.node(), m.path() + " (reddit): give both client_id and client_secret, or neither");
  }
  m.str("user_agent", &s.user_agent, kNonEmpty);
  std::string_view listing;
  if (m.choice<std::string_view>("listing", &listing, kListings)) s.listing = std::string(listing);
  s.url = "https://www.reddit.com";
  for (auto [key, out] : {std::pair{"url", &s.url}, std::pair{"oauth_url", &s.oauth_url},
                          std::pair{"token_url", &s.token_url}}) {
    if (m.str(key, out, kNonEmpty)) check_url(r, m, key, *out, {"https", "http"});
  }
  m.duration("poll_interval", &s.poll_interval);
  read_request_limits(m, s, 100);
  s.name = "reddit:" + (s.subreddit.empty() ? "search:" + s.query.value_or("") : s.subreddit);
  if (!s.subreddit.empty() && !s.query && s.listing != "new") s.name += ":" + s.listing;
}

void read_hackernews(ConfigReader& r, MapReader& m, SourceDef& s) {
  s.url = "https://hacker-news.firebaseio.com/v0";
  s.poll_interval = std::chrono::seconds(30);
  if (m.str("url", &s.url, kNonEmpty)) check_url(r, m, "url", s.url, {"https", "http"});
  m.duration("poll_interval", &s.poll_interval);
  m.integer("backfill", &s.backfill, 0, 100'000'000);
  m.integer("max_items", &s.max_items, 1, 100'000);
  s.name = "hackernews:" + host_of(s.url);
}

// rss and atom: one feed reader (RSS 2.0, RSS 1.0 and Atom 1.0 alike).
void read_feed(ConfigReader& r, MapReader& m, SourceDef& s) {
  s.poll_interval = std::chrono::minutes(5);
  if (m.str("url", &s.url, kRequired)) check_url(r, m, "url", s.url, {"https", "http"});
  m.duration("poll_interval", &s.poll_interval);
  m.integer("max_keys", &s.max_keys, 1, 10'000'000);
  s.name = s.type + ":" + s.url;
}

void read_webhook(ConfigReader& r, MapReader& m, SourceDef& s) {
  if (m.str("listen", &s.listen, kNonEmpty)) {
    if (auto why = listen_error(s.listen)) {
      r.error(*m.get("listen"), m.key_path("listen") + ": " + *why);
    }
  }
  if (m.str("secret", &s.secret, kRequired)) {
    auto key = core::decode_webhook_secret(s.secret);
    if (!key) {
      r.error(*m.get("secret"), m.key_path("secret") + ": " + key.error().message);
    } else if (key->size() < core::kMinWebhookKeyBytes) {
      r.error(*m.get("secret"), m.key_path("secret") + ": " + std::to_string(key->size()) +
                                    " bytes; a webhook secret needs at least " +
                                    std::to_string(core::kMinWebhookKeyBytes) +
                                    " (a short one is guessable; is its variable unset?)");
    }
  }
  if (m.bytes("max_body", &s.max_body) && s.max_body == 0) {
    r.error(*m.get("max_body"), m.key_path("max_body") + ": must be more than 0");
  }
  m.integer("max_queue", &s.max_queue, 1, 10'000'000);
  s.name = "webhook:" + s.listen;
}

void read_file(ConfigReader& r, MapReader& m, SourceDef& s) {
  s.poll_interval = std::chrono::seconds(1);
  std::string written;
  if (m.str("path", &written, kRequired)) s.path = r.resolve(written);
  double rate = 0;
  if (m.real("rate", &rate, 0.001, 1e9)) s.rate = rate;
  m.boolean("follow", &s.follow);
  m.duration("poll_interval", &s.poll_interval);
  s.name = "file:" + written;
}

}  // namespace

void read_sources(ConfigReader& r, const YAML::Node& node, Config& cfg) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) {
    r.error(node, "sources: expected a list of sources (- {type: ..., ...})");
    return;
  }
  std::vector<YAML::Node> at;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string path = "sources[" + std::to_string(i) + "]";
    std::string type = peek(node[i], "type");
    MapReader m(r, node[i], path, type.empty() ? path : path + " (" + type + ")");
    if (!m.is_map()) continue;
    SourceDef s;
    std::string_view t;
    if (!m.choice<std::string_view>("type", &t, kTypes, true)) continue;  // keys unjudged
    s.type = std::string(t);
    if (s.type == "mastodon") read_mastodon(r, m, s);
    if (s.type == "jetstream") read_jetstream(r, m, s);
    if (s.type == "reddit") read_reddit(r, m, s);
    if (s.type == "hackernews") read_hackernews(r, m, s);
    if (s.type == "rss" || s.type == "atom") read_feed(r, m, s);
    if (s.type == "webhook") read_webhook(r, m, s);
    if (s.type == "file") read_file(r, m, s);
    m.str("name", &s.name, kNonEmpty);
    m.finish();
    for (std::size_t j = 0; j < cfg.sources.size(); ++j) {
      if (cfg.sources[j].name == s.name) {
        r.error(node[i], path + ": another source (line " + std::to_string(at[j].Mark().line + 1) +
                             ") has the same name '" + s.name + "'; give one a `name:`");
      }
    }
    cfg.sources.push_back(std::move(s));
    at.push_back(node[i]);
  }
}

}  // namespace earshot::pipeline::config::detail
