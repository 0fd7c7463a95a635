// Where the pipeline decides a post's language: the detector, the platform's tag and the
// configured default (sentiment/language_policy.h), and that a fallback is never silent.
#include "pipeline/process/enricher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace earshot::pipeline::process {
namespace {

core::Post post(std::string text, std::optional<std::string> lang = std::nullopt) {
  core::Post p;
  p.uid = "file:test:1";
  p.source = "file";
  p.text = std::move(text);
  p.lang = std::move(lang);
  return p;
}

bool has_flag(const core::ScoredPost& s, const std::string& flag) {
  return std::find(s.flags.begin(), s.flags.end(), flag) != s.flags.end();
}

TEST(EnricherLanguage, ShortEnglishPostTheDetectorDoubtsIsScoredAndSaysFallback) {
  auto e = Enricher::build(nullptr, "vader");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const core::ScoredPost s = (*e)->enrich(post("Fear for myself, fear for my family."));
  EXPECT_EQ(s.post.lang, "en");
  EXPECT_EQ(s.sentiment.model, std::string((*e)->scorer().id()) + "+lang-fallback");
  EXPECT_EQ(s.sentiment.label, sentiment::Label::negative);  // VADER: "fear" is negative
  EXPECT_TRUE(has_flag(s, "lang_fallback"));
}

TEST(EnricherLanguage, PlatformTagDecidesAnUncertainPostWithoutFallback) {
  auto e = Enricher::build(nullptr, "vader");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const core::ScoredPost s = (*e)->enrich(post("Fear for myself, fear for my family.", "en"));
  EXPECT_EQ(s.post.lang, "en");
  EXPECT_EQ(s.sentiment.model, (*e)->scorer().id());
  EXPECT_FALSE(has_flag(s, "lang_fallback"));
}

TEST(EnricherLanguage, ConfiguredDefaultLanguageApplies) {
  config::Config cfg;
  cfg.sentiment.model = "vader";
  cfg.sentiment.default_language = "sv";  // a language no model supports
  auto e = Enricher::build(&cfg, "");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const core::ScoredPost s = (*e)->enrich(post("Fear for myself, fear for my family."));
  EXPECT_EQ(s.post.lang, "sv");
  EXPECT_EQ(s.sentiment.model, "none");
  EXPECT_TRUE(has_flag(s, "lang_fallback"));
}

TEST(EnricherLanguage, ConfidentEnglishIsNoFallback) {
  auto e = Enricher::build(nullptr, "vader");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const core::ScoredPost s =
      (*e)->enrich(post("my flight got cancelled again and nobody at the desk will help"));
  EXPECT_EQ(s.post.lang, "en");
  EXPECT_EQ(s.sentiment.model, (*e)->scorer().id());
  EXPECT_FALSE(has_flag(s, "lang_fallback"));
}

}  // namespace
}  // namespace earshot::pipeline::process
