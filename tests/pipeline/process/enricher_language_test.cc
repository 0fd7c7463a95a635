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

namespace earshot::pipeline::process {
namespace {

TEST(EnricherLanguage, OtherLanguagesAreScoredByTheirLexicon) {
  auto e = Enricher::build(nullptr, "vader");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const struct {
    const char* text;
    const char* lang;
    sentiment::Label label;
  } cases[] = {
      {"Der Kundenservice war unfreundlich und hat einfach aufgelegt, total enttäuscht", "de",
       sentiment::Label::negative},
      {"Merci pour l'aide rapide, tout fonctionne à nouveau, je suis ravi !", "fr",
       sentiment::Label::positive},
      {"Llevo seis semanas esperando mi reembolso, qué vergüenza", "es",
       sentiment::Label::negative},
      {"Atendimento ótimo, o reembolso caiu em dois dias, obrigado", "pt",
       sentiment::Label::positive},
      {"Servizio orribile, non ordino mai più da loro", "it", sentiment::Label::negative},
      {"Bedankt voor de snelle hulp, alles werkt weer, top!", "nl", sentiment::Label::positive},
      {"荷物がまだ届かない。サポートにも繋がらない、最悪", "ja", sentiment::Label::negative},
  };
  for (const auto& c : cases) {
    const core::ScoredPost s = (*e)->enrich(post(c.text));
    EXPECT_EQ(s.post.lang, c.lang) << c.text;
    EXPECT_EQ(s.sentiment.model, std::string("lexicon-") + c.lang + "-1") << c.text;
    EXPECT_EQ(s.sentiment.label, c.label) << c.text;
  }
  // A language without a model still gets none.
  const core::ScoredPost sv =
      (*e)->enrich(post("Jag har väntat på min återbetalning i sex veckor och ingen svarar"));
  EXPECT_EQ(sv.post.lang, "sv");
  EXPECT_EQ(sv.sentiment.model, "none");
}

// `earshot score --lang`: an enricher built for one known language loads neither the
// detector nor the other lexicons, and scores exactly as the full one does when told the
// language per call — German by its lexicon, English by the model, with entities linked.
TEST(EnricherLanguage, BuiltForAKnownLanguageScoresAsTheFullOneToldIt) {
  config::Config cfg;
  cfg.entities.push_back({.id = "acme", .name = "Acme", .aliases = {"Acme"}});
  auto full = Enricher::build(&cfg, "vader");
  ASSERT_TRUE(full.has_value()) << full.error().message;
  const struct {
    const char* lang;
    const char* text;
  } cases[] = {
      {"de", "Der Kundenservice von Acme war unfreundlich, total enttäuscht"},
      {"en", "Acme lost my bag again, worst airline ever"},
      {"en", "Fear for myself, fear for my family."},  // the detector would doubt it
      {"sv", "Jag har väntat på min återbetalning i sex veckor"},  // no model: none
  };
  for (const auto& c : cases) {
    auto known = Enricher::build(&cfg, "vader", {}, c.lang);
    ASSERT_TRUE(known.has_value()) << known.error().message;
    const core::ScoredPost want = (*full)->enrich(post(c.text), c.lang);
    const core::ScoredPost got = (*known)->enrich(post(c.text));  // no lang: the known one
    EXPECT_EQ(got.post.lang, c.lang) << c.text;
    EXPECT_EQ(codec::encode(got), codec::encode(want)) << c.text;
    std::string got_alone, want_alone;
    codec::encode_to((*known)->sentiment_of(post(c.text)), got_alone);
    codec::encode_to((*full)->sentiment_of(post(c.text), c.lang), want_alone);
    EXPECT_EQ(got_alone, want_alone) << c.text;
  }
  auto de = Enricher::build(nullptr, "vader", {}, "de");
  ASSERT_TRUE(de.has_value());
  EXPECT_EQ((*de)->enrich(post("Servizio orribile, non ordino mai più")).sentiment.model,
            "lexicon-de-1");  // told German: German, not detected as Italian
}

}  // namespace
}  // namespace earshot::pipeline::process
