#include "pipeline/react/alert_text.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "pipeline/core/rfc3339.h"

namespace earshot::pipeline::react {
namespace {

// 4 -> "4", 4.5 -> "4.5", 0.333 -> "0.33".
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string percent(double share) { return number(std::round(share * 1000) / 10) + "%"; }

// "the minute from 10:30 UTC", "the 5 minutes from 11:30 CET" (the date is in window_start).
std::string window_words(std::chrono::milliseconds size, std::int64_t start,
                         const core::TimeZone& zone) {
  std::string d = duration_words(size);
  if (d.rfind("1 ", 0) == 0) d = d.substr(2);
  return "the " + d + " from " + zone.clock(start);
}

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// "a minute", "5 minutes" — the rate unit of a spike's usual value.
std::string per_window(std::chrono::milliseconds size) {
  std::string d = duration_words(size);
  return d.rfind("1 ", 0) == 0 ? "a " + d.substr(2) : "per " + d;
}

}  // namespace

std::string duration_words(std::chrono::milliseconds d) {
  struct Unit {
    std::int64_t ms;
    const char* name;
  };
  static const Unit units[] = {
      {86'400'000, "day"}, {3'600'000, "hour"}, {60'000, "minute"}, {1000, "second"}};
  for (const Unit& u : units) {
    if (d.count() >= u.ms && d.count() % u.ms == 0) {
      const std::int64_t n = d.count() / u.ms;
      return std::to_string(n) + " " + u.name + (n == 1 ? "" : "s");
    }
  }
  return std::to_string(d.count()) + " ms";
}

std::string rule_description(const config::AlertRuleDef& r) {
  if (!r.description.empty()) return r.description;
  const std::string label =
      std::string(sentiment::to_string(r.label.value_or(sentiment::Label::negative)));
  std::string spaced = r.name;
  for (char& c : spaced) c = (c == '-' || c == '_') ? ' ' : c;
  switch (r.kind) {
    case config::AlertKind::spike:
      return r.metric == "share" ? "share of " + label + " posts" : label + " posts";
    case config::AlertKind::threshold:
      return r.metric.empty()               ? "volume"
             : r.metric == "negative_share" ? "negative share"
             : r.metric == "mean_score"     ? "mean sentiment score"
                                            : r.metric + " posts";
    case config::AlertKind::customer: {
      std::string tiers;
      for (const auto& t : r.tiers) tiers += (tiers.empty() ? "" : "/") + t;
      return label + " posts by " + (tiers.empty() ? "known" : tiers) + " customers";
    }
    case config::AlertKind::keyword:
      return "posts matching " + spaced;
    case config::AlertKind::intent:
      return r.intent ? std::string(sentiment::to_string(*r.intent)) + "s" : spaced;
  }
  return spaced;
}

std::string describe_alert(const config::AlertRuleDef& r, const std::string& entity_name,
                           const std::string& status, std::int64_t window_start_ms,
                           const AlertNumbers& n, const core::TimeZone& zone) {
  const std::string what = rule_description(r);
  const std::string when = window_words(r.window, window_start_ms, zone);
  const bool share = r.kind == config::AlertKind::spike && r.metric == "share";
  std::string s = status == "resolve" ? "Resolved: " + entity_name + ", " : entity_name + ": ";
  switch (r.kind) {
    case config::AlertKind::spike:
      if (share) {
        s += percent(n.observed) + " of posts " +
             std::string(sentiment::to_string(r.label.value_or(sentiment::Label::negative))) +
             " in " + when;
        s += "; usually about " + percent(n.baseline) + " (normal range up to " + percent(n.upper) +
             ", from the previous " + std::to_string(n.history) + " " +
             (n.history == 1 ? "window" : "windows") + " with posts)";
      } else {
        s += number(n.observed) + " " + what + " in " + when + "; usually about " +
             number(n.baseline) + " " + per_window(r.window) + " (normal range up to " +
             number(std::floor(n.upper)) + ", from the previous " +
             duration_words(r.window * static_cast<std::int64_t>(n.history)) + ")";
      }
      break;
    case config::AlertKind::threshold:
      s += what + " " + number(n.observed) + " in " + when + " (alert when " +
           (r.below ? "below " : "above ") + number(r.threshold) + ")";
      break;
    case config::AlertKind::customer: {
      const std::string label =
          std::string(sentiment::to_string(r.label.value_or(sentiment::Label::negative)));
      if (!r.description.empty()) s += r.description + ": ";
      if (n.observed < 1) {
        s += "no more " + label + " posts by customers in " + when;
        break;
      }
      s += n.observed > 1 ? number(n.observed) + " " + label + " posts by customers"
                          : "a " + label + " post";
      if (n.customer) {
        const std::string who = n.customer->name.empty() ? n.customer->id : n.customer->name;
        s += n.observed > 1 ? ", latest by " + who + " (" + n.customer->tier + ")"
                            : " by " + n.customer->tier + " customer " + who;
      }
      s += " in " + when;
      break;
    }
    default:
      s += number(n.observed) + " " + what + " in " + when;
  }
  return s;
}

std::string dashboard_link(const std::string& base, const std::string& entity,
                           const std::string& window_start, const std::string& window_end) {
  if (base.empty()) return "";
  return base + "/#entity=" + percent_encode(entity) + "&from=" + percent_encode(window_start) +
         "&until=" + percent_encode(window_end);
}

}  // namespace earshot::pipeline::react
