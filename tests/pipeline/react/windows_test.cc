#include "pipeline/react/windows.h"

#include <gtest/gtest.h>

#include <map>

#include "pipeline/codec/json_codec.h"

namespace earshot::pipeline::react {
namespace {

using namespace std::chrono_literals;
using sentiment::Label;

const std::int64_t kT0 = *core::parse_rfc3339_ms("2026-11-23T10:00:00Z");

// prefix + n (appending: GCC 12 at -O3 warns falsely on "literal" + std::string&&).
std::string id(const char* prefix, int n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

core::Mention mention(const std::string& entity, std::int64_t t, Label label, float score,
                      const std::string& author, const std::string& text, const std::string& uid) {
  core::Mention m;
  m.entity = entity;
  m.post_uid = uid;
  m.url = "https://example.test/" + uid;
  m.created_at = core::format_rfc3339_ms(t);
  m.author_id = author;
  m.text = text;
  m.sentiment.label = label;
  m.sentiment.score = score;
  return m;
}

WindowsOptions one_minute(std::chrono::milliseconds lateness = 30s) {
  WindowsOptions o;
  o.sizes = {1min};
  o.allowed_lateness = lateness;
  return o;
}

TEST(Windows, ClosedWindowCarriesCountsMeanAuthorsTermsAndNegatives) {
  Windows w(one_minute());
  std::vector<core::Aggregate> out;
  ASSERT_TRUE(w.add(
      mention("acme", kT0 + 1000, Label::negative, -0.8f, "a", "Outage again, app down", "p1"),
      out));
  ASSERT_TRUE(w.add(
      mention("acme", kT0 + 2000, Label::negative, -0.4f, "a", "another outage today", "p2"), out));
  ASSERT_TRUE(
      w.add(mention("acme", kT0 + 3000, Label::positive, 0.6f, "b", "love the crew", "p3"), out));
  EXPECT_TRUE(out.empty());  // window still open
  ASSERT_TRUE(
      w.add(mention("acme", kT0 + 61'000, Label::neutral, 0.0f, "c", "boarding", "p4"), out));
  ASSERT_EQ(out.size(), 1u);
  const core::Aggregate& a = out[0];
  EXPECT_EQ(a.entity, "acme");
  EXPECT_EQ(a.window_size, "1m");
  EXPECT_EQ(a.window_start, "2026-11-23T10:00:00.000Z");
  EXPECT_EQ(a.window_end, "2026-11-23T10:01:00.000Z");
  EXPECT_EQ(a.negative, 2);
  EXPECT_EQ(a.positive, 1);
  EXPECT_EQ(a.neutral, 0);
  EXPECT_EQ(a.volume, 3);
  EXPECT_NEAR(a.mean_score, (-0.8 - 0.4 + 0.6) / 3, 1e-6);
  EXPECT_EQ(a.unique_authors, 2);
  ASSERT_FALSE(a.top_terms.empty());
  EXPECT_EQ(a.top_terms[0], "outage");
  ASSERT_EQ(a.top_negative.size(), 2u);
  EXPECT_EQ(a.top_negative[0].uid, "p1");
  EXPECT_EQ(a.top_negative[0].url, "https://example.test/p1");
  EXPECT_EQ(a.top_negative[1].uid, "p2");
  EXPECT_EQ(a.version, 1);
  EXPECT_EQ(aggregate_key(a), "acme|1m|2026-11-23T10:00:00.000Z");
}

TEST(Windows, LateInsideLatenessUpdatesWithNewVersionAndLaterIsDropped) {
  Windows w(one_minute(30s));
  std::vector<core::Aggregate> out;
  ASSERT_TRUE(w.add(mention("acme", kT0 + 10'000, Label::negative, -0.5f, "a", "x", "p1"), out));
  ASSERT_TRUE(w.add(mention("acme", kT0 + 65'000, Label::neutral, 0.0f, "b", "x", "p2"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].volume, 1);
  EXPECT_EQ(out[0].version, 1);
  out.clear();
  // Watermark is 10:00:35; the 10:00 window ends at 10:01:00, after it: accepted.
  ASSERT_TRUE(w.add(mention("acme", kT0 + 50'000, Label::negative, -0.7f, "c", "x", "p3"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start, "2026-11-23T10:00:00.000Z");
  EXPECT_EQ(out[0].volume, 2);
  EXPECT_EQ(out[0].negative, 2);
  EXPECT_EQ(out[0].version, 2);
  EXPECT_EQ(w.stats().late_updates, 1u);
  out.clear();
  // Stream time 10:01:40 -> watermark 10:01:10: the 10:00 window is past the lateness.
  ASSERT_TRUE(w.add(mention("acme", kT0 + 100'000, Label::neutral, 0.0f, "d", "x", "p4"), out));
  out.clear();
  ASSERT_TRUE(w.add(mention("acme", kT0 + 59'000, Label::negative, -0.9f, "e", "x", "p5"), out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(w.stats().dropped_late, 1u);
}

TEST(Windows, RetractSubtractsTheOriginal) {
  Windows w(one_minute());
  std::vector<core::Aggregate> out;
  core::Mention bad =
      mention("acme", kT0 + 1000, Label::negative, -0.9f, "a", "terrible outage", "p1");
  ASSERT_TRUE(w.add(bad, out));
  ASSERT_TRUE(
      w.add(mention("acme", kT0 + 2000, Label::positive, 0.5f, "b", "great flight", "p2"), out));
  core::Mention retract = bad;
  retract.retract = true;
  ASSERT_TRUE(w.add(retract, out));
  ASSERT_TRUE(w.add(mention("acme", kT0 + 60'000, Label::neutral, 0.0f, "c", "x", "p3"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].negative, 0);
  EXPECT_EQ(out[0].positive, 1);
  EXPECT_EQ(out[0].volume, 1);
  EXPECT_NEAR(out[0].mean_score, 0.5, 1e-6);
  EXPECT_EQ(out[0].unique_authors, 1);
  EXPECT_TRUE(out[0].top_negative.empty());
  for (const auto& t : out[0].top_terms) EXPECT_NE(t, "outage");
  EXPECT_EQ(w.stats().retracted, 1u);
}

TEST(Windows, UniqueAuthorsSwitchToHyperLogLogAboveTheBound) {
  WindowsOptions o = one_minute();
  o.exact_authors = 100;
  Windows w(o);
  std::vector<core::Aggregate> out;
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(w.add(mention("acme", kT0 + i % 50'000, Label::neutral, 0.0f,
                              id("author-", i % 5000), "x", id("p", i)),
                      out));
  }
  ASSERT_TRUE(w.add(mention("acme", kT0 + 60'000, Label::neutral, 0.0f, "z", "x", "last"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].volume, 20000);
  EXPECT_NEAR(static_cast<double>(out[0].unique_authors), 5000.0, 5000.0 * 0.05);
}

TEST(Windows, RollbackUndoesEverythingSinceCommit) {
  Windows w(one_minute());
  std::vector<core::Aggregate> out;
  ASSERT_TRUE(w.add(mention("acme", kT0 + 1000, Label::negative, -0.5f, "a", "x", "p1"), out));
  w.commit();
  std::vector<core::Aggregate> before;
  w.snapshot(before);
  WindowsStats stats_before = w.stats();
  ASSERT_TRUE(w.add(mention("acme", kT0 + 2000, Label::negative, -0.5f, "b", "x", "p2"), out));
  ASSERT_TRUE(w.add(mention("other", kT0 + 2000, Label::negative, -0.5f, "b", "x", "p3"), out));
  ASSERT_TRUE(w.add(mention("acme", kT0 + 70'000, Label::negative, -0.5f, "b", "x", "p4"), out));
  w.rollback();
  std::vector<core::Aggregate> after;
  w.snapshot(after);
  EXPECT_EQ(before, after);
  EXPECT_EQ(stats_before, w.stats());
}

TEST(Windows, ResultsDoNotDependOnHowEntitiesInterleave) {
  std::vector<core::Mention> a, b;
  for (int i = 0; i < 300; ++i) {
    a.push_back(mention("acme", kT0 + i * 997, i % 3 ? Label::negative : Label::positive,
                        i % 3 ? -0.6f : 0.4f, id("u", i % 17), id("delay gate ", i % 5),
                        id("a", i)));
    b.push_back(mention("globex", kT0 + i * 1499, Label::neutral, 0.1f, id("v", i % 7), "fine",
                        id("b", i)));
  }
  auto run = [](const std::vector<core::Mention>& first, const std::vector<core::Mention>& second,
                bool interleave) {
    WindowsOptions o;
    o.sizes = {1min, 1h};
    Windows w(o);
    std::vector<core::Aggregate> out;
    if (interleave) {
      for (std::size_t i = 0; i < first.size(); ++i) {
        EXPECT_TRUE(w.add(first[i], out));
        EXPECT_TRUE(w.add(second[i], out));
      }
    } else {
      for (const auto& m : first) EXPECT_TRUE(w.add(m, out));
      for (const auto& m : second) EXPECT_TRUE(w.add(m, out));
    }
    w.snapshot(out);
    std::map<std::string, core::Aggregate> latest;
    for (auto& x : out) latest[aggregate_key(x) + "#" + std::to_string(x.version)] = x;
    return latest;
  };
  auto x = run(a, b, true), y = run(b, a, false);
  EXPECT_EQ(x, y);
  EXPECT_GT(x.size(), 5u);
}

TEST(Windows, BadEventTimeIsAnErrorAndChangesNothing) {
  Windows w(one_minute());
  std::vector<core::Aggregate> out;
  core::Mention m = mention("acme", kT0, Label::negative, -0.5f, "a", "x", "p1");
  m.created_at = "yesterday";
  auto st = w.add(m, out);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(w.held(), 0u);
  EXPECT_EQ(w.stats().bad_time, 1u);
}

TEST(Windows, TermsSkipStopWordsNumbersAndRepeats) {
  auto t = extract_terms("The APP is down, down DOWN again! 404 error-page");
  EXPECT_EQ(t, (std::vector<std::string>{"app", "down", "error", "page"}));
}

TEST(Windows, AdvanceClosesTheWindowsOfAQuietStreamLikeALaterMention) {
  WindowsOptions o;
  o.sizes = {1min, 1h};
  o.allowed_lateness = 30s;
  Windows w(o);
  std::vector<core::Aggregate> out;
  ASSERT_TRUE(
      w.add(mention("acme", kT0 + 10'000, Label::negative, -0.5f, "a", "outage", "p1"), out));
  ASSERT_TRUE(out.empty());
  EXPECT_EQ(w.next_close("acme"), kT0 + 60'000);
  EXPECT_EQ(w.stream_time("acme"), kT0 + 10'000);
  EXPECT_EQ(w.next_close("nobody"), std::nullopt);

  w.advance("acme", kT0 + 59'999, out);
  EXPECT_TRUE(out.empty());
  w.advance("acme", kT0 + 60'000, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_size, "1m");
  EXPECT_EQ(out[0].volume, 1);
  EXPECT_EQ(out[0].version, 1);
  EXPECT_EQ(w.next_close("acme"), kT0 + 3'600'000);  // the hour window is next
  w.advance("acme", kT0 + 30'000, out);              // never backwards
  EXPECT_EQ(w.stream_time("acme"), kT0 + 60'000);

  // Inside the lateness a late mention still updates the advanced-over window...
  ASSERT_TRUE(w.add(mention("acme", kT0 + 50'000, Label::neutral, 0.0f, "b", "hello", "p2"), out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].version, 2);
  // ...and past it, it is dropped, exactly as if a mention had moved stream time there.
  w.advance("acme", kT0 + 95'000, out);
  EXPECT_EQ(out.size(), 2u);
  ASSERT_TRUE(w.add(mention("acme", kT0 + 55'000, Label::neutral, 0.0f, "c", "late", "p3"), out));
  EXPECT_EQ(w.stats().dropped_late, 1u);

  w.advance("unknown", kT0 + 99'000'000, out);  // unknown entity: nothing
  EXPECT_EQ(out.size(), 2u);

  w.forget("acme");
  EXPECT_EQ(w.held(), 0u);
  EXPECT_EQ(w.next_close("acme"), std::nullopt);
  EXPECT_EQ(w.stream_time("acme"), std::nullopt);
}

TEST(Windows, ForgetIsUndoneByRollbackWhenStaged) {
  Windows w(one_minute());
  std::vector<core::Aggregate> out;
  ASSERT_TRUE(w.add(mention("acme", kT0 + 1000, Label::negative, -0.5f, "a", "outage", "p1"), out));
  w.commit();
  w.forget("acme");
  EXPECT_EQ(w.held(), 0u);
  w.rollback();
  EXPECT_EQ(w.held(), 1u);
}

// ---- lateness measured in hours (issue #15) ------------------------------------------------

TEST(Windows, DefaultLatenessIsHoursSoAnOldestFirstFeedLosesNothing) {
  EXPECT_EQ(WindowsOptions{}.allowed_lateness, 6h);
  WindowsOptions o;
  o.sizes = {1min};
  Windows w(o);
  std::vector<core::Aggregate> out;
  // A newer post moves the clock 2 hours on, then a feed served oldest-first arrives.
  ASSERT_TRUE(w.add(mention("acme", kT0 + 2h / 1ms, Label::neutral, 0, "n", "new", "new"), out));
  for (int i = 0; i < 74; ++i) {
    ASSERT_TRUE(w.add(mention("acme", kT0 + i * 60'000LL + 5'000, Label::negative, -0.5f,
                              id("a", i), "late", id("rss", i)),
                      out));
  }
  EXPECT_EQ(w.stats().dropped_late, 0u);
  EXPECT_EQ(w.stats().added, 75u);
  // Every one of the 74 late minutes was emitted (it is complete), holding its mention.
  std::int64_t negatives = 0;
  for (const auto& a : out) negatives += a.negative;
  EXPECT_EQ(negatives, 74);
}

TEST(Windows, ALateMentionWithinTheBoundUpdatesAndReEmitsItsWindow) {
  WindowsOptions o;
  o.sizes = {1min};
  o.allowed_lateness = 3h;
  Windows w(o);
  std::vector<core::Aggregate> out;
  ASSERT_TRUE(w.add(mention("acme", kT0 + 1000, Label::positive, 0.5f, "a", "ok", "p1"), out));
  ASSERT_TRUE(w.add(mention("acme", kT0 + 61'000, Label::neutral, 0, "b", "x", "p2"), out));
  ASSERT_EQ(out.size(), 1u);  // minute 0 emitted, version 1
  EXPECT_EQ(out[0].version, 1);
  ASSERT_TRUE(w.add(mention("acme", kT0 + 2h / 1ms, Label::neutral, 0, "c", "x", "p3"), out));
  out.clear();
  // Two hours late: inside the 3h bound, minute 0 is updated and re-emitted as version 2
  // (the compacted aggregates topic keeps the corrected one under the same key).
  ASSERT_TRUE(w.add(mention("acme", kT0 + 2000, Label::negative, -0.7f, "d", "bad", "p4"), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start, core::format_rfc3339_ms(kT0));
  EXPECT_EQ(out[0].version, 2);
  EXPECT_EQ(out[0].volume, 2);
  EXPECT_EQ(out[0].negative, 1);
  EXPECT_EQ(w.stats().late_updates, 1u);
  EXPECT_EQ(w.stats().dropped_late, 0u);
}

TEST(Windows, BeyondTheBoundIsCountedAndReportedWithEntityAndDelay) {
  WindowsOptions o;
  o.sizes = {1min, 1h};
  o.allowed_lateness = 1h;
  std::vector<std::pair<std::string, std::int64_t>> reported;
  o.on_dropped_late = [&](const std::string& e, std::int64_t d) { reported.emplace_back(e, d); };
  Windows w(o);
  std::vector<core::Aggregate> out;
  ASSERT_TRUE(w.add(mention("acme", kT0 + 5h / 1ms, Label::neutral, 0, "a", "x", "p1"), out));
  out.clear();
  ASSERT_TRUE(w.add(mention("acme", kT0 + 1000, Label::negative, -0.5f, "b", "x", "p2"), out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(w.stats().dropped_late, 2u);  // one per window size
  ASSERT_EQ(reported.size(), 1u);        // one report per mention
  EXPECT_EQ(reported[0].first, "acme");
  EXPECT_EQ(reported[0].second, 5 * 3'600'000LL - 1000);
}

}  // namespace
}  // namespace earshot::pipeline::react
