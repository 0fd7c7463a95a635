#include "pipeline/process/worker_pool.h"

#include <algorithm>
#include <utility>

namespace earshot::pipeline::process {

WorkerPool::WorkerPool(int threads) {
  const int n = threads > 0 ? threads : 1;
  workers_.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { worker_main(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;  // workers skip the items they have not started, of any job
    if (current_) current_->cancel();
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

std::shared_ptr<WorkerPool::Job> WorkerPool::submit(std::size_t n, Task fn) {
  std::shared_ptr<Job> job(new Job(n, std::move(fn)));
  {
    std::lock_guard lock(mu_);
    // The job it replaces may hold the last reference to its results: a worker frees them.
    if (current_) garbage_.push_back(std::move(current_));
    current_ = job;
    ++generation_;
  }
  wake_.notify_all();
  return job;
}

void WorkerPool::wait(Job& job) {
  work_on(job);
  std::exception_ptr error;
  {
    std::unique_lock lock(job.mu_);
    job.finished_.wait(lock, [&] { return job.done_.load() == job.n_; });
    error = job.error_;
  }
  {
    std::lock_guard lock(mu_);  // the pool need not keep a finished job alive
    if (current_.get() == &job) current_.reset();
  }
  if (error) std::rethrow_exception(error);
}

void WorkerPool::run(std::size_t n, Task fn) {
  auto job = submit(n, std::move(fn));
  wait(*job);
}

void WorkerPool::dispose(std::shared_ptr<void> garbage) {
  {
    std::lock_guard lock(mu_);
    garbage_.push_back(std::move(garbage));
  }
  wake_.notify_one();
}

// Takes chunks until none is left. A chunk of a stopped job is counted without being run, so
// done_ always reaches n_ and wait() returns.
void WorkerPool::work_on(Job& job) {
  const std::size_t n = job.n_;
  for (;;) {
    const std::size_t b = job.next_.fetch_add(kChunk);
    if (b >= n) return;
    const std::size_t e = std::min(n, b + kChunk);
    if (stopping_.load(std::memory_order_relaxed)) job.cancel();
    if (!job.stopped()) {
      try {
        for (std::size_t i = b; i < e; ++i) job.fn_(i);
      } catch (...) {
        std::lock_guard lock(job.mu_);
        if (!job.error_) job.error_ = std::current_exception();
        job.failed_ = true;
      }
    }
    if (job.done_.fetch_add(e - b) + (e - b) == n) {
      std::lock_guard lock(job.mu_);
      job.finished_.notify_all();
    }
  }
}

void WorkerPool::worker_main() {
  std::uint64_t seen = 0;
  for (;;) {
    std::shared_ptr<Job> job;
    std::vector<std::shared_ptr<void>> garbage;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen || !garbage_.empty(); });
      if (stopping_) return;
      garbage.swap(garbage_);
      if (generation_ != seen) {
        seen = generation_;
        job = current_;  // null when wait() already finished it
      }
    }
    if (job) work_on(*job);
    garbage.clear();
  }
}

}  // namespace earshot::pipeline::process
