#include "sentiment/utf8.h"

namespace earshot::sentiment::utf8 {
namespace {

bool in(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

}  // namespace

void append(char32_t cp, std::string* out) {
  if (in(cp, 0xD800, 0xDFFF) || cp > 0x10FFFF) cp = kReplacement;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_valid(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const Decoded d = decode(text, pos);
    if (!d.valid) return false;
    pos += d.length;
  }
  return true;
}

void append_sanitized(std::string_view text, std::string* out) {
  std::size_t run = 0;  // start of the current run of valid bytes
  std::size_t pos = 0;
  while (pos < text.size()) {
    const Decoded d = decode(text, pos);
    if (!d.valid) {
      out->append(text.substr(run, pos - run));
      append(kReplacement, out);
      run = pos + d.length;
    }
    pos += d.length;
  }
  out->append(text.substr(run));
}

std::size_t code_point_count(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count) pos += decode(text, pos).length;
  return count;
}

bool is_regional_indicator(char32_t cp) { return in(cp, 0x1F1E6, 0x1F1FF); }

bool is_emoji(char32_t cp) {
  return in(cp, 0x1F000, 0x1FAFF) || in(cp, 0x2600, 0x27BF) || in(cp, 0x2B00, 0x2BFF) ||
         in(cp, 0x2190, 0x21FF) || in(cp, 0x2300, 0x23FF) || in(cp, 0x25A0, 0x25FF) ||
         in(cp, 0x2900, 0x297F) || in(cp, 0x3030, 0x3030) || in(cp, 0x303D, 0x303D) ||
         in(cp, 0x3297, 0x3299) || cp == 0x00A9 || cp == 0x00AE || cp == 0x203C || cp == 0x2049 ||
         cp == 0x2122 || cp == 0x2139;
}

bool is_combining(char32_t cp) {
  return in(cp, 0x0300, 0x036F) || in(cp, 0x0483, 0x0489) || in(cp, 0x0591, 0x05BD) ||
         in(cp, 0x0610, 0x061A) || in(cp, 0x064B, 0x065F) || in(cp, 0x0900, 0x0903) ||
         in(cp, 0x093A, 0x094F) || in(cp, 0x1AB0, 0x1AFF) || in(cp, 0x1DC0, 0x1DFF) ||
         in(cp, 0x200C, 0x200D) || in(cp, 0x20D0, 0x20FF) || in(cp, 0xFE00, 0xFE0F) ||
         in(cp, 0xFE20, 0xFE2F) || in(cp, 0x1F3FB, 0x1F3FF) || in(cp, 0xE0020, 0xE007F) ||
         in(cp, 0xE0100, 0xE01EF);
}

bool is_letter_or_digit(char32_t cp) {
  if (cp < 0x80) return in(cp, '0', '9') || in(cp, 'a', 'z') || in(cp, 'A', 'Z');
  if (cp == 0xD7 || cp == 0xF7) return false;
  return in(cp, 0xAA, 0xAA) || in(cp, 0xB5, 0xB5) || in(cp, 0xBA, 0xBA) || in(cp, 0xC0, 0x02AF) ||
         in(cp, 0x0370, 0x03FF) || in(cp, 0x0400, 0x052F) || in(cp, 0x0531, 0x058F) ||
         in(cp, 0x05D0, 0x05EA) || in(cp, 0x0620, 0x064A) || in(cp, 0x0660, 0x0669) ||
         in(cp, 0x0904, 0x0939) || in(cp, 0x0E00, 0x0E7F) || in(cp, 0x1E00, 0x1FFF) ||
         in(cp, 0x3040, 0x30FF) || in(cp, 0x3400, 0x9FFF) || in(cp, 0xAC00, 0xD7A3) ||
         in(cp, 0xFF10, 0xFF19) || in(cp, 0xFF21, 0xFF3A) || in(cp, 0xFF41, 0xFF5A);
}

std::size_t next_cluster(std::string_view text, std::size_t pos) {
  Decoded d = decode(text, pos);
  std::size_t end = pos + d.length;
  if (!d.valid) return end;
  if (d.code_point == '\r') return (end < text.size() && text[end] == '\n') ? end + 1 : end;
  if (is_regional_indicator(d.code_point) && end < text.size()) {
    const Decoded second = decode(text, end);
    if (second.valid && is_regional_indicator(second.code_point)) end += second.length;
  }
  while (end < text.size()) {
    const Decoded next = decode(text, end);
    if (!next.valid || !is_combining(next.code_point)) break;
    end += next.length;
    if (next.code_point == 0x200D && end < text.size()) {  // ZWJ joins the next code point
      const Decoded joined = decode(text, end);
      if (!joined.valid || joined.code_point == '\r' || joined.code_point == '\n') break;
      end += joined.length;
    }
  }
  return end;
}

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return in(cp, 'A', 'Z') ? cp + 0x20 : cp;
  if (in(cp, 0xC0, 0xDE) && cp != 0xD7) return cp + 0x20;
  if (cp == 0x0130) return 'i';
  if (in(cp, 0x0100, 0x0137) || in(cp, 0x014A, 0x0177)) return (cp % 2 == 0) ? cp + 1 : cp;
  if (in(cp, 0x0139, 0x0148) || in(cp, 0x0179, 0x017E)) return (cp % 2 == 1) ? cp + 1 : cp;
  if (cp == 0x0178) return 0xFF;
  if (in(cp, 0x0391, 0x03A9) && cp != 0x03A2) return cp + 0x20;
  if (in(cp, 0x0410, 0x042F)) return cp + 0x20;
  if (in(cp, 0x0400, 0x040F)) return cp + 0x50;
  return cp;
}

void append_lower(std::string_view text, std::string* out) {
  for (std::size_t pos = 0; pos < text.size();) {
    const auto b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      out->push_back(static_cast<char>(in(b, 'A', 'Z') ? b + 0x20 : b));
      ++pos;
      continue;
    }
    const Decoded d = decode(text, pos);
    append(d.valid ? to_lower(d.code_point) : kReplacement, out);
    pos += d.length;
  }
}

}  // namespace earshot::sentiment::utf8
