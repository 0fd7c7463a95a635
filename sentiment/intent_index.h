// earshot::sentiment::intent_index — the customer-service cue lexicon compiled for look-up
// (internal to intent.cc): kCues, kCareCues and kForeignCues (intent_lexicon.h,
// intent_care_cues.h, intent_foreign_cues.h) folded like a post's words (latin_fold.h), split
// into words and indexed by their first word, with the phrase and opener tables and the word
// flags, so a post costs one filter test (and mostly no probe) per word.
//
//   const intent_index::CueIndex& index = intent_index::cue_index();
//   const intent_index::WordInfo* info = index.find(word, intent_words::word_hash(word));
//   // nullptr: no cue, phrase or opener starts with `word` and it has no flag
//
// Thread safety: cue_index() is built once (a function-local static) and is immutable after.
// Lifetime: the index lives until the program ends; its views point into its own strings or
// into the lexicon's literals.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "sentiment/intent_words.h"

namespace earshot::sentiment::intent_index {

// kCues, kCareCues and kForeignCues compiled once: phrases split into words and indexed by
// their first word, so a post costs one hash probe per word instead of a pass over every cue.
struct CompiledCue {
  std::vector<std::string_view> parts;
  float weight = 0.0f;
  std::size_t order = 0;  // position in kCues: the earlier cue wins a tie
  std::string_view stem;  // a prefix pattern's first part without its '*' ("delay*": "delay")
};

// What a word starts or is: cues and phrases that begin with it, and its WordFlags.
struct WordInfo {
  // The cues that start with this word, with what cue_sums() checks before it reads a cue: its
  // word count and order, and the hash of its second word when that is a plain word (a post
  // word of another hash cannot match it). Contiguous, so a common first word ("not", "no",
  // "still") with dozens of cues costs a short scan instead of a read of each cue.
  struct CueRef {
    std::uint64_t second = 0;   // word_hash of the cue's second part (when second_exact)
    std::uint32_t order = 0;    // CompiledCue::order
    std::uint16_t cue = 0;      // index into CueIndex::cues
    std::uint8_t parts = 0;     // the cue's word count
    bool second_exact = false;  // the cue has a second part and it is no prefix pattern
  };
  std::vector<CueRef> cues;
  std::uint32_t phrases = 0;        // bit p: kPhrases[p] starts with this word
  std::uint64_t openers = 0;        // the same for kInfoOpeners and kQuestionOpeners
  std::uint8_t flags = 0;
};

struct CueIndex {
  std::vector<CompiledCue> cues;
  std::deque<std::string> folded;  // the cue phrases, folded (cues' parts point into them)
  // The words of kPhrases, kInfoOpeners and kQuestionOpeners (same numbering as the bits).
  std::vector<std::vector<std::string_view>> phrases, openers;
  // Open addressing over the words (FNV-1a, linear probing, power-of-two size, at most an
  // eighth full, so a word that is no cue word mostly meets an empty slot at once); an empty
  // word marks a free slot. A slot keeps its word's hash: the bytes are compared only when
  // the hashes are equal.
  struct Slot {
    std::uint64_t hash = 0;
    std::string_view word;
    std::uint32_t info = 0;
  };
  std::vector<Slot> slots;
  std::vector<WordInfo> infos;
  // One bit per value of a hash's top kFilterBits bits, set for every word in slots: most
  // words of a post are no cue word, and this bitset (512 bytes, it stays in L1) says so
  // without a probe into the slots (128 KiB).
  static constexpr unsigned kFilterBits = 12;
  std::array<std::uint64_t, (std::size_t{1} << kFilterBits) / 64> filter{};
  // Cues whose first word is a prefix pattern ("delay*"), by the pattern's first byte: the
  // entries prefix_cues[prefix_begin[b], prefix_begin[b + 1]) (a few dozen bytes in all, so a
  // word's check reads no cue).
  struct PrefixCue {
    std::string_view stem;  // the pattern without its '*'
    std::uint16_t cue = 0;  // index into cues
  };
  std::vector<PrefixCue> prefix_cues;
  std::array<std::uint8_t, 257> prefix_begin{};

  static std::uint64_t hash(std::string_view w) { return intent_words::word_hash(w); }
  static std::size_t filter_bit(std::uint64_t h) { return h >> (64 - kFilterBits); }
  // `h`: hash(w) (words_of() gives it with each word).
  const WordInfo* find(std::string_view w, std::uint64_t h) const {
    const std::size_t bit = filter_bit(h);
    if ((filter[bit >> 6] >> (bit & 63) & 1) == 0) return nullptr;
    const std::size_t mask = slots.size() - 1;
    for (std::size_t at = h & mask;; at = (at + 1) & mask) {
      const Slot& slot = slots[at];
      if (slot.word.empty()) return nullptr;
      if (slot.hash == h && slot.word == w) return &infos[slot.info];
    }
  }
  WordInfo& add(std::string_view w) {
    const std::size_t mask = slots.size() - 1;
    const std::uint64_t h = hash(w);
    std::size_t at = h & mask;
    for (; !slots[at].word.empty(); at = (at + 1) & mask) {
      if (slots[at].word == w) return infos[slots[at].info];
    }
    slots[at] = {h, w, static_cast<std::uint32_t>(infos.size())};
    filter[filter_bit(h) >> 6] |= std::uint64_t{1} << (filter_bit(h) & 63);
    return infos.emplace_back();
  }
};

// The index, built on the first call.
const CueIndex& cue_index();

}  // namespace earshot::sentiment::intent_index
