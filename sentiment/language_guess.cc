// LanguageDetector::guess(): the decision by script, then the Latin-script decision
// (detect_latin, language.cc). See language.h.
#include "sentiment/language.h"
#include "sentiment/language_internal.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>

namespace earshot::sentiment {
using namespace language_detail;

bool sentiment_supported(std::string_view lang) { return lang == "en" || lang == "und"; }

std::string_view LanguageDetector::detect(std::string_view text) const { return guess(text).lang; }

LanguageDetector::Guess LanguageDetector::guess(std::string_view text) const {
  constexpr float kScript = std::numeric_limits<float>::infinity();
  float margin = 0.0f;
  // Plain ASCII (most posts) has no letters of another script, so only the Latin decision
  // and its letter count matter: one pass instead of two.
  unsigned char high = 0;
  {
    std::uint64_t any = 0;  // eight bytes at a time, then the tail
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, text.data() + i, sizeof chunk);
      any |= chunk;
    }
    for (; i < text.size(); ++i) any |= static_cast<unsigned char>(text[i]);
    if (any & 0x8080808080808080ull) high = 0x80;
  }
  if (high < 0x80) {
    std::size_t latin = 0;
    const std::string_view lang = detect_latin(text, high < 0x80, &latin, &margin);
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
  const std::string_view lang = detect_latin(text, high < 0x80, &latin, &margin);
  return {lang, margin};
}

}  // namespace earshot::sentiment
