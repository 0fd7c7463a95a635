#include "ingest/ingest_runner.h"

#include <algorithm>

#include "ingest/normalize.h"
#include "pipeline/codec/json_codec.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {
namespace {
std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

pipeline::core::Result<std::unique_ptr<IngestRunner>> IngestRunner::create(
    pipeline::log::Log& log, std::vector<std::unique_ptr<Source>> sources, IngestOptions options) {
  std::unique_ptr<IngestRunner> r(new IngestRunner(log, std::move(options)));
  auto p = log.producer({.transactional_id = r->options_.transactional_id});
  EARSHOT_TRY(p);
  r->producer_ = std::move(*p);
  r->sources_ = std::move(sources);
  r->committed_.assign(r->sources_.size(), "");
  r->ended_.assign(r->sources_.size(), false);
  r->stats_.assign(r->sources_.size(), Committed{});
  r->health_.resize(r->sources_.size());
  for (std::size_t i = 0; i < r->sources_.size(); ++i) r->refresh_health(i);
  return r;
}

pipeline::core::Result<std::map<std::string, std::string>> IngestRunner::read_cursors() {
  auto reader = log_.consumer({.group = "", .topics = {options_.cursors}, .on_revoke = {}});
  EARSHOT_TRY(reader);
  std::map<std::string, std::string> latest;
  if (auto st = pipeline::log::read_to_end(
          **reader, [&](pipeline::log::Record& r) { latest[r.key] = std::move(r.value); },
          std::chrono::seconds(60), "cursor topic " + options_.cursors);
      !st) {
    return std::unexpected(st.error());
  }
  return latest;
}

pipeline::core::Status IngestRunner::restore() {
  auto cursors = read_cursors();
  EARSHOT_TRY(cursors);
  const std::map<std::string, std::string>& latest = *cursors;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    auto it = latest.find(sources_[i]->name());
    if (it == latest.end()) continue;
    if (auto st = sources_[i]->restore(it->second); !st) {
      return pipeline::core::fail(
          st.error().code, "source " + sources_[i]->name() + ": bad cursor: " + st.error().message);
    }
    committed_[i] = it->second;
    refresh_health(i);
  }
  return pipeline::core::ok();
}

pipeline::core::Result<std::size_t> IngestRunner::step_one(std::size_t i,
                                                           std::chrono::milliseconds timeout) {
  Source& src = *sources_[i];
  auto batch = src.poll(timeout);
  if (!batch) {
    ++counters_.poll_errors;  // the source backs off by itself; the runner goes on
    ++stats_[i].poll_errors;
    return std::size_t{0};
  }
  if (batch->end_of_stream) ended_[i] = true;
  if (batch->posts.empty() && batch->dead.empty() && batch->cursor == committed_[i])
    return std::size_t{0};
  std::int64_t now = wall_ms();
  {
    // A post process would refuse (the codec's strict checks) is dead-lettered here, where it
    // is counted for its source, instead of being counted as ingested and refused later.
    std::string ingested = pipeline::core::format_rfc3339_ms(now);
    std::vector<pipeline::core::Post> valid;
    valid.reserve(batch->posts.size());
    for (auto& post : batch->posts) {
      if (post.ingested_at.empty()) post.ingested_at = ingested;
      std::string wire = pipeline::codec::encode(post);
      if (auto back = pipeline::codec::decode_post(wire); !back) {
        pipeline::core::DeadLetter d =
            make_dead_letter(src.name(), back.error().message, std::move(wire));
        d.key = post.uid;
        batch->dead.push_back(std::move(d));
        continue;
      }
      valid.push_back(std::move(post));
    }
    batch->posts = std::move(valid);
  }
  std::int64_t newest = 0;
  auto attempt = [&]() -> pipeline::core::Status {
    EARSHOT_TRY(producer_->begin());
    std::string ingested = pipeline::core::format_rfc3339_ms(now);
    for (auto& post : batch->posts) {
      if (post.ingested_at.empty()) post.ingested_at = ingested;
      if (auto t = pipeline::core::parse_rfc3339_ms(post.created_at); t && *t > newest) newest = *t;
      EARSHOT_TRY(producer_->produce(options_.posts, post.uid, pipeline::codec::encode(post)));
    }
    for (auto& d : batch->dead) {
      if (d.stage.empty()) d.stage = "ingest:" + src.name();
      if (d.at.empty()) d.at = ingested;
      EARSHOT_TRY(producer_->produce(options_.deadletter, d.key, pipeline::codec::encode(d)));
    }
    EARSHOT_TRY(producer_->produce(options_.cursors, src.name(), batch->cursor));
    return producer_->commit();
  };
  pipeline::core::Status st = attempt();
  if (!st && st.error().code == pipeline::core::ErrorCode::kTimeout &&
      batch->cursor != committed_[i]) {
    // Outcome unknown (the producer was recreated; the broker decided). Ask the log: the
    // transaction committed exactly when this source's latest committed cursor is the batch's.
    auto latest = read_cursors();
    if (latest) {
      auto it = latest->find(src.name());
      if (it != latest->end() && it->second == batch->cursor) st = pipeline::core::ok();
    }
  }
  if (!st) {
    ++counters_.aborts;
    ++stats_[i].aborts;
    (void)producer_->abort();
    // Nothing of this poll is in the log: tell the source, then poll the same items again.
    src.on_aborted();
    EARSHOT_TRY(src.restore(committed_[i]));
    ended_[i] = false;
    if (st.error().code == pipeline::core::ErrorCode::kFenced) return std::unexpected(st.error());
    return std::size_t{0};
  }
  committed_[i] = batch->cursor;
  src.on_committed();
  ++counters_.commits;
  counters_.posts += batch->posts.size();
  counters_.dead_letters += batch->dead.size();
  Committed& c = stats_[i];
  ++c.commits;
  c.posts += static_cast<std::int64_t>(batch->posts.size());
  c.dead += static_cast<std::int64_t>(batch->dead.size());
  c.last_commit_ms = wall_ms();
  if (newest > c.last_event_ms) {
    c.last_event_ms = newest;
    c.lag_seconds = std::max<double>(0.0, static_cast<double>(now - newest) / 1000.0);
  }
  return batch->posts.size();
}

void IngestRunner::refresh_health(std::size_t i) {
  SourceHealth h = sources_[i]->health();
  const Committed& c = stats_[i];
  h.committed_posts = c.posts;
  h.committed_dead = c.dead;
  h.commits = c.commits;
  h.aborts = c.aborts;
  h.poll_errors = c.poll_errors;
  h.last_commit_ms = c.last_commit_ms;
  h.last_event_ms = c.last_event_ms;
  h.lag_seconds = c.lag_seconds;
  h.cursor = committed_[i];
  std::lock_guard lock(health_mu_);
  health_[i] = std::move(h);
}

pipeline::core::Result<std::size_t> IngestRunner::step() {
  std::size_t total = 0;
  std::size_t active = 0;
  for (std::size_t i = 0; i < sources_.size(); ++i) active += !ended_[i];
  auto share = std::chrono::milliseconds(
      std::max<std::int64_t>(1, options_.poll_timeout.count() / std::max<std::size_t>(1, active)));
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (ended_[i]) continue;
    auto n = step_one(i, share);
    refresh_health(i);
    if (!n) return n;
    total += *n;
  }
  return total;
}

bool IngestRunner::all_ended() const {
  for (bool e : ended_) {
    if (!e) return false;
  }
  return true;
}

pipeline::core::Status IngestRunner::run(const std::atomic<bool>& stop, bool stop_when_all_ended) {
  while (!stop.load()) {
    if (stop_when_all_ended && all_ended()) break;
    auto n = step();
    EARSHOT_TRY(n);
  }
  return pipeline::core::ok();
}

std::vector<SourceHealth> IngestRunner::health() const {
  std::lock_guard lock(health_mu_);
  return health_;
}

}  // namespace earshot::ingest
