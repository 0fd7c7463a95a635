#include "ingest/hackernews_source.h"

#include <algorithm>

#include "ingest/hackernews_item.h"
#include "ingest/json_access.h"
#include "ingest/url_util.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

HackerNewsSource::HackerNewsSource(HackerNewsOptions options,
                                   std::shared_ptr<pipeline::core::HttpClient> http)
    : PollingSource("hackernews:" + url_host(options.base_url), options.polling),
      options_(std::move(options)),
      http_(std::move(http)) {}

pipeline::core::Status HackerNewsSource::restore(std::string_view cursor) {
  last_ = -1;
  gone_.clear();
  if (cursor.empty()) return pipeline::core::ok();
  auto doc = parse_json(cursor);
  auto last = doc ? get_int(*doc, "last") : std::nullopt;
  if (!last) return fail(ErrorCode::kInvalidArgument, "hackernews cursor: no \"last\"");
  last_ = *last;
  if (const Json* gone = member(*doc, "gone"); gone != nullptr && gone->is_array())
    for (const Json& g : *gone)
      if (g.is_number_integer()) gone_.push_back(g.get<std::int64_t>());
  return pipeline::core::ok();
}

std::string HackerNewsSource::cursor() const {
  if (last_ < 0) return std::string();
  Json gone = Json::array();
  for (std::int64_t g : gone_) gone.push_back(g);
  return dump_json(Json{{"last", last_}, {"gone", gone}});
}

void HackerNewsSource::check_updates(ingest::SourceBatch& batch) {
  auto r = http_->send({.url = join_url(options_.base_url, "/updates.json")});
  if (!r || r->status != 200) return;  // best effort: the walk itself is what must not fail
  auto ids = parse_hackernews_updates(r->body);
  if (!ids) return;
  for (std::int64_t id : *ids) {
    if (id > last_ || std::find(gone_.begin(), gone_.end(), id) != gone_.end()) continue;
    auto item =
        http_->send({.url = join_url(options_.base_url, "/item/" + std::to_string(id) + ".json")});
    if (!item || item->status != 200) continue;
    HnItem parsed = parse_hackernews_item(item->body);
    if (!parsed.post || !parsed.post->deleted) continue;
    gone_.push_back(id);
    batch.posts.push_back(std::move(*parsed.post));
  }
  while (gone_.size() > options_.max_gone) gone_.pop_front();
}

pipeline::core::Result<PollingSource::Fetched> HackerNewsSource::fetch_once() {
  auto r = http_->send({.url = join_url(options_.base_url, "/maxitem.json")});
  EARSHOT_TRY(r);
  if (r->status != 200) return std::unexpected(http_error(*r, name() + ": maxitem"));
  auto max = parse_hackernews_maxitem(r->body);
  if (!max) return fail(ErrorCode::kRetriable, name() + ": " + max.error().message);
  if (last_ < 0) last_ = std::max<std::int64_t>(0, *max - options_.backfill);
  Fetched out;
  std::int64_t end = std::min<std::int64_t>(*max, last_ + options_.max_items_per_poll);
  bool blocked = false;
  for (std::int64_t id = last_ + 1; id <= end; ++id) {
    auto item =
        http_->send({.url = join_url(options_.base_url, "/item/" + std::to_string(id) + ".json")});
    bool failed = !item || item->status != 200;
    if (failed) {
      if (out.batch.posts.empty() && out.batch.dead.empty() && id == last_ + 1) {
        EARSHOT_TRY(item);
        return std::unexpected(http_error(*item, name() + ": item " + std::to_string(id)));
      }
      blocked = true;  // keep what we have; the rest next poll
      break;
    }
    HnItem parsed = parse_hackernews_item(item->body);
    if (parsed.kind == HnItem::Kind::missing) {
      blocked = true;
      break;
    }
    if (parsed.post) out.batch.posts.push_back(std::move(*parsed.post));
    if (parsed.dead) out.batch.dead.push_back(std::move(*parsed.dead));
    last_ = id;
  }
  if (options_.watch_updates && (blocked || last_ >= *max)) check_updates(out.batch);
  out.more = !blocked && last_ < *max;
  out.batch.cursor = cursor();
  return out;
}

}  // namespace earshot::ingest
