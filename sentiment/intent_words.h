// earshot::sentiment::intent_words — the words of a post as the intent classifier reads
// them (internal to intent.cc): lower case, Latin letters folded to ASCII (latin_fold.h),
// @handles, #hashtags and links dropped.
//
//   intent_words::WordList list;
//   intent_words::words_of("Vol ANNULÉ, merci @acme", list);  // list.words: vol annule merci
//
// Thread safety: words_of() writes only `out`; give each thread its own WordList.
// Lifetime: the views in out.words point into out.buffer and stay valid until the next call
// (also after a swap of the whole WordList).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace earshot::sentiment::intent_words {

// FNV-1a over a word's bytes starts here: hashes[i] == word_hash(words[i]).
inline constexpr std::uint64_t kWordHashBasis = 1469598103934665603ull;
inline std::uint64_t word_hash(std::string_view w) {
  std::uint64_t h = kWordHashBasis;
  for (const char c : w) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// The words of one post: views into one buffer, reused call after call, and each word's
// word_hash() (computed as the word is written, for the cue index's look-up).
// The buffer is a vector, not a string: swapping two WordLists moves the storage the views
// point into (a short std::string would be copied out of its inline buffer instead).
struct WordList {
  std::vector<char> buffer;
  std::vector<std::string_view> words;
  std::vector<std::uint64_t> hashes;
};

// Lower-cased words of a post (letters, digits, apostrophes; curly ’ folded to '), Latin
// letters folded to ASCII: "ANNULÉ", "annulé" and NFD "annule\u0301" are one word.
void words_of(std::string_view text, WordList& out);

}  // namespace earshot::sentiment::intent_words
