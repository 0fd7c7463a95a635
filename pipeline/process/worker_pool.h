// earshot::pipeline::process — a persistent pool of threads that runs fn(i) for every item
// of a job.
//
// The process stage's per-record work (decode, enrich, fingerprint, encode) is independent
// from record to record and costs tens of microseconds, so it runs on N threads that live as
// long as the stage (no thread start per batch). A job is `n` items and a function; workers
// take items in chunks of kChunk and call fn(i) for each. Results keep their order because
// fn(i) writes them to slot i of the caller's own vector. A job can be started ahead
// (submit() returns at once) and waited for later: the stage prepares batch N+1 while batch
// N commits.
//
//   WorkerPool pool(2);
//   std::vector<std::string> out(in.size());
//   pool.run(in.size(), [&](std::size_t i) { out[i] = encode(in[i]); });   // out[i] ↔ in[i]
//
//   auto job = pool.submit(n, [state](std::size_t i) { state->work(i); });  // ahead
//   ...
//   pool.wait(*job);        // helps with the items left, then waits for the rest
//   pool.dispose(state);    // a worker frees it, off the calling thread
//
// Workers run the newest submitted job; a job submitted earlier and not finished is finished
// by the workers already on it and by wait(), which runs items on the calling thread too (so
// a pool of N threads runs a waited-for job on N + 1). An exception thrown by fn stops the
// job (items not started are skipped) and wait() rethrows the first one on the calling
// thread. cancel() skips the items not started; wait() on a cancelled job returns once the
// items being run finish.
//
// Thread safety: submit(), wait(), run() and dispose() are for one thread at a time (the
// owner's); fn runs on several threads at once and must be safe for that. Lifetime: threads
// start in the constructor; the destructor cancels every job, waits for the items being run
// and joins. What fn refers to must outlive the job's last item: capture shared state by
// shared_ptr for jobs that may be abandoned (cancelled and not waited for).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace earshot::pipeline::process {

class WorkerPool {
 public:
  using Task = std::function<void(std::size_t)>;
  static constexpr std::size_t kChunk = 8;  // items a thread takes at once

  // One submitted job. Held by the submitter and by the workers running it.
  class Job {
   public:
    std::size_t size() const { return n_; }
    // Items not started yet are skipped (an item being run finishes).
    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

   private:
    friend class WorkerPool;
    Job(std::size_t n, Task fn) : fn_(std::move(fn)), n_(n) {}
    bool stopped() const { return cancelled() || failed_.load(std::memory_order_relaxed); }

    Task fn_;
    std::size_t n_;
    std::atomic<std::size_t> next_{0};  // first item not taken yet
    std::atomic<std::size_t> done_{0};  // items run or skipped
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> failed_{false};
    std::mutex mu_;
    std::condition_variable finished_;  // done_ reached n_
    std::exception_ptr error_;          // guarded by mu_; the first exception fn threw
  };

  // `threads` < 1 counts as 1.
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()); }

  // Starts fn(0) … fn(n - 1) on the workers and returns at once.
  std::shared_ptr<Job> submit(std::size_t n, Task fn);
  // Runs items of `job` on the calling thread until none is left, then waits for the items
  // the workers are running. Rethrows the first exception fn threw.
  void wait(Job& job);
  // submit() and wait().
  void run(std::size_t n, Task fn);
  // Destroys `garbage` (its last reference, if this is it) on a worker thread, so that
  // freeing a batch's worth of strings does not hold up the calling thread.
  void dispose(std::shared_ptr<void> garbage);

 private:
  void work_on(Job& job);
  void worker_main();

  std::atomic<bool> stopping_{false};  // set once, by the destructor
  std::mutex mu_;
  std::condition_variable wake_;
  std::shared_ptr<Job> current_;                // guarded by mu_; the newest job
  std::uint64_t generation_ = 0;                // guarded by mu_; bumped per submit()
  std::vector<std::shared_ptr<void>> garbage_;  // guarded by mu_; for a worker to free
  std::vector<std::thread> workers_;
};

}  // namespace earshot::pipeline::process
