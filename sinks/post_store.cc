#include "sinks/post_store.h"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "sentiment/intent.h"
#include "sentiment/sentiment.h"

namespace earshot::sinks {

using nlohmann::json;
using pipeline::core::ScoredPost;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains_folded(const std::string& haystack, const std::string& needle_lower) {
  return lower(haystack).find(needle_lower) != std::string::npos;
}

json sentiment_json(const sentiment::Sentiment& s) {
  return {{"label", std::string(sentiment::to_string(s.label))}, {"score", s.score}};
}

// The sentiment the filters and the sort use: toward `entity` when given (nullptr when the
// post does not mention it), else the post's own.
const sentiment::Sentiment* focus(const ScoredPost& p, const std::string& entity) {
  if (entity.empty()) return &p.sentiment;
  for (const auto& e : p.entities) {
    if (e.id == entity) return &e.sentiment;
  }
  return nullptr;
}

json to_json(const ScoredPost& p) {
  json entities = json::array();
  for (const auto& e : p.entities) {
    entities.push_back({{"id", e.id}, {"sentiment", sentiment_json(e.sentiment)}});
  }
  json customer = nullptr;
  if (p.customer) {
    customer = {{"id", p.customer->id}, {"tier", p.customer->tier}, {"name", p.customer->name}};
  }
  return {
      {"uid", p.post.uid},
      {"source", p.post.source},
      {"url", p.post.url},
      {"created_at", p.post.created_at},
      {"author",
       {{"id", p.post.author.id}, {"handle", p.post.author.handle}, {"name", p.post.author.name}}},
      {"text", p.post.text},
      {"lang", p.post.lang ? json(*p.post.lang) : json(nullptr)},
      {"sentiment", sentiment_json(p.sentiment)},
      {"intent", std::string(sentiment::to_string(p.intent))},
      {"customer", customer},
      {"entities", entities},
      {"flags", p.flags}};
}

}  // namespace

void PostStore::apply_scored_record(const pipeline::log::Record& record) {
  auto p = pipeline::codec::decode_scored(record.value);
  if (!p) {
    ++bad_records_;
    return;
  }
  apply_scored(*p);
}

void PostStore::apply_scored(const ScoredPost& post) {
  std::lock_guard lock(mu_);
  ++applied_;
  if (auto it = seq_of_.find(post.post.uid); it != seq_of_.end()) {
    posts_[it->second - first_seq_] = post;  // re-scored or re-delivered: the newest copy
    return;
  }
  seq_of_[post.post.uid] = first_seq_ + posts_.size();
  posts_.push_back(post);
  while (posts_.size() > max_posts_) {
    seq_of_.erase(posts_.front().post.uid);
    posts_.pop_front();
    ++first_seq_;
    ++evicted_;
  }
}

std::size_t PostStore::size() const {
  std::lock_guard lock(mu_);
  return posts_.size();
}

std::string PostStore::query_json(const PostQuery& q) const {
  const std::string text = lower(q.text);
  std::vector<const ScoredPost*> hits;
  std::lock_guard lock(mu_);
  for (const auto& p : posts_) {
    const sentiment::Sentiment* s = focus(p, q.entity);
    if (s == nullptr) continue;
    if (!q.label.empty() && sentiment::to_string(s->label) != q.label) continue;
    if (!q.intent.empty() && sentiment::to_string(p.intent) != q.intent) continue;
    if (!q.source.empty() && p.post.source != q.source) continue;
    if (!q.tier.empty() && (!p.customer || p.customer->tier != q.tier)) continue;
    if (!q.lang.empty() && p.post.lang.value_or("") != q.lang) continue;
    if (!q.from.empty() && p.post.created_at < q.from) continue;
    if (!q.until.empty() && p.post.created_at >= q.until) continue;
    if (!text.empty() && !contains_folded(p.post.text, text) &&
        !contains_folded(p.post.author.handle, text) && !contains_folded(p.post.author.name, text))
      continue;
    hits.push_back(&p);
  }
  // Newest by event time (uid breaks ties); "negative" by the focused score, lowest first.
  auto newest = [](const ScoredPost* a, const ScoredPost* b) {
    if (a->post.created_at != b->post.created_at) return a->post.created_at > b->post.created_at;
    return a->post.uid > b->post.uid;
  };
  if (q.sort == PostQuery::Sort::kNegative) {
    std::stable_sort(hits.begin(), hits.end(), [&](const ScoredPost* a, const ScoredPost* b) {
      float sa = focus(*a, q.entity)->score, sb = focus(*b, q.entity)->score;
      if (sa != sb) return sa < sb;
      return newest(a, b);
    });
  } else {
    std::sort(hits.begin(), hits.end(), newest);
  }
  json list = json::array();
  for (std::size_t i = q.offset; i < hits.size() && list.size() < q.limit; ++i) {
    list.push_back(to_json(*hits[i]));
  }
  json out = {{"total", hits.size()}, {"offset", q.offset}, {"limit", q.limit}, {"posts", list}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<ScoredPost> PostStore::snapshot() const {
  std::lock_guard lock(mu_);
  return {posts_.begin(), posts_.end()};
}

}  // namespace earshot::sinks
