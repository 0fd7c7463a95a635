#include "pipeline/simhash.h"

#include <bit>
#include <string>

namespace earshot::pipeline {
namespace {

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
  // Word hashes are FNV-1a of the lowercased word, built byte by byte (no word strings);
  // the buffer is per thread, so a call allocates nothing once warm.
  thread_local std::vector<std::uint64_t> words;
  words.clear();
  constexpr std::uint64_t kBasis = 1469598103934665603ULL;
  std::uint64_t h = kBasis;
  bool in_word = false;
  const auto flush = [&] {
    if (in_word) words.push_back(h);
    h = kBasis;
    in_word = false;
  };
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '@' || (c == 'h' && text.compare(i, 4, "http") == 0)) {  // links and handles vary across a wave
      flush();
      while (i < n && text[i] != ' ' && text[i] != '\n') ++i;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      h = (h ^ c) * 1099511628211ULL;
      in_word = true;
    } else if (c >= 'A' && c <= 'Z') {
      h = (h ^ static_cast<unsigned char>(c - 'A' + 'a')) * 1099511628211ULL;
      in_word = true;
    } else {
      flush();
    }
  }
  flush();
  if (words.size() < 4) return 0;
  int counts[64] = {};
  for (std::size_t i = 0; i + 2 < words.size(); ++i) {
    std::uint64_t f = mix(words[i] * 31 + mix(words[i + 1]) * 17 + mix(words[i + 2]));
    for (int b = 0; b < 64; ++b) counts[b] += static_cast<int>((f >> b) & 1) * 2 - 1;
  }
  std::uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (counts[b] > 0) out |= 1ULL << b;
  }
  return out == 0 ? 1 : out;
}

NearDuplicates::NearDuplicates(std::size_t capacity, int max_distance)
    : capacity_(capacity ? capacity : 1), max_distance_(max_distance) {
  ring_.reserve(capacity_);
}

bool NearDuplicates::check_and_add(std::string_view text) { return check_and_add_hash(simhash(text)); }

bool NearDuplicates::check_and_add_hash(std::uint64_t h) {
  if (h == 0) return false;
  auto [copy, first] = copies_.try_emplace(h, 0);
  bool found = !first;  // the same fingerprint is in the window
  for (int band = 0; band < 4 && !found; ++band) {
    auto it = bands_.find(band_key(band, h));
    if (it == bands_.end()) continue;
    for (const std::uint64_t other : it->second) {
      if (std::popcount(other ^ h) <= max_distance_) {
        found = true;
        break;
      }
    }
  }
  ++copy->second;
  if (first) {
    for (int band = 0; band < 4; ++band) bands_[band_key(band, h)].push_back(h);
  }
  if (ring_.size() < capacity_) {
    ring_.push_back(h);
  } else {
    const std::uint64_t old = ring_[next_];
    ring_[next_] = h;
    next_ = (next_ + 1) % capacity_;
    forget(old);
  }
  return found;
}

void NearDuplicates::forget(std::uint64_t h) {
  auto copy = copies_.find(h);
  if (copy == copies_.end() || --copy->second > 0) return;
  copies_.erase(copy);
  for (int band = 0; band < 4; ++band) {
    auto it = bands_.find(band_key(band, h));
    if (it == bands_.end()) continue;
    std::vector<std::uint64_t>& v = it->second;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == h) {
        v[i] = v.back();
        v.pop_back();
        break;
      }
    }
    if (v.empty()) bands_.erase(it);
  }
}

}  // namespace earshot::pipeline
