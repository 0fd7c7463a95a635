// earshot::sinks — the reply sender process (issue 14): follows the replies topic and hands
// approved replies to ReplySender (reply_sender.h), writing its outbox records back to the
// same topic.
//
// State is the compacted replies topic itself: the runner's consumer group
// ("<log.group>.replies.sender", so two instances split the partitions) never commits
// offsets, so every start and every newly assigned partition is read from the beginning.
// While catching up it only records the latest state of each reply (a record whose history
// is shorter than one already seen is older); once at the end it acts on every reply whose
// latest state is `approved` or `sending` (a crash between the call and `sent`), then on
// each new one as it arrives. Records are written with an idempotent producer and flushed
// before the platform is called (ReplySender's publisher contract). Retries wait in memory
// (Retry-After/backoff) without blocking other replies. Helpdesk case records (platform
// "helpdesk") go to HelpdeskCaseSender (helpdesk_case.h) with the same outbox states.
//
//   ReplyRunner runner(cfg, log, http);
//   runner.run(stop);                       // until stop is set
//
// Thread safety: run() on one thread; the counters from any thread. Lifetime: the Log and
// the client must outlive the runner.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/config/config.h"
#include "pipeline/core/http_client.h"
#include "pipeline/log/log.h"
#include "sinks/helpdesk_case.h"
#include "sinks/reply_sender.h"

namespace earshot::sinks {

struct ReplyRunnerCounters {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> undecodable{0};  // records of the replies topic that did not decode
  // Helpdesk cases (helpdesk_case.h), not counted in sent/failed above.
  std::atomic<std::uint64_t> cases_opened{0};
  std::atomic<std::uint64_t> cases_failed{0};
};

class ReplyRunner {
 public:
  ReplyRunner(const pipeline::config::Config& cfg, pipeline::log::Log& log,
              std::shared_ptr<pipeline::core::HttpClient> http, ReplySenderOptions options = {},
              std::function<std::int64_t()> now_ms = {});
  pipeline::core::Status run(const std::atomic<bool>& stop);
  const ReplyRunnerCounters& counters() const { return counters_; }
  // Time from a post's created_at to its reply's `sent` (this process's sends), seconds:
  // the q-quantile (0..1) of the last 10000, or -1 when there is none yet.
  double post_to_sent_seconds(double q) const;

 private:
  void act(const pipeline::core::ReplyIntent& r);

  pipeline::config::Config cfg_;
  pipeline::log::Log& log_;
  std::shared_ptr<pipeline::core::HttpClient> http_;
  ReplySenderOptions options_;
  std::function<std::int64_t()> now_ms_;
  ReplyRunnerCounters counters_;
  std::map<std::string, pipeline::core::ReplyIntent> latest_;  // by reply id
  std::map<std::string, std::int64_t> due_;                    // retries: id -> when (ms)
  std::unique_ptr<ReplySender> sender_;
  std::unique_ptr<HelpdeskCaseSender> cases_;  // platform "helpdesk" records
  mutable std::mutex latency_mu_;
  std::vector<double> latencies_;  // seconds, a ring of 10000
};

}  // namespace earshot::sinks
