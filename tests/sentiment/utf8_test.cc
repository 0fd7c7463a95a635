#include "sentiment/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sentiment/vader_text.h"

namespace earshot::sentiment::utf8 {
namespace {

std::vector<std::string> clusters(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = next_cluster(text, pos);
    EXPECT_GT(end, pos);
    out.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

std::string sanitized(std::string_view text) {
  std::string out;
  append_sanitized(text, &out);
  return out;
}

TEST(Utf8, DecodesValidSequencesOfEveryLength) {
  const std::string_view text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  Decoded d = decode(text, 0);
  EXPECT_EQ(d.code_point, U'a');
  d = decode(text, 1);
  EXPECT_TRUE(d.valid);
  EXPECT_EQ(d.code_point, U'\u00E9');
  EXPECT_EQ(d.length, 2u);
  d = decode(text, 3);
  EXPECT_EQ(d.code_point, U'\u20AC');
  EXPECT_EQ(d.length, 3u);
  d = decode(text, 6);
  EXPECT_EQ(d.code_point, U'\U0001F600');
  EXPECT_EQ(d.length, 4u);
  EXPECT_TRUE(is_valid(text));
  EXPECT_EQ(code_point_count(text), 4u);
}

TEST(Utf8, RejectsOverlongSurrogateAndOutOfRangeForms) {
  EXPECT_FALSE(decode("\xC0\xAF", 0).valid);          // overlong '/'
  EXPECT_FALSE(decode("\xE0\x80\xAF", 0).valid);      // overlong 3-byte
  EXPECT_FALSE(decode("\xF0\x80\x80\xAF", 0).valid);  // overlong 4-byte
  EXPECT_FALSE(decode("\xED\xA0\x80", 0).valid);      // CESU-8 lone surrogate U+D800
  EXPECT_FALSE(decode("\xF4\x90\x80\x80", 0).valid);  // U+110000
  EXPECT_FALSE(decode("\xFF", 0).valid);
  EXPECT_EQ(decode("\xED\xA0\x80", 0).code_point, kReplacement);
}

TEST(Utf8, ReplacesMaximalSubpartsWithOneReplacementEach) {
  // Truncated 3-byte sequence then 'x': one U+FFFD for the two bytes, then 'x'.
  EXPECT_EQ(sanitized("\xE2\x82x"), "\xEF\xBF\xBDx");
  // A surrogate in CESU-8 is three invalid pieces: ED, A0, 80.
  EXPECT_EQ(sanitized("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(sanitized("ok"), "ok");
  EXPECT_EQ(sanitized(std::string_view("a\0b", 3)), std::string("a\0b", 3));
  EXPECT_TRUE(is_valid(sanitized("\x80\x80\xC3")));
  EXPECT_EQ(code_point_count("\x80\x80\xC3"), 3u);
}

TEST(Utf8, NeverReadsPastTruncatedInput) {
  const std::string text = "\xF0\x9F\x98";  // first 3 bytes of a 4-byte emoji
  const Decoded d = decode(text, 0);
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(d.length, 3u);
  EXPECT_EQ(clusters(text).size(), 1u);
}

// VADER's text scanner steps through text with the one decoder: an invalid sequence is one
// U+FFFD per maximal subpart there too (it used to decode "\xED\xA0\x80" as U+D800, 3 bytes).
TEST(Utf8, VaderScannerStepsLikeTheDecoder) {
  const std::string text = "a\xED\xA0\x80\xC3\xA9\xE2\x82";
  std::vector<char32_t> got;
  std::vector<std::size_t> at;
  for (std::size_t pos = 0; pos < text.size();) {
    const Decoded d = decode(text, pos);
    std::size_t p = pos;
    got.push_back(vader_text::next_code_point(text, &p));
    EXPECT_EQ(got.back(), d.code_point) << "at " << pos;
    EXPECT_EQ(p, pos + d.length) << "at " << pos;
    at.push_back(pos);
    pos = p;
  }
  EXPECT_EQ(got, (std::vector<char32_t>{'a', kReplacement, kReplacement, kReplacement, 0xE9,
                                        kReplacement}));
  EXPECT_EQ(at, (std::vector<std::size_t>{0, 1, 2, 3, 4, 6}));
}

TEST(Utf8, AppendEncodesAndRefusesSurrogates) {
  std::string out;
  append(U'\U0001F44D', &out);
  append(0xD800, &out);
  EXPECT_EQ(out, "\xF0\x9F\x91\x8D\xEF\xBF\xBD");
}

TEST(Utf8, KeepsEmojiSequencesInOneCluster) {
  // family (ZWJ), thumbs up + skin tone, US flag, keycap 1, heart + VS16, then 'a'.
  const std::string text =
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"
      "\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8"
      "1\xEF\xB8\x8F\xE2\x83\xA3"
      "\xE2\x9D\xA4\xEF\xB8\x8F"
      "a";
  const auto c = clusters(text);
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[0].size(), 18u);
  EXPECT_EQ(c[1].size(), 8u);
  EXPECT_EQ(c[2].size(), 8u);
  EXPECT_EQ(c[3], "1\xEF\xB8\x8F\xE2\x83\xA3");
  EXPECT_EQ(c[4], "\xE2\x9D\xA4\xEF\xB8\x8F");
  EXPECT_EQ(c[5], "a");
}

TEST(Utf8, PairsRegionalIndicatorsTwoByTwo) {
  // Three indicators: one flag pair and one lone indicator.
  const std::string text = "\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8\xF0\x9F\x87\xBA";
  const auto c = clusters(text);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].size(), 8u);
  EXPECT_EQ(c[1].size(), 4u);
}

TEST(Utf8, AttachesCombiningMarksIncludingZalgo) {
  std::string zalgo = "Z";
  for (int k = 0; k < 50; ++k) zalgo += "\xCD\x91";  // U+0351
  zalgo += "a";
  const auto c = clusters(zalgo);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].size(), 101u);
  EXPECT_EQ(clusters("\r\n").size(), 1u);
}

TEST(Utf8, LowerCasesAsciiLatinGreekAndCyrillic) {
  std::string out;
  append_lower(
      "HeLLo \xC3\x89"
      "COLE \xC4\xB0 \xC5\xB8 \xCE\x94 \xD0\x96 \xF0\x9F\x98\x80",
      &out);
  EXPECT_EQ(out,
            "hello \xC3\xA9"
            "cole i \xC3\xBF \xCE\xB4 \xD0\xB6 \xF0\x9F\x98\x80");
  EXPECT_EQ(to_lower(U'\u0100'), U'\u0101');
  EXPECT_EQ(to_lower(U'\u0139'), U'\u013A');
  EXPECT_EQ(to_lower(U'\u0131'), U'\u0131');
}

}  // namespace
}  // namespace earshot::sentiment::utf8
