// Test support shared by every folder's tests: a virtual steady clock for code that takes an
// injectable clock (a `now` and a `sleep` function, e.g. sinks::WaitClock). Its sleep returns
// at once and moves time forward, so a 30 s backoff costs nothing and a test asserts on the
// time that passed, not on the wall clock.
//
//   VirtualClock clock;
//   policy.clock = {clock.now_fn(), clock.sleep_fn()};
//   clock.on_sleep([&](milliseconds elapsed) { if (elapsed >= 300ms) stop = true; });
//   deliver(...);
//   EXPECT_EQ(clock.elapsed(), 1000ms);
//
// Thread safety: every member may be called from any thread; the hook runs on the sleeping
// thread, after time moved, without the clock's lock held.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

namespace earshot::testing {

class VirtualClock {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  time_point now() const {
    std::lock_guard lock(mu_);
    return start_ + elapsed_;
  }
  // Moves time forward by `d` (what a sleep of `d` would have taken), then runs the hook.
  void sleep(std::chrono::milliseconds d) {
    std::chrono::milliseconds elapsed;
    std::function<void(std::chrono::milliseconds)> hook;
    {
      std::lock_guard lock(mu_);
      elapsed_ += d;
      sleeps_.push_back(d);
      elapsed = elapsed_;
      hook = hook_;
    }
    if (hook) hook(elapsed);
  }
  // Called after every sleep with the time elapsed since the clock was made.
  void on_sleep(std::function<void(std::chrono::milliseconds elapsed)> hook) {
    std::lock_guard lock(mu_);
    hook_ = std::move(hook);
  }
  std::chrono::milliseconds elapsed() const {
    std::lock_guard lock(mu_);
    return elapsed_;
  }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(mu_);
    return sleeps_;
  }
  // now() and sleep() as functions, for an injectable clock (the clock must outlive them).
  std::function<time_point()> now_fn() {
    return [this] { return now(); };
  }
  std::function<void(std::chrono::milliseconds)> sleep_fn() {
    return [this](std::chrono::milliseconds d) { sleep(d); };
  }

 private:
  mutable std::mutex mu_;
  time_point start_{std::chrono::hours(1)};  // any fixed point: nothing reads it as a date
  std::chrono::milliseconds elapsed_{0};
  std::vector<std::chrono::milliseconds> sleeps_;
  std::function<void(std::chrono::milliseconds)> hook_;
};

}  // namespace earshot::testing
