#include "sentiment/vader_text.h"
#include "sentiment/utf8.h"

#include <algorithm>

namespace earshot::sentiment::vader_text {

bool is_space(char32_t cp) {
  if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

int case_class(char32_t cp) {
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return 1;
    if (cp >= 'a' && cp <= 'z') return 2;
    return 0;
  }
  const CaseRange* end = kCaseRanges + kCaseRangeCount;
  const CaseRange* it =
      std::upper_bound(kCaseRanges, end, static_cast<std::uint32_t>(cp),
                       [](std::uint32_t v, const CaseRange& r) { return v < r.lo; });
  if (it == kCaseRanges) return 0;
  --it;
  return cp <= it->hi ? static_cast<int>(it->cls) : 0;
}


bool is_upper(std::string_view s) {
  bool cased = false;
  std::size_t pos = 0;
  for (; pos < s.size(); ++pos) {  // ASCII prefix, inline
    const auto c = static_cast<unsigned char>(s[pos]);
    if (c >= 0x80) break;
    if (c >= 'a' && c <= 'z') return false;
    cased = cased || (c >= 'A' && c <= 'Z');
  }
  while (pos < s.size()) {
    const int cls = case_class(next_code_point(s, &pos));
    if (cls == 2) return false;
    if (cls == 1) cased = true;
  }
  return cased;
}

void append_lower(std::string_view s, std::string* out) {
  const std::size_t start = out->size();
  out->resize(start + s.size());  // the result is never longer than the input
  out->resize(start + lower_into(s, out->data() + start));
}

std::size_t lower_into(std::string_view s, char* out) {
  char* w = out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= 'A' && c <= 'Z') {
      *w++ = static_cast<char>(c + ('a' - 'A'));
    } else if (c == '\xE2' && i + 2 < s.size() && s[i + 1] == '\x84' && s[i + 2] == '\xAA') {
      *w++ = 'k';  // U+212A KELVIN SIGN
      i += 2;
    } else {
      *w++ = c;
    }
  }
  return static_cast<std::size_t>(w - out);
}

namespace {
bool is_punct(char c) {
  // string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
  const auto u = static_cast<unsigned char>(c);
  return (u >= 0x21 && u <= 0x2F) || (u >= 0x3A && u <= 0x40) || (u >= 0x5B && u <= 0x60) ||
         (u >= 0x7B && u <= 0x7E);
}
}  // namespace

std::string_view strip_punctuation_if_word(std::string_view token) {
  std::size_t b = 0;
  std::size_t e = token.size();
  while (b < e && is_punct(token[b])) ++b;
  while (e > b && is_punct(token[e - 1])) --e;
  if (b == 0 && e == token.size()) return token;
  std::size_t code_points = 0;
  for (std::size_t i = b; i < e && code_points <= 2; ++i) {
    if ((static_cast<unsigned char>(token[i]) & 0xC0) != 0x80) ++code_points;
  }
  return code_points <= 2 ? token : token.substr(b, e - b);
}

}  // namespace earshot::sentiment::vader_text
