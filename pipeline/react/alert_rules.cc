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

struct AlertEngine::RuleState {
  int64_t start = kNone;  // current window start
  int64_t volume = 0, matches = 0, counts[3] = {0, 0, 0}, score_micro = 0;
  std::vector<core::PostRef> evidence;  // most negative matching posts of the current window
  std::deque<double> history;           // spike: closed windows' match counts, oldest first
  bool open = false;
  std::string open_key;
  int64_t open_start = kNone;
  double open_observed = 0, open_baseline = 0;
  int64_t last_trigger = kNone;
};

struct AlertEngine::EntityState {
  std::vector<RuleState> rules;
};

namespace {

bool tier_ok(const config::AlertRuleDef& r, const core::Mention& m) {
  if (r.tiers.empty()) return true;
  return m.customer && std::find(r.tiers.begin(), r.tiers.end(), m.customer->tier) != r.tiers.end();
}

double metric_of(const config::AlertRuleDef& r, const AlertEngine::RuleState& s) {
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

std::size_t AlertEngine::history_needed(const config::AlertRuleDef& r) const {
  return std::min<std::size_t>(options_.min_history,
                               std::max<int64_t>(1, r.baseline.count() / r.window.count()));
}

core::Alert AlertEngine::make_alert(const config::AlertRuleDef& r, const RuleState& s,
                                    const std::string& entity, const std::string& status,
                                    int64_t wstart, double observed, double baseline) const {
  const int64_t size = r.window.count();
  core::Alert a;
  a.rule = r.name;
  a.entity = entity;
  a.severity = std::string(to_string(r.severity));
  a.status = status;
  a.window_start = core::format_rfc3339_ms(wstart);
  a.window_end = core::format_rfc3339_ms(wstart + size);
  a.observed = observed;
  a.baseline = baseline;
  a.dedup_key = s.open_key;
  a.id = alert_id(a.dedup_key, status);
  a.created_at = core::format_rfc3339_ms(options_.now_ms());
  const std::string label =
      std::string(sentiment::to_string(r.label.value_or(sentiment::Label::negative)));
  std::string what = r.kind == config::AlertKind::keyword     ? "posts matching '" + r.pattern + "'"
                     : r.kind == config::AlertKind::threshold ? r.metric
                     : r.kind == config::AlertKind::intent && r.intent
                         ? std::string(to_string(*r.intent)) + " posts"
                     : share_spike(r) ? "share of " + label + " posts"
                                      : label + " posts";
  char nums[96];
  std::snprintf(nums, sizeof nums, ": %g in %s (baseline %g)", observed,
                core::format_duration(r.window).c_str(), baseline);
  a.summary =
      (status == "resolve" ? "resolved: " : "") + r.name + " for " + entity + ": " + what + nums;
  return a;
}

void AlertEngine::trigger(const config::AlertRuleDef& r, RuleState& s, const std::string& entity,
                          int64_t wstart, double observed, double baseline,
                          std::vector<core::Alert>& out) {
  if (s.open) return;
  if (s.last_trigger != kNone && wstart < s.last_trigger + r.cooldown.count()) {
    ++stats_.suppressed_cooldown;
    return;
  }
  s.open = true;
  s.open_key = r.name + "|" + entity + "|" + core::format_rfc3339_ms(wstart);
  s.open_start = wstart;
  s.open_observed = observed;
  s.open_baseline = baseline;
  s.last_trigger = wstart;
  core::Alert a = make_alert(r, s, entity, "trigger", wstart, observed, baseline);
  a.evidence = s.evidence;
  out.push_back(std::move(a));
  ++stats_.triggered;
}

void AlertEngine::close_window(const config::AlertRuleDef& r, RuleState& s,
                               const std::string& entity, int64_t wstart,
                               std::vector<core::Alert>& out) {
  const int64_t size = r.window.count();
  bool holds = false;
  double observed = static_cast<double>(s.matches);
  double base = 0;
  switch (r.kind) {
    case config::AlertKind::spike: {
      const bool share = share_spike(r);
      if (share)
        observed =
            s.volume > 0 ? static_cast<double>(s.matches) / static_cast<double>(s.volume) : 0.0;
      Baseline b = share ? share_baseline(s.history, r.sensitivity, s.volume)
                         : count_baseline(s.history, r.sensitivity);
      base = b.median;
      const int64_t gate = share ? s.volume : s.matches;
      holds =
          s.history.size() >= history_needed(r) && gate >= r.min_volume && observed > b.threshold;
      // A share of an empty window means nothing: such windows stay out of the baseline.
      if (!share || s.volume > 0) {
        const std::size_t cap =
            static_cast<std::size_t>(std::max<int64_t>(1, r.baseline.count() / size));
        s.history.push_back(observed);
        while (s.history.size() > cap) s.history.pop_front();
      }
      break;
    }
    case config::AlertKind::threshold: {
      observed = metric_of(r, s);
      bool ratio = r.metric == "negative_share" || r.metric == "mean_score";
      holds = (!ratio || s.volume >= r.min_volume) &&
              (r.below ? observed < r.threshold : observed > r.threshold);
      base = r.threshold;
      if (holds && s.volume > 0) trigger(r, s, entity, wstart, observed, base, out);
      break;
    }
    default:
      holds = s.matches >= r.min_count;
  }
  if (s.open && !holds && wstart > s.open_start) {
    out.push_back(make_alert(r, s, entity, "resolve", wstart, observed, base));
    s.open = false;
    ++stats_.resolved;
  }
}

void AlertEngine::roll(const config::AlertRuleDef& r, RuleState& s, const std::string& entity,
                       int64_t start, std::vector<core::Alert>& out) {
  const int64_t size = r.window.count();
  close_window(r, s, entity, s.start, out);
  // Empty windows in between count as zero (a bounded number of them).
  const int64_t gaps = std::min<int64_t>((start - s.start) / size - 1,
                                         std::max<int64_t>(1, r.baseline.count() / size));
  s.volume = s.matches = s.score_micro = 0;
  s.counts[0] = s.counts[1] = s.counts[2] = 0;
  s.evidence.clear();
  for (int64_t g = gaps; g >= 1; --g) close_window(r, s, entity, start - g * size, out);
  s.start = start;
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
    const int64_t start = window_start_of(*t, r.window.count());

    if (s.start == kNone) s.start = start;
    if (start < s.start) {
      ++stats_.ignored_late;
      continue;
    }
    if (start > s.start) roll(r, s, m.entity, start, out);

    ++s.volume;
    ++s.counts[static_cast<int>(m.sentiment.label)];
    s.score_micro += std::llround(static_cast<double>(m.sentiment.score) * 1e6);
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
    if (match) {
      ++s.matches;
      if (options_.evidence > 0) {
        core::PostRef ref{m.post_uid, m.url, m.text, m.sentiment.score};
        auto cmp = [](const core::PostRef& a, const core::PostRef& b) {
          return a.score != b.score ? a.score < b.score : a.uid < b.uid;
        };
        s.evidence.insert(std::upper_bound(s.evidence.begin(), s.evidence.end(), ref, cmp), ref);
        if (s.evidence.size() > options_.evidence) s.evidence.resize(options_.evidence);
      }
    }
    switch (r.kind) {
      case config::AlertKind::spike: {
        // A count can only cross on a match; a share may also cross on a non-match (the
        // volume reaches min_volume, or the standard error shrinks), so it is judged on every
        // mention of the open window.
        if (share_spike(r)) {
          const double share = static_cast<double>(s.matches) / static_cast<double>(s.volume);
          Baseline b = share_baseline(s.history, r.sensitivity, s.volume);
          if (s.history.size() >= history_needed(r) && s.volume >= r.min_volume &&
              share > b.threshold) {
            trigger(r, s, m.entity, s.start, share, b.median, out);
          }
        } else if (match) {
          Baseline b = count_baseline(s.history, r.sensitivity);
          if (s.history.size() >= history_needed(r) && s.matches >= r.min_volume &&
              static_cast<double>(s.matches) > b.threshold) {
            trigger(r, s, m.entity, s.start, static_cast<double>(s.matches), b.median, out);
          }
        }
        break;
      }
      case config::AlertKind::threshold:
        break;
      default:
        if (match && s.matches >= r.min_count)
          trigger(r, s, m.entity, s.start, static_cast<double>(s.matches), 0.0, out);
    }
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
    if (s.start == kNone || (s.volume == 0 && !s.open)) continue;
    const int64_t end = s.start + rules_[i].window.count();
    if (!best || end < *best) best = end;
  }
  return best;
}

void AlertEngine::forget(const std::string& entity) { entities_.erase(entity, stats_); }

}  // namespace earshot::pipeline::react
