// earshot::sinks — the recent scored posts behind the dashboard's post stream and drill-down
// (GET /api/v1/posts), kept in memory from the `scored` topic by ApiFollower.
//
// Bounded: the newest `max_posts` posts (default 20,000, by arrival; a post seen again under
// the same uid replaces the old copy); older ones are evicted and counted (evicted()). A
// record that does not decode is counted (bad_records()), never applied.
//
//   PostStore posts;
//   posts.apply_scored(scored_post);
//   PostQuery q{.entity = "acme-air", .label = "negative", .sort = PostQuery::Sort::kNegative};
//   std::string body = posts.query_json(q);   // {"total", "offset", "limit", "posts": [P...]}
//
// P = {"uid", "source", "url", "created_at", "author": {"id", "handle", "name"}, "text",
// "lang", "sentiment": {"label", "score"}, "intent", "customer": {"id", "tier", "name"}|null,
// "entities": [{"id", "sentiment": {"label", "score"}}], "flags"}. With `entity` set, the
// label filter and the "negative" sort use the sentiment toward that entity.
//
// Thread safety: every member is safe from any thread (one mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/log/log.h"

namespace earshot::sinks {

struct PostQuery {
  enum class Sort { kNewest, kNegative };
  std::string entity, label, intent, source, tier, lang;  // empty = any
  std::string text;         // case-insensitive substring of text, author handle or name
  std::string from, until;  // RFC 3339 bounds on created_at, [from, until); empty = open
  Sort sort = Sort::kNewest;
  std::size_t offset = 0;
  std::size_t limit = 50;
};

class PostStore {
 public:
  explicit PostStore(std::size_t max_posts = 20'000) : max_posts_(max_posts) {}

  void apply_scored_record(const pipeline::log::Record& record);
  void apply_scored(const pipeline::core::ScoredPost& post);

  std::string query_json(const PostQuery& query) const;
  // A copy of the posts held, oldest arrival first (the compare route, sinks/model_versions.h).
  std::vector<pipeline::core::ScoredPost> snapshot() const;

  std::size_t size() const;
  std::uint64_t applied() const { return applied_.load(); }
  std::uint64_t evicted() const { return evicted_.load(); }
  std::uint64_t bad_records() const { return bad_records_.load(); }

 private:
  std::size_t max_posts_;
  mutable std::mutex mu_;
  std::deque<pipeline::core::ScoredPost> posts_;           // oldest arrival first
  std::unordered_map<std::string, std::uint64_t> seq_of_;  // uid -> arrival sequence
  std::uint64_t first_seq_ = 0;                            // sequence of posts_.front()
  std::atomic<std::uint64_t> applied_{0}, evicted_{0}, bad_records_{0};
};

}  // namespace earshot::sinks
