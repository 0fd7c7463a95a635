#include "pipeline/react/alert_rules.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline/codec/json_codec.h"
#include "tests/pipeline/react/support/react_rig.h"

namespace earshot::pipeline::react {
namespace {

using namespace std::chrono_literals;
using sentiment::Label;

using react_testing::alert_engine;
using react_testing::kT0;
using react_testing::make_mention;
core::Mention mention(const std::string& entity, std::int64_t t, Label label, float score,
                      const std::string& uid, const std::string& text = "x") {
  return make_mention(entity, t, label, score, uid, text);
}

config::AlertRuleDef spike_rule() {
  config::AlertRuleDef r;
  r.name = "negative-spike";
  r.kind = config::AlertKind::spike;
  r.label = Label::negative;
  r.window = 1min;
  r.min_volume = 20;
  r.sensitivity = 3.0;
  r.cooldown = 10min;
  return r;
}

// `n_neg` negatives and 10 neutrals in minute `minute` of `entity`.
void minute(AlertEngine& e, const std::string& entity, int minute, int n_neg,
            std::vector<core::Alert>& out, const std::string& tag = "n") {
  const std::int64_t base = kT0 + minute * 60'000LL;
  for (int i = 0; i < n_neg; ++i) {
    ASSERT_TRUE(
        e.add(mention(entity, base + 1000 + i * 100, Label::negative, -0.3f - 0.01f * (i % 50),
                      entity + "-" + tag + std::to_string(minute) + "-" + std::to_string(i)),
              out));
  }
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(e.add(mention(entity, base + 30'000 + i * 100, Label::neutral, 0.0f,
                              entity + "-u" + std::to_string(minute) + "-" + std::to_string(i)),
                      out));
  }
}

TEST(AlertEngine, SpikeAfterSteadyHourFiresOnceWithEvidenceThenResolves) {
  auto e = alert_engine({spike_rule()});
  std::vector<core::Alert> out;
  for (int m = 0; m < 60; ++m) minute(*e, "acme", m, 3 + m % 4, out);
  EXPECT_TRUE(out.empty());
  minute(*e, "acme", 60, 45, out, "spike");
  ASSERT_EQ(out.size(), 1u);
  const core::Alert a = out[0];
  EXPECT_EQ(a.status, "trigger");
  EXPECT_EQ(a.rule, "negative-spike");
  EXPECT_EQ(a.entity, "acme");
  EXPECT_EQ(a.severity, "warning");
  EXPECT_EQ(a.window_start, "2026-11-23T11:00:00.000Z");
  EXPECT_EQ(a.dedup_key, "negative-spike|acme|2026-11-23T11:00:00.000Z");
  EXPECT_EQ(a.id, alert_id(a.dedup_key, "trigger"));
  EXPECT_GE(a.observed, 20.0);
  EXPECT_GE(a.baseline, 3.0);
  EXPECT_LE(a.baseline, 6.0);
  ASSERT_EQ(a.evidence.size(), 5u);
  for (const auto& p : a.evidence) {
    EXPECT_NE(p.uid.find("spike60"), std::string::npos) << p.uid;
    EXPECT_FALSE(p.url.empty());
  }
  EXPECT_LE(a.evidence[0].score, a.evidence[4].score);
  EXPECT_EQ(e->open_alerts(), std::vector<std::string>{a.dedup_key});
  out.clear();
  minute(*e, "acme", 61, 4, out);  // closes the spike minute (still high): no resolve yet
  EXPECT_TRUE(out.empty());
  minute(*e, "acme", 62, 4, out);  // closes minute 61, back to normal
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, "resolve");
  EXPECT_EQ(out[0].dedup_key, a.dedup_key);
  EXPECT_NE(out[0].id, a.id);
  EXPECT_TRUE(e->open_alerts().empty());
}

TEST(AlertEngine, SteadyTrafficNeverAlerts) {
  auto e = alert_engine({spike_rule()});
  std::vector<core::Alert> out;
  std::uint32_t x = 12345;
  for (int m = 0; m < 240; ++m) {
    x = x * 1103515245u + 12345u;
    minute(*e, "steady", m, 15 + static_cast<int>((x >> 16) % 8), out);  // 15..22 a minute
  }
  EXPECT_TRUE(out.empty());
}

TEST(AlertEngine, NoSpikeOnColdStart) {
  auto e = alert_engine({spike_rule()});
  std::vector<core::Alert> out;
  minute(*e, "acme", 0, 200, out);
  EXPECT_TRUE(out.empty());
}

TEST(AlertEngine, CooldownSuppressesARepeatThenAllowsIt) {
  auto e = alert_engine({spike_rule()});
  std::vector<core::Alert> out;
  for (int m = 0; m < 30; ++m) minute(*e, "acme", m, 4, out);
  minute(*e, "acme", 30, 50, out);
  minute(*e, "acme", 31, 4, out);
  minute(*e, "acme", 32, 4, out);  // resolves
  ASSERT_EQ(out.size(), 2u);
  minute(*e, "acme", 33, 50, out);  // within 10m of the trigger at :30
  EXPECT_EQ(out.size(), 2u);
  EXPECT_GE(e->stats().suppressed_cooldown, 1u);
  for (int m = 34; m < 45; ++m) minute(*e, "acme", m, 4, out);
  minute(*e, "acme", 45, 50, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].status, "trigger");
  EXPECT_EQ(out[2].dedup_key, "negative-spike|acme|2026-11-23T10:45:00.000Z");
}

TEST(AlertEngine, KeywordCountsMatchesInTheWindow) {
  config::AlertRuleDef r;
  r.name = "outage-words";
  r.kind = config::AlertKind::keyword;
  r.pattern = R"((?i)\b(outage|down)\b)";
  r.min_count = 3;
  auto e = alert_engine({r});
  std::vector<core::Alert> out;
  ASSERT_TRUE(e->add(mention("acme", kT0 + 1000, Label::negative, -0.5f, "p1", "App DOWN"), out));
  ASSERT_TRUE(e->add(mention("acme", kT0 + 2000, Label::neutral, 0.0f, "p2", "downtown"), out));
  ASSERT_TRUE(e->add(mention("acme", kT0 + 3000, Label::negative, -0.5f, "p3", "outage!"), out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(e->add(mention("acme", kT0 + 4000, Label::negative, -0.5f, "p4", "still down"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].observed, 3.0);
  EXPECT_EQ(out[0].evidence.size(), 3u);
}

TEST(AlertEngine, CustomerRuleFiresForTheTierOnly) {
  config::AlertRuleDef r;
  r.name = "vip-negative";
  r.kind = config::AlertKind::customer;
  r.tiers = {"vip"};
  r.label = Label::negative;
  r.severity = config::Severity::critical;
  auto e = alert_engine({r});
  std::vector<core::Alert> out;
  core::Mention m = mention("acme", kT0 + 1000, Label::negative, -0.7f, "p1");
  m.customer = core::CustomerRef{"c1", "gold", "csv", "Ann"};
  ASSERT_TRUE(e->add(m, out));
  EXPECT_TRUE(out.empty());
  m.customer->tier = "vip";
  m.post_uid = "p2";
  m.sentiment.label = Label::positive;
  ASSERT_TRUE(e->add(m, out));
  EXPECT_TRUE(out.empty());
  m.sentiment.label = Label::negative;
  m.post_uid = "p3";
  ASSERT_TRUE(e->add(m, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, "critical");
  EXPECT_EQ(out[0].evidence.at(0).uid, "p3");
}

TEST(AlertEngine, IntentRuleCountsComplaints) {
  config::AlertRuleDef r;
  r.name = "complaints";
  r.kind = config::AlertKind::intent;
  r.intent = core::Intent::complaint;
  r.min_count = 2;
  auto e = alert_engine({r});
  std::vector<core::Alert> out;
  core::Mention m = mention("acme", kT0 + 1000, Label::negative, -0.5f, "p1");
  m.intent = core::Intent::question;
  ASSERT_TRUE(e->add(m, out));
  m.intent = core::Intent::complaint;
  m.post_uid = "p2";
  ASSERT_TRUE(e->add(m, out));
  EXPECT_TRUE(out.empty());
  m.post_uid = "p3";
  ASSERT_TRUE(e->add(m, out));
  ASSERT_EQ(out.size(), 1u);
}

TEST(AlertEngine, ThresholdIsJudgedWhenTheWindowCloses) {
  config::AlertRuleDef r;
  r.name = "share";
  r.kind = config::AlertKind::threshold;
  r.metric = "negative_share";
  r.threshold = 0.5;
  r.min_volume = 4;
  auto e = alert_engine({r});
  std::vector<core::Alert> out;
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(
        e->add(mention("acme", kT0 + i, Label::negative, -0.5f, "a" + std::to_string(i)), out));
  ASSERT_TRUE(
      e->add(mention("acme", kT0 + 60'000, Label::neutral, 0, "b"), out));  // 3 < min_volume
  EXPECT_TRUE(out.empty());
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(e->add(
        mention("acme", kT0 + 61'000 + i, Label::negative, -0.5f, "c" + std::to_string(i)), out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(e->add(mention("acme", kT0 + 120'000, Label::neutral, 0, "d"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start, "2026-11-23T10:01:00.000Z");
  EXPECT_NEAR(out[0].observed, 0.8, 1e-9);
}

TEST(AlertEngine, BadPatternIsRefused) {
  config::AlertRuleDef r;
  r.name = "bad";
  r.kind = config::AlertKind::keyword;
  r.pattern = "(unclosed";
  auto e = AlertEngine::create({r});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, core::ErrorCode::kInvalidArgument);
}

TEST(AlertEngine, RollbackForgetsAStagedTrigger) {
  auto e = alert_engine({spike_rule()});
  std::vector<core::Alert> out;
  for (int m = 0; m < 60; ++m) minute(*e, "acme", m, 4, out);
  e->commit();
  minute(*e, "acme", 60, 45, out);
  ASSERT_EQ(out.size(), 1u);
  e->rollback();
  EXPECT_TRUE(e->open_alerts().empty());
  std::vector<core::Alert> again;
  minute(*e, "acme", 60, 45, again);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, out[0].id);
}

TEST(AlertEngine, AlertIdIsStableAndDependsOnStatus) {
  EXPECT_EQ(alert_id("r|e|t", "trigger"), alert_id("r|e|t", "trigger"));
  EXPECT_NE(alert_id("r|e|t", "trigger"), alert_id("r|e|t", "resolve"));
  EXPECT_EQ(alert_id("r|e|t", "trigger").size(), 37u);
}

// ---- spike on the negative share (measure: share) ----------------------------------------

config::AlertRuleDef share_rule() {
  config::AlertRuleDef r = spike_rule();
  r.name = "negative-share";
  r.metric = "share";
  r.min_volume = 10;
  r.cooldown = 0ms;
  return r;
}

// `per_minute` mentions a minute for minutes [0, minutes), `neg` of them negative (every
// per_minute/neg-th, so the running share never runs ahead), except minute `odd_minute`,
// which has `odd_total` mentions with `odd_neg` negatives.
std::vector<core::Mention> share_stream(int minutes, int per_minute, int neg, int odd_minute,
                                        int odd_total, int odd_neg) {
  std::vector<core::Mention> out;
  for (int minute = 0; minute < minutes; ++minute) {
    const int total = minute == odd_minute ? odd_total : per_minute;
    const int negs = minute == odd_minute ? odd_neg : neg;
    int placed = 0;
    for (int i = 0; i < total; ++i) {
      // negative when the share so far would stay at or under negs/total
      const bool negative = placed < negs && (placed + 1) * total <= (i + 1) * negs;
      if (negative) ++placed;
      out.push_back(mention("acme", kT0 + minute * 60'000LL + i * 100,
                            negative ? Label::negative : Label::positive, negative ? -0.6f : 0.5f,
                            "m" + std::to_string(minute) + "-" + std::to_string(i)));
    }
  }
  return out;
}

std::vector<core::Alert> run_rules(const std::vector<config::AlertRuleDef>& rules,
                                   const std::vector<core::Mention>& ms) {
  auto engine = AlertEngine::create(rules);
  EXPECT_TRUE(engine);
  std::vector<core::Alert> out;
  for (const auto& m : ms) EXPECT_TRUE((*engine)->add(m, out));
  return out;
}

int count(const std::vector<core::Alert>& alerts, const std::string& rule,
          const std::string& status) {
  return static_cast<int>(std::count_if(alerts.begin(), alerts.end(), [&](const core::Alert& a) {
    return a.rule == rule && a.status == status;
  }));
}

TEST(AlertRules, ShareSpikeFiresOnceWhenTheNegativeShareJumpsAtSteadyVolume) {
  // 20 a minute, 20 % negative; minute 30: still 20 mentions, 60 % negative.
  auto ms = share_stream(34, 20, 4, 30, 20, 12);
  auto alerts = run_rules({share_rule()}, ms);
  ASSERT_EQ(count(alerts, "negative-share", "trigger"), 1);
  EXPECT_EQ(count(alerts, "negative-share", "resolve"), 1);
  const core::Alert& a = alerts.front();
  EXPECT_EQ(a.window_start, core::format_rfc3339_ms(kT0 + 30 * 60'000LL));
  EXPECT_GE(a.observed, 0.5);
  EXPECT_LE(a.observed, 0.6);
  EXPECT_DOUBLE_EQ(a.baseline, 0.2);
  EXPECT_FALSE(a.evidence.empty());
  EXPECT_NE(a.summary.find("60% of posts negative"), std::string::npos) << a.summary;
  EXPECT_NE(a.summary.find("usually about 20%"), std::string::npos) << a.summary;
}

TEST(AlertRules, ShareSpikeStaysQuietWhenOnlyTheVolumeSurges) {
  // 10 a minute, 20 % negative; minute 30: 40 mentions, still 20 % negative. The count rule
  // sees 8 negatives against a median of 2 and fires; the share rule does not.
  auto ms = share_stream(34, 10, 2, 30, 40, 8);
  config::AlertRuleDef volume = spike_rule();
  volume.min_volume = 5;
  auto alerts = run_rules({share_rule(), volume}, ms);
  EXPECT_EQ(count(alerts, "negative-share", "trigger"), 0);
  EXPECT_EQ(count(alerts, "negative-spike", "trigger"), 1);
}

TEST(AlertRules, ShareSpikeNeedsMinVolume) {
  // The same jump in share, but below min_volume mentions in the window.
  auto ms = share_stream(34, 8, 2, 30, 8, 6);
  EXPECT_EQ(count(run_rules({share_rule()}, ms), "negative-share", "trigger"), 0);
}

TEST(AlertRules, MeasureShareIsReadFromTheConfig) {
  auto cfg = config::parse_config(R"(
alerts:
  - {name: s1, kind: spike, measure: share, min_volume: 10}
  - {name: s2, kind: spike}
)",
                                  "t.yaml", "");
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_EQ(cfg->alerts.size(), 2u);
  EXPECT_EQ(cfg->alerts[0].metric, "share");
  EXPECT_EQ(cfg->alerts[1].metric, "");
  auto bad =
      config::parse_config("alerts:\n  - {name: s1, kind: spike, measure: ratio}\n", "t.yaml", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("measure"), std::string::npos) << bad.error().message;
}

// ---- advance(): rule windows of a quiet stream ----------------------------------------------

TEST(AlertRules, AdvanceResolvesAnOpenAlertOfAQuietStream) {
  config::AlertRuleDef r = spike_rule();
  auto engine = AlertEngine::create({r});
  ASSERT_TRUE(engine);
  std::vector<core::Alert> out;
  for (int minute = 0; minute < 10; ++minute) {
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(
          (*engine)->add(mention("acme", kT0 + minute * 60'000LL + i * 1000, Label::negative, -0.5f,
                                 "b" + std::to_string(minute) + "-" + std::to_string(i)),
                         out));
    }
  }
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE((*engine)->add(mention("acme", kT0 + 10 * 60'000LL + i * 100, Label::negative,
                                       -0.9f, "s" + std::to_string(i)),
                               out));
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, "trigger");
  // The stream stops. The spike minute itself still holds when it closes; the next (empty)
  // minute does not, so advancing past it resolves.
  EXPECT_EQ((*engine)->next_close("acme"), kT0 + 11 * 60'000LL);
  (*engine)->advance("acme", kT0 + 11 * 60'000LL + 5'000, out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ((*engine)->next_close("acme"), kT0 + 12 * 60'000LL);  // open: a resolve is due
  (*engine)->advance("acme", kT0 + 12 * 60'000LL, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].status, "resolve");
  EXPECT_EQ(out[1].dedup_key, out[0].dedup_key);
  EXPECT_EQ((*engine)->next_close("acme"), std::nullopt);  // nothing pending any more
  EXPECT_TRUE((*engine)->open_alerts().empty());
  (*engine)->advance("nobody", kT0 + 99 * 60'000LL, out);  // unknown entity: nothing
  EXPECT_EQ(out.size(), 2u);
}

}  // namespace
}  // namespace earshot::pipeline::react
