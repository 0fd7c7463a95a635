// Grapheme counting for platform text limits (graphemes.h).
#include "pipeline/core/graphemes.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "sentiment/utf8.h"

namespace earshot::pipeline::core {
namespace {

namespace utf8 = sentiment::utf8;
using Range = std::pair<char32_t, char32_t>;

// Grapheme_Cluster_Break = Extend or SpacingMark (UAX #29 GB9, GB9a), for the scripts
// social posts are written in; sorted, non-overlapping.
constexpr Range kExtend[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
    {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
    {0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x07EB, 0x07F3}, {0x0816, 0x082D}, {0x0859, 0x085B},
    {0x0898, 0x089F}, {0x08CA, 0x08E1}, {0x08E3, 0x0903}, {0x093A, 0x093C}, {0x093E, 0x094F},
    {0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0983}, {0x09BC, 0x09BC}, {0x09BE, 0x09CD},
    {0x09D7, 0x09D7}, {0x09E2, 0x09E3}, {0x0A01, 0x0A03}, {0x0A3C, 0x0A51}, {0x0A70, 0x0A71},
    {0x0A75, 0x0A75}, {0x0A81, 0x0A83}, {0x0ABC, 0x0ABC}, {0x0ABE, 0x0ACD}, {0x0AE2, 0x0AE3},
    {0x0B01, 0x0B03}, {0x0B3C, 0x0B3C}, {0x0B3E, 0x0B57}, {0x0B62, 0x0B63}, {0x0B82, 0x0B82},
    {0x0BBE, 0x0BCD}, {0x0BD7, 0x0BD7}, {0x0C00, 0x0C04}, {0x0C3C, 0x0C3C}, {0x0C3E, 0x0C56},
    {0x0C62, 0x0C63}, {0x0C81, 0x0C83}, {0x0CBC, 0x0CBC}, {0x0CBE, 0x0CD6}, {0x0CE2, 0x0CE3},
    {0x0D00, 0x0D03}, {0x0D3B, 0x0D3C}, {0x0D3E, 0x0D4D}, {0x0D57, 0x0D57}, {0x0D62, 0x0D63},
    {0x0D81, 0x0D83}, {0x0DCA, 0x0DDF}, {0x0DF2, 0x0DF3}, {0x0E31, 0x0E31}, {0x0E33, 0x0E3A},
    {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1}, {0x0EB3, 0x0EBC}, {0x0EC8, 0x0ECE}, {0x0F18, 0x0F19},
    {0x0F35, 0x0F35}, {0x0F37, 0x0F37}, {0x0F39, 0x0F39}, {0x0F3E, 0x0F3F}, {0x0F71, 0x0F84},
    {0x0F86, 0x0F87}, {0x0F8D, 0x0FBC}, {0x102B, 0x103E}, {0x1056, 0x1059}, {0x135D, 0x135F},
    {0x17B4, 0x17D3}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200C, 0x200D}, {0x20D0, 0x20F0},
    {0x302A, 0x302F}, {0x3099, 0x309A}, {0xA66F, 0xA672}, {0xA674, 0xA67D}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFF9E, 0xFF9F}, {0x1D165, 0x1D169}, {0x1F3FB, 0x1F3FF},
    {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
};

bool in_table(const auto& table, char32_t cp) {
  auto it = std::upper_bound(std::begin(table), std::end(table), cp,
                             [](char32_t c, const Range& r) { return c < r.first; });
  return it != std::begin(table) && cp <= std::prev(it)->second;
}

bool in(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

// Extended_Pictographic, approximated by the blocks emoji live in (only consulted after a
// ZWJ, so a wider set never joins anything but emoji-ish symbols).
bool pictographic(char32_t cp) {
  return in(cp, 0x1F000, 0x1FAFF) || in(cp, 0x2600, 0x27BF) || in(cp, 0x2B00, 0x2BFF) ||
         in(cp, 0x2190, 0x21FF) || in(cp, 0x2300, 0x23FF) || in(cp, 0x25A0, 0x25FF) ||
         in(cp, 0x2900, 0x297F) || cp == 0x3030 || cp == 0x303D || cp == 0x3297 ||
         cp == 0x3299 || cp == 0x00A9 || cp == 0x00AE || cp == 0x203C || cp == 0x2049 ||
         cp == 0x2122 || cp == 0x2139;
}

enum class Kind { other, cr, lf, control, extend, zwj, regional, l, v, t, lv, lvt, picto };

Kind kind_of(char32_t cp) {
  if (cp == '\r') return Kind::cr;
  if (cp == '\n') return Kind::lf;
  if (cp == 0x200D) return Kind::zwj;
  if (cp < 0x20 || in(cp, 0x7F, 0x9F) || cp == 0x2028 || cp == 0x2029) return Kind::control;
  if (cp >= 0x0300 && in_table(kExtend, cp)) return Kind::extend;
  if (in(cp, 0x1F1E6, 0x1F1FF)) return Kind::regional;
  if (in(cp, 0x1100, 0x115F) || in(cp, 0xA960, 0xA97C)) return Kind::l;
  if (in(cp, 0x1160, 0x11A7) || in(cp, 0xD7B0, 0xD7C6)) return Kind::v;
  if (in(cp, 0x11A8, 0x11FF) || in(cp, 0xD7CB, 0xD7FB)) return Kind::t;
  if (in(cp, 0xAC00, 0xD7A3)) return (cp - 0xAC00) % 28 == 0 ? Kind::lv : Kind::lvt;
  if (pictographic(cp)) return Kind::picto;
  return Kind::other;
}

}  // namespace

std::size_t grapheme_count(std::string_view text) {
  std::size_t count = 0;
  Kind prev = Kind::control;
  bool picto_run = false;  // GB11: ExtPict Extend* seen, so a ZWJ may join the next ExtPict
  bool after_zwj_picto = false;
  int regional_run = 0;  // regional indicators in the current run (GB12/13 pair them)
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8::Decoded d = utf8::decode(text, pos);
    pos += d.length;
    const Kind k = d.valid ? kind_of(d.code_point) : Kind::control;
    bool join = false;
    if (count > 0 && d.valid) {
      if (prev == Kind::cr && k == Kind::lf) {
        join = true;  // GB3
      } else if (prev == Kind::cr || prev == Kind::lf || prev == Kind::control ||
                 k == Kind::cr || k == Kind::lf || k == Kind::control) {
        join = false;  // GB4, GB5
      } else if (prev == Kind::l &&
                 (k == Kind::l || k == Kind::v || k == Kind::lv || k == Kind::lvt)) {
        join = true;  // GB6
      } else if ((prev == Kind::lv || prev == Kind::v) && (k == Kind::v || k == Kind::t)) {
        join = true;  // GB7
      } else if ((prev == Kind::lvt || prev == Kind::t) && k == Kind::t) {
        join = true;  // GB8
      } else if (k == Kind::extend || k == Kind::zwj) {
        join = true;  // GB9, GB9a
      } else if (prev == Kind::zwj && k == Kind::picto && after_zwj_picto) {
        join = true;  // GB11
      } else if (prev == Kind::regional && k == Kind::regional && regional_run % 2 == 1) {
        join = true;  // GB12, GB13
      }
    }
    if (!join) ++count;
    // State for the next code point.
    if (!d.valid) {
      prev = Kind::control;
      picto_run = after_zwj_picto = false;
      regional_run = 0;
      continue;
    }
    after_zwj_picto = k == Kind::zwj && picto_run;
    if (k == Kind::picto) {
      picto_run = true;
    } else if (k != Kind::extend) {
      picto_run = false;
    }
    regional_run = k == Kind::regional ? regional_run + 1 : 0;
    prev = k;
  }
  return count;
}

std::size_t code_point_count(std::string_view text) { return utf8::code_point_count(text); }

std::size_t text_length(std::string_view platform, std::string_view text) {
  return platform == "bluesky" ? grapheme_count(text) : code_point_count(text);
}

std::size_t text_limit(std::string_view platform) {
  if (platform == "mastodon") return 500;
  if (platform == "bluesky") return 300;
  return 10'000;
}

}  // namespace earshot::pipeline::core
