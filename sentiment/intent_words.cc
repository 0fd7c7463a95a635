#include "sentiment/intent_words.h"

#include <array>
#include <cstdint>

#include "sentiment/latin_fold.h"
#include "sentiment/utf8.h"

namespace earshot::sentiment::intent_words {
namespace {

// What a byte is to words_of() (ASCII classes, independent of the C locale).
enum ByteClass : std::uint8_t { kOther, kAlnum, kSpace, kApostrophe, kHigh };
constexpr std::array<std::uint8_t, 256> kClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = kAlnum;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = kAlnum;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = kAlnum;
  for (int c = '\t'; c <= '\r'; ++c) t[static_cast<std::size_t>(c)] = kSpace;
  t[' '] = kSpace;
  t['\''] = kApostrophe;
  for (int c = 0x80; c < 256; ++c) t[static_cast<std::size_t>(c)] = kHigh;
  return t;
}();
// An ASCII letter's or digit's lower case; 0 for every other byte.
constexpr std::array<unsigned char, 256> kLowerAlnum = [] {
  std::array<unsigned char, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<unsigned char>(c);
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = static_cast<unsigned char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) {
    t[static_cast<std::size_t>(c)] = static_cast<unsigned char>(c + 32);
  }
  return t;
}();
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

}  // namespace

// @handles, #hashtags and links are dropped: a handle like @fastfix is not praise.
// One pass over the bytes: tokens end at ASCII whitespace; a token starting with '@', '#',
// "http" or "www." is skipped whole; in the others a byte's class (kClass) says what it does.
void words_of(std::string_view text, WordList& out) {
  // Words never outgrow the text (one byte out per byte in, or fewer), so the buffer is
  // sized once and written through a plain pointer; the views below stay valid.
  out.buffer.resize(text.size());
  char* const buf = out.buffer.data();
  std::vector<std::string_view>& words = out.words;
  std::vector<std::uint64_t>& hashes = out.hashes;
  words.clear();
  hashes.clear();
  std::size_t start = 0, end = 0;  // the word being built: buf[start, end)
  std::uint64_t hash = kWordHashBasis;
  const auto put = [&](char c) {
    buf[end++] = c;
    hash = (hash ^ static_cast<unsigned char>(c)) * kFnvPrime;
  };
  const auto finish = [&]() __attribute__((always_inline)) {
    if (end > start) {
      words.emplace_back(buf + start, end - start);
      hashes.push_back(hash);
    }
    start = end;
    hash = kWordHashBasis;
  };
  const auto* const s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && kClass[s[i]] == kSpace) ++i;
    if (i == n) break;
    const std::string_view rest = text.substr(i);  // the token's bytes come first
    if (s[i] == '@' || s[i] == '#' || rest.starts_with("http") || rest.starts_with("www.")) {
      while (i < n && kClass[s[i]] != kSpace) ++i;
      continue;
    }
    for (; i < n; ++i) {
      const unsigned char c = s[i];
      const std::uint8_t cls = kClass[c];
      if (cls == kAlnum) {  // a run of ASCII letters and digits, in registers
        std::size_t e = end;
        std::uint64_t h = hash;
        unsigned char lower = kLowerAlnum[c];
        do {
          buf[e++] = static_cast<char>(lower);
          h = (h ^ lower) * kFnvPrime;
          ++i;
        } while (i < n && (lower = kLowerAlnum[s[i]]) != 0);
        end = e;
        hash = h;
        --i;  // the loop's ++i moves to the byte after the run
      } else if (cls == kSpace) {
        break;
      } else if (cls == kApostrophe) {
        if (end > start) put('\'');
      } else if (cls == kHigh) {
        if (c == 0xE2 && text.substr(i, 3) == "\xE2\x80\x99") {  // ’ is an apostrophe
          if (end > start) put('\'');
          i += 2;
          continue;
        }
        // A Latin letter folds to ASCII ("é", "É" and "e" + U+0301 are all "e"); no longer
        // in bytes than its UTF-8, so the buffer still fits. Any other code point ends the
        // word. (A sequence never runs into whitespace: continuation bytes are >= 0x80.)
        const utf8::Decoded d = utf8::decode(text, i);
        const auto folded = latin_fold::fold(d.code_point);
        if (folded) {
          for (const char f : *folded) put(f);
        } else {
          finish();
        }
        i += d.length - 1;
      } else {
        finish();
      }
    }
    finish();
  }
}

}  // namespace earshot::sentiment::intent_words
