// earshot::pipeline::react::StagedMap — per-key state (one entry per entity) with an undo log, for
// stages that stage a batch's changes and make them real only on commit
// (transactional_loop.h: on_commit / on_abort).
//
// When staged, the first touch() of a key since commit() saves a copy of its state (or that
// it was absent), and the first touch() of any key saves the caller's stats; rollback()
// restores both. Unstaged, touch() only finds or creates.
//
//   StagedMap<EntityState, Stats> entities(/*staged=*/true);
//   EntityState& e = entities.touch("acme", stats_);   // before changing e or stats_
//   ...
//   entities.rollback(stats_);                          // or entities.commit();
//
// Thread safety: none; one owner. Lifetime: references from touch() stay valid until the key
// is erased or a rollback() replaces its state.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace earshot::pipeline::react {

template <typename State, typename Stats>
class StagedMap {
 public:
  using Map = std::unordered_map<std::string, std::unique_ptr<State>>;

  explicit StagedMap(bool staged) : staged_(staged) {}

  // The state of `key`, created by `init(State&)` after default construction when absent.
  template <typename Init>
  State& touch(const std::string& key, const Stats& stats, Init&& init) {
    auto it = map_.find(key);
    if (staged_ && !undo_.contains(key)) {
      undo_.emplace(key, it == map_.end() ? nullptr : std::make_unique<State>(*it->second));
    }
    if (staged_ && !undo_stats_) undo_stats_ = stats;
    if (it == map_.end()) {
      it = map_.emplace(key, std::make_unique<State>()).first;
      init(*it->second);
    }
    return *it->second;
  }
  State& touch(const std::string& key, const Stats& stats) {
    return touch(key, stats, [](State&) {});
  }

  // Removes `key` (a no-op when absent), undoably when staged.
  void erase(const std::string& key, const Stats& stats) {
    if (!map_.contains(key)) return;
    touch(key, stats);
    map_.erase(key);
  }

  void commit() {
    undo_.clear();
    undo_stats_.reset();
  }

  // Restores every key touched since commit(), and `stats` as it was at the first touch.
  void rollback(Stats& stats) {
    for (auto& [key, before] : undo_) {
      if (before) {
        map_[key] = std::move(before);
      } else {
        map_.erase(key);
      }
    }
    undo_.clear();
    if (undo_stats_) stats = *undo_stats_;
    undo_stats_.reset();
  }

  const Map& map() const { return map_; }

 private:
  bool staged_;
  Map map_;
  Map undo_;  // key -> its state before the first change since commit() (null: absent)
  std::optional<Stats> undo_stats_;
};

}  // namespace earshot::pipeline::react
