#include "sentiment/vader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "sentiment/embedded_data.h"
#include "sentiment/sentiment.h"
#include "sentiment/utf8.h"
#include "sentiment/vader_lexicon.h"

namespace earshot::sentiment {
namespace {

// Expected values below come from vaderSentiment 3.3.2 (Python) on the same text.

TEST(Vader, ScoresLikeTheReference) {
  EXPECT_EQ(vader_polarity_scores("The book was good."), (VaderScores{0.0, 0.508, 0.492, 0.4404}));
  EXPECT_EQ(vader_polarity_scores("VADER is VERY SMART!!!"),
            (VaderScores{0.0, 0.36, 0.64, 0.7457}));
  EXPECT_EQ(vader_polarity_scores("the service was awful."), (VaderScores{0.5, 0.5, 0.0, -0.4588}));
}

TEST(Vader, LexiconIsEmbeddedWithLastDuplicateWinning) {
  const VaderLexicon& lex = VaderLexicon::embedded();
  EXPECT_EQ(lex.word_count(), 7506u);
  EXPECT_EQ(lex.emoji_count(), 1212u);
  ASSERT_NE(lex.valence("lol"), nullptr);
  EXPECT_EQ(*lex.valence("lol"), 1.8);  // first line says 2.9, the later one wins
  EXPECT_EQ(*lex.valence("d:"), 1.2);
  EXPECT_EQ(lex.valence("not-a-word"), nullptr);
  EXPECT_EQ(lex.emoji_description(U'\U0001F600'), "grinning face");
  EXPECT_TRUE(lex.emoji_description(U'a').empty());
  EXPECT_TRUE(embedded::vader_lexicon().starts_with("$:\t-1.5"));
  EXPECT_TRUE(embedded::emoji_lexicon().ends_with("\tWales"));
}

TEST(Vader, ScorerMapsCompoundToLabelScoreAndProbs) {
  const std::unique_ptr<Scorer> scorer = make_vader_scorer();
  EXPECT_EQ(scorer->id(), "vader-3.3.2");
  const Sentiment good = scorer->score("The book was good.");
  EXPECT_EQ(good.label, Label::positive);
  EXPECT_FLOAT_EQ(good.score, 0.4404f);
  EXPECT_FLOAT_EQ(good.probs.neu, 0.508f);
  EXPECT_FLOAT_EQ(good.probs.pos, 0.492f);
  EXPECT_EQ(good.model, "vader-3.3.2");
  EXPECT_EQ(scorer->score("the service was awful.").label, Label::negative);
  const Sentiment none = scorer->score("   ");
  EXPECT_EQ(none.label, Label::neutral);
  EXPECT_EQ(none.score, 0.0f);
  EXPECT_EQ(none.probs.neu, 1.0f);  // VADER says all zeros; probabilities must sum to 1
  EXPECT_EQ(vader_to_sentiment(VaderScores{0.1, 0.8, 0.1, 0.05}).label, Label::positive);
  EXPECT_EQ(vader_to_sentiment(VaderScores{0.1, 0.8, 0.1, -0.05}).label, Label::negative);
  EXPECT_EQ(vader_to_sentiment(VaderScores{0.1, 0.8, 0.1, 0.0499}).label, Label::neutral);
}

TEST(Vader, ScoreSpanScoresTheClauseAroundTheSpan) {
  const std::unique_ptr<Scorer> scorer = make_vader_scorer();
  const std::string text = "the food was great but the service was awful. Bye!";
  const std::size_t food = text.find("food");
  const std::size_t service = text.find("service");
  const Sentiment f = scorer->score_span(text, Span{food, food + 4});
  const Sentiment s = scorer->score_span(text, Span{service, service + 7});
  EXPECT_EQ(f, scorer->score("the food was great"));
  EXPECT_EQ(s, scorer->score(" the service was awful."));
  EXPECT_EQ(f.label, Label::positive);
  EXPECT_EQ(s.label, Label::negative);
  // A span past the end or an empty clause falls back sensibly, never out of range.
  EXPECT_EQ(scorer->score_span(text, Span{1000, 2000}).model, "vader-3.3.2");
  EXPECT_EQ(scorer->score_span("but", Span{0, 3}), scorer->score("but"));
  // "acme.example" is not a sentence end.
  const std::string url = "acme.example is great";
  EXPECT_EQ(scorer->score_span(url, Span{0, 4}), scorer->score(url));
}

TEST(Labels, RoundTripThroughTheirNames) {
  for (const Label l : {Label::negative, Label::neutral, Label::positive}) {
    Label parsed = Label::neutral;
    ASSERT_TRUE(parse_label(to_string(l), &parsed));
    EXPECT_EQ(parsed, l);
  }
  Label untouched = Label::positive;
  EXPECT_FALSE(parse_label("Positive", &untouched));
  EXPECT_FALSE(parse_label("", &untouched));
  EXPECT_EQ(untouched, Label::positive);
}

TEST(VaderBadInput, EmptyTextIsAllZeros) {
  EXPECT_EQ(vader_polarity_scores(""), (VaderScores{0.0, 0.0, 0.0, 0.0}));
}

TEST(VaderBadInput, NulBytesAreOrdinaryCharacters) {
  const std::string text("good\0 bad\0\0 great", 17);
  EXPECT_EQ(vader_polarity_scores(text), (VaderScores{0.0, 0.328, 0.672, 0.6249}));
}

TEST(VaderBadInput, InvalidUtf8AndLoneSurrogatesScoreAsReplacementCharacters) {
  const std::string bad = "great \xED\xA0\x80 day \xFF\xC3";
  std::string replaced;
  utf8::append_sanitized(bad, &replaced);
  EXPECT_EQ(vader_polarity_scores(bad), vader_polarity_scores(replaced));
  // Python: b"great \xed\xa0\x80 day \xff\xc3".decode("utf-8", "replace")
  EXPECT_EQ(vader_polarity_scores(bad), (VaderScores{0.0, 0.423, 0.577, 0.6249}));
}

TEST(VaderBadInput, ManyEmojiAndZalgoAreScored) {
  std::string emoji;
  for (int k = 0; k < 300; ++k) emoji += "\xF0\x9F\x98\x80";
  EXPECT_EQ(vader_polarity_scores(emoji), (VaderScores{0.0, 0.286, 0.714, 1.0}));
  for (int k = 300; k < 10000; ++k) emoji += "\xF0\x9F\x98\x80";
  const VaderScores many = vader_polarity_scores(emoji);
  EXPECT_EQ(many.compound, 1.0);
  EXPECT_EQ(many.pos, 0.714);
  std::string zalgo = "Z";
  for (int k = 0; k < 50; ++k) zalgo += "\xCD\x91";
  zalgo += "a";
  for (int k = 0; k < 30; ++k) zalgo += "\xCC\x88";
  zalgo += " good";
  EXPECT_EQ(vader_polarity_scores(zalgo), (VaderScores{0.0, 0.256, 0.744, 0.4404}));
}

TEST(VaderBadInput, LargeTextsStayFastAndBounded) {
  std::string text;
  while (text.size() < (1u << 14)) text += "I love it and the service was TERRIBLE!!! ";
  EXPECT_EQ(vader_polarity_scores(text), (VaderScores{0.273, 0.427, 0.299, 0.9996}));
  std::string big;
  while (big.size() < (1u << 20)) big += "I love it but the service was TERRIBLE!!! ";
  const VaderScores s = vader_polarity_scores(big);  // quadratic in the reference; not here
  EXPECT_TRUE(std::isfinite(s.compound));
  EXPECT_GE(s.compound, -1.0);
  EXPECT_LE(s.compound, 1.0);
  EXPECT_NEAR(s.neg + s.neu + s.pos, 1.0, 0.002);
  EXPECT_EQ(vader_polarity_scores(big), s);
}

TEST(Vader, IsSafeToCallFromManyThreads) {
  const std::vector<std::string> texts = {"The book was good.", "VADER is VERY SMART!!!",
                                          "the service was awful.", "not bad but not great :("};
  std::vector<VaderScores> want;
  for (const auto& t : texts) want.push_back(vader_polarity_scores(t));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 2000; ++k) {
        const std::size_t i = static_cast<std::size_t>(k + t) % texts.size();
        if (!(vader_polarity_scores(texts[i]) == want[i]))
          ++mismatches[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace earshot::sentiment
