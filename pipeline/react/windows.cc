#include "pipeline/react/windows.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/duration.h"

namespace earshot::pipeline::react {

using std::int64_t;

std::uint64_t stable_hash(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

void HyperLogLog::add(std::uint64_t hash) {
  std::size_t idx = static_cast<std::size_t>(hash >> (64 - kPrecision));
  std::uint64_t w = hash << kPrecision;
  std::uint8_t rank = w == 0 ? static_cast<std::uint8_t>(64 - kPrecision + 1)
                             : static_cast<std::uint8_t>(std::countl_zero(w) + 1);
  if (rank > registers_[idx]) registers_[idx] = rank;
}

double HyperLogLog::estimate() const {
  const double m = static_cast<double>(kRegisters);
  double sum = 0;
  int zeros = 0;
  for (std::uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    if (r == 0) ++zeros;
  }
  double e = (0.7213 / (1.0 + 1.079 / m)) * m * m / sum;
  if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / zeros);  // linear counting
  return e;
}

namespace {

const std::set<std::string, std::less<>>& stop_words() {
  static const std::set<std::string, std::less<>> words{
      "the",   "and",     "for",   "are",    "but",  "not",  "you",   "your",  "all",   "any",
      "can",   "had",     "her",   "was",    "one",  "our",  "out",   "has",   "have",  "him",
      "his",   "how",     "its",   "may",    "new",  "now",  "old",   "see",   "two",   "who",
      "did",   "get",     "got",   "let",    "say",  "she",  "too",   "use",   "that",  "this",
      "with",  "from",    "they",  "them",   "then", "than", "what",  "when",  "where", "which",
      "will",  "would",   "there", "their",  "been", "were", "just",  "about", "into",  "more",
      "some",  "such",    "only",  "also",   "very", "http", "https", "www",   "com",   "again",
      "being", "because", "could", "should", "here", "over", "after", "why"};
  return words;
}

int label_index(sentiment::Label l) { return static_cast<int>(l); }

bool more_negative(const core::PostRef& a, const core::PostRef& b) {
  return a.score != b.score ? a.score < b.score : a.uid < b.uid;
}

}  // namespace

std::vector<std::string> extract_terms(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (cur.size() >= 3 &&
        !std::all_of(cur.begin(), cur.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        !stop_words().contains(cur) && std::find(out.begin(), out.end(), cur) == out.end()) {
      out.push_back(cur);
    }
    cur.clear();
  };
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      cur.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

struct Windows::WindowState {
  int64_t size = 0, start = 0;
  int64_t counts[3] = {0, 0, 0};
  int64_t score_micro = 0;  // fixed point: order-independent and exactly subtractable
  std::map<std::uint64_t, int64_t> authors;  // exact: author hash -> mentions
  std::optional<HyperLogLog> sketch;         // set once authors outgrew the exact bound
  std::unordered_map<std::string, int64_t> terms;
  std::vector<core::PostRef> negatives;  // most negative first
  bool emitted = false;
  int64_t version = 0;
};

struct Windows::EntityState {
  int64_t stream_time = std::numeric_limits<int64_t>::min();
  std::map<std::pair<int64_t, int64_t>, WindowState> windows;  // (size, start)
};

Windows::Windows(WindowsOptions options)
    : options_(std::move(options)), entities_(options_.staged) {}
Windows::~Windows() = default;
Windows::Windows(Windows&&) noexcept = default;
Windows& Windows::operator=(Windows&&) noexcept = default;

Windows::EntityState& Windows::touch(const std::string& entity) {
  return entities_.touch(entity, stats_);
}

void Windows::commit() { entities_.commit(); }

void Windows::rollback() { entities_.rollback(stats_); }

std::size_t Windows::held() const {
  std::size_t n = 0;
  for (const auto& [_, e] : entities_.map()) n += e->windows.size();
  return n;
}

namespace {

core::Aggregate to_aggregate(const std::string& entity, const Windows::WindowState& w,
                             const WindowsOptions& o);

}  // namespace

core::Status Windows::add(const core::Mention& m, std::vector<core::Aggregate>& out) {
  auto t = core::parse_rfc3339_ms(m.created_at);
  if (!t) {
    ++stats_.bad_time;
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "mention " + m.post_uid + ": created_at: " + t.error().message);
  }
  EntityState& e = touch(m.entity);
  const int64_t lateness = options_.allowed_lateness.count();
  const bool has_time = e.stream_time != std::numeric_limits<int64_t>::min();
  const int64_t watermark =
      has_time ? e.stream_time - lateness : std::numeric_limits<int64_t>::min();
  const int li = label_index(m.sentiment.label);
  const int64_t score = std::llround(static_cast<double>(m.sentiment.score) * 1e6);
  const std::uint64_t author = stable_hash(m.author_id);
  bool applied = false, dropped = false;

  for (auto size_ms : options_.sizes) {
    const int64_t size = size_ms.count();
    if (size <= 0) continue;
    int64_t start = *t >= 0 ? (*t / size) * size : -(((-*t) + size - 1) / size) * size;
    if (has_time && start + size <= watermark) {
      ++stats_.dropped_late;
      dropped = true;
      continue;
    }
    auto key = std::make_pair(size, start);
    auto it = e.windows.find(key);
    if (m.retract) {
      if (it == e.windows.end()) continue;  // nothing was added there to subtract
      WindowState& w = it->second;
      w.counts[li] = std::max<int64_t>(0, w.counts[li] - 1);
      w.score_micro -= score;
      if (!w.sketch) {
        if (auto a = w.authors.find(author); a != w.authors.end() && --a->second <= 0)
          w.authors.erase(a);
      }
      for (const auto& term : extract_terms(m.text)) {
        if (auto tt = w.terms.find(term); tt != w.terms.end() && --tt->second <= 0)
          w.terms.erase(tt);
      }
      std::erase_if(w.negatives, [&](const core::PostRef& p) { return p.uid == m.post_uid; });
    } else {
      if (it == e.windows.end()) {
        it = e.windows.emplace(key, WindowState{}).first;
        it->second.size = size;
        it->second.start = start;
      }
      WindowState& w = it->second;
      ++w.counts[li];
      w.score_micro += score;
      if (w.sketch) {
        w.sketch->add(author);
      } else if (++w.authors[author]; w.authors.size() > options_.exact_authors) {
        w.sketch.emplace();
        for (const auto& [h, _] : w.authors) w.sketch->add(h);
        w.authors.clear();
      }
      for (auto& term : extract_terms(m.text)) ++w.terms[std::move(term)];
      if (w.terms.size() > options_.max_terms) {
        std::erase_if(w.terms, [](const auto& kv) { return kv.second <= 1; });
      }
      if (m.sentiment.label == sentiment::Label::negative && options_.top_negative > 0) {
        core::PostRef ref{m.post_uid, m.url, m.text, m.sentiment.score};
        std::erase_if(w.negatives, [&](const core::PostRef& p) { return p.uid == m.post_uid; });
        w.negatives.insert(
            std::upper_bound(w.negatives.begin(), w.negatives.end(), ref, more_negative), ref);
        if (w.negatives.size() > options_.top_negative) w.negatives.resize(options_.top_negative);
      }
    }
    applied = true;
    if (it->second.emitted) {
      ++it->second.version;
      ++stats_.late_updates;
      out.push_back(to_aggregate(m.entity, it->second, options_));
    }
  }
  if (applied) ++(m.retract ? stats_.retracted : stats_.added);
  if (dropped && options_.on_dropped_late) options_.on_dropped_late(m.entity, e.stream_time - *t);

  if (!has_time || *t > e.stream_time) e.stream_time = *t;
  close_complete(m.entity, e, out);
  return core::ok();
}

void Windows::close_complete(const std::string& entity, EntityState& e,
                             std::vector<core::Aggregate>& out) {
  const int64_t new_watermark = e.stream_time - options_.allowed_lateness.count();
  for (auto it = e.windows.begin(); it != e.windows.end();) {
    WindowState& w = it->second;
    const int64_t end = w.start + w.size;
    if (!w.emitted && end <= e.stream_time) {
      w.emitted = true;
      w.version = 1;
      out.push_back(to_aggregate(entity, w, options_));
    }
    if (end <= new_watermark) {
      it = e.windows.erase(it);
    } else {
      ++it;
    }
  }
}

void Windows::advance(const std::string& entity, int64_t to_ms, std::vector<core::Aggregate>& out) {
  auto found = entities_.map().find(entity);
  if (found == entities_.map().end() || found->second->stream_time >= to_ms) return;
  EntityState& e = touch(entity);
  e.stream_time = to_ms;
  close_complete(entity, e, out);
}

std::optional<int64_t> Windows::next_close(const std::string& entity) const {
  auto found = entities_.map().find(entity);
  if (found == entities_.map().end()) return std::nullopt;
  std::optional<int64_t> best;
  for (const auto& [_, w] : found->second->windows) {
    if (!w.emitted && (!best || w.start + w.size < *best)) best = w.start + w.size;
  }
  return best;
}

std::optional<int64_t> Windows::stream_time(const std::string& entity) const {
  auto found = entities_.map().find(entity);
  if (found == entities_.map().end() ||
      found->second->stream_time == std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  return found->second->stream_time;
}

void Windows::forget(const std::string& entity) { entities_.erase(entity, stats_); }

void Windows::snapshot(std::vector<core::Aggregate>& out) const {
  std::vector<const std::string*> names;
  for (const auto& [name, _] : entities_.map()) names.push_back(&name);
  std::sort(names.begin(), names.end(), [](auto* a, auto* b) { return *a < *b; });
  for (const std::string* name : names) {
    for (const auto& [_, w] : entities_.map().at(*name)->windows) {
      core::Aggregate a = to_aggregate(*name, w, options_);
      if (!w.emitted) a.version = 1;
      out.push_back(std::move(a));
    }
  }
}

std::string aggregate_key(const core::Aggregate& a) {
  return a.entity + "|" + a.window_size + "|" + a.window_start;
}

namespace {

core::Aggregate to_aggregate(const std::string& entity, const Windows::WindowState& w,
                             const WindowsOptions& o) {
  core::Aggregate a;
  a.entity = entity;
  a.window_size = core::format_duration(std::chrono::milliseconds(w.size));
  a.window_start = core::format_rfc3339_ms(w.start);
  a.window_end = core::format_rfc3339_ms(w.start + w.size);
  a.negative = w.counts[0];
  a.neutral = w.counts[1];
  a.positive = w.counts[2];
  a.volume = a.negative + a.neutral + a.positive;
  a.mean_score =
      a.volume > 0 ? static_cast<double>(w.score_micro) / 1e6 / static_cast<double>(a.volume) : 0.0;
  a.unique_authors =
      w.sketch ? std::llround(w.sketch->estimate()) : static_cast<int64_t>(w.authors.size());
  std::vector<std::pair<std::string, int64_t>> terms(w.terms.begin(), w.terms.end());
  std::sort(terms.begin(), terms.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  for (std::size_t i = 0; i < terms.size() && i < o.top_terms; ++i)
    a.top_terms.push_back(terms[i].first);
  a.top_negative = w.negatives;
  a.version = std::max<int64_t>(1, w.version);
  return a;
}

}  // namespace

}  // namespace earshot::pipeline::react
