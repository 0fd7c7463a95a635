// earshot::pipeline::react — event-time tumbling windows per entity over Mention records.
//
// Windows turns the `mentions` stream into Aggregate records (DESIGN.md §2): per entity and
// per window size (1m, 1h by default), counts per label, mean score, volume, unique authors
// (an exact set up to `exact_authors` authors, then a HyperLogLog sketch, ~1.6% error), top
// terms and the most negative posts.
//
// Time is event time (Mention::created_at), tracked per entity, so an entity's results depend
// only on the order of its own mentions — the order of its Kafka partition — and never on how
// partitions interleave, how records were batched, or on the wall clock. That is what lets a
// restart (replaying the same mentions) rebuild exactly the state of an uninterrupted run.
//
//   stream time(entity) = max event time seen for the entity
//   watermark(entity)   = stream time − allowed_lateness
//   - a window [start, end) is emitted (version 1) once stream time reaches `end`;
//   - a mention for an emitted window whose end is still after the watermark updates it and
//     re-emits it with version + 1 (late, inside the allowed lateness);
//   - a mention for a window whose end is at or before the watermark is dropped, counted in
//     stats().dropped_late (per window size) and reported once through
//     options.on_dropped_late (entity, delay); the window's state is forgotten at that point.
// The default allowed lateness is 6 hours (social data is late by nature: feeds served
// oldest-first, backfills, slow instances). State bound: per entity and window size, the
// windows of the last allowed_lateness + one window (6h of 1m windows = 361, plus 7 of 1h).
//   - a `retract` mention (platform delete) subtracts what its original added: label count,
//     score, its terms, its author (exactly while the author set is exact; a sketch cannot
//     forget, so above `exact_authors` unique_authors stays an upper estimate) and removes it
//     from the top negative posts. A retract therefore carries the original's created_at,
//     sentiment, author and text.
//
//   Windows w({.sizes = {1min, 1h}, .allowed_lateness = 6h});
//   std::vector<Aggregate> out;
//   w.add(mention, out);            // appends the aggregates this mention closed or updated
//   w.commit();                     // or w.rollback(): undo everything since the last commit
//
// Staging (options.staged, on by default): every change since the last commit() is undoable
// with rollback(). The undo log keeps one copy of each entity's state as it was before its
// first change since commit() — cheap for rare commits, costly for one every few hundred
// mentions (an hour window's author and term sets are copied each time), so the react stage
// turns it off and rebuilds from the log after an abort instead.
//
// Quiet streams: a window closes only when the entity's stream time passes its end, i.e. when
// a newer mention arrives. advance() moves stream time without a mention; the react stage
// calls it on the wall clock when a partition has been quiet for windows.idle_close, so for
// quiet streams (and only for them) the output also depends on arrival timing. The react
// stage records each advance in its checkpoint topic so a restart replays it at the same
// point and rebuilds the same state.
//
// Thread safety: not thread-safe; one owner thread. Lifetime: plain value, owns its state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pipeline/core/records.h"
#include "pipeline/core/status.h"
#include "pipeline/react/staged_map.h"

namespace earshot::pipeline::react {

struct WindowsOptions {
  std::vector<std::chrono::milliseconds> sizes{std::chrono::minutes(1), std::chrono::hours(1)};
  std::chrono::milliseconds allowed_lateness{std::chrono::hours(6)};
  std::size_t exact_authors = 1024;  // above this many authors, a HyperLogLog sketch
  std::size_t top_terms = 10;
  std::size_t top_negative = 5;
  std::size_t max_terms = 4096;  // distinct terms tracked per window (singletons pruned)
  // Keep the undo log that rollback() needs. Off: no copies (much faster when commits are
  // frequent), commit() and rollback() do nothing, and a caller that must undo rebuilds the
  // state instead (the react stage replays the log).
  bool staged = true;
  // Called once per mention dropped beyond the allowed lateness (for at least one size):
  // entity, how far behind the entity's stream time it was (ms). Optional; stats count them.
  std::function<void(const std::string& entity, std::int64_t delay_ms)> on_dropped_late;
};

struct WindowsStats {
  std::uint64_t added = 0;
  std::uint64_t retracted = 0;
  std::uint64_t late_updates = 0;  // accepted inside the allowed lateness after emission
  std::uint64_t dropped_late = 0;  // beyond the allowed lateness
  std::uint64_t bad_time = 0;      // created_at not an RFC 3339 instant
  bool operator==(const WindowsStats&) const = default;
};

// HyperLogLog with 2^12 registers; exact-set fallback is kept by the caller.
class HyperLogLog {
 public:
  HyperLogLog() : registers_(kRegisters, 0) {}
  void add(std::uint64_t hash);
  double estimate() const;
  bool operator==(const HyperLogLog&) const = default;
  static constexpr int kPrecision = 12;
  static constexpr std::size_t kRegisters = std::size_t{1} << kPrecision;

 private:
  std::vector<std::uint8_t> registers_;
};

// A stable 64-bit hash (FNV-1a + a murmur finaliser), identical across runs and builds.
std::uint64_t stable_hash(std::string_view s);

// The words that count as terms: lower-cased ASCII letters and digits, 3+ characters, not a
// stop word, not all digits; each distinct term once per text.
std::vector<std::string> extract_terms(std::string_view text);

class Windows {
 public:
  explicit Windows(WindowsOptions options = {});
  ~Windows();
  Windows(Windows&&) noexcept;
  Windows& operator=(Windows&&) noexcept;

  // Adds (or retracts) one mention; appends the aggregates it closes or updates to `out`.
  // Errors: kInvalidArgument when created_at is not RFC 3339 (counted in stats().bad_time,
  // nothing changes).
  core::Status add(const core::Mention& m, std::vector<core::Aggregate>& out);

  // Advances the entity's stream time to `to_ms` (never backwards) as if a mention of that
  // event time had arrived with no content: emits the windows that are now complete and
  // forgets those beyond the allowed lateness. Used by the react stage to close the windows
  // of a quiet stream on the wall clock (windows.idle_close). Unknown entity: nothing.
  void advance(const std::string& entity, std::int64_t to_ms, std::vector<core::Aggregate>& out);
  // The stream time at which the entity's next window would be emitted (the earliest end
  // of a window not emitted yet), or nullopt when nothing is pending.
  std::optional<std::int64_t> next_close(const std::string& entity) const;
  // The entity's stream time (max event time seen or advanced to), nullopt when unknown.
  std::optional<std::int64_t> stream_time(const std::string& entity) const;
  // Drops every window of the entity (its partition went to another instance). Stats stay.
  void forget(const std::string& entity);

  // Emits every window still held (not yet emitted, or updated since) without closing it;
  // for shutdown and tests that compare with a batch computation.
  void snapshot(std::vector<core::Aggregate>& out) const;

  void commit();
  void rollback();

  const WindowsStats& stats() const { return stats_; }
  const WindowsOptions& options() const { return options_; }
  // Windows currently held in memory, all entities and sizes.
  std::size_t held() const;

  struct WindowState;  // windows.cc
  struct EntityState;

 private:
  EntityState& touch(const std::string& entity);
  // Emits the windows that end at or before the stream time, forgets the ones beyond the
  // allowed lateness.
  void close_complete(const std::string& entity, EntityState& e, std::vector<core::Aggregate>& out);

  WindowsOptions options_;
  StagedMap<EntityState, WindowsStats> entities_;  // with the undo log when staged
  WindowsStats stats_;
};

// Combined comparator-friendly key of an aggregate: "entity|size|start" (the topic key).
std::string aggregate_key(const core::Aggregate& a);

}  // namespace earshot::pipeline::react
