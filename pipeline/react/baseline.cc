#include "pipeline/react/baseline.h"

#include <algorithm>
#include <cmath>

namespace earshot::pipeline::react {
namespace {

// The median of `history` and its median absolute deviation.
std::pair<double, double> median_and_mad(const std::deque<double>& history) {
  std::vector<double> v(history.begin(), history.end());
  const double median = median_of(v);
  for (double& x : v) x = std::abs(x - median);
  return {median, median_of(std::move(v))};
}

}  // namespace

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

Baseline count_baseline(const std::deque<double>& history, double sensitivity) {
  const auto [median, mad] = median_and_mad(history);
  const double scale = std::max(1.4826 * mad, std::sqrt(std::max(median, 1.0)));
  return {median, median + sensitivity * scale};
}

Baseline share_baseline(const std::deque<double>& history, double sensitivity,
                        std::int64_t volume) {
  const auto [median, mad] = median_and_mad(history);
  const double p = std::clamp(median, 0.05, 0.95);
  const double se = std::sqrt(p * (1 - p) / static_cast<double>(std::max<std::int64_t>(volume, 1)));
  return {median, median + sensitivity * std::max(1.4826 * mad, se)};
}

}  // namespace earshot::pipeline::react
