// ReactHandler's restore and rebuild: a partition's windows and open alerts are state
// derived from the log, so a restart, a rebalance or an abort rebuilds them by reading the
// checkpoint topic and replaying the mentions topic (react_stage.h has the contract).
#include <nlohmann/json.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/status.h"
#include "pipeline/react/react_stage.h"

namespace earshot::pipeline::react {

namespace {

using Clock = std::chrono::steady_clock;

// Reads `topic` from the beginning to its end (no consumer group), calling `fn` per record;
// `done` may end the read early. kTimeout after `timeout`.
template <class Fn, class Done>
core::Status read_to_end(log::Log& log, const std::string& topic, std::chrono::milliseconds timeout,
                         Fn fn, Done done) {
  const auto deadline = Clock::now() + timeout;
  // A topic created a moment ago may not be known to every broker yet: retry a while.
  auto consumer = log.consumer({.group = "", .topics = {topic}});
  while (!consumer && consumer.error().code != core::ErrorCode::kFatal &&
         consumer.error().code != core::ErrorCode::kInvalidArgument && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    consumer = log.consumer({.group = "", .topics = {topic}});
  }
  EARSHOT_TRY(consumer);
  for (;;) {
    auto batch = (*consumer)->poll(1000, std::chrono::milliseconds(200));
    if (!batch) {
      if (batch.error().code == core::ErrorCode::kFatal) return std::unexpected(batch.error());
    } else {
      for (const log::Record& r : *batch) fn(r);
      if ((*consumer)->at_end() || done()) return core::ok();
    }
    if (Clock::now() > deadline) {
      return core::fail(core::ErrorCode::kTimeout,
                        "react restore: reading " + topic + " did not reach its end in time");
    }
  }
}

}  // namespace

core::Result<ReactHandler::Checkpoints> ReactHandler::read_checkpoints() {
  Checkpoints out;
  auto st = read_to_end(
      log_, options_.checkpoint_topic, options_.restore_timeout,
      [&](const log::Record& r) {
        auto j = nlohmann::json::parse(r.value, nullptr, /*allow_exceptions=*/false);
        if (!j.is_object() || !j.contains("topic") || !j.contains("partition")) return;
        if (!j["topic"].is_string() || j["topic"].get<std::string>() != options_.mentions_topic)
          return;
        if (!j["partition"].is_number_integer()) return;
        const auto p = j["partition"].get<std::int32_t>();
        if (j.contains("next") && j["next"].is_number_integer()) {
          out.next[p] = j["next"].get<std::int64_t>();
        } else if (j.contains("at") && j["at"].is_number_integer() && j.contains("advance_to") &&
                   j["advance_to"].is_number_integer()) {
          out.advances[p].push_back(
              {j["at"].get<std::int64_t>(), j["advance_to"].get<std::int64_t>()});
        }
      },
      [] { return false; });
  EARSHOT_TRY(st);
  return out;
}

void ReactHandler::forget_partition(std::int32_t p) {
  if (auto it = parts_.find(p); it != parts_.end()) {
    for (const auto& e : it->second.entities) {
      windows_->forget(e);
      alerts_->forget(e);
    }
    parts_.erase(it);
  }
  applied_.erase(p);
  owned_.erase(p);
}

core::Status ReactHandler::restore() { return rebuild({}); }

core::Status ReactHandler::rebuild(const std::set<std::int32_t>& only) {
  const bool full = only.empty();
  const std::uint64_t late_beyond_before = stats_.late_beyond;
  if (full) {
    ++stats_.restores;
    auto engine = AlertEngine::create(rules_, options_.alerts);
    EARSHOT_TRY(engine);
    alerts_ = std::move(*engine);
    windows_ = std::make_unique<Windows>(options_.windows);
    applied_.clear();
    parts_.clear();
    owned_.clear();
  } else {
    ++stats_.partial_restores;
    for (auto p : only) forget_partition(p);
  }
  auto ckpt = read_checkpoints();
  EARSHOT_TRY(ckpt);
  auto wanted = [&](std::int32_t p) { return full || only.contains(p); };
  std::map<std::int32_t, std::int64_t> targets;
  for (const auto& [p, next] : ckpt->next) {
    if (wanted(p)) targets[p] = next;
  }
  std::map<std::int32_t, std::size_t> next_advance;  // index into ckpt->advances[p]
  std::vector<core::Aggregate> aggs;
  std::vector<core::Alert> alerts;
  // Applies the recorded idle advances of `p` that happened before offset `offset`.
  auto advances_before = [&](std::int32_t p, std::int64_t offset) {
    auto it = ckpt->advances.find(p);
    if (it == ckpt->advances.end()) return;
    std::size_t& i = next_advance[p];
    for (; i < it->second.size() && it->second[i].at <= offset; ++i) {
      aggs.clear();
      alerts.clear();
      apply_advance(p, it->second[i].to_ms, aggs, alerts);
    }
  };
  if (!targets.empty()) {
    std::map<std::int32_t, std::int64_t> seen;
    auto st = read_to_end(
        log_, options_.mentions_topic, options_.restore_timeout,
        [&](const log::Record& r) {
          seen[r.partition] = std::max(seen[r.partition], r.offset + 1);
          auto c = targets.find(r.partition);
          if (c == targets.end() || r.offset >= c->second) return;
          advances_before(r.partition, r.offset);
          auto m = codec::decode_mention(r.value);
          if (!m) return;
          aggs.clear();
          alerts.clear();
          if (apply(*m, r.partition, aggs, alerts)) ++stats_.replayed;
        },
        [&] {
          for (const auto& [p, next] : targets) {
            if (seen[p] < next) return false;
          }
          return true;
        });
    if (!st) return st;
  }
  for (const auto& [p, next] : targets) {
    advances_before(p, next);
    applied_[p] = next;
  }
  const std::int64_t t = now();
  for (auto& [p, part] : parts_) {
    if (wanted(p)) part.last_arrival = t;
  }
  windows_->commit();
  alerts_->commit();
  if (full) stale_ = false;
  late_notes_.clear();  // the replay's late mentions were reported when first seen
  stats_.late_beyond = late_beyond_before;
  return core::ok();
}

core::Status ReactHandler::take_ownership(const std::set<std::int32_t>& parts) {
  std::set<std::int32_t> fresh;
  for (auto p : parts) {
    if (!owned_.contains(p)) fresh.insert(p);
  }
  if (fresh.empty()) return core::ok();
  // A partition this handler did not hold since its last rebuild may have been moved on by
  // another instance: compare with the committed checkpoint and rebuild it when it differs.
  auto ckpt = read_checkpoints();
  EARSHOT_TRY(ckpt);
  std::set<std::int32_t> moved;
  for (auto p : fresh) {
    auto c = ckpt->next.find(p);
    auto a = applied_.find(p);
    const bool same =
        c == ckpt->next.end() ? a == applied_.end() : a != applied_.end() && a->second == c->second;
    if (!same) moved.insert(p);
  }
  if (!moved.empty()) {
    EARSHOT_TRY(rebuild(moved));
  }
  const std::int64_t t = now();
  for (auto p : fresh) {
    owned_.insert(p);
    parts_[p].last_arrival = std::max(parts_[p].last_arrival, t);
  }
  return core::ok();
}

}  // namespace earshot::pipeline::react
