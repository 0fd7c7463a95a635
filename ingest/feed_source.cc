#include "ingest/feed_source.h"

#include <algorithm>

#include "ingest/feed_parser.h"
#include "ingest/json_access.h"
#include "ingest/normalize.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

FeedSource::FeedSource(FeedOptions options, std::shared_ptr<pipeline::core::HttpClient> http)
    : PollingSource("rss:" + options.url, options.polling),
      options_(std::move(options)),
      http_(std::move(http)) {}

pipeline::core::Status FeedSource::restore(std::string_view cursor) {
  etag_.clear();
  last_modified_.clear();
  keys_.clear();
  key_set_.clear();
  if (cursor.empty()) return pipeline::core::ok();
  auto doc = parse_json(cursor);
  if (!doc || !doc->is_object())
    return fail(ErrorCode::kInvalidArgument, "rss cursor: not a JSON object");
  etag_ = get_string(*doc, "etag");
  last_modified_ = get_string(*doc, "last_modified");
  if (const Json* keys = member(*doc, "keys"); keys != nullptr && keys->is_array())
    for (const Json& k : *keys)
      if (k.is_string() && key_set_.insert(k.get<std::string>()).second)
        keys_.push_back(k.get<std::string>());
  return pipeline::core::ok();
}

std::string FeedSource::cursor() const {
  Json keys = Json::array();
  for (const std::string& k : keys_) keys.push_back(k);
  return dump_json(Json{{"etag", etag_}, {"last_modified", last_modified_}, {"keys", keys}});
}

pipeline::core::Result<PollingSource::Fetched> FeedSource::fetch_once() {
  pipeline::core::HttpRequest req;
  req.url = options_.url;
  req.headers.emplace_back(
      "Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5");
  if (!etag_.empty()) req.headers.emplace_back("If-None-Match", etag_);
  if (!last_modified_.empty()) req.headers.emplace_back("If-Modified-Since", last_modified_);
  auto r = http_->send(req);
  EARSHOT_TRY(r);
  Fetched out;
  if (r->status == 304) {
    out.batch.cursor = cursor();
    return out;
  }
  if (r->status != 200) return std::unexpected(http_error(*r, name()));
  auto feed = parse_feed(r->body, options_.url);
  if (!feed) {
    note_error(name() + ": " + feed.error().message);
    out.batch.dead.push_back(
        make_dead_letter("rss", feed.error().message, r->body.substr(0, 64 * 1024)));
    out.batch.cursor = cursor();
    return out;
  }
  out.batch.dead = std::move(feed->dead);
  for (auto it = feed->items.rbegin(); it != feed->items.rend(); ++it) {
    if (!key_set_.insert(it->key).second) continue;
    keys_.push_back(it->key);
    out.batch.posts.push_back(std::move(it->post));
  }
  std::size_t bound = std::max(options_.max_keys, 2 * feed->items.size());
  while (keys_.size() > bound) {
    key_set_.erase(keys_.front());
    keys_.pop_front();
  }
  etag_ = r->header("etag");
  last_modified_ = r->header("last-modified");
  out.batch.cursor = cursor();
  return out;
}

}  // namespace earshot::ingest
