// The lexicon scorers of de, fr, es, pt, it, nl: their rules, and their figures on the
// hand-written per-language sets (tests/sentiment/data/lang/, README.md beside them).
#include "sentiment/lexicon_scorer.h"

#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "sentiment/evaluate.h"
#include "tests/support/source_dir.h"

namespace earshot::sentiment {
namespace {

Sentiment score(std::string_view lang, std::string_view text) {
  auto scorer = make_lexicon_scorer(lang);
  EXPECT_TRUE(scorer.has_value()) << scorer.error();
  return (*scorer)->score(text);
}

TEST(LexiconScorer, KnowsSixLanguagesAndSaysWhichItLacks) {
  for (const char* lang : {"de", "fr", "es", "pt", "it", "nl"}) {
    EXPECT_TRUE(lexicon_language(lang)) << lang;
    auto s = load_scorer(std::string("lexicon-") + lang);
    ASSERT_TRUE(s.has_value()) << s.error();
    EXPECT_EQ((*s)->id(), std::string("lexicon-") + lang + "-1");
  }
  EXPECT_FALSE(lexicon_language("en"));
  const auto sv = make_lexicon_scorer("sv");
  ASSERT_FALSE(sv.has_value());
  EXPECT_NE(sv.error().find("sv"), std::string::npos);
}

TEST(LexiconScorer, NegationFlipsAndContrastWeighsTheSecondHalf) {
  EXPECT_EQ(score("de", "Das ist gut").label, Label::positive);
  EXPECT_EQ(score("de", "Das ist nicht gut").label, Label::negative);
  EXPECT_EQ(score("es", "no es bueno").label, Label::negative);
  EXPECT_EQ(score("fr", "Le personnel est sympa mais le service est nul").label, Label::negative);
  EXPECT_EQ(score("it", "Il cibo era buono ma il servizio pessimo").label, Label::negative);
  EXPECT_EQ(score("nl", "Het duurde lang maar het resultaat is geweldig").label, Label::positive);
}

TEST(LexiconScorer, InflectedFormsFallBackToTheirStem) {
  EXPECT_EQ(score("de", "eine gute Erfahrung").label, Label::positive);    // gute → gut
  EXPECT_EQ(score("es", "unos camareros lentos").label, Label::negative);  // lentos → lento
}

TEST(LexiconScorer, NeutralAndEmptyTextStayNeutral) {
  EXPECT_EQ(score("pt", "").label, Label::neutral);
  EXPECT_EQ(score("pt", "A loja fecha aos domingos").label, Label::neutral);
  EXPECT_EQ(score("fr", "\xff\xfe invalide").label, Label::neutral);
}

TEST(LexiconScorer, MacroRecallOnTheHandWrittenSetOfEachLanguage) {
  for (const char* lang : {"de", "fr", "es", "pt", "it", "nl"}) {
    const auto path =
        earshot::testing::source_path(std::string("tests/sentiment/data/lang/") + lang + ".tsv");
    auto data = read_tsv(path.string());
    ASSERT_TRUE(data.has_value()) << data.error();
    ASSERT_GE(data->texts.size(), 100u) << lang;
    auto scorer = make_lexicon_scorer(lang);
    ASSERT_TRUE(scorer.has_value());
    const EvalReport r = evaluate(**scorer, *data);
    std::cout << lang << ": macro_recall " << r.macro_recall << ", accuracy " << r.accuracy << "\n";
    EXPECT_GE(r.macro_recall, 0.75) << lang << "\n" << format_report(r);
  }
}

}  // namespace
}  // namespace earshot::sentiment
