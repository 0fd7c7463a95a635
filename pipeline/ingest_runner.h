// earshot::pipeline — runs Sources into the posts topic, exactly once.
//
// Each poll of a source that yields posts, dead letters or a new cursor becomes one
// transaction: the posts (key uid), the dead letters, and the source's cursor (key = source
// name, on a compacted cursor topic). On start every source is restored from its last
// committed cursor, so a crash or kill -9 neither loses nor repeats posts. A failed commit
// is aborted and the source is restored to the last committed cursor before it polls again.
//
//   IngestRunner runner(log, std::move(sources), {.posts = "earshot.posts", ...});
//   if (auto st = runner.restore(); !st) ...;
//   runner.run(stop);                       // until stop, or every finite source ended
//
// Thread safety: one thread drives a runner. Lifetime: owns its sources; `log` outlives it.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/log.h"
#include "pipeline/source.h"

namespace earshot::pipeline {

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
  static Result<std::unique_ptr<IngestRunner>> create(Log& log, std::vector<std::unique_ptr<Source>> sources,
                                                      IngestOptions options);
  // Reads the cursor topic to its end and restores every source from its cursor.
  Status restore();
  // Polls each source once; returns how many posts were committed.
  Result<std::size_t> step();
  // Steps until `stop`, or until every source reported end_of_stream (when finite_ok).
  Status run(const std::atomic<bool>& stop, bool stop_when_all_ended);
  bool all_ended() const;

  const IngestCounters& counters() const { return counters_; }
  std::vector<SourceHealth> health() const;

 private:
  IngestRunner(Log& log, IngestOptions options) : log_(log), options_(std::move(options)) {}
  Result<std::size_t> step_one(std::size_t i, std::chrono::milliseconds timeout);

  Log& log_;
  IngestOptions options_;
  std::unique_ptr<Producer> producer_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<std::string> committed_;  // last committed cursor per source
  std::vector<bool> ended_;
  IngestCounters counters_;
};

}  // namespace earshot::pipeline
