#include "sentiment/language_policy.h"

#include <cmath>

namespace earshot::sentiment {

std::string normalize_language_tag(std::string_view tag) {
  std::string out;
  for (const char c : tag) {
    if (c == '-' || c == '_') break;
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c + 32));
    } else if (c >= 'a' && c <= 'z') {
      out.push_back(c);
    } else {
      return "";
    }
  }
  return out.size() >= 2 && out.size() <= 3 ? out : "";
}

LanguageChoice choose_language(const LanguageDetector::Guess& guess, std::string_view platform_tag,
                               const LanguagePolicy& policy) {
  if (std::isinf(guess.margin)) return {std::string(guess.lang), false};
  const std::string tag = normalize_language_tag(platform_tag);
  const bool und = guess.lang == "und";
  const bool confident = !und && guess.margin >= policy.min_margin;
  if (confident) return {std::string(guess.lang), false};
  if (!tag.empty()) return {tag, false};
  if (und) return {"und", false};
  // An unsure guess that agrees with the default is no fallback.
  return {policy.default_language, guess.lang != policy.default_language};
}

std::string fallback_model_name(std::string_view model) {
  return std::string(model) + "+lang-fallback";
}

}  // namespace earshot::sentiment
