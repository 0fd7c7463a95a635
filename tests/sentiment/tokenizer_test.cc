#include "sentiment/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace earshot::sentiment {
namespace {

using Pieces = std::vector<std::pair<TokenKind, std::string>>;

Pieces pieces(std::string_view text) {
  std::vector<Token> tokens;
  tokenize(text, tokens);
  Pieces out;
  for (const Token& t : tokens) out.emplace_back(t.kind, std::string(t.view(text)));
  return out;
}

Token only(std::string_view text) {
  std::vector<Token> tokens;
  tokenize(text, tokens);
  EXPECT_EQ(tokens.size(), 1u) << text;
  return tokens.empty() ? Token{} : tokens[0];
}

TEST(Tokenizer, SplitsAPostIntoTypedPieces) {
  const Pieces got = pieces("SOOO happy w/ @acme :) #BestDayEver https://acme.example/a?b=1.");
  const Pieces want = {{TokenKind::word, "SOOO"},
                       {TokenKind::word, "happy"},
                       {TokenKind::word, "w"},
                       {TokenKind::punctuation, "/"},
                       {TokenKind::mention, "@acme"},
                       {TokenKind::emoticon, ":)"},
                       {TokenKind::hashtag, "#BestDayEver"},
                       {TokenKind::url, "https://acme.example/a?b=1"},
                       {TokenKind::punctuation, "."}};
  EXPECT_EQ(got, want);
}

TEST(Tokenizer, OffsetsMapBackToTheText) {
  const std::string text = "caf\xC3\xA9 \xF0\x9F\x98\x80  ok!!";
  std::vector<Token> tokens;
  tokenize(text, tokens);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].offset, 0u);
  EXPECT_EQ(tokens[0].length, 5u);
  EXPECT_EQ(tokens[1].offset, 6u);
  EXPECT_EQ(tokens[1].kind, TokenKind::emoji);
  EXPECT_EQ(tokens[2].offset, 12u);
  EXPECT_EQ(tokens[3].view(text), "!!");
  for (const Token& t : tokens) EXPECT_LE(t.offset + t.length, text.size());
}

TEST(Tokenizer, RecognisesFediverseAndBlueskyHandles) {
  EXPECT_EQ(pieces("hi @acmeair@mastodon.example."),
            (Pieces{{TokenKind::word, "hi"},
                    {TokenKind::mention, "@acmeair@mastodon.example"},
                    {TokenKind::punctuation, "."}}));
  EXPECT_EQ(only("@acmeair.bsky.social").kind, TokenKind::mention);
  EXPECT_EQ(pieces("@bob."), (Pieces{{TokenKind::mention, "@bob"}, {TokenKind::punctuation, "."}}));
  // An e-mail address is not a mention.
  EXPECT_NE(pieces("bob@example.com")[1].first, TokenKind::mention);
}

TEST(Tokenizer, HashtagsNeedALetterAndSplitOnCamelCase) {
  EXPECT_NE(pieces("#1")[0].first, TokenKind::hashtag);
  const std::string text = "#NotHappy #iPhone12 #HTMLParser #acme_air";
  std::vector<Token> tokens;
  tokenize(text, tokens);
  ASSERT_EQ(tokens.size(), 4u);
  std::vector<std::string> parts;
  std::vector<Token> split;
  for (const Token& tag : tokens) {
    ASSERT_EQ(tag.kind, TokenKind::hashtag);
    split_hashtag(text, tag, split);
  }
  for (const Token& p : split) parts.emplace_back(p.view(text));
  EXPECT_EQ(parts, (std::vector<std::string>{"Not", "Happy", "i", "Phone", "12", "HTML", "Parser",
                                             "acme", "air"}));
}

TEST(Tokenizer, FindsEmoticonsButNotInsideWordsOrRatios) {
  for (const char* e : {":)", ":-(", "<3", ":'(", ":D", ";)", ":P", "xD", "</3", ":)))", "^_^"}) {
    EXPECT_EQ(only(e).kind, TokenKind::emoticon) << e;
  }
  EXPECT_EQ(pieces("great:)")[1], (std::pair{TokenKind::emoticon, std::string(":)")}));
  EXPECT_EQ(pieces(":Dear")[0].first, TokenKind::punctuation);
  EXPECT_EQ(pieces("10:30")[0], (std::pair{TokenKind::number, std::string("10")}));
  EXPECT_EQ(pieces("(yes):")[2].first, TokenKind::punctuation);
}

TEST(Tokenizer, FlagsCapsElongationNegationAndContractions) {
  EXPECT_TRUE(only("GREAT").has(Token::all_caps));
  EXPECT_FALSE(only("I").has(Token::all_caps));
  EXPECT_FALSE(only("Great").has(Token::all_caps));
  EXPECT_TRUE(only("\xC3\x89"
                   "COLE")
                  .has(Token::all_caps));
  EXPECT_TRUE(only("soooo").has(Token::elongated));
  EXPECT_FALSE(only("soo").has(Token::elongated));
  const Token dont = only("don't");
  EXPECT_TRUE(dont.has(Token::negation));
  EXPECT_TRUE(dont.has(Token::contraction));
  EXPECT_TRUE(only("can\xE2\x80\x99t").has(Token::negation));
  EXPECT_TRUE(only("Never").has(Token::negation));
  EXPECT_FALSE(only("nothingness").has(Token::negation));
}

TEST(Tokenizer, GroupsPunctuationRunsAndNumbers) {
  const Token bang = only("!!!");
  EXPECT_TRUE(bang.has(Token::exclamation));
  EXPECT_FALSE(bang.has(Token::question));
  const Token both = only("?!");
  EXPECT_TRUE(both.has(Token::exclamation) && both.has(Token::question));
  EXPECT_EQ(only("...").length, 3u);
  EXPECT_EQ(only("3.5").kind, TokenKind::number);
  EXPECT_EQ(only("1,000").kind, TokenKind::number);
  EXPECT_EQ(only("gr8").kind, TokenKind::word);
  EXPECT_EQ(only("well-known").kind, TokenKind::word);
}

TEST(Tokenizer, KeepsEmojiClustersWhole) {
  const std::string text =
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8"
      "1\xEF\xB8\x8F\xE2\x83\xA3\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9";
  const Pieces got = pieces(text);
  ASSERT_EQ(got.size(), 4u);
  for (const auto& p : got) EXPECT_EQ(p.first, TokenKind::emoji);
}

TEST(Tokenizer, SurvivesHostileInput) {
  std::vector<Token> tokens;
  tokenize("", tokens);
  EXPECT_TRUE(tokens.empty());
  const std::string nasty("\0\xED\xA0\x80\xFF\xC3 \x80x", 9);
  tokenize(nasty, tokens);
  std::size_t covered = 0;
  for (const Token& t : tokens) {
    EXPECT_GT(t.length, 0u);
    EXPECT_LE(t.offset + t.length, nasty.size());
    covered += t.length;
  }
  EXPECT_EQ(covered, nasty.size() - 1);  // everything but the one space
  std::string emoji;
  for (int k = 0; k < 10000; ++k) emoji += "\xF0\x9F\x98\x80";
  tokenize(emoji, tokens);
  EXPECT_EQ(tokens.size(), 10000u);
  std::string big(1 << 20, 'a');
  for (std::size_t k = 0; k < big.size(); k += 7) big[k] = ' ';
  tokenize(big, tokens);
  EXPECT_GT(tokens.size(), 100000u);
}

TEST(Tokenizer, NormalizesCaseAndElongation) {
  std::string out;
  append_normalized("SOOOO", &out);
  EXPECT_EQ(out, "soo");
  out.clear();
  append_normalized("Cool", &out);
  EXPECT_EQ(out, "cool");
  EXPECT_TRUE(is_negation_word("NOT"));
  EXPECT_FALSE(is_negation_word("note"));
  EXPECT_EQ(to_string(TokenKind::hashtag), "hashtag");
}

}  // namespace
}  // namespace earshot::sentiment
