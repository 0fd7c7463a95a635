// SimHash: the fingerprint is persisted nowhere, but near-duplicate flags must not change
// when the implementation is sped up, so it is checked against a plain reference version.
#include "pipeline/process/simhash.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace earshot::pipeline::process {
namespace {

std::uint64_t ref_mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The definition, written for clarity: words of [a-z0-9] and bytes >= 0x80 (A-Z lowered),
// anything starting with "http" or '@' skipped to the next space/newline, FNV-1a per word,
// 3-word shingles, majority vote per bit.
std::uint64_t reference(std::string_view text) {
  std::vector<std::uint64_t> words;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : word) h = (h ^ c) * 1099511628211ULL;
    words.push_back(h);
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (text.substr(i, 4) == "http" || c == '@') {
      flush();
      while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      word.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      flush();
    }
  }
  flush();
  if (words.size() < 4) return 0;
  int counts[64] = {};
  for (std::size_t i = 0; i + 2 < words.size(); ++i) {
    std::uint64_t f = ref_mix(words[i] * 31 + ref_mix(words[i + 1]) * 17 + ref_mix(words[i + 2]));
    for (int b = 0; b < 64; ++b) counts[b] += (f >> b) & 1 ? 1 : -1;
  }
  std::uint64_t h = 0;
  for (int b = 0; b < 64; ++b) {
    if (counts[b] > 0) h |= 1ULL << b;
  }
  return h == 0 ? 1 : h;
}

TEST(SimHash, MatchesTheReferenceDefinition) {
  const std::vector<std::string> fixed{
      "",
      "one two three",
      "one two three four",
      "Acme Air lost my bag again!! http://x.example/1",
      "@acme why?? https://t.co/abc the flight was late\nagain and again",
      "héllo wörld ça va très bien merci",
      "ends with htt",
      "ends with http",
      "UPPER case WORDS and 123 numbers 456 too",
      "tabs\tand\rcarriage returns here"};
  for (const auto& t : fixed) EXPECT_EQ(simhash(t), reference(t)) << t;
  std::mt19937 rng(7);
  const std::string alphabet = "abcXYZ019 @h\n\t.!\xc3\xa9http";
  for (int i = 0; i < 2000; ++i) {
    std::string t(rng() % 120, ' ');
    for (char& c : t) c = alphabet[rng() % alphabet.size()];
    ASSERT_EQ(simhash(t), reference(t)) << t;
  }
}

TEST(SimHash, LongTextsMatchTheReference) {
  // Past 255 shingles the packed bit counters are emptied mid-text; thousands of words
  // cross that several times.
  std::mt19937 rng(3);
  const char* vocab[] = {"late", "flight", "Acme", "bag",  "refund", "ok",
                         "no",   "why",    "the",  "crew", "2024",   "caf\xc3\xa9"};
  for (std::size_t words : {250u, 255u, 256u, 257u, 258u, 511u, 512u, 1000u, 4000u}) {
    std::string t;
    for (std::size_t i = 0; i < words; ++i)
      t += std::string(vocab[rng() % 12]) + (rng() % 5 ? " " : ", ");
    ASSERT_EQ(simhash(t), reference(t)) << words;
  }
  // A text of one repeated shingle: every counter is all-or-nothing.
  std::string same;
  for (int i = 0; i < 1500; ++i) same += "a b c ";
  EXPECT_EQ(simhash(same), reference(same));
}

}  // namespace
}  // namespace earshot::pipeline::process
