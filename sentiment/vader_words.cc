#include "sentiment/vader_words.h"

#include "sentiment/vader_lexicon.h"

namespace earshot::sentiment {

VaderWordTable::VaderWordTable(const VaderLexicon& lexicon) : boosters_{0.0} {
  const std::vector<std::pair<std::string_view, VaderTraits>> traits = vader_rules::trait_words();
  // Load <= 1/8: most words of a post are not in the table, and a probe of such a word then
  // usually ends at its first slot (measured: 1/2 -> 1/8 is +10% posts/s, BM_Vader_Score).
  std::size_t size = 16;
  while (size < 8 * (lexicon.word_count() + traits.size())) size *= 2;
  slots_.assign(size, Entry{});
  mask_ = size - 1;
  lexicon.for_each_word([this](std::string_view word, double valence) {
    if (Entry* e = at(word)) {
      e->valence = valence;
      e->flags |= kValence;
    }
  });
  for (const auto& [word, t] : traits) {
    Entry* e = at(word);
    if (!e) continue;
    e->id = t.id;
    if (t.negate) e->flags |= kNegate;
    if (t.is_booster) {
      e->flags |= kBooster;
      std::size_t k = 0;
      while (k < boosters_.size() && boosters_[k] != t.booster) ++k;
      if (k == boosters_.size()) boosters_.push_back(t.booster);
      e->booster = static_cast<std::uint8_t>(k);  // BOOSTER_DICT has 2 distinct values
    }
  }
}

VaderWordTable::Entry* VaderWordTable::at(std::string_view word) {
  if (word.size() > 255) return nullptr;  // no lexicon or rule word is that long
  std::string key(word);
  key.resize(((word.size() + 7) & ~std::size_t{7}) + 16, '\0');
  const std::uint64_t h = hash(key.data(), word.size());
  const std::uint64_t k0 = load(key.data());
  const std::uint64_t k1 = load(key.data() + 8);
  for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
    Entry& e = slots_[i];
    if (!(e.flags & kUsed)) {
      e.flags = kUsed;
      e.length = static_cast<std::uint8_t>(word.size());
      e.key[0] = k0;
      e.key[1] = k1;
      if (word.size() > 16) {
        e.rest = static_cast<std::uint32_t>(arena_.size());
        arena_.append(key.data() + 16, (word.size() - 16 + 7) & ~std::size_t{7});
      }
      return &e;
    }
    if (e.length == word.size() && e.key[0] == k0 && e.key[1] == k1 &&
        (word.size() <= 16 ||
         same_padded(arena_.data() + e.rest, key.data() + 16, word.size() - 16))) {
      return &e;
    }
  }
}

const VaderWordTable& VaderWordTable::embedded() {
  static const VaderWordTable table(VaderLexicon::embedded());
  return table;
}

}  // namespace earshot::sentiment
