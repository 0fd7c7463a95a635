// intent_index::cue_index(): the cue lexicon compiled once (intent_index.h).
#include "sentiment/intent_index.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "sentiment/intent_foreign_cues.h"
#include "sentiment/intent_lexicon.h"
#include "sentiment/latin_fold.h"

namespace earshot::sentiment::intent_index {
namespace {

using namespace intent_lexicon;  // the cue and phrase tables (intent_lexicon.h)

// The space-separated words of `phrase`.
std::vector<std::string_view> split_words(std::string_view phrase) {
  std::vector<std::string_view> parts;
  while (!phrase.empty()) {
    const std::size_t space = std::min(phrase.find(' '), phrase.size());
    parts.push_back(phrase.substr(0, space));
    phrase.remove_prefix(std::min(space + 1, phrase.size()));
  }
  return parts;
}

}  // namespace

const CueIndex& cue_index() {
  static const CueIndex index = [] {
    CueIndex idx;
    idx.slots.resize(4096);  // a few hundred words
    std::array<std::vector<std::uint16_t>, 256> prefix_first;  // prefix cues by first byte
    constexpr std::size_t kGeneral = std::size(kCues);
    constexpr std::size_t kCare = kGeneral + std::size(kCareCues);
    constexpr std::size_t kAll = kCare + std::size(kForeignCues);
    static_assert(kAll < 65536);
    for (std::size_t c = 0; c < kAll; ++c) {
      const Cue& source = c < kGeneral ? kCues[c]  // one list, in this order
                          : c < kCare  ? kCareCues[c - kGeneral]
                                       : kForeignCues[c - kCare];
      CompiledCue cue;
      cue.weight = source.weight;
      cue.order = c;
      // Folded like the post's words: a cue written "remboursé" is "rembourse" here.
      std::string& folded = idx.folded.emplace_back();
      latin_fold::append(source.phrase, &folded);
      cue.parts = split_words(folded);
      if (cue.parts.empty()) continue;
      const auto at = static_cast<std::uint16_t>(idx.cues.size());
      const std::string_view first = cue.parts[0];
      if (first.ends_with('*')) {
        cue.stem = first.substr(0, first.size() - 1);
        prefix_first[static_cast<unsigned char>(first[0])].push_back(at);
      } else {
        WordInfo::CueRef ref;
        ref.cue = at;
        ref.order = static_cast<std::uint32_t>(c);
        if (cue.parts.size() > 255) std::abort();  // the lexicon's phrases are a few words
        ref.parts = static_cast<std::uint8_t>(cue.parts.size());
        ref.second_exact = cue.parts.size() >= 2 && !cue.parts[1].ends_with('*');
        if (ref.second_exact) ref.second = CueIndex::hash(cue.parts[1]);
        idx.add(first).cues.push_back(ref);
      }
      idx.cues.push_back(std::move(cue));
    }
    for (std::size_t b = 0; b < prefix_first.size(); ++b) {
      idx.prefix_begin[b] = static_cast<std::uint8_t>(idx.prefix_cues.size());
      for (const std::uint16_t c : prefix_first[b]) idx.prefix_cues.push_back({idx.cues[c].stem, c});
    }
    idx.prefix_begin[256] = static_cast<std::uint8_t>(idx.prefix_cues.size());
    if (idx.prefix_cues.size() > 255) std::abort();  // prefix_begin holds bytes
    for (std::size_t p = 0; p < kPhraseCount; ++p) {
      idx.phrases.push_back(split_words(kPhrases[p]));
      idx.add(idx.phrases.back()[0]).phrases |= std::uint32_t{1} << p;
    }
    idx.openers.resize(64);
    for (std::size_t p = 0; p < std::size(kInfoOpeners); ++p) {
      idx.openers[p] = split_words(kInfoOpeners[p]);
      idx.add(idx.openers[p][0]).openers |= std::uint64_t{1} << p;
    }
    for (std::size_t p = 0; p < std::size(kQuestionOpeners); ++p) {
      idx.openers[32 + p] = split_words(kQuestionOpeners[p]);
      idx.add(idx.openers[32 + p][0]).openers |= std::uint64_t{1} << (32 + p);
    }
    for (std::string_view w : kPraiseWords) idx.add(w).flags |= kPraiseWord;
    for (std::string_view w : kAccusingWords) idx.add(w).flags |= kAccusingWord;
    for (std::string_view w : kPersonalWords) idx.add(w).flags |= kPersonalWord;
    return idx;
  }();
  return index;
}

}  // namespace earshot::sentiment::intent_index
