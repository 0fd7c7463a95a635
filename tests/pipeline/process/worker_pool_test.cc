// WorkerPool: every item once and in its own slot, on every worker, exceptions, cancellation,
// superseded jobs, disposal off the calling thread and a prompt destructor.
#include "pipeline/process/worker_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace earshot::pipeline::process {
namespace {

using namespace std::chrono_literals;

// Waits up to 20 s for `done`.
template <class Pred>
bool eventually(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(WorkerPool, RunCallsEveryItemOnceInItsOwnSlot) {
  WorkerPool pool(3);
  for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 1000u}) {
    std::vector<std::size_t> out(n, 0);
    std::vector<std::atomic<int>> calls(n);
    pool.run(n, [&](std::size_t i) {
      out[i] = i * i + 1;
      ++calls[i];
    });
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(out[i], i * i + 1) << "n " << n << " item " << i;
      ASSERT_EQ(calls[i].load(), 1) << "n " << n << " item " << i;
    }
  }
}

// The workers run a submitted job by themselves, all of them at once: the first item of each
// chunk waits until every worker holds a chunk, which only N threads together can satisfy.
TEST(WorkerPool, EveryWorkerRunsASubmittedJobWithoutTheCaller) {
  constexpr int kThreads = 3;
  constexpr std::size_t kItems = kThreads * WorkerPool::kChunk;
  WorkerPool pool(kThreads);
  EXPECT_EQ(pool.threads(), kThreads);
  std::mutex mu;
  std::condition_variable met;
  std::set<std::thread::id> threads;
  std::atomic<std::size_t> ran{0};
  auto job = pool.submit(kItems, [&](std::size_t i) {
    if (i % WorkerPool::kChunk == 0) {
      std::unique_lock lock(mu);
      threads.insert(std::this_thread::get_id());
      met.notify_all();
      met.wait_for(lock, 10s, [&] { return threads.size() == kThreads; });
    }
    ++ran;
  });
  ASSERT_TRUE(eventually([&] { return ran.load() == kItems; }));  // no wait() yet
  pool.wait(*job);
  std::lock_guard lock(mu);
  EXPECT_EQ(threads.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(WorkerPool, WaitRethrowsTheFirstExceptionAndSkipsTheRest) {
  WorkerPool pool(2);
  constexpr std::size_t kItems = 10000, kThrows = 5 * WorkerPool::kChunk;
  std::atomic<bool> thrown{false};
  std::atomic<std::size_t> later{0};  // items of chunks after the failing one that ran
  try {
    pool.run(kItems, [&](std::size_t i) {
      if (i == kThrows) {
        thrown = true;
        throw std::runtime_error("item " + std::to_string(i));
      }
      if (i >= kThrows + WorkerPool::kChunk) {
        // After the throw, give the thrower time to unwind and mark the job failed.
        (void)eventually([&] { return thrown.load(); });
        std::this_thread::sleep_for(10ms);
        ++later;
      }
    });
    FAIL() << "run() did not rethrow";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "item 40");
  }
  EXPECT_LT(later.load(), kItems / 2);  // a chunk already taken finishes; the rest is skipped
  std::atomic<std::size_t> ran{0};      // the pool goes on
  pool.run(100, [&](std::size_t) { ++ran; });
  EXPECT_EQ(ran.load(), 100u);
}

TEST(WorkerPool, CancelSkipsTheItemsNotStarted) {
  WorkerPool pool(1);
  std::atomic<bool> started{false}, release{false};
  std::atomic<std::size_t> ran{0};
  auto job = pool.submit(1000, [&](std::size_t i) {
    if (i == 0) {
      started = true;
      (void)eventually([&] { return release.load(); });
    }
    ++ran;
  });
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  job->cancel();
  release = true;
  pool.wait(*job);  // returns once the worker's chunk is done
  EXPECT_TRUE(job->cancelled());
  EXPECT_EQ(ran.load(), WorkerPool::kChunk);
}

// Workers move on to the newest job; an older one is finished by wait() on the caller.
TEST(WorkerPool, ASupersededJobIsStillFinishedByWait) {
  WorkerPool pool(1);
  std::vector<int> a(500, 0), b(500, 0);
  auto first = pool.submit(a.size(), [&](std::size_t i) { a[i] += 1; });
  auto second = pool.submit(b.size(), [&](std::size_t i) { b[i] += 2; });
  pool.wait(*second);
  pool.wait(*first);
  EXPECT_EQ(std::count(a.begin(), a.end(), 1), 500);
  EXPECT_EQ(std::count(b.begin(), b.end(), 2), 500);
}

TEST(WorkerPool, DisposeFreesOnAWorkerThread) {
  struct Probe {
    explicit Probe(std::promise<std::thread::id>* p) : freed(p) {}
    ~Probe() { freed->set_value(std::this_thread::get_id()); }
    std::promise<std::thread::id>* freed;
  };
  WorkerPool pool(1);
  std::promise<std::thread::id> freed;
  auto by = freed.get_future();
  pool.dispose(std::make_shared<Probe>(&freed));
  ASSERT_EQ(by.wait_for(20s), std::future_status::ready);
  EXPECT_NE(by.get(), std::this_thread::get_id());
}

TEST(WorkerPool, DestructorStopsAnUnfinishedJobAndJoins) {
  constexpr std::size_t kItems = 100000;  // 1 ms each: minutes if the destructor waited
  auto ran = std::make_shared<std::atomic<std::size_t>>(0);
  std::shared_ptr<WorkerPool::Job> job;
  {
    WorkerPool pool(2);
    job = pool.submit(kItems, [ran](std::size_t) {
      ++*ran;
      std::this_thread::sleep_for(1ms);
    });
    ASSERT_TRUE(eventually([&] { return ran->load() > 0; }));
  }
  const std::size_t after = ran->load();
  EXPECT_LT(after, kItems);  // the destructor did not wait for the job to finish
  EXPECT_TRUE(job->cancelled());
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(ran->load(), after);  // the threads are gone
}

}  // namespace
}  // namespace earshot::pipeline::process
