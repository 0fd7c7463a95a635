// earshot::sentiment::vader_text — the few CPython string rules VADER's scores depend on.
//
// vaderSentiment is written against Python `str`: it splits on Unicode whitespace, strips
// ASCII punctuation, tests words with `str.isupper()` and looks them up with `str.lower()`.
// To reproduce its numbers exactly we need the same answers, without Python:
//
//   std::string_view word = "ÉCOLE";
//   bool caps = earshot::sentiment::vader_text::is_upper(word);  // true, like "ÉCOLE".isupper()
//
// Input must be valid UTF-8 (VADER's input buffer is re-encoded before these run).
// Thread safety: pure functions over immutable tables. Lifetime: nothing is retained.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sentiment/utf8.h"

namespace earshot::sentiment::vader_text {

// A run of code points sharing one CPython case class (1 upper, 2 lower or title).
struct CaseRange {
  std::uint32_t lo;
  std::uint32_t hi;
  std::uint32_t cls;
};
extern const CaseRange kCaseRanges[];  // sorted, generated: vader_case_table.cc
extern const std::size_t kCaseRangeCount;

// CPython Py_UNICODE_ISSPACE: what str.split() / str.strip() treat as whitespace.
bool is_space(char32_t cp);
// 0 uncased, 1 upper, 2 lower or title case (CPython 3.11 / Unicode 14 tables).
int case_class(char32_t cp);
// str.isupper(): at least one upper-case letter and no lower- or title-case one.
bool is_upper(std::string_view utf8);
// Appends str.lower() of `utf8` as far as it can matter for VADER: ASCII letters and the
// Kelvin sign (the only non-ASCII code point whose lower case is ASCII) are folded; other
// code points are copied unchanged (they can never equal an ASCII lexicon key either way).
void append_lower(std::string_view utf8, std::string* out);
// Same, written to `out` (room for utf8.size() bytes); returns the number of bytes written.
std::size_t lower_into(std::string_view utf8, char* out);
// token.strip(string.punctuation), unless that leaves <= 2 code points: then the token.
std::string_view strip_punctuation_if_word(std::string_view token);
// Decodes one code point at `pos` (utf8::decode; U+FFFD for an invalid sequence), advancing
// `pos`.
inline char32_t next_code_point(std::string_view text, std::size_t* pos) {
  const utf8::Decoded d = utf8::decode(text, *pos);
  *pos += d.length;
  return d.code_point;
}

}  // namespace earshot::sentiment::vader_text
