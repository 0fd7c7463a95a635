// Case folding and the word/script classes of link_text.h: the Unicode tables the scanner
// (link_text.cc) and the alias index use, kept apart from the scanner itself.
#include "pipeline/link/link_text.h"

#include "sentiment/utf8.h"

namespace earshot::pipeline::link {
namespace {

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

char32_t fold_code_point(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c < 0x100) {
    if (c == 0xB5) return 0x3BC;
    return (c >= 0xC0 && c <= 0xDE && c != 0xD7) ? c + 32 : c;
  }
  if (c < 0x180) {
    if (c == 0x130) return 'i';
    if (c == 0x178) return 0xFF;
    if (c == 0x17F) return 's';
    bool even_upper = (c < 0x138) || (c >= 0x14A && c < 0x178);
    if (even_upper) return (c % 2 == 0 && c != 0x138) ? c + 1 : c;
    return (c % 2 == 1 && c != 0x149) ? c + 1 : c;  // 0139..0148, 0179..017E
  }
  if (c >= 0x370 && c < 0x400) {
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c == 0x3C2) return 0x3C3;
    return c;
  }
  if (c >= 0x400 && c < 0x530) {
    if (c < 0x410) return c + 80;
    if (c < 0x430) return c + 32;
    if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F)) {
      return c % 2 == 0 ? c + 1 : c;
    }
    return c;
  }
  if (c >= 0x531 && c <= 0x556) return c + 48;
  if (c >= 0x1E00 && c <= 0x1EFF) {
    if (c == 0x1E9E) return 0xDF;
    if (c <= 0x1E95 || c >= 0x1EA0) return c % 2 == 0 ? c + 1 : c;
    return c;
  }
  if (c == 0x212A) return 'k';
  if (c == 0x212B) return 0xE5;
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;
  return c;
}

void fold_append(std::string_view in, std::string* out) {
  for (std::size_t i = 0; i < in.size();) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out->push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t c = utf8_decode(in, i, &len);
    char32_t f = fold_code_point(c);
    if (f == c && c != 0xFFFD)
      out->append(in.substr(i, len));
    else
      sentiment::utf8::append(f, out);
    i += len;
  }
}

std::string fold_case(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  fold_append(in, &out);
  return out;
}

bool is_word_code_point(char32_t c) {
  if (c < 0x80) return is_ascii_alnum(static_cast<char>(c)) || c == '_';
  if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x206F) return false;  // general punctuation, spaces, ZWJ
  if (c >= 0x20A0 && c <= 0x20CF) return false;  // currency
  if (c >= 0x2190 && c <= 0x2BFF) return false;  // arrows, maths, boxes, dingbats
  if (c >= 0x2E00 && c <= 0x2E7F) return false;
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c >= 0xFE00 && c <= 0xFE0F) return false;  // variation selectors
  if (c >= 0xFE30 && c <= 0xFE6F) return false;
  if ((c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
      (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65)) {
    return false;
  }
  if (c == 0xFEFF || c == 0xFFFD) return false;
  if (c >= 0x1F000 && c <= 0x1FAFF) return false;  // emoji
  if (c >= 0xE0000 && c <= 0xE007F) return false;  // tag characters
  return true;
}

bool is_unspaced_script(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x2FFFF);
}

}  // namespace earshot::pipeline::link
