#include "sentiment/language.h"
#include "sentiment/language_internal.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

namespace earshot::sentiment {
namespace {
using namespace language_detail;

// An ASCII byte's lower-case letter (script_of == latin, to_lower_latin), 0 for any other byte.
constexpr std::array<char, 256> kAsciiLetterLower = [] {
  std::array<char, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = static_cast<char>(c + 32);
  return t;
}();

// The run of ASCII letters at p[i, n) (p[i] is one; `lower`: its lower case), at most kMaxWord
// of them: returns how many, *hash = ngram_key's FNV of their lower case (before the 0 → 1).
inline std::size_t hash_letters(const char* p, std::size_t i, std::size_t n, unsigned char lower,
                                std::uint64_t* hash) {
  const std::size_t limit = std::min(n, i + kMaxWord);
  std::uint64_t h = kFnvBasis;
  std::size_t j = i;
  for (;;) {
    h = (h ^ lower) * kFnvPrime;
    if (++j == limit) break;
    lower = static_cast<unsigned char>(kAsciiLetterLower[static_cast<unsigned char>(p[j])]);
    if (lower == 0) break;
  }
  *hash = h;
  return j - i;
}

}  // namespace

template <typename Fn>
void LanguageDetector::for_each_ngram(const char32_t* word, std::size_t total, Fn&& fn) const {
  for (std::size_t start = 0; start < total; ++start) {
    std::uint64_t h = kFnvBasis;  // ngram_key(&word[start], n), grown one n at a time
    for (std::size_t n = 1; n <= kMaxGram && start + n <= total; ++n) {
      h = (h ^ static_cast<std::uint64_t>(word[start + n - 1])) * kFnvPrime;
      if (n == 1 && word[start] == '_') continue;
      if (const float* row = find(h == 0 ? 1 : h)) fn(row);
    }
  }
}

// The per-thread word cache: two-way set-associative, kWordCacheSize rows, for one detector
// at a time (a thread that alternates between detectors empties it each time it changes).
// One cache line: the sums of languages 0-7 (lo) and 8-11 (hi); used when there are at
// most kCachedLanes languages (the default 12). The vectors come first: after the 8-byte
// fields they would be padded to 32-byte alignment and the row would take two lines.
struct alignas(64) LanguageDetector::WordRow {
  Lanes8 lo = {};          // the word's n-gram sums (with its '_' boundaries)
  Lanes4 hi = {};
  std::uint64_t key = 0;   // ngram_key of the word; 0 = empty
  std::uint64_t bits = 0;  // function_word_bits(key)
};

namespace {
constexpr std::size_t kWordCacheSize = 16384;  // 8,192 sets of two 64-byte rows: 1 MiB per thread
// The set (of two rows) a word's key belongs to.
inline std::size_t cache_set(std::uint64_t key) {
  return (key ^ (key >> 29)) & (kWordCacheSize / 2 - 1);
}

// The function-word bonus of a word's language bits: bits 0-7 (kBonusLo[bits & 0xFF]) and
// 8-11 (kBonusHi[bits >> 8 & 0xF]) as lanes of kFunctionWordWeight or 0.
const std::array<Lanes8, 256> kBonusLo = [] {
  std::array<Lanes8, 256> t{};
  for (std::size_t b = 0; b < t.size(); ++b) {
    for (std::size_t l = 0; l < 8; ++l) t[b][l] = (b >> l & 1) ? kFunctionWordWeight : 0.0f;
  }
  return t;
}();
const std::array<Lanes4, 16> kBonusHi = [] {
  std::array<Lanes4, 16> t{};
  for (std::size_t b = 0; b < t.size(); ++b) {
    for (std::size_t l = 0; l < 4; ++l) t[b][l] = (b >> l & 1) ? kFunctionWordWeight : 0.0f;
  }
  return t;
}();
std::atomic<std::uint64_t> g_next_detector_id{1};
}  // namespace

std::uint64_t LanguageDetector::next_id() { return g_next_detector_id.fetch_add(1); }

LanguageDetector::WordRow* LanguageDetector::word_cache() const {
  static_assert(sizeof(WordRow) == 64, "a row is one cache line");
  struct WordCache {
    std::uint64_t owner = 0;  // id_ of the detector the rows belong to
    std::unique_ptr<WordRow[]> rows;
  };
  thread_local WordCache cache;
  if (cache.owner != id_) {
    if (!cache.rows) cache.rows = std::make_unique<WordRow[]>(kWordCacheSize);
    std::fill(cache.rows.get(), cache.rows.get() + kWordCacheSize, WordRow{});
    cache.owner = id_;
  }
  return cache.rows.get();
}

const float* LanguageDetector::find(std::uint64_t key) const { return find_inline(key); }

inline const float* LanguageDetector::find_inline(std::uint64_t key) const {
  const std::uint64_t bit = key >> (64 - kFilterBits);
  if ((filter_[bit >> 6] >> (bit & 63) & 1) == 0) return nullptr;
  const std::size_t mask = table_.size() - 1;
  for (std::size_t slot = key & mask;; slot = (slot + 1) & mask) {
    if (table_[slot].key == key) return &scores_[table_[slot].row * languages_.size()];
    if (table_[slot].key == 0) return nullptr;
  }
}

void LanguageDetector::fill_row(WordRow& row, const char32_t* word, std::size_t len,
                                std::uint64_t key) const {
  row.key = key;
  row.bits = function_word_bits(key);
  row.lo = Lanes8{};
  row.hi = Lanes4{};
  const auto add = [&](const float* r) {
    Lanes8 a;
    Lanes4 b;
    std::memcpy(&a, r, sizeof a);
    std::memcpy(&b, r + 8, sizeof b);
    row.lo += a;
    row.hi += b;
  };
  const std::size_t total = len + 2;
  // A word of a-z only (most words): its 1-3-grams are read from ascii_grams_ by index, the
  // rows find() gives them (load() filled the table with find()), in for_each_ngram's order.
  std::array<std::uint8_t, kMaxWord + 2> code;
  bool plain = !ascii_grams_.empty();
  for (std::size_t k = 1; k <= len; ++k) {  // no early exit: a branch-free pass
    const char32_t c = word[k] - 'a';
    plain &= c < 26;
    code[k] = static_cast<std::uint8_t>(c + 1);
  }
  if (!plain) {
    for_each_ngram(word, total, add);
    return;
  }
  code[0] = code[len + 1] = 0;  // '_'
  const std::size_t n_lang = languages_.size();
  const auto add_gram = [&](std::size_t index) {
    const std::uint16_t r = ascii_grams_[index];
    if (r != kNoGram) add(&scores_[r * n_lang]);
  };
  for (std::size_t start = 0; start < total; ++start) {
    const std::size_t c0 = code[start];
    if (c0 != 0) add_gram(c0);  // a lone '_' is no gram
    if (start + 2 > total) continue;
    const std::size_t two = c0 * kGramAlphabet + code[start + 1];
    add_gram(kGramAlphabet + two);
    if (start + 3 > total) continue;
    add_gram(kGramAlphabet + kGramAlphabet * kGramAlphabet + two * kGramAlphabet +
             code[start + 2]);
    if (start + 4 > total) continue;
    // ngram_key of the 4- and 5-gram, as for_each_ngram has it (the four steps written out).
    std::uint64_t h = (kFnvBasis ^ static_cast<std::uint64_t>(word[start])) * kFnvPrime;
    h = (h ^ static_cast<std::uint64_t>(word[start + 1])) * kFnvPrime;
    h = (h ^ static_cast<std::uint64_t>(word[start + 2])) * kFnvPrime;
    h = (h ^ static_cast<std::uint64_t>(word[start + 3])) * kFnvPrime;
    if (const float* r = find_inline(h == 0 ? 1 : h)) add(r);
    if (start + 5 > total) continue;
    h = (h ^ static_cast<std::uint64_t>(word[start + 4])) * kFnvPrime;
    if (const float* r = find_inline(h == 0 ? 1 : h)) add(r);
  }
}

std::uint64_t LanguageDetector::function_word_bits(std::uint64_t key) const {
  const std::size_t mask = function_words_.size() - 1;
  for (std::size_t slot = key & mask;; slot = (slot + 1) & mask) {
    if (function_words_[slot].first == key) return function_words_[slot].second;
    if (function_words_[slot].first == 0) return 0;
  }
}

std::string_view LanguageDetector::detect_latin(std::string_view text, bool ascii,
                                                std::size_t* latin_letters, float* margin) const {
  const std::size_t n_lang = languages_.size();
  std::array<float, 64> score{};
  const std::size_t used = std::min<std::size_t>(n_lang, score.size());
  std::array<char32_t, kMaxWord + 2> word;
  std::size_t len = 0;
  std::uint64_t hash = kFnvBasis;  // ngram_key(&word[1], len), grown letter by letter
  // A post's score is, per language, the sum over its words of (function-word bonus +
  // weight × the word's n-gram sum); a word's n-gram sum is summed from zero in a fixed
  // order, so it is a function of the word alone, and the per-thread word cache may keep it:
  // a post scores the same whatever the cache holds (weight is 1 or 1/4: every product is
  // exact). With at most kCachedLanes languages the scores live in two vector registers
  // (lo: languages 0-7, hi: 8-11); the lanes past the last language are never read.
  const bool wide = used <= kCachedLanes;
  WordRow* const rows = wide ? word_cache() : nullptr;
  Lanes8 lo = {};
  Lanes4 hi = {};
  // Capitalised words are mostly names (brands, places) in posts: they say little about the
  // language around them, so their n-grams count for less (function words still count).
  bool capital = false;
  const auto add_row = [&](const WordRow& w, float weight) __attribute__((always_inline)) {
    if (w.bits != 0) {
      lo += kBonusLo[w.bits & 0xFF];
      hi += kBonusHi[(w.bits >> 8) & 0xF];
    }
    lo += weight * w.lo;
    hi += weight * w.hi;
  };
  // The cache row of the word `key`; `fill(row)` fills a new one. Two ways per set: a word
  // found in the second stays there; a new word goes first and moves the first way's second.
  const auto probe_set = [](WordRow* set, std::uint64_t key, auto&& fill)
      __attribute__((always_inline)) -> const WordRow& {
    if (set[0].key == key) return set[0];
    if (set[1].key == key) return set[1];
    set[1] = set[0];
    fill(set[0]);
    return set[0];
  };
  const auto probe = [&](std::uint64_t key, auto&& fill)
      __attribute__((always_inline)) -> const WordRow& {
    return probe_set(rows + 2 * cache_set(key), key, fill);
  };
  const auto flush = [&]() __attribute__((always_inline)) {
    if (len == 0) return;
    const float weight = capital ? kNameWeight : 1.0f;
    const std::uint64_t key = hash == 0 ? 1 : hash;
    hash = kFnvBasis;
    word[0] = '_';
    word[len + 1] = '_';
    if (wide) {
      add_row(probe(key, [&](WordRow& fresh) { fill_row(fresh, word.data(), len, key); }),
              weight);
    } else {
      const std::uint64_t bits = function_word_bits(key);
      for (std::size_t l = 0; l < used; ++l) {
        if (bits >> l & 1) score[l] += kFunctionWordWeight;
      }
      std::array<float, 64> sum{};
      for_each_ngram(word.data(), len + 2, [&](const float* row) {
        for (std::size_t l = 0; l < used; ++l) sum[l] += row[l];
      });
      for (std::size_t l = 0; l < used; ++l) score[l] += weight * sum[l];
    }
    len = 0;
  };
  // The ASCII path's words wait in a queue, their cache sets prefetched, so the probes of a
  // post's words overlap instead of each waiting for memory in turn. drain() scores them in
  // the order they were read, as flush() would have, with the same cache updates: the sums
  // and the cache are the same to the bit.
  struct Queued {
    std::uint64_t key;    // ngram_key of the word
    WordRow* set;         // its cache set
    std::size_t start;    // its first letter in text
    std::uint8_t len;     // its letters (at most kMaxWord)
    bool capital;
  };
  std::array<Queued, 32> queue;
  // word[1, len] = the lower case of the ASCII letters text[start, start + len).
  const auto spell = [&](std::size_t start, std::size_t len) {
    for (std::size_t k = 0; k < len; ++k) {
      word[1 + k] = static_cast<char32_t>(
          kAsciiLetterLower[static_cast<unsigned char>(text[start + k])]);
    }
  };
  std::size_t queued = 0;
  const auto drain = [&]() __attribute__((always_inline)) {
    for (std::size_t q = 0; q < queued; ++q) {
      const Queued& w = queue[q];
      const WordRow& row = probe_set(w.set, w.key, [&](WordRow& fresh) {
        spell(w.start, w.len);
        word[0] = '_';
        word[w.len + 1] = '_';
        fill_row(fresh, word.data(), w.len, w.key);
      });
      add_row(row, w.capital ? kNameWeight : 1.0f);
    }
    queued = 0;
  };
  // A Latin letter (`lower`: its lower case) joins the word being read.
  const auto letter = [&](char32_t lower, char32_t original) {
    ++*latin_letters;
    if (len == 0) capital = lower != original;
    if (len < kMaxWord) {
      word[1 + len++] = lower;
      hash = (hash ^ static_cast<std::uint64_t>(lower)) * kFnvPrime;
    }
  };
  if (ascii) {
    // for_each_token and the decoding loop below in one pass over the bytes: a token (up to
    // whitespace) is skipped when it starts with '@', '#' or "www.", or holds "://" (only
    // looked for when the text has a ':'); other bytes than letters end a word.
    const char* const p = text.data();
    const std::size_t n = text.size();
    const bool colon = std::memchr(p, ':', n) != nullptr;
    std::size_t i = 0;
    while (i < n) {
      while (i < n && token_space(p[i])) ++i;
      if (i == n) break;
      bool skip = p[i] == '@' || p[i] == '#' || (p[i] == 'w' && text.substr(i, 4) == "www.");
      if (!skip && colon) {
        std::size_t j = i;
        while (j < n && !token_space(p[j])) ++j;
        skip = text.substr(i, j - i).find("://") != std::string_view::npos;
      }
      if (skip) {
        while (i < n && !token_space(p[i])) ++i;
        continue;
      }
      // A word is a run of letters, read in registers; with the word cache it is queued
      // (its cache set prefetched) and scored by drain(), else scored now by flush().
      std::size_t letters = 0;
      while (i < n) {
        const char ch = p[i];
        char lower = kAsciiLetterLower[static_cast<unsigned char>(ch)];
        if (lower == 0) {
          if (token_space(ch)) break;
          ++i;
          continue;
        }
        const std::size_t run = i;
        capital = lower != ch;
        // The first kMaxWord letters are the word (hashed here, spelled out by spell() only
        // when it must be scored anew); the rest of the run is counted, not read.
        std::uint64_t h;
        const std::size_t l = hash_letters(p, i, n, static_cast<unsigned char>(lower), &h);
        i += l;
        if (l == kMaxWord) {  // (else p[i] is no letter, or i == n)
          while (i < n && kAsciiLetterLower[static_cast<unsigned char>(p[i])] != 0) ++i;
        }
        letters += i - run;
        if (wide) {
          const std::uint64_t key = h == 0 ? 1 : h;
          WordRow* const set = rows + 2 * cache_set(key);
          __builtin_prefetch(set);
          __builtin_prefetch(set + 1);
          queue[queued++] = Queued{key, set, run,
                                   static_cast<std::uint8_t>(l), capital};
          if (queued == queue.size()) drain();
        } else {
          spell(run, l);
          len = l;
          hash = h;
          flush();
        }
      }
      *latin_letters += letters;
    }
    drain();
  } else {
    for_each_token(text, [&](std::string_view token) {
      for (std::size_t i = 0; i < token.size();) {
        const char32_t c = next_code_point(token, i);
        if (script_of(c) == Script::latin) {
          letter(to_lower_latin(c), c);
        } else {
          flush();
        }
      }
      flush();
    });
  }
  if (wide) {
    std::memcpy(score.data(), &lo, sizeof lo);
    std::memcpy(score.data() + 8, &hi, sizeof hi);
  }
  if (en_index_ < used) score[en_index_] += english_prior_;
  const std::size_t best = static_cast<std::size_t>(
      std::max_element(score.begin(), score.begin() + used) - score.begin());
  float runner_up = -std::numeric_limits<float>::infinity();
  for (std::size_t l = 0; l < used; ++l) {
    if (l != best) runner_up = std::max(runner_up, score[l]);
  }
  *margin = used > 1 ? score[best] - runner_up : std::numeric_limits<float>::infinity();
  return languages_[best];
}

}  // namespace earshot::sentiment
