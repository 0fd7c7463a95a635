// Test doubles for code that takes a core::HttpClient (the HTTP customer directory):
//
// ScriptedHttp answers each request with the test's handler — at once, or, after hold(),
// parks it until the test releases it: a server exactly as slow as the test wants, with no
// sleeps. It records every request and the most requests it ever had parked at once.
//
//   ScriptedHttp http([](const core::HttpRequest& r) { return ScriptedHttp::reply(200,
//   R"({"id":"c1"})"); }); http.hold(); std::thread t([&] { src->find(who); });
//   ASSERT_TRUE(http.wait_parked(1));   // the request is out, unanswered
//   http.release_one();                 // now it is answered (on this thread)
//
// ManualClock is a steady clock that moves only when the test advances it.
//
// Thread safety: all members may be called from any thread; answers (the callers' `done`)
// run without the double's lock held. Lifetime: parked requests still unanswered at
// destruction are dropped unanswered.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/core/http_client.h"

namespace earshot::pipeline::testing {

class ScriptedHttp final : public core::HttpClient {
 public:
  using Handler = std::function<core::Result<core::HttpResponse>(const core::HttpRequest&)>;

  explicit ScriptedHttp(Handler handler) : handler_(std::move(handler)) {}

  static core::Result<core::HttpResponse> reply(int status, std::string body) {
    core::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }

  core::Result<core::HttpResponse> send(const core::HttpRequest& request) override {
    note(request);
    return handler_(request);
  }

  void send_async(core::HttpRequest request, Done done) override {
    {
      std::lock_guard lock(mu_);
      seen_.push_back(request);
      if (holding_) {
        parked_.emplace_back(std::move(request), std::move(done));
        peak_ = std::max(peak_, parked_.size());
        cv_.notify_all();
        return;
      }
    }
    done(handler_(request));
  }

  // From now on requests wait until released.
  void hold() {
    std::lock_guard lock(mu_);
    holding_ = true;
  }

  // Answers the oldest parked request; false when none is parked.
  bool release_one() {
    std::pair<core::HttpRequest, Done> p;
    {
      std::lock_guard lock(mu_);
      if (parked_.empty()) return false;
      p = std::move(parked_.front());
      parked_.pop_front();
    }
    p.second(handler_(p.first));
    return true;
  }

  // Stops holding and answers every parked request.
  void release() {
    {
      std::lock_guard lock(mu_);
      holding_ = false;
    }
    while (release_one()) {
    }
  }

  // Waits until at least `n` requests are parked; false if they did not come within `within`.
  bool wait_parked(std::size_t n, std::chrono::milliseconds within = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, within, [&] { return parked_.size() >= n; });
  }

  std::size_t parked() const {
    std::lock_guard lock(mu_);
    return parked_.size();
  }
  std::size_t peak_parked() const {
    std::lock_guard lock(mu_);
    return peak_;
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(seen_.size());
  }
  std::vector<core::HttpRequest> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void note(const core::HttpRequest& request) {
    std::lock_guard lock(mu_);
    seen_.push_back(request);
  }

  Handler handler_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool holding_ = false;
  std::deque<std::pair<core::HttpRequest, Done>> parked_;
  std::vector<core::HttpRequest> seen_;
  std::size_t peak_ = 0;
};

class ManualClock {
 public:
  std::chrono::steady_clock::time_point now() const {
    std::lock_guard lock(mu_);
    return now_;
  }
  void advance(std::chrono::steady_clock::duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }
  // For options that take a clock function; the clock must outlive its users.
  std::function<std::chrono::steady_clock::time_point()> fn() {
    return [this] { return now(); };
  }

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
};

}  // namespace earshot::pipeline::testing
