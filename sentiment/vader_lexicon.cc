#include "sentiment/vader_lexicon.h"

#include <algorithm>
#include <charconv>

#include "sentiment/embedded_data.h"
#include "sentiment/vader_text.h"

namespace earshot::sentiment {
namespace {

// Python str.strip(): drop leading and trailing Unicode whitespace.
std::string_view py_strip(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size()) {
    std::size_t p = b;
    if (!vader_text::is_space(vader_text::next_code_point(s, &p))) break;
    b = p;
  }
  std::size_t e = s.size();
  while (e > b) {
    std::size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t p = start;
    if (!vader_text::is_space(vader_text::next_code_point(s, &p))) break;
    e = start;
  }
  return s.substr(b, e - b);
}

// Python text.rstrip('\n').split('\n'), calling `fn` per line.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = text.find('\n', start);
    fn(text.substr(start, nl == std::string_view::npos ? text.size() - start : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

// Fields 0 and 1 of line.strip().split('\t').
std::pair<std::string_view, std::string_view> two_fields(std::string_view line) {
  line = py_strip(line);
  const std::size_t tab = line.find('\t');
  if (tab == std::string_view::npos) return {line, {}};
  std::string_view rest = line.substr(tab + 1);
  return {line.substr(0, tab), rest.substr(0, rest.find('\t'))};
}

}  // namespace

VaderLexicon::VaderLexicon(std::string_view words, std::string_view emoji) {
  slots_.resize(16384);
  entries_.reserve(8192);
  arena_.reserve(64 * 1024);
  for_each_line(words, [&](std::string_view line) {
    if (line.empty()) return;
    auto [word, measure] = two_fields(line);
    double value = 0.0;
    const auto res = std::from_chars(measure.data(), measure.data() + measure.size(), value);
    if (res.ec != std::errc{}) return;  // the reference would raise; we skip the line
    insert(word, value);
  });
  // entries_ and arena_ are complete: their addresses no longer move.
  for_each_line(emoji, [&](std::string_view line) {
    auto [key, description] = two_fields(line);
    std::size_t pos = 0;
    if (key.empty()) return;
    const char32_t cp = vader_text::next_code_point(key, &pos);
    if (pos != key.size()) return;  // multi-code-point entries never match in the reference
    emoji_.emplace_back(cp, description);
  });
  // Keep the last entry per code point (Python dict semantics).
  std::stable_sort(emoji_.begin(), emoji_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<char32_t, std::string_view>> unique;
  for (const auto& e : emoji_) {
    if (!unique.empty() && unique.back().first == e.first) {
      unique.back() = e;
    } else {
      unique.push_back(e);
    }
  }
  emoji_ = std::move(unique);
  for (const auto& e : emoji_) {
    if (e.first < 128) ascii_emoji_[e.first] = true;
  }
}

void VaderLexicon::insert(std::string_view k, double value) {
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t h = hash(k);
  const auto tag = static_cast<std::uint32_t>(h >> 48);
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0) {
      if (entries_.size() >= 0xFFFF) return;  // 16-bit index; the shipped file has 7,506 words
      entries_.push_back(Entry{static_cast<std::uint32_t>(arena_.size()),
                               static_cast<std::uint32_t>(k.size()), value});
      arena_.append(k);
      slots_[i] = (tag << 16) | static_cast<std::uint32_t>(entries_.size());
      return;
    }
    Entry& e = entries_[(slot & 0xFFFF) - 1];
    if ((slot >> 16) == tag && key(e) == k) {
      e.value = value;  // last occurrence wins
      return;
    }
  }
}

const double* VaderLexicon::valence(std::string_view lowered, std::uint64_t h) const {
  const std::size_t mask = slots_.size() - 1;
  const auto tag = static_cast<std::uint32_t>(h >> 48);
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0) return nullptr;
    if ((slot >> 16) == tag) {
      const Entry& e = entries_[(slot & 0xFFFF) - 1];
      if (key(e) == lowered) return &e.value;
    }
  }
}

std::string_view VaderLexicon::emoji_description(char32_t cp) const {
  if (cp < 128 && !ascii_emoji_[cp]) return {};
  const auto it = std::lower_bound(emoji_.begin(), emoji_.end(), cp,
                                   [](const auto& e, char32_t v) { return e.first < v; });
  if (it == emoji_.end() || it->first != cp) return {};
  return it->second;
}

const VaderLexicon& VaderLexicon::embedded() {
  static const VaderLexicon lexicon(embedded::vader_lexicon(), embedded::emoji_lexicon());
  return lexicon;
}

}  // namespace earshot::sentiment
