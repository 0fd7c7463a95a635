// earshot::pipeline::process — 64-bit SimHash over word shingles, the fingerprint that
// NearDuplicates (near_duplicates.h) compares.
//
// Texts that differ in a few words (a bot wave, a cross-post with another handle or link)
// get fingerprints a few bits apart; unrelated texts differ in about half of the 64 bits.
//
//   std::uint64_t h = simhash("Acme Air lost my bag again!! http://x.example/1");
//
// Thread safety: simhash() may run on many threads at once (its scratch buffer is per thread).
#pragma once

#include <cstdint>
#include <string_view>

namespace earshot::pipeline::process {

// The SimHash of `text` (lowercased words of letters/digits, URLs and @handles dropped,
// 3-word shingles). 0 for texts with fewer than 4 words (too short to call near-duplicate).
std::uint64_t simhash(std::string_view text);

}  // namespace earshot::pipeline::process
