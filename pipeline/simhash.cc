#include "pipeline/simhash.h"

#include <bit>
#include <string>

namespace earshot::pipeline {
namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint32_t band_key(int band, std::uint64_t h) {
  return (static_cast<std::uint32_t>(band) << 16) | static_cast<std::uint32_t>((h >> (16 * band)) & 0xFFFF);
}

}  // namespace

std::uint64_t simhash(std::string_view text) {
  std::vector<std::uint64_t> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(fnv1a(word));
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (text.substr(i, 4) == "http" || c == '@') {  // links and handles vary across a wave
      flush();
      while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      word.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      flush();
    }
  }
  flush();
  if (words.size() < 4) return 0;
  int counts[64] = {};
  for (std::size_t i = 0; i + 2 < words.size(); ++i) {
    std::uint64_t f = mix(words[i] * 31 + mix(words[i + 1]) * 17 + mix(words[i + 2]));
    for (int b = 0; b < 64; ++b) counts[b] += (f >> b) & 1 ? 1 : -1;
  }
  std::uint64_t h = 0;
  for (int b = 0; b < 64; ++b) {
    if (counts[b] > 0) h |= 1ULL << b;
  }
  return h == 0 ? 1 : h;
}

NearDuplicates::NearDuplicates(std::size_t capacity, int max_distance)
    : capacity_(capacity ? capacity : 1), max_distance_(max_distance) {
  ring_.reserve(capacity_);
}

bool NearDuplicates::check_and_add(std::string_view text) { return check_and_add_hash(simhash(text)); }

bool NearDuplicates::check_and_add_hash(std::uint64_t h) {
  if (h == 0) return false;
  bool found = false;
  for (int band = 0; band < 4 && !found; ++band) {
    auto [lo, hi] = bands_.equal_range(band_key(band, h));
    for (auto it = lo; it != hi; ++it) {
      if (std::popcount(it->second ^ h) <= max_distance_) {
        found = true;
        break;
      }
    }
  }
  if (ring_.size() < capacity_) {
    ring_.push_back(h);
  } else {
    forget(ring_[next_]);
    ring_[next_] = h;
    next_ = (next_ + 1) % capacity_;
  }
  for (int band = 0; band < 4; ++band) bands_.emplace(band_key(band, h), h);
  return found;
}

void NearDuplicates::forget(std::uint64_t h) {
  for (int band = 0; band < 4; ++band) {
    auto [lo, hi] = bands_.equal_range(band_key(band, h));
    for (auto it = lo; it != hi; ++it) {
      if (it->second == h) {
        bands_.erase(it);
        break;
      }
    }
  }
}

}  // namespace earshot::pipeline
