// Alert rules on mentions that arrive out of event-time order (issue #15): per-post rules
// judge every post whatever its lateness, spike baselines come from the windows' own counts.
#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline/core/rfc3339.h"
#include "pipeline/react/alert_rules.h"
#include "tests/pipeline/react/support/react_rig.h"

namespace earshot::pipeline::react {
namespace {

using namespace std::chrono_literals;
using sentiment::Label;

using react_testing::alert_engine;
using react_testing::kT0;
constexpr std::int64_t kMin = 60'000;

core::Mention mention(const std::string& entity, std::int64_t t, Label label,
                      const std::string& uid, const std::string& text = "x") {
  return react_testing::make_mention(entity, t, label, label == Label::negative ? -0.6f : 0.0f,
                                     uid, text);
}

config::AlertRuleDef vip_rule() {
  config::AlertRuleDef r;
  r.name = "vip-negative";
  r.kind = config::AlertKind::customer;
  r.tiers = {"vip"};
  r.label = Label::negative;
  r.severity = config::Severity::critical;
  return r;
}

core::Mention vip(std::int64_t t, const std::string& uid) {
  core::Mention m = mention("globex", t, Label::negative, uid, "card frozen");
  m.customer = core::CustomerRef{"c7", "vip", "csv", "Noor Haddad"};
  return m;
}

TEST(AlertLate, CustomerRuleFiresForAPostOlderThanTheEntitysClock) {
  auto e = alert_engine({vip_rule()}, {.entity_names = {{"globex", "Globex Bank"}}});
  std::vector<core::Alert> out;
  // A newer ordinary post moves the clock 20 minutes on, then the VIP post arrives.
  ASSERT_TRUE(e->add(mention("globex", kT0 + 20 * kMin, Label::neutral, "newer"), out));
  ASSERT_TRUE(e->add(vip(kT0 + 5'000, "noor"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule, "vip-negative");
  EXPECT_EQ(out[0].severity, "critical");
  EXPECT_EQ(out[0].window_start, core::format_rfc3339_ms(kT0));
  ASSERT_EQ(out[0].evidence.size(), 1u);
  EXPECT_EQ(out[0].evidence[0].uid, "noor");
  EXPECT_EQ(e->stats().late, 1u);
  EXPECT_EQ(
      out[0].summary,
      "Globex Bank: a negative post by vip customer Noor Haddad in the minute from 10:00 UTC");
}

TEST(AlertLate, CustomerRuleFiresEvenBeyondTheLatenessBoundAndCountsIt) {
  std::vector<std::string> reported;
  AlertEngineOptions o;
  o.allowed_lateness = 1h;
  o.on_beyond_lateness = [&](const std::string& entity, const std::string& rule,
                             std::int64_t delay) {
    reported.push_back(entity + "/" + rule + "/" + std::to_string(delay));
  };
  auto e = alert_engine({vip_rule()}, o);
  std::vector<core::Alert> out;
  ASSERT_TRUE(e->add(mention("globex", kT0 + 3 * 60 * kMin, Label::neutral, "newer"), out));
  ASSERT_TRUE(e->add(vip(kT0, "noor"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start, core::format_rfc3339_ms(kT0));
  EXPECT_EQ(out[0].evidence.at(0).uid, "noor");
  EXPECT_EQ(e->stats().beyond_lateness, 1u);
  EXPECT_EQ(reported, std::vector<std::string>{"globex/vip-negative/10800000"});
}

TEST(AlertLate, KeywordRuleCountsLatePostsInTheirOwnWindow) {
  config::AlertRuleDef r;
  r.name = "outage-words";
  r.kind = config::AlertKind::keyword;
  r.pattern = R"((?i)\b(outage|down)\b)";
  r.min_count = 3;
  r.description = "outage reports";
  auto e = alert_engine({r});
  std::vector<core::Alert> out;
  ASSERT_TRUE(e->add(mention("acme", kT0 + 40 * kMin, Label::neutral, "newer", "hello"), out));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(out.empty());
    ASSERT_TRUE(e->add(mention("acme", kT0 + 10 * kMin + i * 1000, Label::negative,
                               "late" + std::to_string(i), "app down again"),
                       out));
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start, core::format_rfc3339_ms(kT0 + 10 * kMin));
  EXPECT_EQ(out[0].observed, 3.0);
  EXPECT_EQ(out[0].evidence.size(), 3u);
  EXPECT_EQ(out[0].summary, "acme: 3 outage reports in the minute from 10:10 UTC");
  EXPECT_EQ(out[0].summary.find("(?i)"), std::string::npos);  // never the regex
}

TEST(AlertLate, IntentRuleFiresOnLateComplaints) {
  config::AlertRuleDef r;
  r.name = "complaint-wave";
  r.kind = config::AlertKind::intent;
  r.intent = core::Intent::complaint;
  r.min_count = 2;
  auto e = alert_engine({r});
  std::vector<core::Alert> out;
  ASSERT_TRUE(e->add(mention("acme", kT0 + 90 * kMin, Label::neutral, "newer"), out));
  for (int i = 0; i < 2; ++i) {
    core::Mention m = mention("acme", kT0 + i * 1000, Label::negative, "c" + std::to_string(i));
    m.intent = core::Intent::complaint;
    ASSERT_TRUE(e->add(m, out));
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start, core::format_rfc3339_ms(kT0));
  EXPECT_EQ(out[0].summary, "acme: 2 complaints in the minute from 10:00 UTC");
}

config::AlertRuleDef spike_rule() {
  config::AlertRuleDef r;
  r.name = "negative-spike";
  r.kind = config::AlertKind::spike;
  r.label = Label::negative;
  r.window = 1min;
  r.min_volume = 20;
  r.sensitivity = 3.0;
  return r;
}

// An hour with 0, 1, 2, 0, 1, 2, ... negatives a minute (median 1, MAD 1), then a burst of
// 25 in minute 60. The baseline is known: median 1; normal range up to
// 1 + 3 · max(1.4826 · 1, √1) = 5.45.
std::vector<core::Mention> known_series() {
  std::vector<core::Mention> ms;
  for (int m = 0; m < 60; ++m) {
    for (int i = 0; i < m % 3; ++i)
      ms.push_back(mention("acme", kT0 + m * kMin + 1000 + i, Label::negative,
                           "n" + std::to_string(m) + "-" + std::to_string(i)));
    ms.push_back(mention("acme", kT0 + m * kMin + 30'000, Label::neutral, "u" + std::to_string(m)));
  }
  for (int i = 0; i < 25; ++i)
    ms.push_back(mention("acme", kT0 + 60 * kMin + 1000 + i * 100, Label::negative,
                         "s" + std::to_string(i)));
  return ms;
}

void expect_known_baseline(const std::vector<core::Alert>& out) {
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start, core::format_rfc3339_ms(kT0 + 60 * kMin));
  EXPECT_EQ(out[0].observed, 6.0);  // fires as soon as the count leaves the normal range
  EXPECT_DOUBLE_EQ(out[0].baseline, 1.0);
  EXPECT_EQ(out[0].summary,
            "Acme Air: 6 negative posts in the minute from 11:00 UTC; usually about 1 a minute "
            "(normal range up to 5, from the previous 1 hour)");
}

TEST(AlertLate, SpikeBaselineOnAKnownSeries) {
  auto rule = spike_rule();
  rule.min_volume = 5;
  auto e = alert_engine({rule}, {.entity_names = {{"acme", "Acme Air"}}});
  std::vector<core::Alert> out;
  for (const auto& m : known_series()) ASSERT_TRUE(e->add(m, out));
  expect_known_baseline(out);
}

TEST(AlertLate, SpikeBaselineIsTheSameWhenTheSeriesArrivesOutOfOrder) {
  // The same series as two interleaved partitions would deliver it: batches of 40 posts
  // alternating between the even and the odd posts, so event time jumps back and forth by
  // up to ~half an hour. (Rules that kept only the newest window ignored the older posts and
  // saw mostly empty minutes: the "baseline 0.0" of issue #15.)
  auto rule = spike_rule();
  rule.min_volume = 5;
  auto e = alert_engine({rule}, {.entity_names = {{"acme", "Acme Air"}}});
  auto ms = known_series();
  std::vector<core::Mention> burst(ms.end() - 25, ms.end());
  ms.resize(ms.size() - 25);
  std::vector<core::Mention> even, odd, shuffled;
  for (std::size_t i = 0; i < ms.size(); ++i) (i % 2 ? odd : even).push_back(ms[i]);
  for (std::size_t b = 0; b * 40 < even.size() || b * 40 < odd.size(); ++b) {
    for (auto* part : {&odd, &even}) {
      for (std::size_t i = b * 40; i < std::min(part->size(), b * 40 + 40); ++i)
        shuffled.push_back((*part)[i]);
    }
  }
  ASSERT_NE(shuffled.front().created_at, ms.front().created_at);
  std::vector<core::Alert> out;
  for (const auto& m : shuffled) ASSERT_TRUE(e->add(m, out));
  EXPECT_TRUE(out.empty());
  for (const auto& m : burst) ASSERT_TRUE(e->add(m, out));
  expect_known_baseline(out);
  EXPECT_GT(e->stats().late, 0u);
}

TEST(AlertLate, ALateBurstRaisesTheSpikeOfItsOwnWindow) {
  auto rule = spike_rule();
  auto e = alert_engine({rule});
  std::vector<core::Alert> out;
  auto ms = known_series();
  ms.resize(ms.size() - 25);  // the steady hour only
  for (const auto& m : ms) ASSERT_TRUE(e->add(m, out));
  ASSERT_TRUE(e->add(mention("acme", kT0 + 75 * kMin, Label::neutral, "newer"), out));
  for (int i = 0; i < 30; ++i)  // a burst in minute 60 arriving 15 minutes late
    ASSERT_TRUE(e->add(
        mention("acme", kT0 + 60 * kMin + i * 100, Label::negative, "b" + std::to_string(i)), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, "trigger");
  EXPECT_EQ(out[0].window_start, core::format_rfc3339_ms(kT0 + 60 * kMin));
  EXPECT_EQ(out[0].observed, 20.0);  // min_volume reached, far above the normal range
  EXPECT_DOUBLE_EQ(out[0].baseline, 1.0);
}

TEST(AlertLate, CooldownAlsoHoldsForATriggerBeforeAnEarlierOne) {
  auto r = vip_rule();
  r.cooldown = 10min;
  auto e = alert_engine({r});
  std::vector<core::Alert> out;
  ASSERT_TRUE(e->add(vip(kT0 + 30 * kMin, "first"), out));
  ASSERT_TRUE(e->add(mention("globex", kT0 + 32 * kMin, Label::neutral, "n1"), out));  // resolve
  ASSERT_EQ(out.size(), 2u);
  ASSERT_TRUE(e->add(vip(kT0 + 25 * kMin, "late-close"), out));  // 5 min before: suppressed
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(e->stats().suppressed_cooldown, 1u);
  ASSERT_TRUE(e->add(vip(kT0 + 10 * kMin, "late-far"), out));  // 20 min before: fires
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].window_start, core::format_rfc3339_ms(kT0 + 10 * kMin));
}

}  // namespace
}  // namespace earshot::pipeline::react
