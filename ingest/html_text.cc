#include "ingest/html_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <utility>

#include "sentiment/utf8.h"

namespace earshot::ingest {
namespace {

struct Named {
  std::string_view name;
  char32_t cp;
};

// The references that occur in real post bodies; sorted by name for binary search.
constexpr Named kNamed[] = {
    {"AElig", 0xC6},   {"Aacute", 0xC1}, {"Agrave", 0xC0},   {"Auml", 0xC4},    {"Ccedil", 0xC7},
    {"Eacute", 0xC9},  {"Ouml", 0xD6},   {"Uuml", 0xDC},     {"aacute", 0xE1},  {"acirc", 0xE2},
    {"aelig", 0xE6},   {"agrave", 0xE0}, {"amp", '&'},       {"apos", '\''},    {"aring", 0xE5},
    {"auml", 0xE4},    {"bull", 0x2022}, {"ccedil", 0xE7},   {"cent", 0xA2},    {"copy", 0xA9},
    {"deg", 0xB0},     {"eacute", 0xE9}, {"ecirc", 0xEA},    {"egrave", 0xE8},  {"euml", 0xEB},
    {"euro", 0x20AC},  {"gt", '>'},      {"hellip", 0x2026}, {"iacute", 0xED},  {"iexcl", 0xA1},
    {"iquest", 0xBF},  {"laquo", 0xAB},  {"ldquo", 0x201C},  {"lsquo", 0x2018}, {"lt", '<'},
    {"mdash", 0x2014}, {"middot", 0xB7}, {"nbsp", 0xA0},     {"ndash", 0x2013}, {"ntilde", 0xF1},
    {"oacute", 0xF3},  {"ocirc", 0xF4},  {"ouml", 0xF6},     {"para", 0xB6},    {"pound", 0xA3},
    {"quot", '"'},     {"raquo", 0xBB},  {"rdquo", 0x201D},  {"reg", 0xAE},     {"rsquo", 0x2019},
    {"sect", 0xA7},    {"shy", 0xAD},    {"szlig", 0xDF},    {"times", 0xD7},   {"trade", 0x2122},
    {"uacute", 0xFA},  {"ucirc", 0xFB},  {"uuml", 0xFC},     {"yen", 0xA5},     {"zwj", 0x200D},
};
static_assert(std::is_sorted(std::begin(kNamed), std::end(kNamed),
                             [](const Named& a, const Named& b) { return a.name < b.name; }));

bool lookup_named(std::string_view name, char32_t* cp) {
  auto it = std::lower_bound(std::begin(kNamed), std::end(kNamed), name,
                             [](const Named& n, std::string_view k) { return n.name < k; });
  if (it == std::end(kNamed) || it->name != name) return false;
  *cp = it->cp;
  return true;
}

// Decodes one reference starting at s[i] == '&'; returns chars consumed (0 = not one).
std::size_t decode_one(std::string_view s, std::size_t i, std::string& out) {
  std::size_t semi = s.find(';', i);
  if (semi == std::string_view::npos || semi - i > 32) return 0;
  std::string_view body = s.substr(i + 1, semi - i - 1);
  if (body.empty()) return 0;
  char32_t cp = 0;
  if (body[0] == '#') {
    bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    std::uint64_t v = 0;
    for (char c : digits) {
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (hex && c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return 0;
      v = v * (hex ? 16 : 10) + static_cast<std::uint64_t>(d);
      if (v > 0x10FFFF) v = 0x110000;
    }
    cp = v == 0 ? 0xFFFD : static_cast<char32_t>(v);
  } else if (!lookup_named(body, &cp)) {
    return 0;
  }
  sentiment::utf8::append(cp, &out);
  return semi - i + 1;
}

bool is_block(std::string_view tag) {
  static constexpr std::array<std::string_view, 18> kBlocks = {
      "p",  "br", "div", "li", "ul", "ol", "blockquote", "pre",     "h1",
      "h2", "h3", "h4",  "h5", "h6", "tr", "hr",         "section", "article"};
  return std::find(kBlocks.begin(), kBlocks.end(), tag) != kBlocks.end();
}

}  // namespace

std::string decode_html_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      if (std::size_t n = decode_one(s, i, out)) {
        i += n;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string html_to_text(std::string_view html) {
  // Pass 1: strip tags into `raw`, marking block boundaries with '\n'.
  std::string raw;
  raw.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    char c = html[i];
    if (c != '<') {
      raw.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);  // source breaks are spaces
      ++i;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    std::size_t end = html.find('>', i + 1);
    if (end == std::string_view::npos) {  // a lone '<' is text
      raw.push_back(c);
      ++i;
      continue;
    }
    std::string_view tag = html.substr(i + 1, end - i - 1);
    bool closing = !tag.empty() && tag[0] == '/';
    if (closing) tag.remove_prefix(1);
    std::size_t n = 0;
    while (n < tag.size() && std::isalnum(static_cast<unsigned char>(tag[n]))) ++n;
    std::string name(tag.substr(0, n));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    i = end + 1;
    if (!closing && (name == "script" || name == "style")) {
      std::size_t close = html.find("</" + name, i);
      i = close == std::string_view::npos ? html.size() : close;
      continue;
    }
    if (is_block(name)) raw.push_back('\n');
  }
  // Pass 2: decode references and normalise whitespace (runs → one space, trimmed lines,
  // at most one empty line in a row, none at the ends).
  std::string decoded = decode_html_entities(raw);
  std::string out;
  out.reserve(decoded.size());
  bool pending_space = false;
  int pending_newlines = 0;
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(decoded[i]);
    bool nbsp =
        c == 0xC2 && i + 1 < decoded.size() && static_cast<unsigned char>(decoded[i + 1]) == 0xA0;
    if (c == '\n') {
      ++pending_newlines;
      pending_space = false;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || nbsp) {
      if (nbsp) ++i;
      pending_space = true;
    } else {
      if (!out.empty()) {
        if (pending_newlines > 0)
          out.append(std::min(pending_newlines, 1), '\n');
        else if (pending_space)
          out.push_back(' ');
      }
      pending_newlines = 0;
      pending_space = false;
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace earshot::ingest
