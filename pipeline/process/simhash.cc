#include "pipeline/process/simhash.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

namespace earshot::pipeline::process {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Adds the 64 bits of each shingle fingerprint to 64 counters of ones. Counters are bytes
// packed eight to a word: lane j of word k counts bit 8 * j + k, so one shingle costs eight
// shift-mask-adds instead of 64 scalar updates. The bytes are emptied into `ones` before
// they can overflow (every 255 shingles).
class BitCounter {
 public:
  void add(std::uint64_t f) {
    constexpr std::uint64_t kLanes = 0x0101010101010101ULL;
    for (int k = 0; k < 8; ++k) packed_[k] += (f >> k) & kLanes;
    if (++pending_ == 255) flush();
  }
  // Bit b of the result: more shingles had bit b set than clear (of `total` shingles).
  std::uint64_t majority(std::size_t total) {
    flush();
    std::uint64_t out = 0;
    for (int b = 0; b < 64; ++b) {
      if (2 * ones_[b] > total) out |= 1ULL << b;
    }
    return out;
  }

 private:
  void flush() {
    for (int k = 0; k < 8; ++k) {
      for (int j = 0; j < 8; ++j) ones_[8 * j + k] += (packed_[k] >> (8 * j)) & 0xFF;
      packed_[k] = 0;
    }
    pending_ = 0;
  }
  std::uint64_t packed_[8] = {};
  std::size_t ones_[64] = {};
  int pending_ = 0;
};

}  // namespace

// kFold[c]: the byte a word hashes for c (ASCII letters lowercased; digits and every byte of
// a multi-byte UTF-8 sequence as they are), or 0 when c separates words.
constexpr auto kFold = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) t[c] = static_cast<unsigned char>(c);
    else if (c >= 'A' && c <= 'Z') t[c] = static_cast<unsigned char>(c - 'A' + 'a');
  }
  return t;
}();

std::uint64_t simhash(std::string_view text) {
  // Word hashes are FNV-1a of the lowercased word, built byte by byte (no word strings);
  // the buffer is per thread, so a call allocates nothing once warm. A text of n bytes has
  // fewer than n + 1 words, so the buffer is sized once and filled without bounds checks.
  thread_local std::vector<std::uint64_t> words;
  const std::size_t n = text.size();
  if (words.size() < n + 1) words.resize(n + 1);
  std::uint64_t* const w = words.data();
  std::size_t count = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  constexpr std::uint64_t kBasis = 1469598103934665603ULL;
  std::uint64_t h = kBasis;
  bool in_word = false;
  const auto flush = [&] {
    w[count] = h;
    count += in_word ? 1 : 0;
    h = kBasis;
    in_word = false;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = p[i];
    if (c == '@' || (c == 'h' && i + 3 < n && p[i + 1] == 't' && p[i + 2] == 't' && p[i + 3] == 'p')) {
      flush();  // links and handles vary across a wave
      while (i < n && p[i] != ' ' && p[i] != '\n') ++i;
      continue;
    }
    const unsigned char f = kFold[c];
    if (f != 0) {
      h = (h ^ f) * 1099511628211ULL;
      in_word = true;
    } else {
      flush();
    }
  }
  flush();
  const std::size_t m = count;
  if (m < 4) return 0;
  // Shingle i is mix(w[i] * 31 + mix(w[i+1]) * 17 + mix(w[i+2])); each word's mix is
  // computed once and carried along.
  BitCounter counter;
  std::uint64_t mid = mix(w[1]), last = mix(w[2]);
  for (std::size_t i = 0; i + 2 < m; ++i) {
    counter.add(mix(w[i] * 31 + mid * 17 + last));
    mid = last;
    if (i + 3 < m) last = mix(w[i + 3]);
  }
  const std::uint64_t out = counter.majority(m - 2);
  return out == 0 ? 1 : out;
}

NearDuplicates::NearDuplicates(std::size_t capacity, int max_distance, bool staged)
    : capacity_(capacity ? capacity : 1), max_distance_(max_distance), staged_(staged) {
  ring_.reserve(capacity_);
  const std::size_t pool = capacity_ + 1;
  entries_.resize(pool);
  free_.reserve(pool);
  for (std::size_t i = pool; i-- > 0;) free_.push_back(static_cast<std::uint32_t>(i));
  const std::size_t slots = std::max<std::size_t>(16, std::bit_ceil(2 * pool));
  slots_.assign(slots, kNone);
  slot_mask_ = slots - 1;
  slot_shift_ = 64 - std::countr_zero(slots);
  band_bits_ = std::clamp(static_cast<int>(std::bit_width(pool)), 8, 16);
  heads_.assign(std::size_t{4} << band_bits_, kNone);
}

std::uint32_t NearDuplicates::band_key(int band, std::uint64_t h) const {
  const auto key = static_cast<std::uint32_t>((h >> (16 * band)) & ((1u << band_bits_) - 1));
  return (static_cast<std::uint32_t>(band) << band_bits_) | key;
}

std::size_t NearDuplicates::home(std::uint64_t h) const {
  return static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ULL) >> slot_shift_);
}

std::uint32_t NearDuplicates::find(std::uint64_t h) const {
  for (std::size_t i = home(h);; i = (i + 1) & slot_mask_) {
    const std::uint32_t e = slots_[i];
    if (e == kNone || entries_[e].hash == h) return e;
  }
}

std::uint32_t NearDuplicates::insert(std::uint64_t h) {
  const std::uint32_t e = free_.back();
  free_.pop_back();
  Entry& entry = entries_[e];
  entry.hash = h;
  entry.copies = 0;
  std::size_t i = home(h);
  while (slots_[i] != kNone) i = (i + 1) & slot_mask_;
  slots_[i] = e;
  for (int band = 0; band < 4; ++band) {
    std::uint32_t& head = heads_[band_key(band, h)];
    entry.prev[band] = kNone;
    entry.next[band] = head;
    if (head != kNone) entries_[head].prev[band] = e;
    head = e;
  }
  return e;
}

bool NearDuplicates::check_and_add(std::string_view text) { return check_and_add_hash(simhash(text)); }

bool NearDuplicates::check_and_add_hash(std::uint64_t h) {
  if (h == 0) return false;
  std::uint32_t e = find(h);
  bool found = e != kNone;  // the same fingerprint is in the window
  if (!found) {
    for (int band = 0; band < 4 && !found; ++band) {
      const std::uint64_t band_mask = 0xFFFFULL << (16 * band);
      for (std::uint32_t o = heads_[band_key(band, h)]; o != kNone; o = entries_[o].next[band]) {
        const std::uint64_t diff = entries_[o].hash ^ h;
        if ((diff & band_mask) == 0 && std::popcount(diff) <= max_distance_) {
          found = true;
          break;
        }
      }
    }
    e = insert(h);
  }
  ++entries_[e].copies;
  std::uint64_t evicted = 0;
  if (ring_.size() < capacity_) {
    ring_.push_back(e);
  } else {
    const std::uint32_t old = ring_[next_];
    evicted = entries_[old].hash;
    ring_[next_] = e;
    next_ = (next_ + 1) % capacity_;
    forget(old);
  }
  if (staged_) added_.push_back({h, evicted});
  return found;
}

std::uint32_t NearDuplicates::admit(std::uint64_t h) {
  std::uint32_t e = find(h);
  if (e == kNone) e = insert(h);
  ++entries_[e].copies;
  return e;
}

void NearDuplicates::commit() { added_.clear(); }

void NearDuplicates::rollback() {
  // Newest first, so each step meets the state its add left: the evicted fingerprint goes
  // back into its ring slot, then the added one loses its copy.
  for (auto a = added_.rbegin(); a != added_.rend(); ++a) {
    if (a->evicted != 0) {
      next_ = (next_ + capacity_ - 1) % capacity_;
      ring_[next_] = admit(a->evicted);
    } else {
      ring_.pop_back();
    }
    forget(find(a->hash));
  }
  added_.clear();
}

void NearDuplicates::forget(std::uint32_t e) {
  Entry& entry = entries_[e];
  if (--entry.copies > 0) return;
  for (int band = 0; band < 4; ++band) {
    const std::uint32_t prev = entry.prev[band], next = entry.next[band];
    if (prev != kNone) entries_[prev].next[band] = next;
    else heads_[band_key(band, entry.hash)] = next;
    if (next != kNone) entries_[next].prev[band] = prev;
  }
  // Backward-shift deletion keeps every probe sequence unbroken without tombstones.
  std::size_t i = home(entry.hash);
  while (slots_[i] != e) i = (i + 1) & slot_mask_;
  for (std::size_t j = i;;) {
    j = (j + 1) & slot_mask_;
    if (slots_[j] == kNone) break;
    const std::size_t k = home(entries_[slots_[j]].hash);
    const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = kNone;
  free_.push_back(e);
}

}  // namespace earshot::pipeline::process
