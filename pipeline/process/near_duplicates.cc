#include "pipeline/process/near_duplicates.h"

#include <algorithm>
#include <bit>

#include "pipeline/process/simhash.h"

namespace earshot::pipeline::process {

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

bool NearDuplicates::check_and_add(std::string_view text) {
  return check_and_add_hash(simhash(text));
}

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
    if (prev != kNone)
      entries_[prev].next[band] = next;
    else
      heads_[band_key(band, entry.hash)] = next;
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
