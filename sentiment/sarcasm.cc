#include "sentiment/sarcasm.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sentiment/intent.h"

namespace earshot::sentiment {
namespace {

// Praise words that, alone or nearly alone, close or open a sarcastic complaint.
constexpr std::array<std::string_view, 22> kPraise = {
    "brilliant",  "genius",   "great",  "fantastic",  "perfect",   "wonderful",
    "lovely",     "cheers",   "love",   "nice",       "superb",    "amazing",
    "awesome",    "shock",    "course", "marvellous", "excellent", "classic",
    "delightful", "terrific", "bravo",  "good"};

bool praise_word(std::string_view w) {
  for (std::string_view p : kPraise) {
    if (w == p) return true;
  }
  return false;
}

bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\''; }

// Lower-cased words of [text), letters and apostrophes only.
int words_in(std::string_view text, std::array<std::string, 4>* first) {
  int n = 0;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && !letter(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && letter(text[j])) ++j;
    if (j > i) {
      if (first && n < 4) {
        std::string& w = (*first)[static_cast<std::size_t>(n)];
        w.assign(text.substr(i, j - i));
        for (char& c : w) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      ++n;
    }
    i = j;
  }
  return n;
}

// Case-insensitive (ASCII) find of a lower-case `needle` that starts with a letter, without a
// copy of the text. The first byte is tested alone first: for a letter L, (c | 0x20) == L holds
// exactly for c == L and c == L - 32 (its capital); on x86 sixteen positions at a time (SSE2).
// The answer is the first match, as a byte-by-byte scan finds it.
std::size_t find_ci(std::string_view text, std::string_view needle, std::size_t from) {
  const char first = needle[0];
  const auto rest_matches = [&](std::size_t i) {
    for (std::size_t k = 1; k < needle.size(); ++k) {
      char c = text[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != needle[k]) return false;
    }
    return true;
  };
  std::size_t i = from;
#if defined(__SSE2__)
  // The first three bytes are tested together: a position is checked whole only where they
  // match, which in English text is rare (a 't' or an 'l', even "th", is not).
  const __m128i bit = _mm_set1_epi8(0x20), want = _mm_set1_epi8(first);
  const bool three = needle.size() >= 3;
  // (c | 0x20) == (n | 0x20) holds for every byte c that rest_matches() takes for n.
  const __m128i want1 = _mm_set1_epi8(three ? static_cast<char>(needle[1] | 0x20) : 0);
  const __m128i want2 = _mm_set1_epi8(three ? static_cast<char>(needle[2] | 0x20) : 0);
  // The starts base + [0, count) (count <= 16), their bytes read from p (p[0, 18) readable).
  const auto block = [&](const char* p, std::size_t base, std::size_t count) {
    const auto at = [&](std::size_t k) {
      return _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k)), bit);
    };
    __m128i hits = _mm_cmpeq_epi8(at(0), want);
    if (three) {
      hits = _mm_and_si128(hits, _mm_and_si128(_mm_cmpeq_epi8(at(1), want1),
                                               _mm_cmpeq_epi8(at(2), want2)));
    }
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (count < 16) mask &= (1u << count) - 1;
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t start = base + static_cast<std::size_t>(__builtin_ctz(mask));
      if (rest_matches(start)) return start;
    }
    return std::string_view::npos;
  };
  // Sixteen starts at a time while they all fit (then i + 18 <= text.size() when three).
  for (; i + 16 + needle.size() <= text.size() + 1; i += 16) {
    if (const std::size_t r = block(text.data() + i, i, 16); r != std::string_view::npos) return r;
  }
  // The last starts (fewer than sixteen) from a zero-padded copy of the rest of the text.
  if (i + needle.size() <= text.size() && text.size() - i <= 30) {
    char pad[48] = {};
    std::memcpy(pad, text.data() + i, text.size() - i);
    return block(pad, i, text.size() - needle.size() + 1 - i);
  }
#endif
  for (; i + needle.size() <= text.size(); ++i) {
    if ((text[i] | 0x20) == first && rest_matches(i)) return i;
  }
  return std::string_view::npos;
}

bool sentence_end(char c) { return c == '.' || c == '!' || c == ';' || c == '\n'; }

// The verdict on `text` (sarcastic() keeps the last one per thread).
bool sarcastic_uncached(std::string_view text);

}  // namespace

bool scare_quoted(std::string_view text) {
  static constexpr std::string_view kOpen = "\xE2\x80\x9C", kClose = "\xE2\x80\x9D";
  // Only a '"' or the lead byte 0xE2 of a curly quote can start a quote, so the scan jumps
  // from one such byte to the next (memchr, vectorised in libc); most posts have neither and
  // cost two memchr calls. The bytes a curly quote spans (E2 80 9C/9D) hold no other lead.
  const char* const base = text.data();
  const auto next = [&](char c, std::size_t at) -> std::size_t {
    if (at >= text.size()) return text.size();
    const void* p = std::memchr(base + at, c, text.size() - at);
    return p ? static_cast<std::size_t>(static_cast<const char*>(p) - base) : text.size();
  };
  std::size_t next_straight = next('"', 0), next_lead = next('\xE2', 0);
  std::size_t open = std::string_view::npos;  // just after the open quote
  for (std::size_t i = std::min(next_straight, next_lead); i < text.size();
       i = std::min(next_straight, next_lead)) {
    const bool straight = text[i] == '"';
    const bool curly_open = text.substr(i, 3) == kOpen, curly_close = text.substr(i, 3) == kClose;
    std::size_t width = 1;
    if (straight || curly_open || curly_close) {
      width = straight ? 1 : 3;
      if (open == std::string_view::npos || curly_open) {
        if (!curly_close) open = i + width;
      } else {
        const std::string_view inside = text.substr(open, i - open);
        int words = 0;
        for (std::size_t k = 0; k < inside.size(); ++k) {
          words += inside[k] != ' ' && (k == 0 || inside[k - 1] == ' ');
        }
        if (words >= 1 && words <= 4 && inside.size() <= 40) return true;
        open = std::string_view::npos;
      }
    }
    if (next_straight < i + width) next_straight = next('"', i + width);
    if (next_lead < i + width) next_lead = next('\xE2', i + width);
  }
  return false;
}

bool sarcastic(std::string_view text) {
  // Intent, the enricher's sarcasm flag and targeted sentiment (once per entity) ask about the
  // same post in turn; the answer is a function of the bytes alone, so the last one is kept
  // per thread, matched by content (never by address: a buffer may be reused).
  struct Last {
    std::string text;
    bool answer = false;
    bool valid = false;
  };
  thread_local Last last;
  if (last.valid && std::string_view(last.text) == text) return last.answer;
  const bool answer = sarcastic_uncached(text);
  if (text.size() <= 4096) {  // bounded: at most 4 KiB kept per thread
    last.text.assign(text);
    last.answer = answer;
    last.valid = true;
  }
  return answer;
}

namespace {

bool sarcastic_uncached(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
  // A short closing remark: the last sentence, at most three words, with a praise word.
  std::size_t end = text.size();
  while (end > 0 && (sentence_end(text[end - 1]) || text[end - 1] == ' ')) --end;
  // cut: just after the last sentence end before `end` (0: none), found with memrchr.
  std::size_t cut = 0;
  for (const char c : {'.', '!', ';', '\n'}) {
    if (const void* p = memrchr(text.data(), c, end)) {
      cut = std::max(cut, static_cast<std::size_t>(static_cast<const char*>(p) - text.data()) + 1);
    }
  }
  // The words are counted first and copied only when there are one to three of them.
  if (cut > 0 && [&] {
        const int n = words_in(text.substr(cut, end - cut), nullptr);
        return n >= 1 && n <= 3;
      }()) {
    std::array<std::string, 4> w;
    const int n = words_in(text.substr(cut, end - cut), &w);
    bool praise = false;
    for (int k = 0; k < n && k < 4; ++k)
      praise = praise || praise_word(w[static_cast<std::size_t>(k)]);
    if (praise && service_cue(text.substr(0, cut)) <= -0.5f) return true;
  }
  // An opener: "Oh great, ..." / "Great, ..." (only a comma among the first 20 bytes counts).
  const std::size_t comma = text.substr(0, 20).find(',');
  if (comma != std::string_view::npos && comma < 20) {
    std::array<std::string, 4> w;
    const int n = words_in(text.substr(0, comma), &w);
    const bool oh = n == 2 && (w[0] == "oh" || w[0] == "ah") && praise_word(w[1]);
    if ((oh || (n == 1 && praise_word(w[0]))) && service_cue(text.substr(comma + 1)) <= -0.5f) {
      return true;
    }
  }
  // Thanks for the damage.
  const std::size_t thanks = find_ci(text, "thanks", 0);
  if (thanks != std::string_view::npos &&
      find_ci(text, "for the extra", thanks) != std::string_view::npos) {
    return true;
  }
  // "love how X can ... but can't ..."
  if (find_ci(text, "love how", 0) != std::string_view::npos &&
      find_ci(text, "can't", 0) != std::string_view::npos) {
    return true;
  }
  return false;
}

}  // namespace
}  // namespace earshot::sentiment
