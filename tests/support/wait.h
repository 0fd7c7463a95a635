// Test support shared by every folder's tests: wait for a condition, with a deadline, instead
// of sleeping and hoping it happened.
//
//   ASSERT_TRUE(wait_until(within(10s), [&] { return rx.request_count() == 2; }, "both alerts at
//   the receiver"))
//       << "the receiver has " << rx.request_count();
//
// wait_until() polls `predicate` on the calling thread (every `poll`) until it holds — then
// it returns at once — or until `deadline` has passed and a last try failed. The result
// converts to bool; a failure reads "timed out after 10000 ms waiting for both alerts at the
// receiver". To show that something does NOT happen, wait for the condition under which it
// would have happened by now (a consumer caught up, a counter reached) and then check.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>
#include <thread>

namespace earshot::testing {

using WaitClock = std::chrono::steady_clock;

// The deadline `d` from now.
inline WaitClock::time_point within(std::chrono::milliseconds d) { return WaitClock::now() + d; }

inline ::testing::AssertionResult wait_until(
    WaitClock::time_point deadline, const std::function<bool()>& predicate, std::string_view what,
    std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto start = WaitClock::now();
  for (;;) {
    if (predicate()) return ::testing::AssertionSuccess();
    const auto now = WaitClock::now();
    if (now >= deadline) {
      return ::testing::AssertionFailure()
             << "timed out after "
             << std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count()
             << " ms waiting for " << what;
    }
    std::this_thread::sleep_for(std::min<WaitClock::duration>(poll, deadline - now));
  }
}

}  // namespace earshot::testing
