// earshot::pipeline::process — near-duplicate detection over a window of SimHash
// fingerprints (simhash.h).
//
// Bot waves and cross-posts repeat a text with small changes (a handle, a link, a word).
// NearDuplicates remembers the SimHash of the last `capacity` posts and says whether a new
// text is within `max_distance` bits of one of them. Lookup uses four 16-bit bands (any
// fingerprint within 3 bits shares at least one band exactly), so it stays O(1). Each band
// keeps a fingerprint once however often it repeats (a count per fingerprint tracks the
// copies in the window), so a bot wave of 50,000 identical posts costs one comparison per
// post, not 50,000.
//
//   NearDuplicates nd(50000);
//   bool dup = nd.check_and_add("Acme Air lost my bag again!! http://x.example/1");
//
// How: the distinct fingerprints of the window live in a fixed pool of entries (at most
// capacity + 1), found by fingerprint through an open-addressing table of entry numbers.
// Each entry sits on four intrusive lists, one per band, whose heads are a flat array
// indexed by the band's value. Nothing is allocated after construction.
//
// Staged (for a transactional stage): every add since the last commit() is logged, and
// rollback() takes them back newest first — re-admitting what they evicted — so a batch read
// again after an abort meets the window it met the first time instead of matching itself.
//
//   NearDuplicates nd(50000, 3, /*staged=*/true);
//   nd.check_and_add_hash(h);   // in handle()
//   nd.commit();                // on_commit(), or nd.rollback() in on_abort()
//
// Thread safety: not thread-safe; one per processing thread or behind the caller's lock.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace earshot::pipeline::process {

class NearDuplicates {
 public:
  explicit NearDuplicates(std::size_t capacity = 50000, int max_distance = 3, bool staged = false);
  // True when a remembered text is within max_distance bits; remembers this one either way.
  bool check_and_add(std::string_view text);
  bool check_and_add_hash(std::uint64_t h);
  // Staged only (no-ops otherwise): make the adds since the last commit() final, or undo them.
  void commit();
  void rollback();

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  struct Entry {
    std::uint64_t hash = 0;
    std::uint32_t copies = 0;             // copies of `hash` in ring_
    std::array<std::uint32_t, 4> next{};  // per band: next entry with the same band key
    std::array<std::uint32_t, 4> prev{};  // per band: previous entry, kNone at the head
  };
  std::uint32_t band_key(int band, std::uint64_t h) const;
  std::size_t home(std::uint64_t h) const;
  std::uint32_t find(std::uint64_t h) const;  // entry of `h` or kNone
  std::uint32_t insert(std::uint64_t h);      // a new entry for `h` (not present)
  std::uint32_t admit(std::uint64_t h);       // one copy more of `h`, its entry made if absent
  void forget(std::uint32_t entry);           // one copy fewer; frees the entry at zero

  std::size_t capacity_;
  int max_distance_;
  std::vector<std::uint32_t> ring_;  // entries of the window, oldest first once full
  std::size_t next_ = 0;
  std::vector<Entry> entries_;        // capacity + 1 (the newest is added before the oldest goes)
  std::vector<std::uint32_t> free_;   // unused entries
  std::vector<std::uint32_t> slots_;  // open addressing, hash → entry; kNone = empty
  std::size_t slot_mask_ = 0;
  int slot_shift_ = 0;
  // heads_[band << band_bits_ | key]: first entry whose band value maps to key. With fewer
  // than 65,536 keys per band (small windows) several band values share a list, so a
  // candidate must also match the band exactly.
  std::vector<std::uint32_t> heads_;
  int band_bits_ = 16;
  // The open batch's adds, oldest first (staged only).
  struct Added {
    std::uint64_t hash;     // the fingerprint added
    std::uint64_t evicted;  // the fingerprint it pushed out of a full ring (0: none)
  };
  bool staged_ = false;
  std::vector<Added> added_;
};

}  // namespace earshot::pipeline::process
