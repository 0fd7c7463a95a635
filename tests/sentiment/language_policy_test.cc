#include "sentiment/language_policy.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace earshot::sentiment {
namespace {

const LanguageDetector& detector() {
  static const auto d = LanguageDetector::load();
  if (!d) ADD_FAILURE() << d.error();
  return *d;
}

TEST(LanguagePolicy, ShortEnglishComplaintThatLooksDanishFallsBackToEnglishAndSaysSo) {
  // The example: the detector's best guess is not English, and it is unsure.
  const auto guess = detector().guess("Fear for myself, fear for my family.");
  EXPECT_NE(guess.lang, "en");
  EXPECT_LT(guess.margin, LanguagePolicy{}.min_margin);
  const LanguageChoice c = choose_language(guess, "", LanguagePolicy{});
  EXPECT_EQ(c.lang, "en");
  EXPECT_TRUE(c.fallback);
}

TEST(LanguagePolicy, ConfiguredDefaultLanguageIsUsedForUncertainPosts) {
  LanguagePolicy policy;
  policy.default_language = "de";
  const LanguageChoice c = choose_language({"da", 1.0f}, "", policy);
  EXPECT_EQ(c.lang, "de");
  EXPECT_TRUE(c.fallback);
  // An unsure guess that is the default language is no fallback.
  EXPECT_FALSE(choose_language({"de", 1.0f}, "", policy).fallback);
}

TEST(LanguagePolicy, PlatformTagWinsOverAnUncertainGuessAndOverUnd) {
  const LanguageChoice c = choose_language({"da", 2.0f}, "en-GB", LanguagePolicy{});
  EXPECT_EQ(c.lang, "en");
  EXPECT_FALSE(c.fallback);
  EXPECT_EQ(choose_language({"und", 0.0f}, "pt-BR", LanguagePolicy{}).lang, "pt");
}

TEST(LanguagePolicy, ConfidentGuessStandsAgainstThePlatformTag) {
  const auto guess = detector().guess("llevo una semana esperando mi reembolso, nadie contesta");
  ASSERT_EQ(guess.lang, "es");
  ASSERT_GE(guess.margin, LanguagePolicy{}.min_margin);
  const LanguageChoice c = choose_language(guess, "en", LanguagePolicy{});
  EXPECT_EQ(c.lang, "es");
  EXPECT_FALSE(c.fallback);
}

TEST(LanguagePolicy, ScriptDecisionsAreCertain) {
  const auto guess = detector().guess("配達が三日も遅れています");
  EXPECT_EQ(guess.lang, "ja");
  EXPECT_EQ(guess.margin, std::numeric_limits<float>::infinity());
  EXPECT_EQ(choose_language(guess, "en", LanguagePolicy{}).lang, "ja");
}

TEST(LanguagePolicy, UndWithoutTagStaysUnd) {
  const LanguageChoice c = choose_language(detector().guess("👍👍 https://x.example"), "", {});
  EXPECT_EQ(c.lang, "und");
  EXPECT_FALSE(c.fallback);
}

TEST(LanguagePolicy, NormalizesPlatformTags) {
  EXPECT_EQ(normalize_language_tag("EN"), "en");
  EXPECT_EQ(normalize_language_tag("pt-BR"), "pt");
  EXPECT_EQ(normalize_language_tag("zh_Hant"), "zh");
  EXPECT_EQ(normalize_language_tag(""), "");
  EXPECT_EQ(normalize_language_tag("e"), "");
  EXPECT_EQ(normalize_language_tag("1234"), "");
  EXPECT_EQ(fallback_model_name("vader-3.3.2"), "vader-3.3.2+lang-fallback");
}

}  // namespace
}  // namespace earshot::sentiment
