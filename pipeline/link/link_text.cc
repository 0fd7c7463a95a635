#include "pipeline/link/link_text.h"

#include <algorithm>
#include <limits>

#include "sentiment/utf8.h"

namespace earshot::pipeline::link {
namespace {

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_handle_char(char c) { return is_ascii_alnum(c) || c == '_' || c == '.' || c == '-'; }
bool is_host_char(char c) { return is_ascii_alnum(c) || c == '.' || c == '-'; }
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool starts_with_nocase(std::string_view s, std::size_t i, std::string_view prefix) {
  if (s.size() - i < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char c = s[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[k]) return false;
  }
  return true;
}

std::size_t trim_end(std::string_view s, std::size_t begin, std::size_t end,
                     std::string_view chars) {
  const auto listed = [&](char c) {
    for (char x : chars) {
      if (x == c) return true;
    }
    return false;
  };
  while (end > begin && listed(s[end - 1])) --end;
  return end;
}

void add_word(std::string_view text, std::size_t b, std::size_t e, TextScan* out) {
  TextWord w;
  w.begin = static_cast<std::uint32_t>(b);
  w.end = static_cast<std::uint32_t>(e);
  w.fbegin = static_cast<std::uint32_t>(out->folded.size());
  fold_append(text.substr(b, e - b), &out->folded);
  w.fend = static_cast<std::uint32_t>(out->folded.size());
  w.hash = hash_bytes(out->folded_word(w));
  out->words.push_back(w);
}

// add_word for a word of ASCII bytes: folds and hashes in one pass.
void add_ascii_word(std::string_view text, std::size_t b, std::size_t e, TextScan* out) {
  TextWord w;
  w.begin = static_cast<std::uint32_t>(b);
  w.end = static_cast<std::uint32_t>(e);
  const std::size_t at = out->folded.size();
  w.fbegin = static_cast<std::uint32_t>(at);
  out->folded.resize(at + (e - b));
  char* f = out->folded.data() + at;
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t i = b; i < e; ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    *f++ = c;
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  w.fend = static_cast<std::uint32_t>(out->folded.size());
  w.hash = h ^ (h >> 29);  // hash_bytes of the folded form
  out->words.push_back(w);
}

// Emits the words of text[b, e) (which holds only word code points); returns nothing.
// `ascii`: the caller knows that no byte of the range is >= 0x80.
void add_words(std::string_view text, std::size_t b, std::size_t e, TextScan* out,
               bool ascii = false) {
  if (b >= e) return;
  // No byte >= 0x80: one word, no Han/Kana inside.
  if (!ascii) {
    ascii = true;
    for (std::size_t k = b; k < e && ascii; ++k) ascii = static_cast<unsigned char>(text[k]) < 0x80;
  }
  if (ascii) {
    add_ascii_word(text, b, e, out);
    return;
  }
  std::size_t i = b;
  while (i < e) {
    std::size_t len = 0;
    char32_t c = utf8_decode(text, i, &len);
    if (is_unspaced_script(c)) {
      add_word(text, i, i + len, out);
      i += len;
      continue;
    }
    std::size_t j = i + len;
    while (j < e) {
      char32_t d = utf8_decode(text, j, &len);
      if (is_unspaced_script(d)) break;
      j += len;
    }
    add_word(text, i, j, out);
    i = j;
  }
}

// End of a run of word code points starting at i; *ascii (when given) says whether every
// byte of the run is < 0x80.
std::size_t word_run_end(std::string_view text, std::size_t i, bool* ascii = nullptr) {
  bool all_ascii = true;
  while (i < text.size()) {
    char c = text[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (!is_ascii_alnum(c) && c != '_') break;
      ++i;
      continue;
    }
    std::size_t len = 0;
    if (!is_word_code_point(utf8_decode(text, i, &len))) break;
    all_ascii = false;
    i += len;
  }
  if (ascii) *ascii = all_ascii;
  return i;
}

// A URL starting at i (scheme "http://", "https://" or "www."); returns its end or i.
std::size_t scan_url(std::string_view text, std::size_t i, TextScan* out) {
  std::size_t host_begin;
  if (starts_with_nocase(text, i, "https://"))
    host_begin = i + 8;
  else if (starts_with_nocase(text, i, "http://"))
    host_begin = i + 7;
  else if (starts_with_nocase(text, i, "www."))
    host_begin = i;
  else
    return i;
  std::size_t end = host_begin;
  while (end < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[end]);
    if (c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '`') break;
    ++end;
  }
  end = trim_end(text, host_begin, end, ".,;:!?)]}'");
  std::size_t auth_end = host_begin;
  while (auth_end < end && text[auth_end] != '/' && text[auth_end] != '?' && text[auth_end] != '#')
    ++auth_end;
  std::string_view authority = text.substr(host_begin, auth_end - host_begin);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (auto colon = authority.find(':'); colon != std::string_view::npos)
    authority = authority.substr(0, colon);
  while (!authority.empty() && authority.back() == '.') authority.remove_suffix(1);
  if (authority.empty() || !std::all_of(authority.begin(), authority.end(), is_host_char)) return i;
  TextMark m{MarkKind::url, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(end),
             ascii_lower(authority)};
  std::string host = m.key;
  out->marks.push_back(std::move(m));
  // Profile links name a handle: bsky.app/profile/<handle>, <instance>/@<user>[@<host>].
  std::string_view path = text.substr(auth_end, end - auth_end);
  std::string handle;
  if (host == "bsky.app" && path.starts_with("/profile/")) {
    path.remove_prefix(9);
    handle = ascii_lower(path.substr(0, path.find('/')));
  } else if (path.starts_with("/@")) {
    path.remove_prefix(2);
    std::string_view user = path.substr(0, path.find('/'));
    if (!user.empty())
      handle = ascii_lower(user) + (user.find('@') == std::string_view::npos ? "@" + host : "");
  }
  if (!handle.empty()) {
    out->marks.push_back(
        {MarkKind::handle, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(end), handle});
  }
  return end;
}

// A handle at text[i] == '@'; returns its end or i.
std::size_t scan_handle(std::string_view text, std::size_t i, TextScan* out) {
  std::size_t j = i + 1;
  while (j < text.size() && is_handle_char(text[j])) ++j;
  j = trim_end(text, i + 1, j, ".-");
  if (j == i + 1) return i;
  std::string key = ascii_lower(text.substr(i + 1, j - i - 1));
  if (j + 1 < text.size() && text[j] == '@' && is_ascii_alnum(text[j + 1])) {
    std::size_t k = j + 1;
    while (k < text.size() && is_host_char(text[k])) ++k;
    k = trim_end(text, j + 1, k, ".-");
    std::string_view host = text.substr(j + 1, k - j - 1);
    if (host.find('.') != std::string_view::npos) {
      key += '@';
      key += ascii_lower(host);
      j = k;
    }
  }
  out->marks.push_back({MarkKind::handle, static_cast<std::uint32_t>(i),
                        static_cast<std::uint32_t>(j), std::move(key)});
  return j;
}

// A bare host name ("acmeair.example/refunds") starting at a word at i; marks it, returns
// the end of the host or i.
std::size_t scan_bare_domain(std::string_view text, std::size_t i, TextScan* out) {
  std::size_t j = i;
  bool dot = false;
  while (j < text.size() && is_host_char(text[j])) dot |= text[j++] == '.';
  if (!dot) return i;  // a host has a dot (the checks below would refuse it too)
  j = trim_end(text, i, j, ".-");
  std::string_view host = text.substr(i, j - i);
  const std::size_t last_dot = host.rfind('.');
  if (last_dot == std::string_view::npos || host.size() - last_dot < 3) return i;
  std::string_view tld = host.substr(last_dot + 1);
  if (!std::all_of(tld.begin(), tld.end(),
                   [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }))
    return i;
  if (j < text.size() && (static_cast<unsigned char>(text[j]) >= 0x80 || text[j] == '_')) return i;
  out->marks.push_back({MarkKind::bare_domain, static_cast<std::uint32_t>(i),
                        static_cast<std::uint32_t>(j), ascii_lower(host)});
  return j;
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

std::string ascii_lower(std::string_view in) {
  std::string out(in);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::uint64_t hash_bytes(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h ^ (h >> 29);
}

void scan_text(std::string_view text, TextScan* out) {
  out->clear();
  if (text.size() > std::numeric_limits<std::uint32_t>::max())
    text = text.substr(0, std::numeric_limits<std::uint32_t>::max());
  bool prev_word = false;
  std::size_t domain_until = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (!prev_word) {
      std::size_t next = i;
      if (c == '#') {
        std::size_t e = word_run_end(text, i + 1);
        if (e > i + 1) {
          out->marks.push_back({MarkKind::hashtag, static_cast<std::uint32_t>(i),
                                static_cast<std::uint32_t>(e),
                                fold_case(text.substr(i + 1, e - i - 1))});
          add_words(text, i + 1, e, out);
          next = e;
        }
      } else if (c == '@') {
        next = scan_handle(text, i, out);
      } else if (c == 'h' || c == 'H' || c == 'w' || c == 'W') {
        next = scan_url(text, i, out);
      }
      if (next != i) {
        i = next;
        prev_word = true;
        continue;
      }
    }
    std::size_t len = 0;
    char32_t cp = utf8_decode(text, i, &len);
    if (!is_word_code_point(cp)) {
      prev_word = false;
      i += len;
      continue;
    }
    bool ascii = false;
    const std::size_t e = word_run_end(text, i, &ascii);
    // A host name needs a dot: its run of host characters (ASCII letters, digits, '.', '-')
    // goes past this word only through a '.' or '-' right after it, as the word itself holds
    // neither (and ends the host run at its first '_' or non-ASCII letter).
    if (i >= domain_until && is_ascii_alnum(c) && !prev_word && e < text.size() &&
        (text[e] == '.' || text[e] == '-')) {
      std::size_t d = scan_bare_domain(text, i, out);
      if (d != i) domain_until = d;
    }
    add_words(text, i, e, out, ascii);
    i = e;
    prev_word = true;
  }
}

bool same_separator(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool sa = is_space(a[i]), sb = is_space(b[j]);
    if (sa && sb) {
      while (i < a.size() && is_space(a[i])) ++i;
      while (j < b.size() && is_space(b[j])) ++j;
      continue;
    }
    if (a[i] != b[j]) return false;
    ++i;
    ++j;
  }
  return i == a.size() && j == b.size();
}

}  // namespace earshot::pipeline::link
