// LanguageDetector::load(): the n-gram profiles and the function words (see language.h).
#include "sentiment/language.h"
#include "sentiment/language_internal.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <utility>

namespace earshot::sentiment {
namespace {
using namespace language_detail;

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
}  // namespace

std::expected<LanguageDetector, std::string> LanguageDetector::load(const Options& options) {
  LanguageDetector d;
  d.english_prior_ = options.english_prior;
  d.id_ = next_id();
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
  // The 1-3-grams of a-z words, as find() answers them.
  if (options.ascii_gram_table && counts.size() < kNoGram) {
    d.ascii_grams_.assign(kAsciiGrams, kNoGram);
    const auto letter = [](std::size_t c) {
      return c == 0 ? U'_' : static_cast<char32_t>(U'a' + c - 1);
    };
    const auto fill = [&](std::size_t index, const char32_t* gram, std::size_t n) {
      if (const float* row = d.find(ngram_key(gram, n))) {
        d.ascii_grams_[index] = static_cast<std::uint16_t>((row - d.scores_.data()) / n_lang);
      }
    };
    constexpr std::size_t A = kGramAlphabet;
    for (std::size_t a = 0; a < A; ++a) {
      const char32_t g1[] = {letter(a)};
      fill(a, g1, 1);
      for (std::size_t b = 0; b < A; ++b) {
        const char32_t g2[] = {letter(a), letter(b)};
        fill(A + a * A + b, g2, 2);
        for (std::size_t c = 0; c < A; ++c) {
          const char32_t g3[] = {letter(a), letter(b), letter(c)};
          fill(A + A * A + (a * A + b) * A + c, g3, 3);
        }
      }
    }
  }
  d.scores_.resize(d.scores_.size() + kLanes, 0.0f);
  const auto en = std::find(d.languages_.begin(), d.languages_.end(), "en");
  d.en_index_ = static_cast<std::size_t>(en - d.languages_.begin());
  return d;
}

}  // namespace earshot::sentiment
