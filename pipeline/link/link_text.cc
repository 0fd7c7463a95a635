#include "pipeline/link/link_text.h"

#include <algorithm>
#include <limits>

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
