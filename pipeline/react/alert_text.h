// earshot::pipeline::react — alert summaries in the words of the people who read them.
//
// Alert::summary is what Slack, PagerDuty, the webhook receivers and the dashboard show. It
// names the entity (its configured name, not its id), says what the rule watches (its
// `description:`, else words derived from the kind, never the regex), the count of the
// window it describes and, for spikes, what it was compared against: the usual value (median
// of the previous windows) and the top of the normal range (the trigger threshold), e.g.
//
//   Acme Air: 45 negative posts in the minute from 10:30 UTC; usually about 4 a minute
//   (normal range up to 11, from the previous 60 minutes)
//
// Times are in the configured zone (alert_messages.time_zone, core/time_zone.h), and every
// alert carries a link to the dashboard view of its window (Alert::link, dashboard_link()).
//
//   AlertNumbers n{.observed = 45, .baseline = 4, .upper = 11, .history = 60};
//   std::string s = describe_alert(rule, "Acme Air", "trigger", window_start_ms, n);
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/config/config.h"
#include "pipeline/core/records.h"
#include "pipeline/core/time_zone.h"

namespace earshot::pipeline::react {

struct AlertNumbers {
  double observed = 0;      // the window's count, share or metric
  double baseline = 0;      // spike: the usual value; threshold: the limit; else 0
  double upper = 0;         // spike: the top of the normal range (above it fires)
  std::size_t history = 0;  // spike: previous windows the baseline was computed from
  std::optional<core::CustomerRef> customer;  // customer rules: who posted
};

// "1 minute", "5 minutes", "1 hour", "90 seconds".
std::string duration_words(std::chrono::milliseconds d);
// The rule's `description:`, else words for its kind ("negative posts", "posts matching
// outage words", "complaints").
std::string rule_description(const config::AlertRuleDef& r);
// The summary line (see above). `status` is "trigger" or "resolve". Times read in `zone`
// (alert_messages.time_zone): "in the minute from 11:30 CET" — the zone's abbreviation at
// that instant, so summer time shows as CEST.
std::string describe_alert(const config::AlertRuleDef& r, const std::string& entity_name,
                           const std::string& status, std::int64_t window_start_ms,
                           const AlertNumbers& n, const core::TimeZone& zone = {});
// The dashboard link of an alert's window: "<base>/#entity=<id>&from=<start>&until=<end>"
// (the page opens the entity's posts of that window, sinks/dashboard.html); "" when `base`
// is empty. Ids are percent-encoded.
std::string dashboard_link(const std::string& base, const std::string& entity,
                           const std::string& window_start, const std::string& window_end);

}  // namespace earshot::pipeline::react
