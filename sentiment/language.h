// earshot::sentiment — language identification for short social-media posts.
//
// Our sentiment models are English models. A Spanish or Japanese post scored by them gets a
// confident, meaningless number, so the pipeline asks LanguageDetector first and, where
// sentiment_supported() says no, emits a neutral Sentiment with model "none" instead of a
// fake English score.
//
// How it decides, in order:
//   1. URLs, @handles, #hashtags, digits, punctuation and emoji are ignored. Fewer than
//      three letters left (emoji-only, URL-only, "ok") → "und": no guess.
//   2. Script: when letters of a non-Latin script are at least as many as Latin letters,
//      the script names the language (kana → ja, Han → zh, Hangul → ko, Cyrillic → ru or uk,
//      Arabic → ar or fa, Greek → el, Hebrew → he, Thai → th, Devanagari → hi, ...).
//   3. Latin script: a naive-Bayes score over character 1–5-grams of the words against
//      per-language n-gram frequency profiles, plus a bonus for each frequent function word
//      of a language ("the", "und", "está", ...): a short post is mostly function words.
//      Capitalised words (in posts mostly brand and place names) count a quarter. The profiles are
//      the fingerprints of libexttextcat (Debian package libexttextcat-data,
//      /usr/share/libexttextcat/*.lm), read once by load(); matching is our own (a flat hash
//      table and a per-thread word cache, see "Speed"), so detection runs at several hundred
//      thousand tweets per second per core. English gets a small prior: most of what we read
//      is English, and a short English post should not flip to Dutch on one odd trigram.
//
//   auto detector = earshot::sentiment::LanguageDetector::load();
//   if (!detector) { /* detector.error(): e.g. the profile folder is missing */ }
//   std::string_view lang = detector->detect("¿Alguien sabe por qué no funciona la app?");
//   // lang == "es"; earshot::sentiment::sentiment_supported(lang) == false
//
// Speed: a post's score per language is the sum over its words of (function-word bonus +
// weight × the word's n-gram sum), and each thread keeps the sums of the words it met last in
// a two-way set-associative cache (16,384 rows of one cache line, 1 MiB per thread, allocated
// on the thread's first call; rows name their detector). A word's sum depends on the word
// alone, so a guess is the same, to the last bit, whatever the cache holds. An ASCII post's
// words are read first (up to 32 at a time) and their cache sets prefetched, then scored in
// order: the probes wait for memory together, not one after another. A word not in the
// cache reads its 1-3-grams from a table of every a-z gram (80 KiB, built at load) when it is
// plain a-z.
//
// Thread safety: a loaded LanguageDetector is immutable; detect() is const and may be called
// from any number of threads at once (the word cache is per thread). Lifetime: detect()
// returns a view of a string owned by the detector (or a static literal); it stays valid while
// the detector lives.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace earshot::sentiment {

// True where our (English) sentiment models apply: "en", and "und" (undetermined short
// posts — emoji, a URL, "ok" — are scored as they are). Everything else: false.
bool sentiment_supported(std::string_view lang);

class LanguageDetector {
 public:
  struct Options {
    // Folder with libexttextcat's <lang>.lm fingerprints.
    std::string profile_dir = "/usr/share/libexttextcat";
    // Latin-script candidates (ISO 639-1 codes with a <code>.lm file). Fewer candidates make
    // short posts more reliable; the default covers the languages we expect to see.
    std::vector<std::string> latin_languages = {"en", "es", "fr", "de", "pt", "it",
                                                "nl", "sv", "da", "pl", "tr", "id"};
    // Log-odds added to English before the decision.
    float english_prior = 2.5f;
    // Read the 1-3-grams of plain a-z words from a table built at load (80 KiB) instead of
    // hashing them. The guesses are the same to the bit either way (the table holds what the
    // hashed look-up answers; LanguageDetector.AsciiGramTableGivesTheHashedAnswer); off is
    // for that test.
    bool ascii_gram_table = true;
  };

  // Reads the profiles. Errors: a missing folder or file, an unreadable profile.
  static std::expected<LanguageDetector, std::string> load(const Options& options);
  static std::expected<LanguageDetector, std::string> load() { return load(Options{}); }

  // ISO 639-1 code of `text` (UTF-8; invalid bytes are skipped), or "und".
  std::string_view detect(std::string_view text) const;

  // detect() with how sure it is. `margin`: for a Latin-script decision, the log-odds of the
  // chosen language over the runner-up (English prior included; small = a coin toss, e.g.
  // "Fear for myself, fear for my family." is Danish by 1.9 and English second); infinity
  // for a decision by script (kana, Cyrillic, ...); 0 for "und".
  struct Guess {
    std::string_view lang;
    float margin = 0.0f;
  };
  Guess guess(std::string_view text) const;

 private:
  struct Slot {
    std::uint64_t key = 0;  // 0 = empty
    std::uint32_t row = 0;  // index into scores_ / language count
  };
  LanguageDetector() = default;
  const float* find(std::uint64_t key) const;
  const float* find_inline(std::uint64_t key) const;  // find(), inlined in language.cc
  // The Latin-script decision; counts the Latin letters it saw into *latin_letters.
  // *margin: log-odds of the winner over the runner-up. `ascii`: every byte of text is < 0x80.
  std::string_view detect_latin(std::string_view text, bool ascii, std::size_t* latin_letters,
                                float* margin) const;

  std::vector<std::string> languages_;
  std::vector<float> scores_;  // row-major: one row of languages_.size() log-probs per n-gram
  std::vector<Slot> table_;    // open addressing, power-of-two size
  // One bit per value of a key's top kFilterBits bits, set for every key in table_: most
  // n-grams of a post are in no profile, and this small bitset (it stays in L1) says so
  // without a probe into the big table.
  std::vector<std::uint64_t> filter_;
  // The row index of every 1-3-gram over '_' and a-z, as find() answers it (kAsciiGrams
  // entries, language_internal.h; empty when there are 0xFFFF rows or more): the n-grams of
  // a plain a-z word without hashing.
  std::vector<std::uint16_t> ascii_grams_;
  // word → language bits; open addressing, power-of-two size, key 0 = empty.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> function_words_;
  std::uint64_t function_word_bits(std::uint64_t key) const;
  // Per-word scores, cached per thread (language.cc): a word's n-gram rows summed once.
  struct WordRow;
  // This thread's cache rows for this detector (emptied when the thread last used another).
  WordRow* word_cache() const;
  // Sums the n-gram rows of word[0, len + 2) (with its '_' boundaries) into `row`.
  void fill_row(WordRow& row, const char32_t* word, std::size_t len, std::uint64_t key) const;
  template <typename Fn>
  void for_each_ngram(const char32_t* word, std::size_t total, Fn&& fn) const;
  static std::uint64_t next_id();
  std::uint64_t id_ = 0;  // names this detector's rows in the per-thread word cache
  std::size_t en_index_ = 0;
  float english_prior_ = 0.0f;
};

}  // namespace earshot::sentiment
