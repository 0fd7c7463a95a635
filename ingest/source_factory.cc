#include "ingest/source_factory.h"

#include <charconv>
#include <filesystem>
#include <set>

#include "ingest/feed_source.h"
#include "ingest/file_source.h"
#include "ingest/hackernews_source.h"
#include "ingest/jetstream_source.h"
#include "ingest/mastodon_stream.h"
#include "ingest/reddit_source.h"
#include "ingest/url_util.h"
#include "ingest/webhook_source.h"
#include "pipeline/http/cpprest_client.h"

namespace earshot::ingest {
namespace {

using pipeline::core::ErrorCode;
using pipeline::core::fail;
using pipeline::core::Result;
using std::chrono::milliseconds;
using SourcePtr = std::unique_ptr<ingest::Source>;

// A Source under another name (the configured `name` or the loader's default).
class NamedSource final : public ingest::Source {
 public:
  NamedSource(SourcePtr inner, std::string name) : inner_(std::move(inner)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  pipeline::core::Status restore(std::string_view c) override { return inner_->restore(c); }
  Result<ingest::SourceBatch> poll(milliseconds t) override { return inner_->poll(t); }
  ingest::SourceHealth health() const override {
    auto h = inner_->health();
    h.name = name_;
    return h;
  }

 private:
  SourcePtr inner_;
  std::string name_;
};

class Fields {
 public:
  Fields(const std::map<std::string, std::string>& f, std::string type) : f_(f), type_(std::move(type)) {}
  std::string where(std::string_view key) const { return "sources[" + type_ + "]." + std::string(key); }
  Result<std::string> required(const char* key) {
    std::string v = get(key);
    if (v.empty()) return fail(ErrorCode::kInvalidArgument, where(key) + ": required");
    return v;
  }
  std::string get(const char* key, std::string def = "") {
    used_.insert(key);
    auto it = f_.find(key);
    return it == f_.end() || it->second.empty() ? def : it->second;
  }
  Result<double> number(const char* key, double def) {
    std::string v = get(key);
    if (v.empty()) return def;
    double n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < 0)
      return fail(ErrorCode::kInvalidArgument, where(key) + ": expected a non-negative number, got '" + v + "'");
    return n;
  }
  template <class T, class Parse>
  Result<T> parsed(const char* key, T def, Parse parse) {
    std::string v = get(key);
    if (v.empty()) return def;
    auto r = parse(v);
    if (!r) return fail(ErrorCode::kInvalidArgument, where(key) + ": " + r.error().message);
    return T(*r);
  }
  Result<milliseconds> duration(const char* key, milliseconds def) { return parsed(key, def, parse_duration); }
  Result<bool> boolean(const char* key, bool def) { return parsed(key, def, parse_bool); }
  pipeline::core::Status no_unknown_keys() const {
    for (const auto& [k, v] : f_)
      if (k != "type" && k != "name" && !used_.contains(k))
        return fail(ErrorCode::kInvalidArgument, where(k) + ": unknown key");
    return pipeline::core::ok();
  }

 private:
  const std::map<std::string, std::string>& f_;
  std::string type_;
  std::set<std::string> used_;
};

#define EARSHOT_GET(var, expr)                            \
  auto var##_r = (expr);                                  \
  if (!var##_r) return std::unexpected(var##_r.error()); \
  auto var = *var##_r

// The loader's host_of(): the authority as written ("host:port").
std::string authority(std::string_view url) {
  if (std::size_t s = url.find("://"); s != std::string_view::npos) url.remove_prefix(s + 3);
  return std::string(url.substr(0, url.find('/')));
}

SourceDeps with_defaults(SourceDeps deps) {
  static auto http = pipeline::http::make_cpprest_client();
  static auto dedup = std::make_shared<UriDedup>();
  static auto handles = std::make_shared<CachingHandleResolver>(plc_directory_lookup(http));
  if (!deps.http) deps.http = http;
  if (!deps.mastodon_dedup) deps.mastodon_dedup = dedup;
  if (!deps.handles) deps.handles = handles;
  return deps;
}

Result<PollingOptions> polling(Fields& f, milliseconds interval, const std::string& credential) {
  PollingOptions o;
  EARSHOT_GET(pi, f.duration("poll_interval", interval));
  o.poll_interval = pi;
  if (!credential.empty()) {
    EARSHOT_GET(r, f.number("rate", 1.0));
    if (r > 0) o.bucket = bucket_for(credential, r, std::max(1.0, r * 5));
  }
  return o;
}

// Builds the source; `name` gets the loader's default name.
Result<SourcePtr> build(const std::string& type, Fields& f, const std::string& base_dir,
                        const SourceDeps& deps, std::string& name) {
  if (type == "mastodon") {
    MastodonOptions o;
    EARSHOT_GET(instance, f.required("instance"));
    o.instance = instance.find("://") == std::string::npos ? "https://" + instance : instance;
    if (url_host(o.instance).empty())
      return fail(ErrorCode::kInvalidArgument, f.where("instance") + ": expected https://host");
    o.timeline = f.get("timeline", "public");
    if (o.timeline.starts_with("hashtag:#")) o.timeline.erase(8, 1);
    if (o.timeline != "public" && o.timeline != "local" &&
        !(o.timeline.starts_with("hashtag:") && o.timeline.size() > 8))
      return fail(ErrorCode::kInvalidArgument, f.where("timeline") + ": expected public, local or hashtag:NAME");
    o.access_token = f.get("token");
    EARSHOT_GET(streaming, f.boolean("streaming", false));
    EARSHOT_GET(limit, f.number("limit", 40));
    o.limit = std::max(1, static_cast<int>(limit));
    EARSHOT_GET(p, polling(f, milliseconds(15000), "mastodon:" + url_host(o.instance) + ":" + o.access_token));
    o.polling = p;
    o.dedup = deps.mastodon_dedup;
    name = "mastodon:" + authority(o.instance) + ":" + o.timeline;
    if (streaming) return std::make_unique<MastodonStreamSource>(o, deps.http);
    return std::make_unique<MastodonSource>(o, deps.http);
  }
  if (type == "jetstream") {
    JetstreamOptions o;
    o.url = f.get("url", o.url);
    if (std::string c = f.get("collections"); !c.empty()) {
      o.collections.clear();
      for (std::size_t i = 0; i <= c.size();) {
        std::size_t comma = std::min(c.find(',', i), c.size());
        std::string one = c.substr(i, comma - i);
        one.erase(0, one.find_first_not_of(' '));
        one.erase(one.find_last_not_of(' ') + 1);
        if (!one.empty()) o.collections.push_back(one);
        i = comma + 1;
      }
    }
    EARSHOT_GET(ei, f.duration("expected_interval", o.expected_interval));
    EARSHOT_GET(sf, f.number("stall_factor", o.stall_factor));
    o.expected_interval = ei;
    o.stall_factor = sf;
    o.resolver = deps.handles;
    name = "jetstream:" + authority(o.url);
    return std::make_unique<JetstreamSource>(o);
  }
  if (type == "reddit") {
    RedditOptions o;
    o.subreddit = f.get("subreddit");
    for (std::string_view prefix : {"/r/", "r/"})
      if (o.subreddit.starts_with(prefix)) o.subreddit.erase(0, prefix.size());
    o.query = f.get("query");
    if (o.subreddit.empty() && o.query.empty())
      return fail(ErrorCode::kInvalidArgument, f.where("subreddit") + ": required (or query)");
    o.listing = f.get("listing", "new");
    if (o.listing != "new" && o.listing != "comments")
      return fail(ErrorCode::kInvalidArgument, f.where("listing") + ": expected new or comments");
    o.client_id = f.get("client_id");
    o.client_secret = f.get("client_secret");
    o.base_url = f.get("url", o.base_url);
    o.oauth_base_url = f.get("oauth_url", o.oauth_base_url);
    o.token_url = f.get("token_url", o.token_url);
    EARSHOT_GET(limit, f.number("limit", 100));
    o.limit = std::max(1, static_cast<int>(limit));
    std::string ua = f.get("user_agent");
    EARSHOT_GET(p, polling(f, milliseconds(60000),
                           "reddit:" + (o.client_id.empty() ? url_host(o.base_url) : o.client_id)));
    o.polling = p;
    auto http = ua.empty() ? deps.http : pipeline::http::make_cpprest_client({.user_agent = ua});
    name = "reddit:" + (o.subreddit.empty() ? "search:" + o.query : o.subreddit);
    return std::make_unique<RedditSource>(o, http);
  }
  if (type == "hackernews") {
    HackerNewsOptions o;
    o.base_url = f.get("url", o.base_url);
    EARSHOT_GET(backfill, f.number("backfill", 0));
    EARSHOT_GET(max_items, f.number("max_items", 100));
    o.backfill = static_cast<std::int64_t>(backfill);
    o.max_items_per_poll = std::max(1, static_cast<int>(max_items));
    EARSHOT_GET(p, polling(f, milliseconds(30000), ""));
    o.polling = p;
    name = "hackernews:" + authority(o.base_url);
    return std::make_unique<HackerNewsSource>(o, deps.http);
  }
  if (type == "rss" || type == "atom") {
    FeedOptions o;
    EARSHOT_GET(url, f.required("url"));
    o.url = url;
    EARSHOT_GET(max_keys, f.number("max_keys", 1000));
    o.max_keys = static_cast<std::size_t>(max_keys);
    EARSHOT_GET(p, polling(f, milliseconds(300000), ""));
    o.polling = p;
    name = "rss:" + url;
    return std::make_unique<FeedSource>(o, deps.http);
  }
  if (type == "webhook") {
    WebhookOptions o;
    o.listen = f.get("listen", o.listen);
    EARSHOT_GET(secret, f.required("secret"));
    o.secret = secret;
    EARSHOT_GET(max_body, f.parsed("max_body", std::uint64_t{o.max_body_bytes}, parse_bytes));
    EARSHOT_GET(max_queue, f.number("max_queue", static_cast<double>(o.max_queue)));
    o.max_body_bytes = static_cast<std::size_t>(max_body);
    o.max_queue = std::max<std::size_t>(1, static_cast<std::size_t>(max_queue));
    if (auto st = f.no_unknown_keys(); !st) return std::unexpected(st.error());  // before listening
    name = "webhook:" + o.listen;
    auto src = WebhookSource::start(o);
    if (!src) return std::unexpected(src.error());
    return SourcePtr(std::move(*src));
  }
  if (type == "file") {
    FileOptions o;
    EARSHOT_GET(path, f.required("path"));
    std::filesystem::path p(path);
    o.path = p.is_absolute() || base_dir.empty() ? p.string() : (std::filesystem::path(base_dir) / p).string();
    EARSHOT_GET(rate, f.number("rate", 0));
    EARSHOT_GET(follow, f.boolean("follow", false));
    EARSHOT_GET(pi, f.duration("poll_interval", o.poll_interval));
    o.rate = rate;
    o.follow = follow;
    o.poll_interval = pi;
    name = "file:" + path;
    return std::make_unique<FileSource>(o);
  }
  return fail(ErrorCode::kInvalidArgument, "sources[].type: unknown type '" + type +
                                               "' (mastodon, jetstream, reddit, hackernews, rss, webhook, file)");
}

}  // namespace

Result<SourcePtr> make_source(const std::map<std::string, std::string>& fields, const std::string& base_dir) {
  return make_source(fields, base_dir, SourceDeps{});
}

Result<SourcePtr> make_source(const std::map<std::string, std::string>& fields, const std::string& base_dir,
                              const SourceDeps& deps) {
  auto it = fields.find("type");
  if (it == fields.end() || it->second.empty())
    return fail(ErrorCode::kInvalidArgument, "sources[].type: required");
  Fields f(fields, it->second);
  std::string name;
  auto src = build(it->second, f, base_dir, with_defaults(deps), name);
  if (!src) return src;
  if (auto st = f.no_unknown_keys(); !st) return std::unexpected(st.error());
  if (auto n = fields.find("name"); n != fields.end() && !n->second.empty()) name = n->second;
  if (name != (*src)->name()) return SourcePtr(std::make_unique<NamedSource>(std::move(*src), name));
  return src;
}

}  // namespace earshot::ingest
