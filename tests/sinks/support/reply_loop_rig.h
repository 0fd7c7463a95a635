// Test support (sinks): the reply loop of reply_loop_test.cc and bluesky_loop_test.cc on the
// embedded log — scored posts → reply stage (planner, transactional) → replies topic → sender
// (ReplyRunner) → the platform's fixture server. The planner and the sender run on threads of
// their own until stop_all() or the rig's end; a failed ASSERT in them fails the test.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "pipeline/codec/json_codec.h"
#include "pipeline/log/log.h"
#include "pipeline/log/transactional_loop.h"
#include "pipeline/react/reply_stage.h"
#include "sinks/reply_runner.h"

namespace earshot::sinks::testing_support {

// The wall clock in ms: the loop's planner judges a post's age by it, so tests date posts from it.
inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ReplyLoopRig {
  pipeline::config::Config cfg;
  std::unique_ptr<pipeline::log::Log> log =
      std::move(*pipeline::log::open_log({.kind = "embedded"}));
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;

  // An embedded log with the scored topic (3 partitions) for `config`.
  explicit ReplyLoopRig(pipeline::config::Config config) : cfg(std::move(config)) {
    EXPECT_TRUE(log->create_topics({{cfg.log.topic("scored"), 3, false}}));
  }
  ~ReplyLoopRig() { stop_all(); }

  // Writes `posts` to the scored topic, keyed by uid, and flushes.
  void write(const std::vector<pipeline::core::ScoredPost>& posts) {
    auto producer = std::move(*log->producer({}));
    for (const auto& sp : posts) {
      ASSERT_TRUE(
          producer->produce(cfg.log.topic("scored"), sp.post.uid, pipeline::codec::encode(sp)));
    }
    ASSERT_TRUE(producer->flush(std::chrono::seconds(10)));
  }
  // The reply stage in a transactional loop (instance "0").
  void start_planner() {
    threads.emplace_back([this] {
      auto h = pipeline::react::ReplyStage::create(cfg, *log);
      ASSERT_TRUE(h) << h.error().message;
      auto loop = pipeline::log::TransactionalLoop::create(
          *log, pipeline::react::reply_stage_loop_options(cfg, "0"));
      ASSERT_TRUE(loop);
      ASSERT_TRUE((*loop)->run(**h, stop));
    });
  }
  // The sender, talking to `platform` (a fixture server).
  void start_sender(std::shared_ptr<pipeline::core::HttpClient> platform) {
    threads.emplace_back([this, platform] {
      ReplyRunner runner(cfg, *log, platform);
      ASSERT_TRUE(runner.run(stop));
    });
  }
  // Stops the planner and the sender and waits for them.
  void stop_all() {
    stop = true;
    for (auto& t : threads) t.join();
    threads.clear();
  }
};

}  // namespace earshot::sinks::testing_support
