#include "sentiment/tokenizer.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "sentiment/utf8.h"

namespace earshot::sentiment {
namespace {

bool ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool ascii_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
unsigned char ascii_lower(unsigned char c) { return ascii_upper(c) ? c + 32 : c; }
bool ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool unicode_space(char32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Length of the whitespace at `i` (0 if none).
std::size_t space_at(std::string_view t, std::size_t i) {
  const auto b = static_cast<unsigned char>(t[i]);
  if (b < 0x80) return ascii_space(b) ? 1 : 0;
  const utf8::Decoded d = utf8::decode(t, i);
  return d.valid && unicode_space(d.code_point) ? d.length : 0;
}

// A letter, digit or (for continuing a word) combining mark at `i`; returns its length.
std::size_t word_char_at(std::string_view t, std::size_t i, bool continuing) {
  const auto b = static_cast<unsigned char>(t[i]);
  if (b < 0x80) return ascii_alnum(b) || (continuing && b == '_') ? 1 : 0;
  const utf8::Decoded d = utf8::decode(t, i);
  if (!d.valid) return 0;
  if (utf8::is_letter_or_digit(d.code_point)) return d.length;
  const bool mark = utf8::is_combining(d.code_point) && d.code_point != 0x200D &&
                    !(d.code_point >= 0x1F3FB && d.code_point <= 0x1F3FF);
  return continuing && mark ? d.length : 0;
}

bool starts_with_ci(std::string_view t, std::size_t i, std::string_view lower_prefix) {
  if (t.size() - i < lower_prefix.size()) return false;
  for (std::size_t k = 0; k < lower_prefix.size(); ++k) {
    if (ascii_lower(static_cast<unsigned char>(t[i + k])) != lower_prefix[k]) return false;
  }
  return true;
}

std::size_t match_url(std::string_view t, std::size_t i) {
  if (!starts_with_ci(t, i, "http://") && !starts_with_ci(t, i, "https://") &&
      !starts_with_ci(t, i, "www.")) {
    return 0;
  }
  std::size_t end = i;
  bool paren = false;
  while (end < t.size() && space_at(t, end) == 0 && t[end] != '<' && t[end] != '>' &&
         t[end] != '"') {
    paren = paren || t[end] == '(';
    ++end;
  }
  while (end > i) {
    const char c = t[end - 1];
    if (std::string_view(".,!?;:'").find(c) == std::string_view::npos && (c != ')' || paren)) break;
    --end;
  }
  return end - i;
}

bool handle_char(unsigned char c) { return ascii_alnum(c) || c == '_'; }

// @user, @user@instance.example, @name.bsky.social
std::size_t match_mention(std::string_view t, std::size_t i) {
  std::size_t end = i + 1;
  while (end < t.size() && handle_char(static_cast<unsigned char>(t[end]))) ++end;
  if (end == i + 1) return 0;
  auto domain = [&](std::size_t from, bool need_dot) -> std::size_t {
    std::size_t e = from;
    std::size_t last_good = need_dot ? from : 0;
    bool dotted = false;
    while (e < t.size()) {
      const auto c = static_cast<unsigned char>(t[e]);
      if (ascii_alnum(c) || c == '-' || c == '_') {
        ++e;
        if (!need_dot || dotted) last_good = e;
      } else if (c == '.' && e + 1 < t.size() &&
                 ascii_alnum(static_cast<unsigned char>(t[e + 1]))) {
        dotted = true;
        ++e;
      } else {
        break;
      }
    }
    return dotted ? last_good : 0;
  };
  if (end + 1 < t.size() && t[end] == '@') {
    const std::size_t host_end = domain(end + 1, false);
    if (host_end > end + 1) return host_end - i;
  }
  if (end < t.size() && t[end] == '.') {
    const std::size_t host_end = domain(end, true);
    if (host_end > end) return host_end - i;
  }
  return end - i;
}

std::size_t match_hashtag(std::string_view t, std::size_t i) {
  std::size_t end = i + 1;
  bool non_digit = false;
  while (end < t.size()) {
    const std::size_t len = word_char_at(t, end, true);
    if (len == 0) break;
    const auto c = static_cast<unsigned char>(t[end]);
    non_digit = non_digit || !(c >= '0' && c <= '9');
    end += len;
  }
  return non_digit ? end - i : 0;
}

struct Emoticon {
  std::string_view text;
  bool strict;  // must stand alone between whitespace or text ends ("):", "(:", "D:")
};
// Longest first, so ":-)" wins over ":-".
constexpr std::array<Emoticon, 67> kEmoticons = {{
    {":'-(", false}, {":'-)", false}, {">:-(", false}, {"^_^", false}, {"-_-", false},
    {"o_O", false},  {"O_o", false},  {"o.O", false},  {"O.o", false}, {"T_T", false},
    {";_;", false},  {":-)", false},  {":-(", false},  {":-D", false}, {";-)", false},
    {":-P", false},  {":-p", false},  {":'(", false},  {":')", false}, {"</3", false},
    {":-/", false},  {":-|", false},  {":-O", false},  {":-o", false}, {":-*", false},
    {":-]", false},  {":-[", false},  {">:(", false},  {"8-)", false}, {"B-)", false},
    {":-\\", false}, {":)", false},   {":(", false},   {":D", false},  {";)", false},
    {":P", false},   {":p", false},   {";P", false},   {";p", false},  {"<3", false},
    {"xD", false},   {"XD", false},   {":/", false},   {":|", false},  {":O", false},
    {":o", false},   {"=)", false},   {"=(", false},   {"=D", false},  {"=/", false},
    {":3", false},   {"^^", false},   {":*", false},   {";*", false},  {":]", false},
    {":[", false},   {":@", false},   {":S", false},   {":s", false},  {":$", false},
    {":\\", false},  {";D", false},   {"=P", false},   {"=p", false},  {"(:", true},
    {"):", true},    {"D:", true},
}};

// `after_word`: the previous byte is a letter or digit ("great:)" still has ":)").
std::size_t match_emoticon(std::string_view t, std::size_t i, bool after_word) {
  static constexpr std::string_view kStarts = ":;<>=^-oOTxXB8D()";
  if (kStarts.find(t[i]) == std::string_view::npos) return 0;
  const std::string_view rest = t.substr(i);
  for (const Emoticon& e : kEmoticons) {
    if (e.text[0] != rest[0] || !rest.starts_with(e.text)) continue;
    if (after_word && ascii_alnum(static_cast<unsigned char>(e.text[0]))) continue;
    if (e.strict && i > 0 && !ascii_space(static_cast<unsigned char>(t[i - 1]))) continue;
    std::size_t end = i + e.text.size();
    const char last = e.text.back();
    if (std::string_view(")(DPp]3").find(last) != std::string_view::npos) {
      while (end < t.size() && t[end] == last) ++end;  // ":)))", ":DDD"
    }
    if (end == t.size()) return end - i;
    const auto next = static_cast<unsigned char>(t[end]);
    if (e.strict ? space_at(t, end) == 0 : ascii_alnum(next)) continue;
    return end - i;
  }
  return 0;
}

// A word or number starting at `i` (a letter or digit); sets `kind`.
std::size_t scan_word(std::string_view t, std::size_t i, TokenKind* kind) {
  std::size_t end = i;
  bool digits_only = true;
  while (end < t.size()) {
    const std::size_t len = word_char_at(t, end, true);
    if (len > 0) {
      const auto c = static_cast<unsigned char>(t[end]);
      digits_only = digits_only && c >= '0' && c <= '9';
      end += len;
      continue;
    }
    const auto c = static_cast<unsigned char>(t[end]);
    std::size_t joiner = 0;
    if (c == '\'' || c == '-') joiner = 1;
    if (t.compare(end, 3, "\xE2\x80\x99") == 0) joiner = 3;  // U+2019
    if (joiner > 0 && end + joiner < t.size() && word_char_at(t, end + joiner, false) > 0) {
      digits_only = false;
      end += joiner;
      continue;
    }
    if ((c == '.' || c == ',') && digits_only && end + 1 < t.size() && t[end + 1] >= '0' &&
        t[end + 1] <= '9') {
      ++end;
      continue;
    }
    break;
  }
  *kind = digits_only ? TokenKind::number : TokenKind::word;
  return end - i;
}

std::uint16_t word_flags(std::string_view w) {
  std::uint16_t flags = 0;
  int letters = 0;
  bool lower_seen = false;
  int run = 0;
  char32_t prev = 0;
  for (std::size_t pos = 0; pos < w.size();) {
    const utf8::Decoded d = utf8::decode(w, pos);
    pos += d.length;
    const char32_t cp = d.code_point;
    const char32_t lower = utf8::to_lower(cp);
    const bool is_letter = utf8::is_letter_or_digit(cp) && !(cp >= '0' && cp <= '9');
    if (is_letter) {
      ++letters;
      if (lower == cp && !(cp >= 'A' && cp <= 'Z')) lower_seen = true;
    }
    run = (is_letter && lower == prev) ? run + 1 : 1;
    if (run >= 3) flags |= Token::elongated;
    prev = is_letter ? lower : 0;
    if (cp == '\'' || cp == 0x2019) flags |= Token::contraction;
  }
  if (letters >= 2 && !lower_seen) flags |= Token::all_caps;
  if (is_negation_word(w)) flags |= Token::negation;
  return flags;
}

bool is_emoji_start(std::string_view t, std::size_t i) {
  const auto b = static_cast<unsigned char>(t[i]);
  if (b < 0x80) {  // keycap: [0-9#*] (U+FE0F)? U+20E3
    if (!((b >= '0' && b <= '9') || b == '#' || b == '*')) return false;
    std::size_t p = i + 1;
    if (t.compare(p, 3, "\xEF\xB8\x8F") == 0) p += 3;
    return t.compare(p, 3, "\xE2\x83\xA3") == 0;
  }
  const utf8::Decoded d = utf8::decode(t, i);
  return d.valid && (utf8::is_emoji(d.code_point) || utf8::is_regional_indicator(d.code_point));
}

}  // namespace

std::string_view to_string(TokenKind kind) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "word", "number", "url", "mention", "hashtag", "emoticon", "emoji", "punctuation", "other"};
  return kNames[static_cast<std::size_t>(kind)];
}

void tokenize(std::string_view text, std::vector<Token>& out) {
  out.clear();
  if (text.size() > UINT32_MAX) text = text.substr(0, UINT32_MAX);
  std::size_t i = 0;
  auto emit = [&](std::size_t len, TokenKind kind, std::uint16_t flags) {
    out.push_back(
        Token{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(len), kind, flags});
    i += len;
  };
  while (i < text.size()) {
    if (const std::size_t sp = space_at(text, i)) {
      i += sp;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    const bool after_word = i > 0 && ascii_alnum(static_cast<unsigned char>(text[i - 1]));
    std::size_t len = 0;
    TokenKind kind = TokenKind::word;
    if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') && (len = match_url(text, i))) {
      emit(len, TokenKind::url, 0);
    } else if (c == '@' && !after_word && (len = match_mention(text, i))) {
      emit(len, TokenKind::mention, 0);
    } else if (c == '#' && !after_word && (len = match_hashtag(text, i))) {
      emit(len, TokenKind::hashtag, 0);
    } else if (is_emoji_start(text, i)) {
      emit(utf8::next_cluster(text, i) - i, TokenKind::emoji, 0);
    } else if (c < 0x80 && (len = match_emoticon(text, i, after_word))) {
      emit(len, TokenKind::emoticon, 0);
    } else if (word_char_at(text, i, false) > 0) {
      len = scan_word(text, i, &kind);
      emit(len, kind, kind == TokenKind::word ? word_flags(text.substr(i, len)) : 0);
    } else if (c == '!' || c == '?' || c == '.') {
      std::size_t end = i;
      std::uint16_t flags = 0;
      const bool dots = c == '.';
      while (end < text.size() &&
             (dots ? text[end] == '.' : (text[end] == '!' || text[end] == '?'))) {
        flags |= text[end] == '!' ? Token::exclamation : text[end] == '?' ? Token::question : 0;
        ++end;
      }
      emit(end - i, TokenKind::punctuation, flags);
    } else if (c < 0x80) {
      emit(1, (c < 0x20 || c == 0x7F) ? TokenKind::other : TokenKind::punctuation, 0);
    } else {
      emit(utf8::next_cluster(text, i) - i, TokenKind::other, 0);
    }
  }
}

void split_hashtag(std::string_view text, const Token& tag, std::vector<Token>& out) {
  const std::string_view t = tag.view(text);
  // Character classes: 0 separator, 1 lower (or uncased letter / mark), 2 upper, 3 digit.
  auto cls_at = [&](std::size_t pos, std::size_t* len) -> int {
    const utf8::Decoded d = utf8::decode(t, pos);
    *len = d.length;
    const char32_t cp = d.code_point;
    if (cp >= '0' && cp <= '9') return 3;
    if (cp == '_' || cp == '#' || !d.valid) return 0;
    return utf8::to_lower(cp) != cp ? 2 : 1;
  };
  std::size_t part = 0;  // start of the current part (bytes into t)
  int prev = 0;
  std::size_t prev_pos = 0;
  auto flush = [&](std::size_t end) {
    if (end > part) {
      const std::string_view w = t.substr(part, end - part);
      out.push_back(Token{
          tag.offset + static_cast<std::uint32_t>(part), static_cast<std::uint32_t>(end - part),
          (w.find_first_not_of("0123456789") == std::string_view::npos) ? TokenKind::number
                                                                        : TokenKind::word,
          word_flags(w)});
    }
  };
  for (std::size_t pos = 0; pos < t.size();) {
    std::size_t len = 1;
    const int cls = cls_at(pos, &len);
    if (cls == 0) {
      flush(pos);
      part = pos + len;
    } else if (prev != 0 && ((prev == 3) != (cls == 3) || (prev == 1 && cls == 2))) {
      flush(pos);  // letter/digit change or "camelCase"
      part = pos;
    } else if (prev == 2 && cls == 1 && prev_pos > part) {
      flush(prev_pos);  // "HTMLParser": the last capital starts the next part
      part = prev_pos;
    }
    prev = cls;
    prev_pos = pos;
    pos += len;
  }
  flush(t.size());
}

bool is_negation_word(std::string_view word) {
  static constexpr std::array<std::string_view, 34> kWords = {
      "aint",   "arent",    "cannot", "cant",   "couldnt", "darent", "didnt",   "doesnt",  "dont",
      "hadnt",  "hasnt",    "havent", "isnt",   "mightnt", "mustnt", "neednt",  "neither", "never",
      "no",     "nobody",   "none",   "nope",   "nor",     "not",    "nothing", "nowhere", "rarely",
      "seldom", "shouldnt", "wasnt",  "werent", "without", "wont",   "wouldnt"};
  if (word.size() < 2 || word.size() > 12) return false;
  char buf[12];
  for (std::size_t k = 0; k < word.size(); ++k) {
    buf[k] = static_cast<char>(ascii_lower(static_cast<unsigned char>(word[k])));
  }
  const std::string_view lower(buf, word.size());
  if (lower.ends_with("n't") || lower.ends_with("n\xE2\x80\x99t")) return true;
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

void append_normalized(std::string_view word, std::string* out) {
  const std::size_t start = out->size();
  utf8::append_lower(word, out);
  std::size_t w = start;
  for (std::size_t r = start; r < out->size(); ++r) {
    const char c = (*out)[r];
    const bool letter = c >= 'a' && c <= 'z';
    if (letter && w - start >= 2 && (*out)[w - 1] == c && (*out)[w - 2] == c) continue;
    (*out)[w++] = c;
  }
  out->resize(w);
}

}  // namespace earshot::sentiment
