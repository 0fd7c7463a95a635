#include "sentiment/latin_fold.h"

#include "sentiment/utf8.h"

namespace earshot::sentiment::latin_fold {
namespace {

// U+00C0–U+00FF and U+0100–U+017F, one base letter each; '.' = not a letter (× ÷); the
// two-letter folds (æ œ ß þ ĳ) are handled before the tables.
constexpr std::string_view kLatin1 = "aaaaaaaceeeeiiiidnooooo.ouuuuyts"
                                     "aaaaaaaceeeeiiiidnooooo.ouuuuyty";
constexpr std::string_view kExtendedA =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooo"
    "rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(kLatin1.size() == 64 && kExtendedA.size() == 128);

}  // namespace

std::optional<std::string_view> fold(char32_t cp) {
  static constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
  static constexpr std::string_view kDigits = "0123456789";
  if (cp >= 'a' && cp <= 'z') return kLower.substr(cp - 'a', 1);
  if (cp >= 'A' && cp <= 'Z') return kLower.substr(cp - 'A', 1);
  if (cp >= '0' && cp <= '9') return kDigits.substr(cp - '0', 1);
  if (cp >= 0x300 && cp <= 0x36F) return std::string_view();  // combining mark (NFD)
  switch (cp) {
    case 0xC6: case 0xE6: return "ae";
    case 0x152: case 0x153: return "oe";
    case 0xDF: return "ss";
    case 0xDE: case 0xFE: return "th";
    case 0x132: case 0x133: return "ij";
    case 0x218: case 0x219: return "s";  // Romanian ș
    case 0x21A: case 0x21B: return "t";  // Romanian ț
    default: break;
  }
  const auto one = [](std::string_view table, std::size_t at) -> std::optional<std::string_view> {
    if (table[at] == '.') return std::nullopt;
    return table.substr(at, 1);
  };
  if (cp >= 0xC0 && cp <= 0xFF) return one(kLatin1, cp - 0xC0);
  if (cp >= 0x100 && cp <= 0x17F) return one(kExtendedA, cp - 0x100);
  return std::nullopt;
}

void append(std::string_view text, std::string* out) {
  for (std::size_t i = 0; i < text.size();) {
    const utf8::Decoded d = utf8::decode(text, i);
    if (const auto f = fold(d.code_point)) {
      out->append(*f);
    } else {
      out->append(text.substr(i, d.length));
    }
    i += d.length;
  }
}

}  // namespace earshot::sentiment::latin_fold
