#include "pipeline/react/baseline.h"

#include <gtest/gtest.h>

#include <cmath>

namespace earshot::pipeline::react {
namespace {

TEST(Baseline, MedianOfOddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(median_of({3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median_of({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median_of({}), 0.0);
}

TEST(Baseline, AFlatCountHistoryFallsBackToThePoissonSpread) {
  // MAD is 0: the spread is sqrt(median) = 3, so the threshold is 9 + 2 * 3.
  const Baseline b = count_baseline({9, 9, 9, 9}, 2.0);
  EXPECT_DOUBLE_EQ(b.median, 9.0);
  EXPECT_DOUBLE_EQ(b.threshold, 15.0);
  // An empty or all-zero history still needs more than one post: sqrt(max(0, 1)) = 1.
  EXPECT_DOUBLE_EQ(count_baseline({}, 3.0).threshold, 3.0);
}

TEST(Baseline, ANoisyCountHistoryUsesTheRobustSpread) {
  // median 10, deviations {8, 2, 0, 2, 8}: MAD 2, and 1.4826 * 2 < sqrt(10), so the floor
  // wins; with wider noise the robust spread wins.
  const Baseline narrow = count_baseline({2, 8, 10, 12, 18}, 1.0);
  EXPECT_DOUBLE_EQ(narrow.threshold, 10 + std::sqrt(10.0));
  const Baseline wide = count_baseline({0, 4, 10, 16, 20}, 1.0);  // deviations 10 6 0 6 10
  EXPECT_DOUBLE_EQ(wide.threshold, 10 + 1.4826 * 6);
}

TEST(Baseline, AShareHistoryUsesTheBinomialErrorAtThisVolume) {
  // median share 0.2; flat history: spread = sqrt(0.2 * 0.8 / 100) = 0.04.
  const Baseline b = share_baseline({0.2, 0.2, 0.2}, 3.0, 100);
  EXPECT_DOUBLE_EQ(b.median, 0.2);
  EXPECT_NEAR(b.threshold, 0.2 + 3 * 0.04, 1e-12);
  // A smaller window is noisier, so its threshold is higher.
  EXPECT_GT(share_baseline({0.2, 0.2, 0.2}, 3.0, 10).threshold, b.threshold);
  // The median is clamped to [0.05, 0.95] for the error, so a zero history still has a spread.
  EXPECT_GT(share_baseline({0, 0, 0}, 3.0, 100).threshold, 0.0);
}

}  // namespace
}  // namespace earshot::pipeline::react
