#include "sentiment/targeted.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tests/sentiment/support/test_data.h"

namespace earshot::sentiment {
namespace {

using testing::data_path;
using testing::vader;

Span find(std::string_view text, std::string_view name) {
  const std::size_t at = text.find(name);
  EXPECT_NE(at, std::string_view::npos) << name << " not in " << text;
  return {at, at + name.size()};
}

// Sentiment toward `a` and `b`, both entities known.
std::pair<Label, Label> labels(std::string_view text, std::string_view a, std::string_view b) {
  const std::vector<Span> spans = {find(text, a), find(text, b)};
  const std::vector<Sentiment> s = TargetedScorer(vader()).score_all(text, spans);
  return {s[0].label, s[1].label};
}

using P = std::pair<Label, Label>;
constexpr Label kPos = Label::positive;
constexpr Label kNeg = Label::negative;

TEST(TargetedScorer, ContrastSplitsTheClauses) {
  const std::string_view text = "love @acmeair but @globex lost my bag";
  const TargetedScorer targeted(vader());
  EXPECT_EQ(targeted.score(text, find(text, "@acmeair")).label, kPos);
  EXPECT_EQ(targeted.score(text, find(text, "@globex")).label, kNeg);
  EXPECT_EQ(targeted.score(text, find(text, "@globex")).model, vader().id());
}

TEST(TargetedScorer, ClauseOfCutsAtPunctuationAndConjunctions) {
  const std::string_view text = "Acme was late. Globex was fine while Initech, though, lied";
  const Span acme = TargetedScorer::clause_of(text, find(text, "Acme"));
  EXPECT_EQ(text.substr(acme.begin, acme.end - acme.begin), "Acme was late");
  const Span globex = TargetedScorer::clause_of(text, find(text, "Globex"));
  EXPECT_EQ(text.substr(globex.begin, globex.end - globex.begin), " Globex was fine ");
  // "for a while" and "acme.example" do not cut.
  const std::string_view t2 = "waited for a while at acme.example and it was fine";
  const Span c2 = TargetedScorer::clause_of(t2, find(t2, "acme.example"));
  EXPECT_EQ(c2.begin, 0u);
  EXPECT_EQ(c2.end, t2.size());
}

TEST(TargetedScorer, TemporalWhileDoesNotCutTheComplaint) {
  // The demo's VIP post (deploy/demo): the card froze *while* she is abroad; the whole
  // sentence is the complaint about Globex Bank, not just "Globex Bank froze my card".
  const std::string_view noor =
      "Globex Bank froze my card while I'm abroad and the fraud line has a 90 minute wait. "
      "Really disappointed.";
  const Span c = TargetedScorer::clause_of(noor, find(noor, "Globex Bank"));
  EXPECT_EQ(noor.substr(c.begin, c.end - c.begin),
            "Globex Bank froze my card while I'm abroad and the fraud line has a 90 minute wait");
  for (std::string_view t : {"Acme dropped the call while on hold", "Acme charged me twice "
                                                                    "while waiting for a refund"}) {
    const Span w = TargetedScorer::clause_of(t, find(t, "Acme"));
    EXPECT_EQ(w.end, t.size()) << t;
  }
  // The contrast "while" still cuts: after a comma, or before another subject.
  const std::string_view c1 = "Acme refunded me, while I'm still waiting on Globex";
  EXPECT_EQ(TargetedScorer::clause_of(c1, find(c1, "Acme")).end, c1.find(", while") + 2);
  const std::string_view c3 = "Acme was quick while Globex took a week";
  EXPECT_EQ(TargetedScorer::clause_of(c3, find(c3, "Acme")).end, c3.find("while"));
}

TEST(TargetedScorer, Comparatives) {
  EXPECT_EQ(labels("Acme is way better than Globex", "Acme", "Globex"), P(kPos, kNeg));
  EXPECT_EQ(labels("Acme is worse than Globex these days", "Acme", "Globex"), P(kNeg, kPos));
  EXPECT_EQ(labels("Acme is not better than Globex", "Acme", "Globex"), P(kNeg, kPos));
  EXPECT_EQ(labels("Acme is more expensive than Globex", "Acme", "Globex"), P(kNeg, kPos));
}

TEST(TargetedScorer, UnlikeAndSwitching) {
  EXPECT_EQ(labels("Unlike Globex, Acme answered in minutes, great", "Acme", "Globex"),
            P(kPos, kNeg));
  EXPECT_EQ(labels("switched from Globex to Acme last week", "Acme", "Globex"), P(kPos, kNeg));
  EXPECT_EQ(labels("moved to Acme from Globex", "Acme", "Globex"), P(kPos, kNeg));
  EXPECT_EQ(labels("ditched Globex for Acme", "Acme", "Globex"), P(kPos, kNeg));
}

TEST(TargetedScorer, ConjunctionsBetweenEntities) {
  EXPECT_EQ(labels("love Acme and hate Globex", "Acme", "Globex"), P(kPos, kNeg));
  EXPECT_EQ(labels("Acme was great, Globex not so much", "Acme", "Globex"), P(kPos, kNeg));
  // Nothing said about Acme alone: the clause speaks for both.
  EXPECT_EQ(labels("Acme and Globex both lost my bags", "Acme", "Globex"), P(kNeg, kNeg));
}

TEST(TargetedScorer, NeutralClauseFallsBackToTheWholePost) {
  const std::string_view text = "flew @acmeair today. worst trip of my life";
  EXPECT_EQ(TargetedScorer(vader()).score(text, find(text, "@acmeair")).label, kNeg);
}

TEST(TargetedScorer, BadSpansGetThePostSentiment) {
  const std::string_view text = "what a lovely day";
  const TargetedScorer targeted(vader());
  EXPECT_EQ(targeted.score(text, Span{3, 3}), vader().score(text));
  EXPECT_EQ(targeted.score(text, Span{100, 200}), vader().score(text));
  const Sentiment s = targeted.score(text, Span{5, 100});
  EXPECT_EQ(s.label, kPos);
}

// Counts the texts a base scorer is asked about (and answers like VADER).
class CountingScorer final : public Scorer {
 public:
  Sentiment score(std::string_view text) const override {
    ++calls;
    return vader().score(text);
  }
  std::string_view id() const override { return vader().id(); }
  mutable int calls = 0;
};

TEST(TargetedScorer, ScoresEachPieceOnceAndReusesTheWholePostScore) {
  CountingScorer base;
  const TargetedScorer targeted(base);
  // One clause, neutral: the clause is the whole post, asked about once (it used to be
  // three times: the clause, the clause again, the whole post).
  const std::string_view plain = "flying with @acmeair on monday";
  const std::vector<Span> spans = {find(plain, "@acmeair")};
  const std::vector<Sentiment> each = targeted.score_all(plain, spans);
  EXPECT_EQ(base.calls, 1);
  // With the whole post's score handed in, no base run at all, and the same answers.
  base.calls = 0;
  const Sentiment whole = vader().score(plain);
  EXPECT_EQ(targeted.score_all(plain, spans, whole), each);
  EXPECT_EQ(base.calls, 0);
  // Empty spans get the whole post's score: the one handed in.
  base.calls = 0;
  const std::vector<Span> empty = {Span{3, 3}};
  EXPECT_EQ(targeted.score_all(plain, empty, whole), std::vector<Sentiment>{whole});
  EXPECT_EQ(base.calls, 0);
}

TEST(TargetedScorer, HandingInTheWholePostScoreChangesNothing) {
  const TargetedScorer targeted(vader());
  for (std::string_view text : {
           "love @acmeair but @globex lost my bag",
           "Flew @acmeair and @globex today. @acmeair was great",
           "@acmeair is way better than @globex",
           "switched from @globex to @acmeair",
           "@acmeair was great, @globex not so much",
           "@acmeair doubled my bill. @globex sorted my claim, great people",
           "@acmeair and @globex: flight delayed again",
           "@acmeair and @globex, on time for once",
       }) {
    const std::vector<Span> spans = {find(text, "@acmeair"), find(text, "@globex"), Span{0, 0}};
    EXPECT_EQ(targeted.score_all(text, spans, vader().score(text)), targeted.score_all(text, spans))
        << text;
  }
}

TEST(TargetedScorer, AccuracyOnTheLabelledSetWithVader) {
  std::ifstream in(data_path("targeted.tsv"));
  ASSERT_TRUE(in.good());
  int total = 0, correct = 0, rows = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    for (std::size_t at = 0;;) {
      const std::size_t tab = line.find('\t', at);
      f.push_back(line.substr(at, tab == std::string::npos ? tab : tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    ASSERT_EQ(f.size(), 5u) << line;
    Label want1 = Label::neutral, want2 = Label::neutral;
    ASSERT_TRUE(parse_label(f[2], &want1)) << line;
    ASSERT_TRUE(parse_label(f[4], &want2)) << line;
    const auto [got1, got2] = labels(f[0], f[1], f[3]);
    ++rows;
    total += 2;
    correct += (got1 == want1) + (got2 == want2);
    if (got1 != want1 || got2 != want2) {
      std::cout << "miss: " << f[1] << " " << to_string(got1) << "/" << f[2] << ", " << f[3] << " "
                << to_string(got2) << "/" << f[4] << ": " << f[0] << "\n";
    }
  }
  ASSERT_GE(rows, 200);
  const double accuracy = static_cast<double>(correct) / total;
  std::cout << "targeted accuracy: " << accuracy << " (" << correct << "/" << total
            << " entity labels, " << rows << " posts)\n";
  EXPECT_GE(accuracy, 0.85);
}

// Issue 15, third round (customer-care tune split): the company's words quoted back are irony,
// a service event the care lexicon leans on (|cue| >= 0.6) beats the base model's reading of
// "fraud", and "Y never does this" after X's problem praises Y.
Sentiment only(std::string_view text, std::string_view name) {
  const std::vector<Span> spans = {find(text, name)};
  return TargetedScorer(vader()).score_all(text, spans)[0];
}

TEST(TargetedScorer, ScareQuotesMakeTheirSentenceNegative) {
  EXPECT_EQ(only("Acme's \"24/7 support\" is a form that replies in five working days", "Acme")
                .label,
            kNeg);
  // Only the sentence with the quote: the company the author moves to is not blamed.
  const auto [acme, globex] = labels(
      "Acme keeps emailing me to \"update my details\". Happy to, I'm updating them to Globex",
      "Acme", "Globex");
  EXPECT_EQ(acme, kNeg);
  EXPECT_NE(globex, kNeg);
}

TEST(TargetedScorer, AServiceEventOutweighsItsProblemWords) {
  EXPECT_EQ(only("Acme caught the fraud", "Acme").label, kPos);
  EXPECT_EQ(labels("Globex flagged my rent as fraud again, Acme never does this", "Globex", "Acme"),
            (P{kNeg, kPos}));
}

}  // namespace
}  // namespace earshot::sentiment
