#include "ingest/mastodon_source.h"

#include <algorithm>

#include "ingest/json_access.h"
#include "ingest/mastodon_status.h"
#include "ingest/normalize.h"
#include "ingest/url_util.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

bool UriDedup::first_seen(const std::string& uri) {
  if (uri.empty()) return true;
  std::lock_guard lock(mu_);
  if (!set_.insert(uri).second) return false;
  order_.push_back(uri);
  if (order_.size() > capacity_) {
    set_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

MastodonSource::MastodonSource(MastodonOptions options,
                               std::shared_ptr<pipeline::core::HttpClient> http)
    : PollingSource("mastodon:" + url_host(options.instance) + ":" + options.timeline,
                    options.polling),
      options_(std::move(options)),
      http_(std::move(http)),
      host_(url_host(options_.instance)) {
  if (!options_.dedup) options_.dedup = std::make_shared<UriDedup>();
  const std::string& t = options_.timeline;
  if (t.starts_with("hashtag:"))
    endpoint_ = join_url(options_.instance,
                         "/api/v1/timelines/tag/" + pipeline::core::url_encode(t.substr(8)));
  else if (t == "local")
    endpoint_ = join_url(options_.instance, "/api/v1/timelines/public?local=true");
  else
    endpoint_ = join_url(options_.instance, "/api/v1/timelines/public");
  endpoint_ = add_query(endpoint_, "limit", std::to_string(options_.limit));
}

pipeline::core::Status MastodonSource::restore(std::string_view cursor) {
  if (cursor.empty()) {
    min_id_.clear();
    return pipeline::core::ok();
  }
  auto doc = parse_json(cursor);
  if (!doc || !doc->is_object())
    return fail(ErrorCode::kInvalidArgument, "mastodon cursor: not a JSON object");
  min_id_ = get_string(*doc, "min_id");
  return pipeline::core::ok();
}

std::string MastodonSource::cursor() const { return dump_json(Json{{"min_id", min_id_}}); }

pipeline::core::Result<PollingSource::Fetched> MastodonSource::fetch_once() {
  pipeline::core::HttpRequest req;
  req.url = min_id_.empty() ? endpoint_ : add_query(endpoint_, "min_id", min_id_);
  req.headers.emplace_back("Accept", "application/json");
  if (!options_.access_token.empty())
    req.headers.emplace_back("Authorization", "Bearer " + options_.access_token);
  auto r = http_->send(req);
  EARSHOT_TRY(r);
  if (r->status < 200 || r->status > 299) return std::unexpected(http_error(*r, name()));
  note_rate_headers(*r);
  auto page = parse_mastodon_timeline(r->body, host_);
  if (!page) return fail(ErrorCode::kRetriable, name() + ": " + page.error().message);

  Fetched out;
  out.batch.dead = std::move(page->dead);
  std::vector<MastodonStatus>& statuses = page->statuses;
  std::sort(statuses.begin(), statuses.end(),
            [](const MastodonStatus& a, const MastodonStatus& b) { return id_less(a.id, b.id); });
  for (MastodonStatus& s : statuses) {
    if (!min_id_.empty() && !id_less(min_id_, s.id)) continue;  // not after the cursor
    if (!options_.dedup->first_seen(s.uri)) continue;           // a federated copy
    out.batch.posts.push_back(std::move(s.post));
  }
  std::string next = page->max_id;
  auto links = parse_link_header(r->header("link"));
  if (auto prev = links.find("prev"); prev != links.end())
    if (auto m = query_param(prev->second, "min_id");
        m && !m->empty() && (next.empty() || id_less(next, *m)))
      next = *m;
  bool had_cursor = !min_id_.empty();
  if (!next.empty() && (min_id_.empty() || id_less(min_id_, next))) min_id_ = next;
  out.more = had_cursor &&
             static_cast<int>(page->statuses.size() + out.batch.dead.size()) >= options_.limit;
  out.batch.cursor = cursor();
  return out;
}

}  // namespace earshot::ingest
