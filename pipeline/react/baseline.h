// earshot::pipeline::react — robust baselines for spike rules (alert_rules.h).
//
// A spike rule compares a window's value with the windows before it: the baseline is their
// median, the threshold the median plus `sensitivity` robust standard deviations (1.4826 ×
// the median absolute deviation), with a floor on that spread so that a flat history does not
// make every wobble a spike — for counts the Poisson spread √max(median, 1), for a share the
// binomial standard error at this window's volume (the median share clamped to [0.05, 0.95]).
//
//   Baseline b = count_baseline(history, /*sensitivity=*/3.0);
//   if (observed > b.threshold) ...   // a spike
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace earshot::pipeline::react {

struct Baseline {
  double median = 0, threshold = 0;
};

// The median of `v` (0 when empty).
double median_of(std::vector<double> v);
// For volumes: the floor of the spread is √max(median, 1).
Baseline count_baseline(const std::deque<double>& history, double sensitivity);
// For shares in [0, 1] of a window of `volume` posts: the floor is the binomial standard error.
Baseline share_baseline(const std::deque<double>& history, double sensitivity, std::int64_t volume);

}  // namespace earshot::pipeline::react
