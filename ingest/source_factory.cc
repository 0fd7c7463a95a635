#include "ingest/source_factory.h"

#include "ingest/feed_source.h"
#include "ingest/file_source.h"
#include "ingest/hackernews_source.h"
#include "ingest/jetstream_source.h"
#include "ingest/mastodon_stream.h"
#include "ingest/reddit_source.h"
#include "ingest/url_util.h"
#include "ingest/webhook_source.h"
#include "pipeline/core/status.h"
#include "pipeline/http/cpprest_client.h"

namespace earshot::ingest {
namespace {

using pipeline::config::SourceDef;
using pipeline::core::ErrorCode;
using pipeline::core::fail;
using pipeline::core::Result;
using std::chrono::milliseconds;
using SourcePtr = std::unique_ptr<ingest::Source>;

// A Source under another name (the configured `name` or the loader's default).
class NamedSource final : public ingest::Source {
 public:
  NamedSource(SourcePtr inner, std::string name)
      : inner_(std::move(inner)), name_(std::move(name)) {}
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

SourceDeps with_defaults(SourceDeps deps) {
  static auto http = pipeline::http::make_cpprest_client();  // plc.directory: public
  static auto dedup = std::make_shared<UriDedup>();
  static auto handles = std::make_shared<CachingHandleResolver>(plc_directory_lookup(http));
  if (!deps.http)
    deps.http = pipeline::http::make_cpprest_client({.address_policy = deps.address_policy});
  if (!deps.mastodon_dedup) deps.mastodon_dedup = dedup;
  if (!deps.handles) deps.handles = handles;
  return deps;
}

// Polling options; `credential` (non-empty) shares one request budget of `def.rate` per
// second between every source using it.
PollingOptions polling(const SourceDef& def, const std::string& credential) {
  PollingOptions o;
  o.poll_interval = def.poll_interval;
  const double rate = def.rate.value_or(0);
  if (!credential.empty() && rate > 0)
    o.bucket = bucket_for(credential, rate, std::max(1.0, rate * 5));
  return o;
}

Result<SourcePtr> build(const SourceDef& def, const SourceDeps& deps) {
  const std::string& type = def.type;
  if (type == "mastodon") {
    MastodonOptions o;
    o.instance = def.instance;
    o.timeline = def.timeline;
    if (o.timeline.starts_with("hashtag:#")) o.timeline.erase(8, 1);
    o.access_token = def.token.value_or("");
    o.limit = def.limit;
    o.polling = polling(def, "mastodon:" + url_host(o.instance) + ":" + o.access_token);
    o.dedup = deps.mastodon_dedup;
    if (def.streaming) {
      MastodonStreamOptions stream;
      stream.address_policy = deps.address_policy;
      return std::make_unique<MastodonStreamSource>(o, deps.http, stream);
    }
    return std::make_unique<MastodonSource>(o, deps.http);
  }
  if (type == "jetstream") {
    JetstreamOptions o;
    o.url = def.url;
    o.collections = def.collections;
    o.expected_interval = def.expected_interval;
    o.stall_factor = def.stall_factor;
    o.resolver = deps.handles;
    o.address_policy = deps.address_policy;
    return std::make_unique<JetstreamSource>(o);
  }
  if (type == "reddit") {
    RedditOptions o;
    o.subreddit = def.subreddit;
    o.query = def.query.value_or("");
    o.listing = def.listing;
    o.client_id = def.client_id.value_or("");
    o.client_secret = def.client_secret.value_or("");
    o.base_url = def.url;
    o.oauth_base_url = def.oauth_url;
    o.token_url = def.token_url;
    o.limit = def.limit;
    o.polling =
        polling(def, "reddit:" + (o.client_id.empty() ? url_host(o.base_url) : o.client_id));
    auto http = def.user_agent == pipeline::core::kDefaultUserAgent
                    ? deps.http
                    : pipeline::http::make_cpprest_client(
                          {.user_agent = def.user_agent, .address_policy = deps.address_policy});
    return std::make_unique<RedditSource>(o, http);
  }
  if (type == "hackernews") {
    HackerNewsOptions o;
    o.base_url = def.url;
    o.backfill = def.backfill;
    o.max_items_per_poll = def.max_items;
    o.polling = polling(def, "");
    return std::make_unique<HackerNewsSource>(o, deps.http);
  }
  if (type == "rss" || type == "atom") {
    FeedOptions o;
    o.url = def.url;
    o.max_keys = static_cast<std::size_t>(def.max_keys);
    o.polling = polling(def, "");
    return std::make_unique<FeedSource>(o, deps.http);
  }
  if (type == "webhook") {
    WebhookOptions o;
    o.listen = def.listen;
    o.secret = def.secret;
    o.max_body_bytes = static_cast<std::size_t>(def.max_body);
    o.max_queue = static_cast<std::size_t>(def.max_queue);
    auto src = WebhookSource::start(o);
    EARSHOT_TRY(src);
    return SourcePtr(std::move(*src));
  }
  if (type == "file") {
    FileOptions o;
    o.path = def.path;
    o.rate = def.rate.value_or(0);
    o.follow = def.follow;
    o.poll_interval = def.poll_interval;
    return std::make_unique<FileSource>(o);
  }
  return fail(ErrorCode::kInvalidArgument,
              "sources: unknown type '" + type +
                  "' (mastodon, jetstream, reddit, hackernews, rss, atom, webhook, file)");
}

}  // namespace

Result<SourcePtr> make_source(const SourceDef& def, const SourceDeps& deps) {
  auto src = build(def, with_defaults(deps));
  if (!src) return src;
  if (!def.name.empty() && def.name != (*src)->name()) {
    return SourcePtr(std::make_unique<NamedSource>(std::move(*src), def.name));
  }
  return src;
}

}  // namespace earshot::ingest
