// earshot::ingest — runs Sources into the posts topic, exactly once.
//
// Each poll of a source that yields posts, dead letters or a new cursor becomes one
// transaction: the posts (key uid), the dead letters, and the source's cursor (key = source
// name, on a compacted cursor topic). On start every source is restored from its last
// committed cursor, so a crash or kill -9 neither loses nor repeats posts. A failed commit
// is aborted and the source is restored to the last committed cursor before it polls again;
// a commit whose outcome is unknown (kTimeout) is settled by reading the cursor topic back.
// After each transaction the source hears the outcome (Source::on_committed/on_aborted), so a
// push source answers its senders only once their posts are durable.
//
//   IngestRunner runner(log, std::move(sources), {.posts = "earshot.posts", ...});
//   if (auto st = runner.restore(); !st) ...;
//   runner.run(stop);                       // until stop, or every finite source ended
//
// Health for /metrics: health() and counters() may be called from any thread while another
// thread drives the runner. health() returns a copy of a snapshot the driving thread refreshes
// after every poll of a source (so it is at most one poll old); it never touches a source.
//
//   for (const SourceHealth& h : runner.health())   // e.g. from the metrics endpoint's thread
//     out << "earshot_ingest_posts_total{source=\"" << h.name << "\"} " << h.committed_posts;
//
// Thread safety: one thread drives a runner (restore, step, run); health() and counters() are
// safe from any thread. Lifetime: owns its sources; `log` outlives it.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/source.h"
#include "pipeline/log/log.h"

namespace earshot::ingest {

struct IngestOptions {
  std::string posts;
  std::string deadletter;
  std::string cursors;
  std::string transactional_id;
  std::chrono::milliseconds poll_timeout{200};
};

struct IngestCounters {
  std::atomic<std::uint64_t> posts{0}, dead_letters{0}, commits{0}, aborts{0}, poll_errors{0};
};

class IngestRunner {
 public:
  static pipeline::core::Result<std::unique_ptr<IngestRunner>> create(
      pipeline::log::Log& log, std::vector<std::unique_ptr<Source>> sources, IngestOptions options);
  // Reads the cursor topic to its end and restores every source from its cursor.
  pipeline::core::Status restore();
  // Polls each source once; returns how many posts were committed.
  pipeline::core::Result<std::size_t> step();
  // Steps until `stop`, or until every source reported end_of_stream (when finite_ok).
  pipeline::core::Status run(const std::atomic<bool>& stop, bool stop_when_all_ended);
  bool all_ended() const;

  // Totals over all sources. Safe from any thread.
  const IngestCounters& counters() const { return counters_; }
  // One entry per source, in config order: the source's own counters plus what the runner
  // committed for it (SourceHealth's second block). Safe from any thread.
  std::vector<SourceHealth> health() const;

 private:
  // What the runner knows about one source; touched by the driving thread only.
  struct Committed {
    std::int64_t posts = 0, dead = 0, commits = 0, aborts = 0, poll_errors = 0;
    std::int64_t last_commit_ms = 0, last_event_ms = 0;
    double lag_seconds = 0;
  };

  IngestRunner(pipeline::log::Log& log, IngestOptions options)
      : log_(log), options_(std::move(options)) {}
  pipeline::core::Result<std::size_t> step_one(std::size_t i, std::chrono::milliseconds timeout);
  void refresh_health(std::size_t i);
  // The latest committed cursor per source name (reads the cursor topic to its end).
  pipeline::core::Result<std::map<std::string, std::string>> read_cursors();

  pipeline::log::Log& log_;
  IngestOptions options_;
  std::unique_ptr<pipeline::log::Producer> producer_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<std::string> committed_;  // last committed cursor per source
  std::vector<bool> ended_;
  std::vector<Committed> stats_;
  IngestCounters counters_;
  mutable std::mutex health_mu_;
  std::vector<SourceHealth> health_;  // guarded by health_mu_
};

}  // namespace earshot::ingest
