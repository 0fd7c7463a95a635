// earshot::pipeline — near-duplicate detection with 64-bit SimHash over word shingles.
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
// Thread safety: not thread-safe; one per processing thread or behind the caller's lock.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace earshot::pipeline {

// The SimHash of `text` (lowercased words of letters/digits, URLs and @handles dropped,
// 3-word shingles). 0 for texts with fewer than 4 words (too short to call near-duplicate).
std::uint64_t simhash(std::string_view text);

class NearDuplicates {
 public:
  explicit NearDuplicates(std::size_t capacity = 50000, int max_distance = 3);
  // True when a remembered text is within max_distance bits; remembers this one either way.
  bool check_and_add(std::string_view text);
  bool check_and_add_hash(std::uint64_t h);

 private:
  void forget(std::uint64_t h);
  std::size_t capacity_;
  int max_distance_;
  std::vector<std::uint64_t> ring_;  // the window, oldest first once full
  std::size_t next_ = 0;
  std::unordered_map<std::uint64_t, std::uint32_t> copies_;  // fingerprint → copies in ring_
  // (band index << 16 | band value) → the distinct fingerprints in ring_ with that band.
  std::unordered_map<std::uint32_t, std::vector<std::uint64_t>> bands_;
};

}  // namespace earshot::pipeline
