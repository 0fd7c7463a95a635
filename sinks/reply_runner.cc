// The reply sender process (reply_runner.h).
#include "sinks/reply_runner.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"

namespace earshot::sinks {

namespace core = pipeline::core;
using std::chrono::milliseconds;

ReplyRunner::ReplyRunner(const pipeline::config::Config& cfg, pipeline::log::Log& log,
                         std::shared_ptr<core::HttpClient> http, ReplySenderOptions options,
                         std::function<std::int64_t()> now_ms)
    : cfg_(cfg),
      log_(log),
      http_(std::move(http)),
      options_(std::move(options)),
      now_ms_(std::move(now_ms)) {
  if (!now_ms_) {
    now_ms_ = [] {
      return std::chrono::duration_cast<milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

void ReplyRunner::act(const core::ReplyIntent& r) {
  if (r.status != core::ReplyStatus::approved && r.status != core::ReplyStatus::sending) return;
  const bool is_case = r.platform == "helpdesk";
  auto step = is_case ? cases_->handle(r, now_ms_()) : sender_->handle(r, now_ms_());
  if (!step) {  // the outbox record could not be written: nothing was called; try again
    due_[r.id] = now_ms_() + 1000;
    ++counters_.retries;
    return;
  }
  if (step->retry) {
    due_[r.id] = now_ms_() + step->retry_after.count();
    ++counters_.retries;
    return;
  }
  due_.erase(r.id);
  if (is_case) {
    if (step->status == core::ReplyStatus::sent) ++counters_.cases_opened;
    if (step->status == core::ReplyStatus::failed) ++counters_.cases_failed;
    return;
  }
  if (step->status == core::ReplyStatus::sent) {
    ++counters_.sent;
    if (auto created = core::parse_rfc3339_ms(r.post_created_at)) {
      std::lock_guard lock(latency_mu_);
      if (latencies_.size() >= 10'000) latencies_.erase(latencies_.begin());
      latencies_.push_back(static_cast<double>(now_ms_() - *created) / 1000.0);
    }
  }
  if (step->status == core::ReplyStatus::failed) ++counters_.failed;
}

double ReplyRunner::post_to_sent_seconds(double q) const {
  std::vector<double> v;
  {
    std::lock_guard lock(latency_mu_);
    v = latencies_;
  }
  if (v.empty()) return -1;
  std::size_t i =
      std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

core::Status ReplyRunner::run(const std::atomic<bool>& stop) {
  const std::string topic = cfg_.log.topic("replies");
  EARSHOT_TRY(log_.create_topics({{topic, 3, /*compacted=*/true}}));
  auto producer = log_.producer({});
  if (!producer) return std::unexpected(producer.error());
  // Partitions taken away (eagerly: all of them) are read again from the beginning when
  // assigned (no committed offsets), so forget everything: the new owner acts on them.
  auto consumer = log_.consumer({.group = cfg_.log.group + ".replies.sender",
                                 .topics = {topic},
                                 .on_revoke = [this](const auto&) {
                                   latest_.clear();
                                   due_.clear();
                                 }});
  if (!consumer) return std::unexpected(consumer.error());
  auto publish = [&](const core::ReplyIntent& r) -> core::Status {
    EARSHOT_TRY((*producer)->produce(topic, core::reply_topic_key(r), pipeline::codec::encode(r)));
    EARSHOT_TRY((*producer)->flush(milliseconds(30'000)));
    latest_[r.id] = r;
    return core::ok();
  };
  sender_ = std::make_unique<ReplySender>(cfg_.replies.accounts, http_, publish, options_);
  cases_ = std::make_unique<HelpdeskCaseSender>(cfg_.replies.helpdesk, http_, publish, options_.by);

  // A record with a longer history than the one known is newer (our own records come back
  // with the same length and are skipped).
  auto newer = [&](const core::ReplyIntent& r) {
    auto it = latest_.find(r.id);
    return it == latest_.end() || r.history.size() > it->second.history.size();
  };
  std::set<std::string> dirty;  // replies whose latest state changed, not acted on yet
  while (!stop.load()) {
    auto batch = (*consumer)->poll(500, milliseconds(200));
    if (!batch) return std::unexpected(batch.error());
    for (const auto& rec : *batch) {
      auto r = pipeline::codec::decode_reply(rec.value);
      if (!r) {
        ++counters_.undecodable;
        continue;
      }
      if (!newer(*r)) continue;
      latest_[r->id] = *r;
      dirty.insert(r->id);
    }
    // Act only when every assigned partition is read to its end: a record in the middle
    // of a partition may be followed by its `sent`.
    if (!(*consumer)->at_end()) continue;
    for (const auto& id : dirty) {
      if (!due_.contains(id)) act(core::ReplyIntent(latest_[id]));
    }
    dirty.clear();
    const std::int64_t now = now_ms_();
    for (auto [id, when] : std::map(due_)) {
      if (when <= now && latest_.contains(id)) act(core::ReplyIntent(latest_[id]));
    }
  }
  return core::ok();
}

}  // namespace earshot::sinks
