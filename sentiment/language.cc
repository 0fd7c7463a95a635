#include "sentiment/language.h"
#include "sentiment/utf8.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <utility>

namespace earshot::sentiment {
namespace {

// The code point at text[i] (utf8::decode), advancing i past it.
inline char32_t next_code_point(std::string_view text, std::size_t& i) {
  const utf8::Decoded d = utf8::decode(text, i);
  i += d.length;
  return d.code_point;
}

enum class Script : std::uint8_t {
  none,
  latin,
  kana,
  han,
  hangul,
  cyrillic,
  arabic,
  greek,
  hebrew,
  thai,
  devanagari,
  bengali,
  tamil,
  georgian,
  armenian,
  count
};

inline Script script_of(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Script::latin;
  if (c < 0xC0) return Script::none;
  if (c <= 0x24F) return (c == 0xD7 || c == 0xF7) ? Script::none : Script::latin;
  if (c >= 0x1E00 && c <= 0x1EFF) return Script::latin;
  if (c >= 0x370 && c <= 0x3FF) return Script::greek;
  if (c >= 0x400 && c <= 0x52F) return Script::cyrillic;
  if (c >= 0x531 && c <= 0x58F) return Script::armenian;
  if (c >= 0x5D0 && c <= 0x5EA) return Script::hebrew;
  if ((c >= 0x620 && c <= 0x64A) || (c >= 0x671 && c <= 0x6D3)) return Script::arabic;
  if (c >= 0x900 && c <= 0x97F) return Script::devanagari;
  if (c >= 0x980 && c <= 0x9FF) return Script::bengali;
  if (c >= 0xB80 && c <= 0xBFF) return Script::tamil;
  if (c >= 0xE01 && c <= 0xE5B) return Script::thai;
  if (c >= 0x10A0 && c <= 0x10FF) return Script::georgian;
  if (c >= 0x3041 && c <= 0x30FF) return Script::kana;
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)) return Script::han;
  if ((c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF)) return Script::hangul;
  return Script::none;
}

// Lower case for the Latin letters we see in European languages.
inline char32_t to_lower_latin(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c == 0x130) return 'i';
  if (c >= 0x100 && c <= 0x17F && c != 0x131 && c != 0x138 && c != 0x149) {
    const bool odd_is_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_is_upper ? (c & 1) : !(c & 1)) return c + 1;
  }
  return c;
}

// FNV-1a over the code points of an n-gram; never 0 (0 marks an empty slot).
constexpr std::uint64_t kFnvBasis = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;
std::uint64_t ngram_key(const char32_t* begin, std::size_t n) {
  std::uint64_t h = kFnvBasis;
  for (std::size_t k = 0; k < n; ++k) h = (h ^ static_cast<std::uint64_t>(begin[k])) * kFnvPrime;
  return h == 0 ? 1 : h;
}

// Tokens that carry no language: links, handles, hashtags.
bool skip_token(std::string_view token) {
  if (token.empty()) return true;
  if (token[0] == '@' || token[0] == '#') return true;
  return token.starts_with("http://") || token.starts_with("https://") ||
         token.starts_with("www.") || token.find("://") != std::string_view::npos;
}

template <typename Fn>
void for_each_token(std::string_view text, Fn&& fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
      ++i;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != '\n' &&
           text[j] != '\r') {
      ++j;
    }
    if (j > i && !skip_token(text.substr(i, j - i))) fn(text.substr(i, j - i));
    i = j;
  }
}

// Short posts are mostly function words; a hit on one is strong evidence the profiles alone
// do not give. Our own lists: frequent, short, and as language-specific as possible.
struct FunctionWords {
  std::string_view lang;
  std::string_view words;
};
constexpr FunctionWords kFunctionWords[] = {
    {"en",
     "the and is are was were of to in on for with my your this that it not no you i "
     "me we they have has been why what where how when who just still again "
     "any anyone know since from at all never ever get got lol lmao omg wtf tbh idk pls thanks been had does did a an be "
     "will would can could should our their there here about after before out up "
     "off into over new now so or if by too very really one he she his her do "
     "someone else mine outside free than them then"},
    {"es",
     "el la los las y es en de del que por para con mi mis tu no me se lo una un muy "
     "pero qué cómo por qué dónde cuándo también hoy nada otra vez hay está "
     "estoy llevo sin desde gracias"},
    {"fr",
     "le la les et est sont de des du un une mon ma mes ton pas ne je tu il elle on "
     "nous vous pour avec dans sur que qui quoi très encore toujours où "
     "trop bien merci jamais plus"},
    {"de",
     "der die das und ist sind nicht ein eine mein meine dein ich du wir ihr sie mit "
     "für von auf zu im schon wieder noch nie warum wie wo was kein keine "
     "danke sehr auch immer"},
    {"pt",
     "o a os as e é de do da dos das em no na um uma meu minha não que por para com "
     "muito você ainda nunca sem desde obrigado obrigada cadê como também já"},
    {"it",
     "il lo la i gli le e è di del della un una mio mia non che per con sono ancora "
     "mai niente come perché dove grazie molto anche già il mio da"},
    {"nl",
     "de het een en is zijn niet van voor met mijn jouw ik je we wij ze dat wat "
     "waar waarom hoe nog steeds nooit geen alweer bedankt heel echt ook al"},
    {"sv",
     "och är inte en ett jag du vi det som för med min mitt på att har igen tack "
     "fortfarande aldrig"},
    {"da",
     "og er ikke en et jeg du vi det som for med min mit på at har igen tak "
     "stadig aldrig"},
    {"pl",
     "i jest nie w na z do że się mój moja ja ty my to jak dlaczego gdzie dziękuję "
     "nadal znowu"},
    {"tr", "ve bir bu için çok ne neden nasıl değil yine hâlâ teşekkürler ben sen"},
    {"id",
     "dan yang di ke dari ini itu tidak saya kamu untuk dengan sudah belum lagi "
     "terima kasih kenapa bagaimana"},
};
constexpr float kFunctionWordWeight = 10.0f;
constexpr float kNameWeight = 0.25f;

constexpr std::size_t kMaxGram = 5;
// Rows are added kLanes floats at a time when there are at most kLanes languages (a couple
// of vector adds); the lanes past the last language add whatever follows the row and are
// never read. scores_ ends with kLanes zeros so the last row can be read that far.
constexpr std::size_t kLanes = 16;
using Lanes8 = float __attribute__((vector_size(32)));  // GCC vector: 8 floats
constexpr unsigned kFilterBits = 17;                    // 16 KiB of filter_
constexpr std::size_t kMaxWord = 48;  // longer "words" are cut: they are not words

}  // namespace

bool sentiment_supported(std::string_view lang) { return lang == "en" || lang == "und"; }

std::expected<LanguageDetector, std::string> LanguageDetector::load(const Options& options) {
  LanguageDetector d;
  d.english_prior_ = options.english_prior;
  // n-gram (lower case) → per-language counts
  std::map<std::u32string, std::vector<double>> counts;
  const std::size_t n_lang = options.latin_languages.size();
  if (n_lang == 0) return std::unexpected("no Latin-script languages given");
  for (std::size_t l = 0; l < n_lang; ++l) {
    const std::string path = options.profile_dir + "/" + options.latin_languages[l] + ".lm";
    std::ifstream in(path);
    if (!in) return std::unexpected("cannot read language profile " + path);
    std::string line;
    for (double rank = 1; std::getline(in, line); ++rank) {
      // Some fingerprints list n-grams by rank without counts: Zipf stands in for them.
      const auto tab = std::min(line.find('\t'), line.size());
      if (tab == 0) continue;
      std::u32string gram;
      bool ok = true;
      std::string_view g(line.data(), tab);
      for (std::size_t i = 0; i < g.size() && ok;) {
        const char32_t c = next_code_point(g, i);
        if (c == '_') {
          gram.push_back(c);
        } else if (script_of(c) == Script::latin) {
          gram.push_back(to_lower_latin(c));
        } else {
          ok = false;
        }
      }
      if (!ok || gram == U"_" || gram.size() > kMaxGram) continue;
      double count = tab < line.size() ? std::strtod(line.c_str() + tab + 1, nullptr) : 0.0;
      if (count <= 0) count = 20000.0 / rank;
      auto& row = counts[gram];
      row.resize(n_lang, 0.0);
      row[l] += count;
    }
    d.languages_.push_back(options.latin_languages[l]);
  }
  // log P(gram | language), normalised per n-gram length; a gram outside a language's
  // profile is rarer than its least frequent listed gram of that length.
  std::vector<std::array<double, kMaxGram + 1>> total(n_lang), least(n_lang);
  for (auto& t : least) t.fill(1e18);
  for (const auto& [gram, row] : counts) {
    for (std::size_t l = 0; l < n_lang; ++l) {
      if (row[l] <= 0) continue;
      total[l][gram.size()] += row[l];
      least[l][gram.size()] = std::min(least[l][gram.size()], row[l]);
    }
  }
  std::size_t size = 1;
  while (size < counts.size() * 3) size <<= 1;
  d.table_.assign(size, Slot{});
  d.scores_.reserve(counts.size() * n_lang);
  for (const auto& [gram, row] : counts) {
    const std::uint32_t index = static_cast<std::uint32_t>(d.scores_.size() / n_lang);
    for (std::size_t l = 0; l < n_lang; ++l) {
      const std::size_t n = gram.size();
      const double t = std::max(total[l][n], 1.0);
      const double c = row[l] > 0 ? row[l] : 0.5 * std::min(least[l][n], t);
      d.scores_.push_back(static_cast<float>(std::log(c / t)));
    }
    std::size_t slot = ngram_key(gram.data(), gram.size()) & (size - 1);
    while (d.table_[slot].key != 0) slot = (slot + 1) & (size - 1);
    d.table_[slot] = Slot{ngram_key(gram.data(), gram.size()), index};
  }
  d.filter_.assign((std::size_t{1} << kFilterBits) / 64, 0);
  for (const Slot& s : d.table_) {
    if (s.key == 0) continue;
    const std::uint64_t bit = s.key >> (64 - kFilterBits);
    d.filter_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  }
  std::map<std::uint64_t, std::uint64_t> function_words;  // word key → language bits
  for (const auto& [lang, words] : kFunctionWords) {
    const auto it = std::find(d.languages_.begin(), d.languages_.end(), lang);
    if (it == d.languages_.end() || it - d.languages_.begin() >= 64) continue;
    const std::uint64_t bit = std::uint64_t{1} << (it - d.languages_.begin());
    for (std::size_t i = 0; i < words.size();) {
      std::u32string word;
      while (i < words.size() && words[i] != ' ') word.push_back(next_code_point(words, i));
      if (!word.empty()) function_words[ngram_key(word.data(), word.size())] |= bit;
      ++i;
    }
  }
  std::size_t fw_size = 1;
  while (fw_size < function_words.size() * 4) fw_size <<= 1;
  d.function_words_.assign(fw_size, {0, 0});
  for (const auto& [key, bits] : function_words) {
    std::size_t slot = key & (fw_size - 1);
    while (d.function_words_[slot].first != 0) slot = (slot + 1) & (fw_size - 1);
    d.function_words_[slot] = {key, bits};
  }
  d.scores_.resize(d.scores_.size() + kLanes, 0.0f);
  const auto en = std::find(d.languages_.begin(), d.languages_.end(), "en");
  d.en_index_ = static_cast<std::size_t>(en - d.languages_.begin());
  return d;
}

const float* LanguageDetector::find(std::uint64_t key) const {
  const std::uint64_t bit = key >> (64 - kFilterBits);
  if ((filter_[bit >> 6] >> (bit & 63) & 1) == 0) return nullptr;
  const std::size_t mask = table_.size() - 1;
  for (std::size_t slot = key & mask;; slot = (slot + 1) & mask) {
    if (table_[slot].key == key) return &scores_[table_[slot].row * languages_.size()];
    if (table_[slot].key == 0) return nullptr;
  }
}

std::uint64_t LanguageDetector::function_word_bits(std::uint64_t key) const {
  const std::size_t mask = function_words_.size() - 1;
  for (std::size_t slot = key & mask;; slot = (slot + 1) & mask) {
    if (function_words_[slot].first == key) return function_words_[slot].second;
    if (function_words_[slot].first == 0) return 0;
  }
}

std::string_view LanguageDetector::detect(std::string_view text) const { return guess(text).lang; }

LanguageDetector::Guess LanguageDetector::guess(std::string_view text) const {
  constexpr float kScript = std::numeric_limits<float>::infinity();
  float margin = 0.0f;
  // Plain ASCII (most posts) has no letters of another script, so only the Latin decision
  // and its letter count matter: one pass instead of two.
  unsigned char high = 0;
  for (const char c : text) high |= static_cast<unsigned char>(c);
  if (high < 0x80) {
    std::size_t latin = 0;
    const std::string_view lang = detect_latin(text, &latin, &margin);
    return latin < 3 ? Guess{"und", 0.0f} : Guess{lang, margin};
  }
  std::array<std::size_t, static_cast<std::size_t>(Script::count)> letters{};
  std::size_t kana = 0;
  std::string_view cyr_hint, arabic_hint;
  for_each_token(text, [&](std::string_view token) {
    for (std::size_t i = 0; i < token.size();) {
      const char32_t c = next_code_point(token, i);
      const Script s = script_of(c);
      ++letters[static_cast<std::size_t>(s)];
      if (s == Script::kana) ++kana;
      if (c == 0x456 || c == 0x457 || c == 0x454 || c == 0x491) cyr_hint = "uk";
      if (c == 0x67E || c == 0x686 || c == 0x698 || c == 0x6AF) arabic_hint = "fa";
    }
  });
  const auto count = [&](Script s) { return letters[static_cast<std::size_t>(s)]; };
  std::size_t other = 0;
  Script best = Script::none;
  for (std::size_t s = static_cast<std::size_t>(Script::kana); s < letters.size(); ++s) {
    if (letters[s] > other) {
      other = letters[s];
      best = static_cast<Script>(s);
    }
  }
  // Han characters carry a whole word each: one counts as much as two Latin letters.
  const std::size_t cjk = count(Script::han) + count(Script::kana) + count(Script::hangul);
  if (other > 0 && (other >= count(Script::latin) || 2 * cjk >= count(Script::latin))) {
    if (cjk > 0 && (best == Script::han || best == Script::kana)) {
      return {kana > 0 ? "ja" : "zh", kScript};
    }
    switch (best) {
      case Script::hangul:
        return {"ko", kScript};
      case Script::cyrillic:
        return {cyr_hint.empty() ? "ru" : cyr_hint, kScript};
      case Script::arabic:
        return {arabic_hint.empty() ? "ar" : arabic_hint, kScript};
      case Script::greek:
        return {"el", kScript};
      case Script::hebrew:
        return {"he", kScript};
      case Script::thai:
        return {"th", kScript};
      case Script::devanagari:
        return {"hi", kScript};
      case Script::bengali:
        return {"bn", kScript};
      case Script::tamil:
        return {"ta", kScript};
      case Script::georgian:
        return {"ka", kScript};
      case Script::armenian:
        return {"hy", kScript};
      default:
        break;
    }
  }
  if (count(Script::latin) < 3) return {"und", 0.0f};
  std::size_t latin = 0;
  const std::string_view lang = detect_latin(text, &latin, &margin);
  return {lang, margin};
}

std::string_view LanguageDetector::detect_latin(std::string_view text, std::size_t* latin_letters,
                                                float* margin) const {
  const std::size_t n_lang = languages_.size();
  std::array<float, 64> score{};
  const std::size_t used = std::min<std::size_t>(n_lang, score.size());
  std::array<char32_t, kMaxWord + 2> word;
  std::size_t len = 0;
  // With at most kLanes languages the scores live in two vector registers (lo: languages
  // 0-7, hi: 8-15) and each row is two vector multiply-adds; the lanes past the last
  // language are never read. Each language's sum sees the same additions in the same
  // order as the one-language-at-a-time loop, so the result is the same (weight is 1 or
  // 1/4: every product is exact, fused multiply-add or not).
  const bool wide = used <= kLanes;
  Lanes8 lo = {}, hi = {};
  // Capitalised words are mostly names (brands, places) in posts: they say little about the
  // language around them, so their n-grams count for less (function words still count).
  bool capital = false;
  const auto flush = [&] {
    if (len == 0) return;
    const float weight = capital ? kNameWeight : 1.0f;
    word[0] = '_';
    word[len + 1] = '_';
    const std::size_t total = len + 2;
    if (const std::uint64_t bits = function_word_bits(ngram_key(&word[1], len)); bits != 0) {
      if (wide) {
        Lanes8 add_lo = {}, add_hi = {};
        for (std::size_t l = 0; l < 8; ++l) {
          if (bits >> l & 1) add_lo[l] = kFunctionWordWeight;
          if (bits >> (l + 8) & 1) add_hi[l] = kFunctionWordWeight;
        }
        lo += add_lo;
        hi += add_hi;
      } else {
        for (std::size_t l = 0; l < used; ++l) {
          if (bits >> l & 1) score[l] += kFunctionWordWeight;
        }
      }
    }
    for (std::size_t start = 0; start < total; ++start) {
      std::uint64_t h = kFnvBasis;  // ngram_key(&word[start], n), grown one n at a time
      for (std::size_t n = 1; n <= kMaxGram && start + n <= total; ++n) {
        h = (h ^ static_cast<std::uint64_t>(word[start + n - 1])) * kFnvPrime;
        if (n == 1 && word[start] == '_') continue;
        if (const float* row = find(h == 0 ? 1 : h)) {
          if (wide) {
            Lanes8 a, b;
            std::memcpy(&a, row, sizeof a);
            std::memcpy(&b, row + 8, sizeof b);
            lo += weight * a;
            hi += weight * b;
          } else {
            for (std::size_t l = 0; l < used; ++l) score[l] += weight * row[l];
          }
        }
      }
    }
    len = 0;
  };
  for_each_token(text, [&](std::string_view token) {
    for (std::size_t i = 0; i < token.size();) {
      const char32_t c = next_code_point(token, i);
      if (script_of(c) == Script::latin) {
        ++*latin_letters;
        const char32_t lower = to_lower_latin(c);
        if (len == 0) capital = lower != c;
        if (len < kMaxWord) word[1 + len++] = lower;
      } else {
        flush();
      }
    }
    flush();
  });
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
