// earshot::pipeline::link — the text side of entity linking: UTF-8 case folding, word boundaries
// and one scan of a post's text into words, hashtags, @handles and URLs.
//
// The linker (linker.h) matches literal aliases word by word, so the text is cut once into
// maximal runs of word characters (letters, digits, '_' in any script; every Han, Hiragana
// and Katakana character is a word of its own, since those scripts use no spaces). Each word
// keeps its byte span in the original text and its case-folded form. Case folding is Unicode
// simple folding (what RE2's (?i) does) for Latin, Greek, Cyrillic, Armenian and fullwidth
// Latin; other scripts are caseless or left as they are.
//
//   TextScan scan;
//   scan_text("Flying @AcmeAir to #Oslo, see https://acmeair.example/x", &scan);
//   // scan.words: "flying", "oslo" (hashtag bodies are words too; handles and URLs are not)
//   // scan.marks: {handle "acmeair"}, {hashtag "oslo"}, {url "acmeair.example"}
//
// Thread safety: free functions without shared state; a TextScan belongs to one thread.
// Lifetime: a TextScan owns copies; reuse one per thread to avoid allocations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sentiment/utf8.h"

namespace earshot::pipeline::link {

// Decodes one code point of `s` at byte `i` (i < s.size()); *len gets its length. The one
// UTF-8 decoder, sentiment::utf8::decode: an invalid sequence decodes as U+FFFD covering its
// maximal subpart.
inline char32_t utf8_decode(std::string_view s, std::size_t i, std::size_t* len) {
  const sentiment::utf8::Decoded d = sentiment::utf8::decode(s, i);
  *len = d.length;
  return d.code_point;
}
// Simple Unicode case folding of one code point.
char32_t fold_code_point(char32_t c);
// Appends the case-folded form of UTF-8 `in` to *out.
void fold_append(std::string_view in, std::string* out);
std::string fold_case(std::string_view in);
// A letter, digit or '_' (of any script); punctuation, spaces, symbols and emoji are not.
bool is_word_code_point(char32_t c);
// Han, Hiragana, Katakana: each character is a word of its own.
bool is_unspaced_script(char32_t c);
// Lower-cases ASCII letters only (handles, hosts).
std::string ascii_lower(std::string_view in);
// 64-bit FNV-1a.
std::uint64_t hash_bytes(std::string_view s);

struct TextWord {
  std::uint32_t begin = 0;  // byte span in the original text
  std::uint32_t end = 0;
  std::uint32_t fbegin = 0;  // byte span of the folded form in TextScan::folded
  std::uint32_t fend = 0;
  std::uint64_t hash = 0;  // hash_bytes(folded form)
};

enum class MarkKind { hashtag, handle, url, bare_domain };

struct TextMark {
  MarkKind kind = MarkKind::hashtag;
  std::uint32_t begin = 0;  // byte span in the original text ('#' / '@' included)
  std::uint32_t end = 0;
  std::string key;  // hashtag: folded body; handle: lower-case "user", "user@host" or
                    // "name.bsky.social"; url / bare_domain: lower-case host
};

struct TextScan {
  std::vector<TextWord> words;  // words that may be part of an alias, in text order
  std::string folded;           // folded forms of all words, back to back
  std::vector<TextMark> marks;  // hashtags, handles, URLs, in text order
  std::string_view folded_word(const TextWord& w) const {
    return std::string_view(folded).substr(w.fbegin, w.fend - w.fbegin);
  }
  void clear() {
    words.clear();
    folded.clear();
    marks.clear();
  }
};

// Cuts `text` into words and marks (see the file comment). Never fails; invalid UTF-8 bytes
// are separators. Text longer than 4 GiB is cut at 4 GiB.
void scan_text(std::string_view text, TextScan* out);

// True when two separators (the bytes between two words) are equal once every run of white
// space is taken as one space.
bool same_separator(std::string_view a, std::string_view b);

}  // namespace earshot::pipeline::link
