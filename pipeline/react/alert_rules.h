// earshot::pipeline::react — alert rules over the mentions stream (config `alerts:`, DESIGN.md §5).
//
// AlertEngine watches each entity's mentions in event-time tumbling windows of each rule's
// `window` and emits Alert records with evidence (the most negative matching posts of the
// window, with links). Rule kinds:
//   spike     mentions with `label` (negative) in the window, against a robust baseline of
//             the entity's previous windows (median and MAD of the last baseline/window
//             windows, empty windows counting 0): fires when count ≥ min_volume and
//             count > median + sensitivity · max(1.4826·MAD, √max(median, 1)); needs at least
//             min(5, baseline/window) previous windows (no alerts on a cold start).
//             `measure: share` (AlertRuleDef::metric == "share"): the same over the share of
//             `label` among the window's mentions (empty windows stay out of the baseline):
//             fires when volume ≥ min_volume and share > median + sensitivity ·
//             max(1.4826·MAD, √(p(1−p)/volume)), p = the median clamped to [0.05, 0.95] (the
//             binomial standard error), so a steady volume whose negative share jumps fires,
//             and a volume surge at a steady share does not.
//   threshold a window metric (volume, negative, positive, neutral, negative_share,
//             mean_score) above (or `direction: below`) `threshold`, judged when the window
//             closes; share and mean need volume ≥ min_volume.
//   customer  a linked customer of one of `tiers` (any when empty) posting with `label`.
//   keyword   ≥ min_count mentions whose text matches the RE2 `pattern` in the window.
//   intent    ≥ min_count mentions with `intent` (and `label`, `tiers` when given).
// spike, customer, keyword and intent fire as soon as the open window meets the condition
// (seconds, not a window, after the spike starts).
//
// Grouping: one open alert per entity × rule. A trigger opens it (dedup_key =
// "rule|entity|<trigger window start>", id = a hash of dedup_key and status, stable across
// restarts and re-deliveries); the first later window that closes without meeting the
// condition emits a resolve with the same dedup_key (PagerDuty-style). After a trigger the
// rule stays quiet for the entity for `cooldown` of event time.
//
// Time: per entity, in event time only (no wall clock, so a replay rebuilds the same state).
// Mentions reach react out of event-time order (posts spread over partitions by uid, then
// re-keyed by entity; feeds served oldest-first; backfills), so every rule keeps the
// counters of its recent windows, not only the current one:
//   - a late mention (older than the entity's current window of a rule) within
//     `allowed_lateness` of the entity's clock counts in its own window; customer, keyword
//     and intent rules judge it there and fire for that window; a spike or threshold rule
//     re-judges that window (a late burst can still raise its spike);
//   - beyond `allowed_lateness` it is counted (stats().beyond_lateness) and reported
//     through options.on_beyond_lateness (entity, rule, delay); a per-post rule that needs a
//     single match (customer, or min_count 1) still judges it on its own and fires.
// The spike baseline of window W is computed from the counters of the windows before W (up
// to `baseline`), so late mentions that fill in earlier windows correct the baseline too.
// Cooldown works both ways in event time: a trigger within `cooldown` of another trigger of
// the same rule and entity (before or after it) is suppressed and counted. A trigger while
// the rule's alert is open for the entity is part of that alert (stats().grouped).
// State bound: per entity × rule, the counters of (allowed_lateness + baseline) / window
// windows (7h of 1m windows = 420 by default) with at most `evidence` posts each.
// retract mentions are ignored by alert rules (windows.h subtracts them from aggregates).
// created_at of an alert is the engine clock (options.now_ms, default the system clock).
//
//   auto engine = AlertEngine::create(cfg.alerts);            // Result: bad regex -> error
//   std::vector<Alert> alerts;
//   (*engine)->add(mention, alerts);
//   (*engine)->commit();                                      // or rollback()
//
// Staging: as windows.h, every change since commit() can be undone with rollback() while
// options.staged is on (the default).
// Thread safety: not thread-safe; one owner thread. Lifetime: owns copies of its rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/config/config.h"
#include "pipeline/core/records.h"
#include "pipeline/core/status.h"
#include "pipeline/react/alert_text.h"
#include "pipeline/react/staged_map.h"

namespace re2 {
class RE2;
}

namespace earshot::pipeline::react {

struct AlertEngineOptions {
  std::size_t evidence = 5;              // posts attached to an alert
  std::size_t min_history = 5;           // spike: previous windows needed
  std::function<std::int64_t()> now_ms;  // created_at; empty = system clock
  bool staged = true;                    // keep the undo log (as WindowsOptions)
  // How far behind the entity's clock a mention may be and still count in its window.
  std::chrono::milliseconds allowed_lateness{std::chrono::hours(6)};
  // Entity id -> display name for alert summaries (alert_text.h); missing ids read as the id.
  std::map<std::string, std::string> entity_names;
  // alert_messages: the zone of the times in summaries, the dashboard base of Alert::link
  // ("" = no link).
  core::TimeZone time_zone;
  std::string link_base;
  // Called for each (mention, rule) beyond allowed_lateness: entity, rule, delay behind the
  // entity's clock in ms. Optional; the stats count them either way.
  std::function<void(const std::string& entity, const std::string& rule, std::int64_t delay_ms)>
      on_beyond_lateness;
};

struct AlertStats {
  std::uint64_t triggered = 0;
  std::uint64_t resolved = 0;
  std::uint64_t suppressed_cooldown = 0;
  std::uint64_t late = 0;             // (mention, rule) pairs counted in an earlier window
  std::uint64_t beyond_lateness = 0;  // (mention, rule) pairs beyond allowed_lateness
  std::uint64_t grouped = 0;          // triggers that joined an alert already open
  std::map<std::string, std::uint64_t> triggered_by_rule;
  bool operator==(const AlertStats&) const = default;
};

// "alrt_" + 32 hex digits of SHA-256(dedup_key + "|" + status).
std::string alert_id(const std::string& dedup_key, const std::string& status);

class AlertEngine {
 public:
  static core::Result<std::unique_ptr<AlertEngine>> create(std::vector<config::AlertRuleDef> rules,
                                                           AlertEngineOptions options = {});
  ~AlertEngine();

  // Evaluates one mention against every rule for its entity; appends alerts to `out`.
  core::Status add(const core::Mention& m, std::vector<core::Alert>& out);

  // Closes the rule windows of `entity` that end at or before `to_ms` (event time) as if a
  // later mention had arrived: resolves, threshold triggers and spike history, no new
  // mention counted. The react stage calls it for quiet streams (windows.h, idle_close).
  void advance(const std::string& entity, std::int64_t to_ms, std::vector<core::Alert>& out);
  // The event time at which the entity's next rule window with something pending (mentions
  // counted, or an open alert that may resolve) closes; nullopt when none.
  std::optional<std::int64_t> next_close(const std::string& entity) const;
  // Drops the entity's rule state (its partition went to another instance).
  void forget(const std::string& entity);

  void commit();
  void rollback();

  const AlertStats& stats() const { return stats_; }
  const std::vector<config::AlertRuleDef>& rules() const { return rules_; }
  // Open alerts (triggered, not yet resolved): their dedup keys, sorted.
  std::vector<std::string> open_alerts() const;

  struct RuleState;  // alert_rules.cc
  struct EntityState;

 private:
  explicit AlertEngine(bool staged);  // alert_rules.cc, where EntityState is complete
  EntityState& touch(const std::string& entity);
  std::size_t history_needed(const config::AlertRuleDef& r) const;
  // The spike history of the window starting at `wstart`: the previous windows' values.
  std::deque<double> history(const config::AlertRuleDef& r, const RuleState& s,
                             std::int64_t wstart) const;
  core::Alert make_alert(const config::AlertRuleDef& r, const RuleState& s,
                         const std::string& entity, const std::string& status, std::int64_t wstart,
                         const AlertNumbers& n) const;
  void trigger(const config::AlertRuleDef& r, RuleState& s, const std::string& entity,
               std::int64_t wstart, const AlertNumbers& n,
               const std::vector<core::PostRef>& evidence, std::vector<core::Alert>& out);
  // Judges the window starting at `wstart` after it changed (`closing`: it just closed):
  // triggers, and when closing, resolves and threshold rules.
  void judge(const config::AlertRuleDef& r, RuleState& s, const std::string& entity,
             std::int64_t wstart, bool closing, std::vector<core::Alert>& out);
  // Closes the current window and the empty ones up to `start`, which becomes current.
  void roll(const config::AlertRuleDef& r, RuleState& s, const std::string& entity,
            std::int64_t start, std::vector<core::Alert>& out);

  std::vector<config::AlertRuleDef> rules_;
  std::vector<std::shared_ptr<const re2::RE2>> patterns_;  // keyword rules; else null
  AlertEngineOptions options_;
  StagedMap<EntityState, AlertStats> entities_;  // with the undo log when options.staged
  AlertStats stats_;
};

}  // namespace earshot::pipeline::react
