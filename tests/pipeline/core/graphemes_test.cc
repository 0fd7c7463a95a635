// Grapheme counting (graphemes.h): Bluesky's 300-grapheme limit counts what people see.
#include "pipeline/core/graphemes.h"

#include <gtest/gtest.h>

#include <string>

namespace earshot::pipeline::core {
namespace {

struct Case {
  const char* name;
  std::string text;
  std::size_t graphemes;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Graphemes : public ::testing::TestWithParam<Case> {};

TEST_P(Graphemes, CountsUserPerceivedCharacters) {
  EXPECT_EQ(grapheme_count(GetParam().text), GetParam().graphemes) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Uax29, Graphemes,
    ::testing::Values(
        Case{"empty", "", 0}, Case{"ascii", "hello", 5},
        Case{"crlf is one", "a\r\nb", 3}, Case{"lf cr is two", "\n\r", 2},
        Case{"precomposed e acute", "caf\xC3\xA9", 4},
        Case{"e + combining acute", "cafe\xCC\x81", 4},
        Case{"two combining marks", "a\xCC\x81\xCC\xA3z", 2},
        Case{"thumbs up + skin tone", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 1},
        Case{"family ZWJ sequence",
             "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", 1},
        Case{"rainbow flag (VS16 + ZWJ)",
             "\xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C\x88", 1},
        Case{"ZWJ after a letter does not join the next emoji",
             "a\xE2\x80\x8D\xF0\x9F\x91\x8D", 2},
        Case{"flag pair", "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7", 1},
        Case{"two flags", "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\xF0\x9F\x87\xA9\xF0\x9F\x87\xAA", 2},
        Case{"three regional indicators", "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\xF0\x9F\x87\xA9", 2},
        Case{"keycap", "1\xEF\xB8\x8F\xE2\x83\xA3", 1},
        Case{"england flag tag sequence",
             "\xF0\x9F\x8F\xB4\xF3\xA0\x81\xA7\xF3\xA0\x81\xA2\xF3\xA0\x81\xA5\xF3\xA0\x81\xAE"
             "\xF3\xA0\x81\xA7\xF3\xA0\x81\xBF",
             1},
        Case{"hangul syllables", "\xED\x95\x9C\xEA\xB5\xAD", 2},
        Case{"hangul jamo L V T", "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", 1},
        Case{"devanagari with vowel sign", "\xE0\xA4\xA8\xE0\xA4\xBF", 1},
        Case{"thai with tone mark", "\xE0\xB8\x81\xE0\xB9\x88", 1},
        Case{"control then mark breaks", "\n\xCC\x81", 2},
        Case{"invalid bytes count one each", "a\xFF\xFE" "b", 4}));

TEST(Graphemes, PlatformLengthsAndLimits) {
  std::string thumbs = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";  // 2 code points, 1 grapheme
  EXPECT_EQ(text_length("bluesky", thumbs), 1u);
  EXPECT_EQ(text_length("mastodon", thumbs), 2u);
  EXPECT_EQ(text_limit("bluesky"), 300u);
  EXPECT_EQ(text_limit("mastodon"), 500u);
  std::string family;
  for (int i = 0; i < 300; ++i) family += thumbs;  // 300 graphemes, 600 code points
  EXPECT_EQ(text_length("bluesky", family), 300u);
  EXPECT_EQ(code_point_count(family), 600u);
}

}  // namespace
}  // namespace earshot::pipeline::core
