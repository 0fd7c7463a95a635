#include "sentiment/intent.h"
#include "sentiment/sarcasm.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "tests/sentiment/support/test_data.h"

namespace earshot::sentiment {
namespace {

using testing::data_path;
using testing::vader;

Intent classify(std::string_view text) {
  return IntentClassifier{}.classify(text, vader().score(text));
}

// Each of `texts`, with VADER's sentiment, is classified as `want`; a miss names the text.
void expect_intent(Intent want, std::initializer_list<std::string_view> texts) {
  for (std::string_view text : texts) EXPECT_EQ(classify(text), want) << text;
}

TEST(Intent, NamesRoundTrip) {
  for (Intent i : {Intent::complaint, Intent::question, Intent::praise, Intent::other}) {
    Intent parsed = Intent::other;
    ASSERT_TRUE(parse_intent(to_string(i), &parsed));
    EXPECT_EQ(parsed, i);
  }
  Intent untouched = Intent::praise;
  EXPECT_FALSE(parse_intent("Complaint", &untouched));
  EXPECT_FALSE(parse_intent("", &untouched));
  EXPECT_EQ(untouched, Intent::praise);
  EXPECT_EQ(to_string(Intent::question), "question");
}

TEST(Intent, ProblemsAreComplaints) {
  expect_intent(Intent::complaint, {"@acmeair lost my bag and nobody at the desk cares",
                                    "still waiting on my refund, 3 weeks now",
                                    "charged twice for one order",
                                    "the app is not working again"});
}

TEST(Intent, QuestionsThatComplainAreComplaints) {
  expect_intent(Intent::complaint, {"why is my flight delayed AGAIN??",
                                    "where is my refund? it has been a month"});
}

TEST(Intent, InformationQuestionsAreQuestions) {
  expect_intent(Intent::question, {"how do I change my seat on the app?",
                                   "anyone know if the lounge opens before 6",
                                   "how do I get a refund for a cancelled trip?"});
}

TEST(Intent, PraiseEvenWithAQuestionMark) {
  expect_intent(Intent::praise, {"thank you for the upgrade, the crew were wonderful",
                                 "how is your coffee this good every single time?"});
}

TEST(Intent, SarcasmIsAComplaint) {
  expect_intent(Intent::complaint, {"thanks for nothing, 4 hours on the tarmac",
                                    "great job, my fragile box arrived crushed"});
}

TEST(Intent, NewsAndMentionsAreOther) {
  expect_intent(Intent::other, {"Acme Air announces new routes to Porto",
                                "boarding now at gate 22 https://t.example/x"});
}

TEST(Intent, ServiceCueSigns) {
  EXPECT_LT(service_cue("flight delayed, bag lost"), 0.0f);
  EXPECT_GT(service_cue("landed on time, smooth boarding"), 0.0f);
  EXPECT_GT(service_cue("never late, not once"), 0.0f);
  EXPECT_EQ(service_cue("the sky is blue"), 0.0f);
  EXPECT_EQ(service_cue(""), 0.0f);
  // Handles and links are not words of the post.
  EXPECT_EQ(service_cue("@lostandfound https://delayed.example/x"), 0.0f);
}

TEST(Intent, MacroF1OnTheLabelledSetWithVader) {
  std::ifstream in(data_path("intent.tsv"));
  ASSERT_TRUE(in.good());
  std::array<std::array<int, 4>, 4> confusion{};  // [gold][predicted]
  int rows = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    Intent gold = Intent::other;
    ASSERT_TRUE(parse_intent(line.substr(0, tab), &gold)) << line;
    const std::string text = line.substr(tab + 1);
    const Intent got = classify(text);
    ++confusion[static_cast<int>(gold)][static_cast<int>(got)];
    ++rows;
    if (got != gold)
      std::cout << "miss: " << to_string(gold) << " → " << to_string(got) << ": " << text << "\n";
  }
  ASSERT_GE(rows, 300);
  double f1_sum = 0.0;
  int correct = 0;
  for (int k = 0; k < 4; ++k) {
    int predicted = 0, actual = 0;
    for (int j = 0; j < 4; ++j) {
      predicted += confusion[j][k];
      actual += confusion[k][j];
    }
    correct += confusion[k][k];
    const double p = predicted ? static_cast<double>(confusion[k][k]) / predicted : 0.0;
    const double r = actual ? static_cast<double>(confusion[k][k]) / actual : 0.0;
    const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
    std::cout << to_string(static_cast<Intent>(k)) << ": precision " << p << " recall " << r
              << " f1 " << f1 << "\n";
    f1_sum += f1;
  }
  const double macro_f1 = f1_sum / 4.0;
  std::cout << "intent accuracy: " << static_cast<double>(correct) / rows
            << "\nintent macro_f1: " << macro_f1 << "\n";
  EXPECT_GE(macro_f1, 0.75);
}

}  // namespace
}  // namespace earshot::sentiment

namespace earshot::sentiment {
namespace {

TEST(Sarcasm, RepeatedAndAlternatingTextsKeepTheirOwnVerdicts) {
  // sarcastic() keeps its last verdict per thread: a reused buffer with other bytes, or a
  // prefix of the last text, must get its own answer.
  const std::string yes = "Oh great, Acme moved my flight again.";
  const std::string no = "Oh great, Acme upgraded my seat.";
  std::string buf = yes;
  EXPECT_TRUE(sarcastic(buf));
  EXPECT_TRUE(sarcastic(buf));
  buf = no;  // the same storage, other bytes
  EXPECT_FALSE(sarcastic(buf));
  EXPECT_TRUE(sarcastic(yes));
  EXPECT_FALSE(sarcastic(std::string_view(yes).substr(0, 9)));  // "Oh great,"
  EXPECT_TRUE(sarcastic(yes));
  EXPECT_FALSE(sarcastic(no));
}

// classify() takes the words and cue sums of service_cue()'s last text when it is the same
// post (the targeted scorer asks service_cue() first): the intent must be the one computed
// afresh, for every labelled post, for short posts (≤ 15 bytes) and for posts whose
// sarcasm check calls service_cue() again in the middle of classify().
TEST(Intent, SameIntentAfterServiceCueReadTheText) {
  std::vector<std::string> texts = {"late again", "lost my bag", "no", "ok thanks!",
                                    "Delayed. Brilliant.", "Oh great, my flight is cancelled.",
                                    "still waiting on my refund. Cheers."};
  std::ifstream in(data_path("intent.tsv"));
  ASSERT_TRUE(in.good());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') texts.push_back(line.substr(line.find('\t') + 1));
  }
  ASSERT_GT(texts.size(), 300u);
  const IntentClassifier intents;
  std::size_t differ = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    const Sentiment post = vader().score(text);
    const std::string& other = texts[(i + 1) % texts.size()];
    (void)service_cue(other);  // another text last: computed afresh
    const Intent fresh = intents.classify(text, post);
    // The classifier's own words are now a third text's, computed afresh.
    (void)intents.classify(texts[(i + 2) % texts.size()], Sentiment{});
    const float cue = service_cue(text);
    EXPECT_EQ(cue, service_cue(text)) << text;  // a repeat gives the kept answer
    const Intent taken = intents.classify(text, post);  // the words service_cue() read
    const Intent again = intents.classify(text, post);  // and afresh once more
    differ += taken != fresh || again != fresh;
  }
  EXPECT_EQ(differ, 0u);
  // The same storage with other bytes is another text.
  std::string buf = "my bag was lost";
  (void)service_cue(buf);
  buf = "my bag was fine";
  EXPECT_EQ(intents.classify(buf, Sentiment{}),
            IntentClassifier{}.classify("my bag was fine", Sentiment{}));
  EXPECT_EQ(service_cue(buf), 0.0f);
}

TEST(Sarcasm, PraiseAroundAServiceProblemIsNoPraise) {
  EXPECT_TRUE(sarcastic("Lumen Fiber going up another £4 a month. Brilliant."));
  EXPECT_TRUE(sarcastic("Oh great, Acme moved my flight again."));
  EXPECT_TRUE(sarcastic("thanks Acme for the extra 4 hours in the airport"));
  EXPECT_TRUE(sarcastic("love how Acme can sell me fibre but can't fix a phone line"));
  EXPECT_FALSE(sarcastic("Acme refunded me in two days. Brilliant."));
  EXPECT_FALSE(sarcastic("Great, see you at the gate"));
  EXPECT_FALSE(sarcastic(""));
}

// The "thanks ... for the extra" and "love how ... can't" shapes are found wherever they sit:
// find_ci() tests sixteen starts at a time and the last ones from a padded copy, so the
// phrases are moved across every offset of a block, into the last bytes, with capitals, and
// one byte short of a match.
TEST(Sarcasm, ShapesFoundAtEveryOffset) {
  for (std::size_t pad = 0; pad < 40; ++pad) {
    const std::string lead(pad, 'x');
    EXPECT_TRUE(sarcastic(lead + " Thanks Acme FOR THE EXTRA fee")) << pad;
    EXPECT_TRUE(sarcastic(lead + " thanks for the extra")) << pad;
    EXPECT_FALSE(sarcastic(lead + " thanks for the extr")) << pad;
    EXPECT_FALSE(sarcastic(lead + " for the extra thanks")) << pad;
    EXPECT_TRUE(sarcastic(lead + " LOVE HOW it sells but can't")) << pad;
    EXPECT_TRUE(sarcastic("can't " + lead + " love how")) << pad;
    EXPECT_FALSE(sarcastic(lead + " love ho can't")) << pad;
    EXPECT_FALSE(sarcastic(lead + " love how it sells but cant")) << pad;
  }
}

// Customer-service cues in six more languages (intent_foreign_cues.h), with each language's
// lexicon scorer as the post-level sentiment, as the enricher does for those languages.
// Each (text, intent) of `cases`, written in `lang`, is classified as that intent.
void expect_intents_in(std::string_view lang,
                       std::initializer_list<std::pair<std::string_view, Intent>> cases) {
  auto scorer = load_scorer("lexicon-" + std::string(lang));
  ASSERT_TRUE(scorer.has_value()) << lang;
  for (const auto& [text, want] : cases) {
    EXPECT_EQ(IntentClassifier{}.classify(text, (*scorer)->score(text)), want)
        << lang << ": " << text;
  }
}

TEST(IntentLanguages, GermanFrenchSpanishCues) {
  expect_intents_in("de", {{"Mein Router ist kaputt und seit drei Tagen keine Antwort",
                            Intent::complaint},
                           {"Die App funktioniert nicht, schon wieder", Intent::complaint},
                           {"Vielen Dank an das Team von Acme", Intent::praise}});
  expect_intents_in("fr", {{"Mon train est en retard, encore une fois", Intent::complaint},
                           {"La box est en panne depuis lundi", Intent::complaint},
                           {"Merci beaucoup, service impeccable", Intent::praise}});
  expect_intents_in("es", {{"La app no funciona desde ayer", Intent::complaint},
                           {"Me han cobrado dos veces este mes", Intent::complaint},
                           {"Muchas gracias, el tren fue puntual", Intent::praise}});
}

TEST(IntentLanguages, PortugueseItalianDutchCues) {
  expect_intents_in("pt", {{"O voo foi atrasado outra vez", Intent::complaint},
                           {"Fui cobrado duas vezes pela mesma fatura", Intent::complaint},
                           {"Muito obrigado pela ajuda, chegou pontual", Intent::praise}});
  expect_intents_in("it", {{"Il treno ha un ritardo di due ore", Intent::complaint},
                           {"Mi hanno addebitato due volte", Intent::complaint},
                           {"Grazie mille, consegna puntuale", Intent::praise}});
  expect_intents_in("nl", {{"De trein heeft weer vertraging", Intent::complaint},
                           {"Mijn internet werkt niet sinds gisteren", Intent::complaint},
                           {"Dank je wel, alles kwam op tijd", Intent::praise},
                           // A question stays a question in any language.
                           {"Hoe laat gaat de winkel open?", Intent::question}});
}

// Accented cues (intent_foreign_cues.h) match however the post writes the accent: precomposed
// (NFC), as a letter + combining mark (NFD, written here with \u0301 and friends), in upper
// case, or without the accent. Each post's only service cue carries an accent; before the
// words were folded (latin_fold.h) none of them matched and every post here was "other".
TEST(IntentLanguages, AccentedCuesGerman) {
  expect_intents_in("de", {{"Meine Kündigung wurde bis heute nicht bearbeitet", Intent::complaint},
                           {"RÜCKERSTATTUNG SEIT DREI WOCHEN OFFEN", Intent::complaint},
                           {"Der Zug ist heute verspa\u0308tet", Intent::complaint},
                           {"Zweimal abgebucht und die Hotline ist nicht erreichbar",
                            Intent::complaint},
                           {"Seit Montag eine Sto\u0308rung im ganzen Viertel",
                            Intent::complaint}});
}

TEST(IntentLanguages, AccentedCuesFrench) {
  expect_intents_in("fr", {{"Toujours pas remboursé pour le vol de mars", Intent::complaint},
                           {"MON VOL A ÉTÉ ANNULÉ", Intent::complaint},
                           {"Pre\u0301leve\u0301 deux fois ce mois-ci", Intent::complaint},
                           {"Je n'ai pas reçu la commande", Intent::complaint}});
}

TEST(IntentLanguages, AccentedCuesSpanish) {
  expect_intents_in("es", {{"Pedí la cancelación del contrato en enero", Intent::complaint},
                           {"El paquete NO LLEGÓ", Intent::complaint},
                           {"Me cobro\u0301 dos veces la cuota", Intent::complaint},
                           {"Sigo esperando la devolución", Intent::complaint}});
}

TEST(IntentLanguages, AccentedCuesPortuguese) {
  expect_intents_in("pt", {{"Pedi a cancelação há um mês", Intent::complaint},
                           {"O APLICATIVO NÃO FUNCIONA", Intent::complaint},
                           {"A encomenda na\u0303o chegou", Intent::complaint},
                           {"Cobrança indevida na fatura de maio", Intent::complaint}});
}

TEST(IntentLanguages, AccentedCuesItalian) {
  expect_intents_in("it", {{"Il pacco non è arrivato", Intent::complaint},
                           {"IL PACCO NON È ARRIVATO", Intent::complaint},
                           {"Il pacco non e\u0300 arrivato", Intent::complaint}});
}

TEST(IntentLanguages, AccentedCuesDutch) {
  expect_intents_in("nl", {{"Deze maand dubbel geïncasseerd", Intent::complaint},
                           {"ONTERECHT GEÏNCASSEERD", Intent::complaint},
                           {"Twee keer gei\u0308ncasseerd door de energieleverancier",
                            Intent::complaint}});
}

// Folding is for cue matching only: English cues and posts read as before.
TEST(IntentLanguages, FoldingLeavesEnglishAlone) {
  EXPECT_LT(service_cue("my flight was DELAYED again"), 0.0f);
  EXPECT_EQ(service_cue("the café on the corner"), 0.0f);
  EXPECT_LT(service_cue("Zug verspätet"), 0.0f);
  EXPECT_EQ(service_cue("Zug versp"), 0.0f);  // no cue is matched by a fragment
}

// The company's words quoted back (sarcasm.h scare_quoted): a complaint, unless plain praise.
TEST(Sarcasm, ScareQuotesAreTheCompanysWordsQuotedBack) {
  EXPECT_TRUE(scare_quoted("Fernway charged delivery on a \"free delivery\" order"));
  EXPECT_TRUE(scare_quoted("Acme's \xE2\x80\x9C" "24/7 support\xE2\x80\x9D is a form"));  // curly
  EXPECT_FALSE(scare_quoted("Fernway charged delivery on a free delivery order"));
  EXPECT_FALSE(scare_quoted("he said \"we will call you back before the end of the week\""));
  EXPECT_FALSE(scare_quoted("an unclosed \"quote"));
  EXPECT_FALSE(scare_quoted("\"\""));
  const IntentClassifier c;
  const std::string_view quoted = "Acme charged delivery on a \"free delivery\" order";
  EXPECT_EQ(c.classify(quoted, Sentiment{Label::neutral, 0.0f, {0, 1, 0}, "t"}),
            Intent::complaint);
  const std::string_view kind =
      "Acme courier left a note saying \"have a great day\", made me smile";
  EXPECT_EQ(c.classify(kind, Sentiment{Label::positive, 0.8f, {0, 0.2f, 0.8f}, "t"}),
            Intent::praise);
}

// A service event the care lexicon leans on (net cue >= 0.6, no longer >= 1.0) is praise
// where the post's model hears nothing either way (issue 15, third round).
TEST(IntentClassifier, AServiceEventTheModelMissesIsPraise) {
  const IntentClassifier c;
  const Sentiment plain{Label::neutral, -0.02f, {0.1f, 0.8f, 0.1f}, "t"};
  EXPECT_EQ(c.classify("Acme swapped the headphones", plain), Intent::praise);
  EXPECT_EQ(c.classify("Acme caught the duplicate payment", plain), Intent::praise);
  EXPECT_EQ(c.classify("Acme moved the meeting", plain), Intent::other);  // no cue: no praise
}

}  // namespace
}  // namespace earshot::sentiment
