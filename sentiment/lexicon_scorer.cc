#include "sentiment/lexicon_scorer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "sentiment/embedded_data.h"
#include "sentiment/japanese_scorer.h"
#include "sentiment/utf8.h"

namespace earshot::sentiment {
namespace {

struct LanguageRules {
  std::string_view lang;
  std::string_view negators;      // space-separated
  std::string_view intensifiers;  // space-separated
  std::string_view contrast;      // space-separated
  std::string_view endings;       // space-separated, longest first
};

constexpr LanguageRules kRules[] = {
    {"de", "nicht kein keine keinen keiner keinem nie niemals nichts ohne kaum",
     "sehr so total echt wirklich extrem absolut voll mega richtig besonders",
     "aber jedoch trotzdem sondern", "ern em en er es e s"},
    {"fr", "pas jamais rien aucun aucune ni sans plus guère",
     "très trop vraiment tellement si extrêmement absolument hyper vachement",
     "mais pourtant cependant toutefois", "ement ées és ée es s e"},
    {"es", "no nunca jamás nada ni sin tampoco ningún ninguna ninguno",
     "muy tan súper realmente demasiado totalmente bastante increíblemente",
     "pero sino aunque embargo", "ísimos ísimas ísimo ísima mente os as es s"},
    {"pt", "não nunca jamais nada nem sem nenhum nenhuma",
     "muito tão super realmente demais totalmente bastante bem", "mas porém contudo entanto",
     "íssimo íssima mente os as es s"},
    {"it", "non mai niente nulla né senza nessun nessuno nessuna",
     "molto tanto troppo davvero proprio veramente super estremamente assai",
     "ma però tuttavia eppure", "issimo issima issimi mente i e"},
    {"nl", "niet geen nooit niets zonder nauwelijks noch",
     "heel erg zeer zo echt super ontzettend enorm hartstikke best", "maar echter toch", "en e s"},
};

constexpr float kNegation = -0.74f;
constexpr float kIntensify = 1.3f;
constexpr float kAlpha = 15.0f;  // VADER's normalisation constant

std::vector<std::string> split_words(std::string_view list) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size();) {
    const std::size_t space = std::min(list.find(' ', i), list.size());
    if (space > i) out.emplace_back(list.substr(i, space - i));
    i = space + 1;
  }
  return out;
}

// lang TAB word TAB valence lines; '#' lines are comments. Later files override earlier ones.
void load_lines(std::string_view blob, std::string_view lang,
                std::unordered_map<std::string, float>* words) {
  for (std::size_t i = 0; i < blob.size();) {
    const std::size_t nl = std::min(blob.find('\n', i), blob.size());
    std::string_view line = blob.substr(i, nl - i);
    i = nl + 1;
    if (line.empty() || line[0] == '#' || line[0] == '\0') continue;
    const std::size_t t1 = line.find('\t');
    const std::size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos || line.substr(0, t1) != lang) continue;
    int value = 0;
    const std::string_view v = line.substr(t2 + 1);
    const char* first = v.data() + (!v.empty() && v[0] == '+' ? 1 : 0);
    if (std::from_chars(first, v.data() + v.size(), value).ec != std::errc()) continue;
    const std::string word(line.substr(t1 + 1, t2 - t1 - 1));
    if (value == 0) {
      words->erase(word);
    } else {
      (*words)[word] = static_cast<float>(value);
    }
  }
}

class LexiconScorer final : public Scorer {
 public:
  explicit LexiconScorer(const LanguageRules& rules)
      : id_("lexicon-" + std::string(rules.lang) + "-1"),
        negators_(split_words(rules.negators)),
        intensifiers_(split_words(rules.intensifiers)),
        contrast_(split_words(rules.contrast)),
        endings_(split_words(rules.endings)) {
    load_lines(embedded::afinn_translated_lexicon(), rules.lang, &words_);
    load_lines(embedded::earshot_multilingual_lexicon(), rules.lang, &words_);
  }

  Sentiment score(std::string_view text) const override {
    std::vector<std::string> tokens;
    tokenize(text, &tokens);
    std::size_t contrast_at = tokens.size();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (is_in(contrast_, tokens[i])) contrast_at = i;  // the last contrast word counts
    }
    float sum = 0.0f;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      float v = valence(tokens[i]);
      if (v == 0.0f) continue;
      for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
        if (is_in(negators_, tokens[i - back])) {
          v *= kNegation;
          break;
        }
      }
      if (i > 0 && is_in(intensifiers_, tokens[i - 1])) v *= kIntensify;
      if (contrast_at < tokens.size())
        v *= i < contrast_at ? 0.5f : (i > contrast_at ? 1.5f : 1.0f);
      sum += v;
    }
    std::size_t bangs = 0;
    for (const char c : text) bangs += c == '!';
    return lexicon_sentiment(sum, bangs, id_);
  }

  std::string_view id() const override { return id_; }

 private:
  static bool is_in(const std::vector<std::string>& list, const std::string& w) {
    for (const auto& x : list) {
      if (x == w) return true;
    }
    return false;
  }

  float valence(const std::string& w) const {
    if (const auto it = words_.find(w); it != words_.end()) return it->second;
    for (const std::string& e : endings_) {
      if (w.size() >= e.size() + 3 && w.ends_with(e)) {
        const std::string stem = w.substr(0, w.size() - e.size());
        if (const auto it = words_.find(stem); it != words_.end()) return it->second;
        // Romance languages: "lentos" → "lento", "gentili" → "gentile".
        for (const char* tail : {"o", "a", "e"}) {
          if (const auto it2 = words_.find(stem + tail); it2 != words_.end()) return it2->second;
        }
      }
    }
    return 0.0f;
  }

  // Lower-case words: letters only; apostrophes split ("j'adore" → "j", "adore").
  static void tokenize(std::string_view text, std::vector<std::string>* out) {
    std::string word;
    const auto flush = [&] {
      if (!word.empty()) out->push_back(std::move(word));
      word.clear();
    };
    for (std::size_t i = 0; i < text.size();) {
      const utf8::Decoded d = utf8::decode(text, i);
      i += d.length;
      const char32_t c = d.code_point;
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
      if (letter) {
        utf8::append(utf8::to_lower(c), &word);
      } else {
        flush();
      }
    }
    flush();
  }

  std::string id_;
  std::vector<std::string> negators_, intensifiers_, contrast_, endings_;
  std::unordered_map<std::string, float> words_;
};

const LanguageRules* rules_for(std::string_view lang) {
  for (const LanguageRules& r : kRules) {
    if (r.lang == lang) return &r;
  }
  return nullptr;
}

}  // namespace

bool lexicon_language(std::string_view lang) {
  return rules_for(lang) != nullptr || lang == "ja";
}

Sentiment lexicon_sentiment(float sum, std::size_t bangs, std::string_view model) {
  if (sum != 0.0f) {
    sum += (sum > 0 ? 1.0f : -1.0f) * 0.292f * static_cast<float>(std::min<std::size_t>(bangs, 4));
  }
  const float score = sum / std::sqrt(sum * sum + kAlpha);
  Sentiment s;
  s.score = score;
  s.label = score >= 0.05f ? Label::positive : score <= -0.05f ? Label::negative : Label::neutral;
  s.probs = {std::max(0.0f, -score), 1.0f - std::abs(score), std::max(0.0f, score)};
  s.model = std::string(model);
  return s;
}

std::expected<std::unique_ptr<Scorer>, std::string> make_lexicon_scorer(std::string_view lang) {
  if (lang == "ja") return make_japanese_scorer();  // no spaces: a scorer of its own
  const LanguageRules* rules = rules_for(lang);
  if (!rules) {
    return std::unexpected("no sentiment lexicon for language '" + std::string(lang) +
                           "' (have de, fr, es, pt, it, nl, ja)");
  }
  // One parsed scorer per language for the process: the lists are read once.
  static std::array<std::shared_ptr<const LexiconScorer>, std::size(kRules)> cache;
  static std::once_flag once[std::size(kRules)];
  const std::size_t index = static_cast<std::size_t>(rules - kRules);
  std::call_once(once[index],
                 [&] { cache[index] = std::make_shared<const LexiconScorer>(*rules); });
  class Handle final : public Scorer {
   public:
    explicit Handle(std::shared_ptr<const LexiconScorer> s) : s_(std::move(s)) {}
    Sentiment score(std::string_view text) const override { return s_->score(text); }
    std::string_view id() const override { return s_->id(); }

   private:
    std::shared_ptr<const LexiconScorer> s_;
  };
  return std::make_unique<Handle>(cache[index]);
}

}  // namespace earshot::sentiment
