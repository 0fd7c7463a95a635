#include "sentiment/language.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <expected>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/sentiment/support/test_data.h"

namespace earshot::sentiment {
namespace {

using testing::data_path;

std::vector<std::pair<std::string, std::string>> read_rows(const std::string& name) {
  std::vector<std::pair<std::string, std::string>> rows;
  std::ifstream in(data_path(name));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    rows.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return rows;
}

// The detector over the installed profiles (Debian package libexttextcat-data).
const std::expected<LanguageDetector, std::string>& loaded() {
  static const std::expected<LanguageDetector, std::string> d = LanguageDetector::load();
  return d;
}
// Call only after ASSERT_TRUE(loaded()).
const LanguageDetector& detector() { return *loaded(); }

TEST(LanguageDetector, DetectsTheLanguagesOfTheTestSet) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  const auto rows = read_rows("language.tsv");
  ASSERT_GE(rows.size(), 150u);
  std::map<std::string, int> per_language;
  int correct = 0;
  for (const auto& [lang, text] : rows) {
    ++per_language[lang];
    const std::string_view got = detector().detect(text);
    if (got == lang) {
      ++correct;
    } else {
      std::cout << "miss: want " << lang << " got " << got << ": " << text << "\n";
    }
  }
  EXPECT_GE(per_language.size(), 10u);
  const double accuracy = static_cast<double>(correct) / static_cast<double>(rows.size());
  std::cout << "language accuracy: " << accuracy << " (" << correct << "/" << rows.size() << ")\n";
  EXPECT_GE(accuracy, 0.9);
}

TEST(LanguageDetector, EnglishPostsFullOfBrandNamesStayEnglish) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  // intent.tsv: 300+ English customer posts naming made-up brands ("Quillmart", "Velvet
  // Bank"): an English post taken for Danish would lose its sentiment score.
  const auto rows = read_rows("intent.tsv");
  ASSERT_GE(rows.size(), 300u);
  int english = 0;
  for (const auto& row : rows) english += detector().detect(row.second) == "en";
  const double share = static_cast<double>(english) / static_cast<double>(rows.size());
  std::cout << "English detected on intent.tsv: " << share << "\n";
  EXPECT_GE(share, 0.95);
}

TEST(LanguageDetector, ShortEuropeanPosts) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  EXPECT_EQ(detector().detect("where is my package"), "en");
  EXPECT_EQ(detector().detect("¿dónde está mi paquete?"), "es");
  EXPECT_EQ(detector().detect("où est mon colis ?"), "fr");
  EXPECT_EQ(detector().detect("wo ist mein Paket?"), "de");
  EXPECT_EQ(detector().detect("cadê minha encomenda?"), "pt");
  EXPECT_EQ(detector().detect("dov'è il mio pacco?"), "it");
  EXPECT_EQ(detector().detect("waar is mijn pakket?"), "nl");
}

TEST(LanguageDetector, ScriptsNameTheirLanguage) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  EXPECT_EQ(detector().detect("新しいアプリ、使いやすい"), "ja");
  EXPECT_EQ(detector().detect("服务太慢了"), "zh");
  EXPECT_EQ(detector().detect("배송 언제 와요?"), "ko");
  EXPECT_EQ(detector().detect("где мой заказ"), "ru");
  EXPECT_EQ(detector().detect("أين طلبي"), "ar");
  EXPECT_EQ(detector().detect("πού είναι η παραγγελία μου"), "el");
  EXPECT_EQ(detector().detect("איפה ההזמנה שלי"), "he");
  EXPECT_EQ(detector().detect("พัสดุของฉันอยู่ที่ไหน"), "th");
  EXPECT_EQ(detector().detect("मेरा ऑर्डर कहाँ है"), "hi");
  // A handle or a link in Latin letters does not outvote the script of the words.
  EXPECT_EQ(detector().detect("@acmeair 荷物が届かない https://t.example/a"), "ja");
}

TEST(LanguageDetector, NothingToDetectIsUndetermined) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  EXPECT_EQ(detector().detect(""), "und");
  EXPECT_EQ(detector().detect("🔥🔥🔥"), "und");
  EXPECT_EQ(detector().detect("https://www.example.com/some/long/path?with=query"), "und");
  EXPECT_EQ(detector().detect("@someone @another #tag"), "und");
  EXPECT_EQ(detector().detect("12:45 → 13:10 !!"), "und");
  EXPECT_EQ(detector().detect(std::string("\xff\xfe\xc3", 3)), "und");
}

TEST(LanguageDetector, EnglishWithLinksAndHandlesStaysEnglish) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  EXPECT_EQ(detector().detect("@velvetbank still no refund https://help.example/case/1"), "en");
  EXPECT_EQ(detector().detect("lmao this is so bad #nooo 😭"), "en");
}

TEST(LanguageDetector, MissingProfilesAreAnError) {
  LanguageDetector::Options options;
  options.profile_dir = "/nonexistent/earshot/profiles";
  const auto loaded = LanguageDetector::load(options);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().find("/nonexistent/earshot/profiles"), std::string::npos);
}

TEST(LanguageDetector, SentimentSupportedOnlyForEnglish) {
  EXPECT_TRUE(sentiment_supported("en"));
  EXPECT_TRUE(sentiment_supported("und"));
  EXPECT_FALSE(sentiment_supported("es"));
  EXPECT_FALSE(sentiment_supported("ja"));
  EXPECT_FALSE(sentiment_supported(""));
}

// Texts of the test sets, each also lower-cased and with its words reversed: many words, so the
// per-thread word cache (language.cc) evicts and refills rows while a thread goes through them.
std::vector<std::string> many_texts() {
  std::vector<std::string> texts;
  for (const char* file : {"language.tsv", "intent.tsv", "vader_parity.tsv"}) {
    for (const auto& row : read_rows(file)) {
      const std::string text = row.second.substr(row.second.rfind('\t') + 1);  // last column
      texts.push_back(text);
      std::string lower = text;
      for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      texts.push_back(lower);
    }
  }
  return texts;
}

struct Bits {
  std::string lang;
  std::uint32_t margin = 0;
  bool operator==(const Bits&) const = default;
};

std::vector<Bits> guesses(const LanguageDetector& d, const std::vector<std::string>& texts,
                          bool reverse) {
  std::vector<Bits> out(texts.size());
  for (std::size_t k = 0; k < texts.size(); ++k) {
    const std::size_t i = reverse ? texts.size() - 1 - k : k;
    const LanguageDetector::Guess g = d.guess(texts[i]);
    out[i].lang = std::string(g.lang);
    std::memcpy(&out[i].margin, &g.margin, sizeof out[i].margin);
  }
  return out;
}

// A word's scores come from a per-thread cache when the word was seen before: the guess, to the
// last bit of its margin, must not depend on what the cache holds (order of the texts, thread).
TEST(LanguageDetector, GuessDoesNotDependOnTheWordCache) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  const auto texts = many_texts();
  ASSERT_GE(texts.size(), 40000u);
  std::vector<Bits> forward, backward;
  std::thread a([&] { forward = guesses(detector(), texts, false); });
  a.join();
  std::thread b([&] { backward = guesses(detector(), texts, true); });
  b.join();
  std::size_t differ = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) differ += !(forward[i] == backward[i]);
  EXPECT_EQ(differ, 0u);
  // Warm: this thread again, in order.
  const auto again = guesses(detector(), texts, false);
  EXPECT_TRUE(again == forward);
}

// Two detectors with different profiles in one thread: each sees its own word scores.
TEST(LanguageDetector, TwoDetectorsInOneThreadKeepTheirOwnWordScores) {
  LanguageDetector::Options two;
  two.latin_languages = {"en", "de"};
  two.english_prior = 0.0f;
  auto small = LanguageDetector::load(two);
  ASSERT_TRUE(small.has_value()) << small.error();
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  const std::vector<std::string> texts = {"Das ist nicht gut, the service was slow",
                                          "the the the und und", "Wo ist mein Paket? Never again",
                                          "Das ist nicht gut, the service was slow"};
  std::vector<Bits> alone_small, alone_full;
  std::thread t1([&] { alone_small = guesses(*small, texts, false); });
  t1.join();
  std::thread t2([&] { alone_full = guesses(detector(), texts, false); });
  t2.join();
  std::vector<Bits> mixed_small, mixed_full;
  for (const auto& text : texts) {  // alternate in this thread
    mixed_small.push_back(guesses(*small, {text}, false)[0]);
    mixed_full.push_back(guesses(detector(), {text}, false)[0]);
  }
  EXPECT_TRUE(mixed_small == alone_small);
  EXPECT_TRUE(mixed_full == alone_full);
  EXPECT_FALSE(alone_small == alone_full);  // different profiles give different margins
}

// Plain a-z words read their 1-3-grams from a table filled at load; the hashed look-up must
// give the same guesses, to the last bit of the margin, on every text (words with accents,
// capitals, apostrophes, digits and runs of one letter included).
TEST(LanguageDetector, AsciiGramTableGivesTheHashedAnswer) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  LanguageDetector::Options hashed_only;
  hashed_only.ascii_gram_table = false;
  auto hashed = LanguageDetector::load(hashed_only);
  ASSERT_TRUE(hashed.has_value()) << hashed.error();
  auto texts = many_texts();
  for (const std::string extra :
       {"zzzzzzzzzz qqq xx", "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "éte été ete ÉTÉ naïve naive Straße strasse"}) {
    texts.push_back(extra);
  }
  std::vector<Bits> with_table, without;
  std::thread a([&] { with_table = guesses(detector(), texts, false); });
  a.join();
  std::thread b([&] { without = guesses(*hashed, texts, false); });
  b.join();
  std::size_t differ = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) differ += !(with_table[i] == without[i]);
  EXPECT_EQ(differ, 0u);
}

// A plain ASCII post takes the fast path of language.cc (words queued, their cache sets
// prefetched, scored in batches of 32); a post with one more token of no letters (" ·", a
// non-ASCII byte) takes the general one. Both must give the same guess to the last bit of the
// margin: with the default 12 languages (the word cache) and with 13 (no cache), on the test
// texts and on posts made to reach the paths' edges (words past kMaxWord letters, more words
// than a batch, letters between digits and punctuation, skipped tokens).
TEST(LanguageDetector, AsciiFastPathGivesTheGeneralAnswer) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  LanguageDetector::Options thirteen;
  thirteen.latin_languages = {"en", "es", "fr", "de", "pt", "it", "nl",
                              "sv", "da", "pl", "tr", "id", "fi"};
  auto uncached = LanguageDetector::load(thirteen);
  ASSERT_TRUE(uncached.has_value()) << uncached.error();
  std::vector<std::string> ascii;
  for (const std::string& text : many_texts()) {
    if (std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; })) {
      ascii.push_back(text);
    }
  }
  ASSERT_GE(ascii.size(), 30000u);
  std::string many_words, long_words;
  for (int k = 0; k < 70; ++k) many_words += k % 3 ? "the service was slow " : "Das ist gut ";
  long_words = std::string(47, 'a') + " " + std::string(48, 'b') + " " + std::string(49, 'c') +
               "x " + std::string(120, 'q') + "EST " + std::string(48, 'z');
  for (const std::string& extra :
       {many_words, long_words, std::string("well2go4it...de:la,vie;SUPER-cool__thx!!"),
        std::string("@user #tag www.example.com http://x.y/z a://b c:d e: f :g ok then"),
        std::string("ab"), std::string("x y z 1 2 3")}) {
    ascii.push_back(extra);
  }
  const LanguageDetector& with_cache = detector();
  const LanguageDetector& without_cache = *uncached;
  for (const LanguageDetector* d : {&with_cache, &without_cache}) {
    std::vector<std::string> general;
    for (const std::string& text : ascii) general.push_back(text + " \u00B7");
    std::vector<Bits> fast, slow;
    std::thread a([&] { fast = guesses(*d, ascii, false); });
    a.join();
    std::thread b([&] { slow = guesses(*d, general, false); });
    b.join();
    std::size_t differ = 0;
    for (std::size_t i = 0; i < ascii.size(); ++i) differ += !(fast[i] == slow[i]);
    EXPECT_EQ(differ, 0u);
  }
}

TEST(LanguageDetector, IsFastOnShortPosts) {
  ASSERT_TRUE(loaded().has_value()) << loaded().error();
  const auto rows = read_rows("language.tsv");
  ASSERT_FALSE(rows.empty());
  std::size_t checksum = 0;
  constexpr int kRounds = 400;
  // CPU time of this process: the figure per core, whatever else runs on the machine.
  const std::clock_t start = std::clock();
  for (int r = 0; r < kRounds; ++r) {
    for (const auto& row : rows) checksum += detector().detect(row.second).size();
  }
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  const double per_second = static_cast<double>(kRounds * rows.size()) / std::max(seconds, 1e-9);
  std::cout << "language detection: " << per_second << " posts per CPU second\n";
  EXPECT_GT(checksum, 0u);
  // The pipeline needs ~200k/s per core; the bound here is loose for busy or debug builds.
  EXPECT_GE(per_second, 20000.0);
}

}  // namespace
}  // namespace earshot::sentiment
