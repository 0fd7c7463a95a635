// earshot::ingest — Reddit subreddit listings by polling.
//
// Polls GET /r/NAME/new.json?limit=100 (listing "new"; "comments" polls /r/NAME/comments.json;
// a query polls /r/NAME/search.json?q=..&sort=new&restrict_sr=1, or /search.json without NAME)
// and walks `after` pages back until it reaches what it already emitted (at most max_pages
// per poll); new items are emitted oldest first. With client_id/client_secret it first gets
// an app-only OAuth token (POST token_url, Basic auth, grant_type=client_credentials) and
// polls oauth_base_url with "Authorization: bearer <token>", renewing it when it expires or
// a 401 comes back. X-Ratelimit-Remaining / X-Ratelimit-Reset pause the credential's
// bucket; 429 and 5xx back off (polling_source.h). The cursor is {"watermark": newest
// created_utc, "seen": [fullnames emitted at or near it, bounded]}.
//
//   RedditOptions o{.subreddit = "rust", .client_id = id, .client_secret = secret};
//   auto src = std::make_unique<RedditSource>(o, pipeline::http::make_cpprest_client({.user_agent =
//   "earshot/0.1"})); src->name() == "reddit:rust";   // "reddit:rust:comments",
//   "reddit:search:<query>"
//
// Thread safety: one thread at a time. Lifetime: owned by the runner; fetcher shared.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "ingest/polling_source.h"

namespace earshot::ingest {

struct RedditOptions {
  std::string subreddit;        // "" with a query: search all of Reddit
  std::string listing = "new";  // new | comments (ignored when query is set)
  std::string query;            // search terms: /r/NAME/search.json?q=..&sort=new&restrict_sr=1
  std::string base_url = "https://www.reddit.com";
  std::string oauth_base_url = "https://oauth.reddit.com";
  std::string token_url = "https://www.reddit.com/api/v1/access_token";
  std::string client_id;
  std::string client_secret;
  int limit = 100;
  int max_pages = 10;
  std::size_t max_seen = 500;
  PollingOptions polling;
};

class RedditSource final : public PollingSource {
 public:
  RedditSource(RedditOptions options, std::shared_ptr<pipeline::core::HttpClient> http);
  pipeline::core::Status restore(std::string_view cursor) override;

 protected:
  pipeline::core::Result<Fetched> fetch_once() override;
  std::string cursor() const override;

 private:
  pipeline::core::Status ensure_token();

  RedditOptions options_;
  std::shared_ptr<pipeline::core::HttpClient> http_;
  std::string token_;
  Clock::time_point token_expiry_{};
  double watermark_ = 0;
  std::deque<std::string> seen_;
};

}  // namespace earshot::ingest
