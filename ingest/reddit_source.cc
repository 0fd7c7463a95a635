#include "ingest/reddit_source.h"

#include <algorithm>

#include "ingest/json_access.h"
#include "ingest/reddit_listing.h"
#include "ingest/url_util.h"
#include "pipeline/core/base64.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

RedditSource::RedditSource(RedditOptions options, std::shared_ptr<pipeline::core::HttpClient> http)
    : PollingSource(options.subreddit.empty() || !options.query.empty()
                        ? "reddit:search:" + options.query +
                              (options.subreddit.empty() ? "" : ":" + options.subreddit)
                        : "reddit:" + options.subreddit +
                              (options.listing == "new" ? "" : ":" + options.listing),
                    options.polling),
      options_(std::move(options)),
      http_(std::move(http)) {}

pipeline::core::Status RedditSource::restore(std::string_view cursor) {
  watermark_ = 0;
  seen_.clear();
  if (cursor.empty()) return pipeline::core::ok();
  auto doc = parse_json(cursor);
  if (!doc || !doc->is_object())
    return fail(ErrorCode::kInvalidArgument, "reddit cursor: not a JSON object");
  watermark_ = get_number(*doc, "watermark").value_or(0);
  if (const Json* seen = member(*doc, "seen"); seen != nullptr && seen->is_array())
    for (const Json& s : *seen)
      if (s.is_string()) seen_.push_back(s.get<std::string>());
  return pipeline::core::ok();
}

std::string RedditSource::cursor() const {
  Json seen = Json::array();
  for (const std::string& s : seen_) seen.push_back(s);
  return dump_json(Json{{"watermark", watermark_}, {"seen", seen}});
}

pipeline::core::Status RedditSource::ensure_token() {
  if (options_.client_id.empty() || (!token_.empty() && Clock::now() < token_expiry_))
    return pipeline::core::ok();
  pipeline::core::HttpRequest req;
  req.method = "POST";
  req.url = options_.token_url;
  req.body = "grant_type=client_credentials";
  req.headers = {
      {"Authorization",
       "Basic " + pipeline::core::base64_encode(options_.client_id + ":" + options_.client_secret)},
      {"Content-Type", "application/x-www-form-urlencoded"}};
  auto r = http_->send(req);
  EARSHOT_TRY(r);
  if (r->status != 200) return std::unexpected(http_error(*r, name() + ": access token"));
  auto doc = parse_json(r->body);
  std::string token = doc ? get_string(*doc, "access_token") : "";
  if (token.empty())
    return fail(ErrorCode::kUnavailable, name() + ": access token response without access_token");
  token_ = token;
  std::int64_t expires = get_int(*doc, "expires_in").value_or(3600);
  token_expiry_ = Clock::now() + std::chrono::seconds(std::max<std::int64_t>(expires - 60, 1));
  return pipeline::core::ok();
}

pipeline::core::Result<PollingSource::Fetched> RedditSource::fetch_once() {
  EARSHOT_TRY(ensure_token());
  bool oauth = !options_.client_id.empty();
  std::string root = oauth ? options_.oauth_base_url : options_.base_url;
  std::string base;
  if (!options_.query.empty()) {
    base = join_url(
        root, (options_.subreddit.empty() ? "" : "/r/" + options_.subreddit) + "/search.json");
    base = add_query(add_query(base, "q", options_.query), "sort", "new");
    if (!options_.subreddit.empty()) base = add_query(base, "restrict_sr", "1");
  } else {
    base = join_url(root, "/r/" + options_.subreddit + "/" + options_.listing + ".json");
  }
  base = add_query(base, "limit", std::to_string(options_.limit));
  auto seen = [&](const std::string& f) {
    return std::find(seen_.begin(), seen_.end(), f) != seen_.end();
  };
  bool fresh = watermark_ == 0 && seen_.empty();
  Fetched out;
  std::vector<RedditItem> fresh_items;
  std::string after;
  for (int page_no = 0; page_no < options_.max_pages; ++page_no) {
    pipeline::core::HttpRequest req;
    req.url = after.empty() ? base : add_query(base, "after", after);
    if (oauth) req.headers.emplace_back("Authorization", "bearer " + token_);
    auto r = http_->send(req);
    EARSHOT_TRY(r);
    if (r->status == 401 && oauth) token_.clear();
    if (r->status < 200 || r->status > 299) return std::unexpected(http_error(*r, name()));
    note_rate_headers(*r);
    auto page = parse_reddit_listing(r->body);
    if (!page) return fail(ErrorCode::kRetriable, name() + ": " + page.error().message);
    for (auto& d : page->dead) out.batch.dead.push_back(std::move(d));
    bool reached_old = false;
    for (RedditItem& item : page->items) {
      if (item.created_utc < watermark_ || seen(item.fullname)) {
        reached_old = true;
        continue;
      }
      fresh_items.push_back(std::move(item));
    }
    after = page->after;
    if (reached_old || fresh || after.empty()) break;
  }
  std::stable_sort(
      fresh_items.begin(), fresh_items.end(),
      [](const RedditItem& a, const RedditItem& b) { return a.created_utc > b.created_utc; });
  // Oldest first; listing order breaks ties (newest first), so reverse it.
  for (auto it = fresh_items.rbegin(); it != fresh_items.rend(); ++it) {
    watermark_ = std::max(watermark_, it->created_utc);
    seen_.push_back(it->fullname);
    out.batch.posts.push_back(std::move(it->post));
  }
  while (seen_.size() > options_.max_seen) seen_.pop_front();
  out.batch.cursor = cursor();
  return out;
}

}  // namespace earshot::ingest
