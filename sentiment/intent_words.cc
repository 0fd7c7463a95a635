#include "sentiment/intent_words.h"

#include "sentiment/latin_fold.h"
#include "sentiment/utf8.h"

namespace earshot::sentiment::intent_words {
namespace {

// ASCII classes, independent of the C locale (only ASCII bytes are asked about).
bool ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

// @handles, #hashtags and links are dropped: a handle like @fastfix is not praise.
void words_of(std::string_view text, WordList& out) {
  // Words never outgrow the text (one byte out per byte in, or fewer), so the buffer is
  // sized once and written through a plain pointer; the views below stay valid.
  out.buffer.resize(text.size());
  char* const buf = out.buffer.data();
  std::vector<std::string_view>& words = out.words;
  words.clear();
  std::size_t start = 0, end = 0;  // the word being built: buf[start, end)
  const auto finish = [&] {
    if (end > start) words.emplace_back(buf + start, end - start);
    start = end;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && !ascii_space(static_cast<unsigned char>(text[j]))) ++j;
    const std::string_view token = text.substr(i, j - i);
    const bool skip = token.starts_with('@') || token.starts_with('#') ||
                      token.starts_with("http") || token.starts_with("www.");
    for (std::size_t k = 0; !skip && k < token.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(token[k]);
      bool apostrophe = c == '\'';
      if (c == 0xE2 && token.substr(k, 3) == "\xE2\x80\x99") {
        apostrophe = true;
        k += 2;
      }
      if (ascii_alnum(c)) {
        buf[end++] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      } else if (apostrophe) {
        if (end > start) buf[end++] = '\'';
      } else if (c >= 0x80) {
        // A Latin letter folds to ASCII ("é", "É" and "e" + U+0301 are all "e"); no longer
        // in bytes than its UTF-8, so the buffer still fits. Any other code point ends the word.
        const utf8::Decoded d = utf8::decode(token, k);
        const auto folded = latin_fold::fold(d.code_point);
        if (folded) {
          for (const char f : *folded) buf[end++] = f;
        } else {
          finish();
        }
        k += d.length - 1;
      } else {
        finish();
      }
    }
    finish();
    i = j + 1;
  }
}

}  // namespace earshot::sentiment::intent_words
