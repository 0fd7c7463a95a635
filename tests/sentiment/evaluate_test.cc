#include "sentiment/evaluate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace earshot::sentiment {
namespace {

constexpr Label N = Label::negative;
constexpr Label U = Label::neutral;
constexpr Label P = Label::positive;

TEST(ComputeReport, MatchesHandComputedMetrics) {
  // gold:      N N N U U P P P P P
  // predicted: N N U U P P P P N U
  const std::vector<Label> gold = {N, N, N, U, U, P, P, P, P, P};
  const std::vector<Label> pred = {N, N, U, U, P, P, P, P, N, U};
  const EvalReport r = compute_report(gold, pred);
  EXPECT_EQ(r.count, 10u);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.6);
  // recall: N 2/3, U 1/2, P 3/5; precision: N 2/3, U 1/3, P 3/4
  EXPECT_DOUBLE_EQ(r.per_class[0].recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.per_class[1].recall, 0.5);
  EXPECT_DOUBLE_EQ(r.per_class[2].recall, 0.6);
  EXPECT_DOUBLE_EQ(r.per_class[1].precision, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.per_class[2].precision, 0.75);
  EXPECT_NEAR(r.macro_recall, (2.0 / 3.0 + 0.5 + 0.6) / 3.0, 1e-12);
  const double f1_n = 2.0 / 3.0;
  const double f1_u = 2.0 * (1.0 / 3.0) * 0.5 / (1.0 / 3.0 + 0.5);
  const double f1_p = 2.0 * 0.75 * 0.6 / (0.75 + 0.6);
  EXPECT_NEAR(r.macro_f1, (f1_n + f1_u + f1_p) / 3.0, 1e-12);
  EXPECT_EQ(r.confusion[0][1], 1u);
  EXPECT_EQ(r.confusion[2][0], 1u);
  EXPECT_EQ(r.confusion[2][2], 3u);
  EXPECT_EQ(r.per_class[2].support, 5u);
}

TEST(ComputeReport, UnpredictedClassHasZeroPrecision) {
  const EvalReport r = compute_report({N, P}, {P, P});
  EXPECT_DOUBLE_EQ(r.per_class[0].precision, 0.0);
  EXPECT_DOUBLE_EQ(r.per_class[0].recall, 0.0);
  EXPECT_DOUBLE_EQ(r.per_class[1].recall, 0.0);  // no gold neutral
  EXPECT_DOUBLE_EQ(r.accuracy, 0.5);
}

TEST(FormatReport, StartsWithTheThreeMetricLines) {
  const EvalReport r = compute_report({N, U, P, P}, {N, U, P, U});
  const std::string text = format_report(r);
  EXPECT_EQ(text.rfind("accuracy: 0.7500\nmacro_recall: 0.8333\nmacro_f1: 0.7778\n", 0), 0u)
      << text;
  EXPECT_NE(text.find("negative"), std::string::npos);
  EXPECT_NE(text.find("confusion"), std::string::npos);
}

TEST(ParseTsv, ReadsLabelsAndStripsText) {
  auto data = parse_tsv("positive\tlove it \nneutral\tthe sky\n\n2\tgreat\r\n0\tbad\n", "t.tsv");
  ASSERT_TRUE(data.has_value()) << data.error();
  ASSERT_EQ(data->labels.size(), 4u);
  EXPECT_EQ(data->labels[0], P);
  EXPECT_EQ(data->labels[1], U);
  EXPECT_EQ(data->labels[2], P);
  EXPECT_EQ(data->labels[3], N);
  EXPECT_EQ(data->texts[0], "love it");
  EXPECT_EQ(data->texts[2], "great");
}

TEST(ParseTsv, ErrorsNameTheLine) {
  auto bad_label = parse_tsv("positive\tok\nhappy\tyay\n", "d.tsv");
  ASSERT_FALSE(bad_label.has_value());
  EXPECT_NE(bad_label.error().find("d.tsv:2:"), std::string::npos) << bad_label.error();
  EXPECT_NE(bad_label.error().find("happy"), std::string::npos);
  auto no_tab = parse_tsv("positive\tok\n\nneutral no tab\n", "d.tsv");
  ASSERT_FALSE(no_tab.has_value());
  EXPECT_NE(no_tab.error().find("d.tsv:3:"), std::string::npos) << no_tab.error();
}

TEST(ReadTsv, MissingFileIsAnError) {
  auto data = read_tsv("/nonexistent/earshot/data.tsv");
  ASSERT_FALSE(data.has_value());
  EXPECT_NE(data.error().find("/nonexistent/earshot/data.tsv"), std::string::npos);
}

class FixedScorer final : public Scorer {
 public:
  Sentiment score(std::string_view text) const override {
    Sentiment s;
    s.label = text.find("good") != std::string_view::npos ? P : N;
    return s;
  }
  std::string_view id() const override { return "fixed"; }
};

TEST(Evaluate, ScoresEveryTextAndReportsProgress) {
  Dataset data;
  data.labels = {P, N, U};
  data.texts = {"good", "bad", "meh"};
  double last = 0.0;
  const EvalReport r = evaluate(FixedScorer(), data, [&](double p) { last = p; });
  EXPECT_EQ(r.count, 3u);
  EXPECT_NEAR(r.accuracy, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(r.confusion[1][0], 1u);
  EXPECT_DOUBLE_EQ(last, 1.0);
}

}  // namespace
}  // namespace earshot::sentiment
