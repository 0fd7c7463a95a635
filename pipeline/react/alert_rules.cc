#include "pipeline/react/alert_rules.h"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/duration.h"
#include "pipeline/react/baseline.h"

namespace earshot::pipeline::react {

using std::int64_t;
constexpr int64_t kNone = std::numeric_limits<int64_t>::min();

std::string alert_id(const std::string& dedup_key, const std::string& status) {
  std::string data = dedup_key + "|" + status;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out = "alrt_";
  for (unsigned i = 0; i < 16 && i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

// Counters of one rule window of one entity.
struct Bucket {
  int64_t volume = 0, matches = 0, counts[3] = {0, 0, 0}, score_micro = 0;
  std::vector<core::PostRef> evidence;        // most negative matching posts
  std::optional<core::CustomerRef> customer;  // of the latest matching post
};

struct AlertEngine::RuleState {
  int64_t start = kNone;  // current window start (the newest window seen)
  int64_t clock = kNone;  // latest event time seen or advanced to
  int64_t first = kNone;  // earliest window start seen (spike: no alerts on a cold start)
  std::map<int64_t, Bucket> buckets;  // by window start: the current and recent windows
  bool open = false;
  std::string open_key;
  int64_t open_start = kNone;
  std::vector<int64_t> triggers;  // window starts of recent triggers, for the cooldown
};

struct AlertEngine::EntityState {
  std::vector<RuleState> rules;
};

namespace {

bool tier_ok(const config::AlertRuleDef& r, const core::Mention& m) {
  if (r.tiers.empty()) return true;
  return m.customer && std::find(r.tiers.begin(), r.tiers.end(), m.customer->tier) != r.tiers.end();
}

double metric_of(const config::AlertRuleDef& r, const Bucket& s) {
  const double vol = static_cast<double>(s.volume);
  if (r.metric == "negative") return static_cast<double>(s.counts[0]);
  if (r.metric == "neutral") return static_cast<double>(s.counts[1]);
  if (r.metric == "positive") return static_cast<double>(s.counts[2]);
  if (r.metric == "negative_share") return vol > 0 ? static_cast<double>(s.counts[0]) / vol : 0.0;
  if (r.metric == "mean_score")
    return vol > 0 ? static_cast<double>(s.score_micro) / 1e6 / vol : 0.0;
  return vol;  // volume
}

}  // namespace

core::Result<std::unique_ptr<AlertEngine>> AlertEngine::create(
    std::vector<config::AlertRuleDef> rules, AlertEngineOptions options) {
  std::unique_ptr<AlertEngine> e(new AlertEngine(options.staged));
  for (const auto& r : rules) {
    if (r.window.count() <= 0)
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "alert " + r.name + ": window must be > 0");
    if (r.kind == config::AlertKind::keyword) {
      auto re = std::make_shared<const re2::RE2>(r.pattern, re2::RE2::Quiet);
      if (!re->ok())
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "alert " + r.name + ": pattern: " + re->error());
      e->patterns_.push_back(std::move(re));
    } else {
      e->patterns_.push_back(nullptr);
    }
  }
  e->rules_ = std::move(rules);
  e->options_ = std::move(options);
  if (!e->options_.now_ms) {
    e->options_.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  return e;
}

AlertEngine::AlertEngine(bool staged) : entities_(staged) {}
AlertEngine::~AlertEngine() = default;

AlertEngine::EntityState& AlertEngine::touch(const std::string& entity) {
  return entities_.touch(entity, stats_, [this](EntityState& e) { e.rules.resize(rules_.size()); });
}

void AlertEngine::commit() { entities_.commit(); }

void AlertEngine::rollback() { entities_.rollback(stats_); }

std::vector<std::string> AlertEngine::open_alerts() const {
  std::vector<std::string> out;
  for (const auto& [_, e] : entities_.map()) {
    for (const auto& s : e->rules) {
      if (s.open) out.push_back(s.open_key);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

int64_t window_start_of(int64_t t, int64_t size) {
  return t >= 0 ? (t / size) * size : -(((-t) + size - 1) / size) * size;
}

bool share_spike(const config::AlertRuleDef& r) {
  return r.kind == config::AlertKind::spike && r.metric == "share";
}

}  // namespace

namespace {

int64_t span_windows(const config::AlertRuleDef& r) {
  return std::max<int64_t>(1, r.baseline.count() / r.window.count());
}

bool per_post(const config::AlertRuleDef& r) {
  return r.kind == config::AlertKind::customer || r.kind == config::AlertKind::keyword ||
         r.kind == config::AlertKind::intent;
}

void count_into(Bucket& b, const core::Mention& m, bool match, std::size_t evidence) {
  ++b.volume;
  ++b.counts[static_cast<int>(m.sentiment.label)];
  b.score_micro += std::llround(static_cast<double>(m.sentiment.score) * 1e6);
  if (!match) return;
  ++b.matches;
  if (m.customer) b.customer = m.customer;
  if (evidence == 0) return;
  core::PostRef ref{m.post_uid, m.url, m.text, m.sentiment.score};
  auto cmp = [](const core::PostRef& a, const core::PostRef& b) {
    return a.score != b.score ? a.score < b.score : a.uid < b.uid;
  };
  b.evidence.insert(std::upper_bound(b.evidence.begin(), b.evidence.end(), ref, cmp), ref);
  if (b.evidence.size() > evidence) b.evidence.resize(evidence);
}

}  // namespace

std::size_t AlertEngine::history_needed(const config::AlertRuleDef& r) const {
  return std::min<std::size_t>(options_.min_history, static_cast<std::size_t>(span_windows(r)));
}

std::deque<double> AlertEngine::history(const config::AlertRuleDef& r, const RuleState& s,
                                        int64_t wstart) const {
  const int64_t size = r.window.count();
  const int64_t n = std::clamp<int64_t>((wstart - s.first) / size, 0, span_windows(r));
  std::deque<double> h;
  for (int64_t w = wstart - n * size; w < wstart; w += size) {
    auto it = s.buckets.find(w);
    if (share_spike(r)) {  // a share of an empty window means nothing: left out
      if (it != s.buckets.end() && it->second.volume > 0)
        h.push_back(static_cast<double>(it->second.matches) /
                    static_cast<double>(it->second.volume));
    } else {
      h.push_back(it == s.buckets.end() ? 0.0 : static_cast<double>(it->second.matches));
    }
  }
  return h;
}

core::Alert AlertEngine::make_alert(const config::AlertRuleDef& r, const RuleState& s,
                                    const std::string& entity, const std::string& status,
                                    int64_t wstart, const AlertNumbers& n) const {
  core::Alert a;
  a.rule = r.name;
  a.entity = entity;
  a.severity = std::string(to_string(r.severity));
  a.status = status;
  a.window_start = core::format_rfc3339_ms(wstart);
  a.window_end = core::format_rfc3339_ms(wstart + r.window.count());
  a.observed = n.observed;
  a.baseline = n.baseline;
  a.dedup_key = s.open_key;
  a.id = alert_id(a.dedup_key, status);
  a.created_at = core::format_rfc3339_ms(options_.now_ms());
  auto name = options_.entity_names.find(entity);
  a.summary = describe_alert(r, name != options_.entity_names.end() ? name->second : entity, status,
                             wstart, n, options_.time_zone);
  a.link = dashboard_link(options_.link_base, entity, a.window_start, a.window_end);
  return a;
}

void AlertEngine::trigger(const config::AlertRuleDef& r, RuleState& s, const std::string& entity,
                          int64_t wstart, const AlertNumbers& n,
                          const std::vector<core::PostRef>& evidence,
                          std::vector<core::Alert>& out) {
  if (s.open) {
    if (wstart != s.open_start) ++stats_.grouped;
    return;
  }
  for (int64_t t : s.triggers) {
    if (std::llabs(wstart - t) < r.cooldown.count()) {
      ++stats_.suppressed_cooldown;
      return;
    }
  }
  s.open = true;
  s.open_key = r.name + "|" + entity + "|" + core::format_rfc3339_ms(wstart);
  s.open_start = wstart;
  s.triggers.insert(std::upper_bound(s.triggers.begin(), s.triggers.end(), wstart), wstart);
  core::Alert a = make_alert(r, s, entity, "trigger", wstart, n);
  a.evidence = evidence;
  out.push_back(std::move(a));
  ++stats_.triggered;
  ++stats_.triggered_by_rule[r.name];
}

void AlertEngine::judge(const config::AlertRuleDef& r, RuleState& s, const std::string& entity,
                        int64_t wstart, bool closing, std::vector<core::Alert>& out) {
  static const Bucket kEmpty;
  auto found = s.buckets.find(wstart);
  const Bucket& b = found != s.buckets.end() ? found->second : kEmpty;
  AlertNumbers n;
  n.observed = static_cast<double>(b.matches);
  n.customer = b.customer;
  bool holds = false;
  switch (r.kind) {
    case config::AlertKind::spike: {
      const bool share = share_spike(r);
      if (share)
        n.observed =
            b.volume > 0 ? static_cast<double>(b.matches) / static_cast<double>(b.volume) : 0.0;
      const int64_t gate = share ? b.volume : b.matches;
      if (gate < r.min_volume && !(closing && s.open)) break;  // cannot hold: skip the baseline
      std::deque<double> h = history(r, s, wstart);
      Baseline base =
          share ? share_baseline(h, r.sensitivity, b.volume) : count_baseline(h, r.sensitivity);
      n.baseline = base.median;
      n.upper = base.threshold;
      n.history = h.size();
      holds = h.size() >= history_needed(r) && gate >= r.min_volume && n.observed > base.threshold;
      if (holds && !closing) trigger(r, s, entity, wstart, n, b.evidence, out);
      break;
    }
    case config::AlertKind::threshold: {
      n.observed = metric_of(r, b);
      const bool ratio = r.metric == "negative_share" || r.metric == "mean_score";
      holds = (!ratio || b.volume >= r.min_volume) &&
              (r.below ? n.observed < r.threshold : n.observed > r.threshold);
      n.baseline = r.threshold;
      if (holds && b.volume > 0 && (closing || wstart < s.start))
        trigger(r, s, entity, wstart, n, b.evidence, out);
      break;
    }
    default:
      holds = b.matches >= r.min_count;
      if (holds && !closing) trigger(r, s, entity, wstart, n, b.evidence, out);
  }
  if (closing && s.open && !holds && wstart > s.open_start) {
    out.push_back(make_alert(r, s, entity, "resolve", wstart, n));
    s.open = false;
    ++stats_.resolved;
  }
}

void AlertEngine::roll(const config::AlertRuleDef& r, RuleState& s, const std::string& entity,
                       int64_t start, std::vector<core::Alert>& out) {
  const int64_t size = r.window.count();
  judge(r, s, entity, s.start, true, out);
  // The empty windows in between close too (a bounded number: they only resolve).
  const int64_t gaps = std::min<int64_t>((start - s.start) / size - 1, span_windows(r));
  for (int64_t g = 1; g <= gaps; ++g) judge(r, s, entity, s.start + g * size, true, out);
  s.start = start;
  // Keep what a late mention within the lateness bound may still need: its window and the
  // baseline before it; triggers as far as their cooldown reaches.
  const int64_t late_from = s.clock - options_.allowed_lateness.count() - size;
  s.buckets.erase(s.buckets.begin(), s.buckets.lower_bound(late_from - span_windows(r) * size));
  std::erase_if(s.triggers, [&](int64_t t) { return t < late_from - r.cooldown.count(); });
}

core::Status AlertEngine::add(const core::Mention& m, std::vector<core::Alert>& out) {
  if (m.retract) return core::ok();
  auto t = core::parse_rfc3339_ms(m.created_at);
  if (!t)
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "mention " + m.post_uid + ": created_at: " + t.error().message);
  bool any = false;
  for (const auto& r : rules_) any = any || r.entity == "*" || r.entity == m.entity;
  if (!any) return core::ok();
  EntityState& e = touch(m.entity);

  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const config::AlertRuleDef& r = rules_[i];
    if (r.entity != "*" && r.entity != m.entity) continue;
    RuleState& s = e.rules[i];
    const int64_t size = r.window.count();
    const int64_t start = window_start_of(*t, size);
    if (s.start == kNone) s.start = s.first = start;
    if (s.clock == kNone || *t > s.clock) s.clock = *t;
    if (start > s.start) roll(r, s, m.entity, start, out);

    bool match = false;
    switch (r.kind) {
      case config::AlertKind::spike:
        match = m.sentiment.label == r.label.value_or(sentiment::Label::negative);
        break;
      case config::AlertKind::customer:
        match = m.customer.has_value() && tier_ok(r, m) &&
                m.sentiment.label == r.label.value_or(sentiment::Label::negative);
        break;
      case config::AlertKind::keyword:
        match = re2::RE2::PartialMatch(m.text, *patterns_[i]);
        break;
      case config::AlertKind::intent:
        match = r.intent && m.intent == *r.intent && tier_ok(r, m) &&
                (!r.label || m.sentiment.label == *r.label);
        break;
      case config::AlertKind::threshold:
        match = true;
        break;
    }
    if (start + size <= s.clock - options_.allowed_lateness.count()) {
      ++stats_.beyond_lateness;
      if (options_.on_beyond_lateness) options_.on_beyond_lateness(m.entity, r.name, s.clock - *t);
      if (match && per_post(r) && r.min_count <= 1) {  // judged on its own
        Bucket alone;
        count_into(alone, m, true, options_.evidence);
        AlertNumbers n{.observed = 1.0, .customer = alone.customer};
        trigger(r, s, m.entity, start, n, alone.evidence, out);
      }
      continue;
    }
    if (start < s.start) ++stats_.late;
    s.first = std::min(s.first, start);
    count_into(s.buckets[start], m, match, options_.evidence);
    // A count can only cross on a match; a share may also cross on a non-match (the volume
    // reaches min_volume, or the standard error shrinks); a threshold is judged when its
    // window closes, or again when a late mention changes a closed one.
    const bool judge_now =
        r.kind == config::AlertKind::threshold ? start < s.start : match || share_spike(r);
    if (judge_now) judge(r, s, m.entity, start, false, out);
  }
  return core::ok();
}

void AlertEngine::advance(const std::string& entity, int64_t to_ms, std::vector<core::Alert>& out) {
  auto found = entities_.map().find(entity);
  if (found == entities_.map().end()) return;
  EntityState& e = touch(entity);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const config::AlertRuleDef& r = rules_[i];
    RuleState& s = e.rules[i];
    if (s.start == kNone) continue;
    if (to_ms > s.clock) s.clock = to_ms;
    const int64_t start = window_start_of(to_ms, r.window.count());
    if (start > s.start) roll(r, s, entity, start, out);
  }
}

std::optional<int64_t> AlertEngine::next_close(const std::string& entity) const {
  auto found = entities_.map().find(entity);
  if (found == entities_.map().end()) return std::nullopt;
  std::optional<int64_t> best;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const RuleState& s = found->second->rules[i];
    if (s.start == kNone) continue;
    auto cur = s.buckets.find(s.start);
    if ((cur == s.buckets.end() || cur->second.volume == 0) && !s.open) continue;
    const int64_t end = s.start + rules_[i].window.count();
    if (!best || end < *best) best = end;
  }
  return best;
}

void AlertEngine::forget(const std::string& entity) { entities_.erase(entity, stats_); }

}  // namespace earshot::pipeline::react
