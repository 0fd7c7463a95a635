#include "sentiment/linear_model.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#if defined(__SSE4_1__)
#include <immintrin.h>
#endif

#include "sentiment/feature_tokens.h"

namespace earshot::sentiment {
namespace {

constexpr std::string_view kMagic = "EARSHOTM";
constexpr std::uint32_t kVersion = 1;
constexpr std::uint64_t kChecksumSeed = 0xEA25407ull;
constexpr std::size_t kHeaderSize = 8 + 4 + 8 + 8 + 12 + 4 + 4 + 8;

template <typename T>
void put(std::string& out, T value) {
  static_assert(std::endian::native == std::endian::little, "model files are little-endian");
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool get(T* value) {
    if (bytes_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  std::size_t pos() const { return pos_; }
  std::size_t left() const { return bytes_.size() - pos_; }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

std::string model_id(std::uint64_t checksum) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(checksum & 0xFFFFFFFFu));
  return std::string("earshot-lr-1-") + hex;
}

// Serials name models in the per-thread word cache of logits() (see below).
std::atomic<std::uint64_t> next_serial{1};

}  // namespace

std::string serialize_model(const LinearModelData& d) {
  std::string out;
  out.reserve(kHeaderSize + d.weights.size() + 8);
  out.append(kMagic);
  put<std::uint32_t>(out, kVersion);
  const FeatureConfig& f = d.features;
  put<std::uint8_t>(out, f.hash_bits);
  put<std::uint8_t>(out, f.word_ngram_max);
  put<std::uint8_t>(out, f.char_ngram_min);
  put<std::uint8_t>(out, f.char_ngram_max);
  put<std::uint8_t>(out, static_cast<std::uint8_t>((f.negation ? 1 : 0) | (f.vader ? 2 : 0) |
                                                   (f.normalize ? 4 : 0) | (f.lexicon ? 8 : 0) |
                                                   (f.lexicon_extra ? 16 : 0)));
  // First spare byte: name_weight in percent (0 = 1.0, what files without it mean).
  const long name_pct = std::lround(f.name_weight * 100.0f);
  put<std::uint8_t>(out, static_cast<std::uint8_t>(name_pct >= 100 ? 0 : std::max(1L, name_pct)));
  out.append(2, '\0');
  put<float>(out, f.char_weight);
  put<float>(out, f.dense_weight);
  for (float b : d.bias) put<float>(out, b);
  put<float>(out, d.temperature);
  put<float>(out, d.scale);
  put<std::uint64_t>(out, d.weights.size());
  out.append(reinterpret_cast<const char*>(d.weights.data()), d.weights.size());
  put<std::uint64_t>(out, hash_bytes(out, kChecksumSeed));
  return out;
}

std::expected<LinearModelData, std::string> parse_model(std::string_view bytes) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    return std::unexpected("not an earshot model file (bad magic)");
  }
  Reader r(bytes.substr(kMagic.size()));
  LinearModelData d;
  std::uint32_t version = 0;
  std::uint8_t flags = 0, pad[3];
  std::uint64_t count = 0;
  FeatureConfig& f = d.features;
  const bool header_ok = r.get(&version) && r.get(&f.hash_bits) && r.get(&f.word_ngram_max) &&
                         r.get(&f.char_ngram_min) && r.get(&f.char_ngram_max) && r.get(&flags) &&
                         r.get(&pad) && r.get(&f.char_weight) && r.get(&f.dense_weight) &&
                         r.get(&d.bias) && r.get(&d.temperature) && r.get(&d.scale) &&
                         r.get(&count);
  if (!header_ok) return std::unexpected("truncated model file (header)");
  if (version != kVersion) {
    return std::unexpected("unsupported model version " + std::to_string(version) +
                           " (this build reads " + std::to_string(kVersion) + ")");
  }
  f.negation = (flags & 1) != 0;
  f.vader = (flags & 2) != 0;
  f.normalize = (flags & 4) != 0;
  f.lexicon = (flags & 8) != 0;
  f.lexicon_extra = (flags & 16) != 0;
  if (pad[0] > 100) return std::unexpected("corrupt model file (bad name weight)");
  f.name_weight = pad[0] == 0 ? 1.0f : static_cast<float>(pad[0]) / 100.0f;
  if (f.hash_bits < 12 || f.hash_bits > 26 || f.word_ngram_max < 1 || f.word_ngram_max > 4 ||
      f.char_ngram_max > 8 || f.char_ngram_min > f.char_ngram_max || (flags & ~31) != 0) {
    return std::unexpected("corrupt model file (bad feature configuration)");
  }
  const auto finite = [](float x) { return std::isfinite(x); };
  if (!finite(f.char_weight) || !finite(f.dense_weight) || !std::ranges::all_of(d.bias, finite) ||
      !finite(d.temperature) || d.temperature <= 0.0f || !finite(d.scale)) {
    return std::unexpected("corrupt model file (bad header values)");
  }
  if (count != (std::uint64_t{4} << f.hash_bits)) {
    return std::unexpected("corrupt model file (weight count " + std::to_string(count) + " for " +
                           std::to_string(f.hash_bits) + " hash bits)");
  }
  if (r.left() < count + 8) {
    return std::unexpected("truncated model file (" + std::to_string(bytes.size()) + " of " +
                           std::to_string(kMagic.size() + r.pos() + count + 8) + " bytes)");
  }
  if (r.left() > count + 8) return std::unexpected("corrupt model file (trailing bytes)");
  const std::size_t body = kMagic.size() + r.pos();
  d.weights.resize(count);
  std::memcpy(d.weights.data(), bytes.data() + body, count);
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + body + count, 8);
  if (stored != hash_bytes(bytes.substr(0, body + count), kChecksumSeed)) {
    return std::unexpected("corrupt model file (checksum mismatch)");
  }
  return d;
}

LinearModel::LinearModel(LinearModelData data)
    : data_(std::move(data)), extractor_(data_.features), serial_(next_serial++) {
  const std::string bytes = serialize_model(data_);
  std::uint64_t checksum = 0;
  std::memcpy(&checksum, bytes.data() + bytes.size() - 8, 8);
  id_ = model_id(checksum);
}

std::expected<std::unique_ptr<LinearModel>, std::string> LinearModel::from_bytes(
    std::string_view bytes) {
  auto data = parse_model(bytes);
  if (!data) return std::unexpected(data.error());
  return std::make_unique<LinearModel>(std::move(*data));
}

std::expected<std::unique_ptr<LinearModel>, std::string> LinearModel::from_file(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected("cannot open model file '" + path + "'");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::unexpected("cannot read model file '" + path + "'");
  auto model = from_bytes(bytes);
  if (!model) return std::unexpected("model file '" + path + "': " + model.error());
  return model;
}

namespace {

// The weight rows of a word's character n-grams, kept per thread: most words of a stream
// repeat, and a hit replaces hashing ~4 n-grams per byte and as many scattered row loads
// (2 MiB table) by one contiguous read. Direct-mapped on the word's hash; a slot names its
// model by serial (never reused, unlike an address) and holds the word's bytes, so a hit is
// exact and the logits do not depend on what the cache holds.
constexpr std::size_t kCachedWordMax = 16;  // bytes, and at most kCachedRows n-grams
constexpr std::size_t kCachedRows = 41;     // "<word>" of <= 10 bytes in the shipped 2..5
constexpr std::size_t kWordSlots = 8192;    // 192-byte slots: 1.5 MiB per scoring thread

struct alignas(64) WordSlot {
  std::uint64_t serial = 0;       // 0: empty
  std::uint64_t key[2] = {0, 0};  // the word's bytes, zero-padded
  std::uint8_t size = 0;
  std::uint8_t count = 0;
  std::int32_t rows[kCachedRows];  // four int8 weights per n-gram, in feature order
};
static_assert(sizeof(WordSlot) == 192);

struct WordCache {
  std::unique_ptr<WordSlot[]> slots = std::make_unique<WordSlot[]>(kWordSlots);
};

WordSlot* word_slots() {
  thread_local WordCache cache;
  return cache.slots.get();
}

// The word's bytes (at most 16), zero-padded, as two integers (little-endian order).
inline void pack_word(const char* p, std::size_t n, std::uint64_t key[2]) {
  static_assert(std::endian::native == std::endian::little);
  if (n <= 8) {
    key[0] = load_le_upto8(p, n);
    key[1] = 0;
  } else {
    std::memcpy(&key[0], p, 8);
    std::uint64_t last;
    std::memcpy(&last, p + n - 8, 8);
    key[1] = last >> (8 * (16 - n));
  }
}

}  // namespace

std::array<float, 3> LinearModel::logits(std::string_view text) const {
  const FeatureExtractor::Parts p = extractor_.extract_parts(text);
  // The four classes of a row side by side (the fourth is padding): one conversion and
  // one multiply-add per feature, lane by lane the same arithmetic as four scalar ones.
  // A scaled feature's value is value * scale first (the float extract() stores), then the
  // product with the row: the same roundings as scoring extract()'s output, in its order.
  using Floatx4 = float __attribute__((vector_size(16)));
  Floatx4 sum = {0, 0, 0, 0};
  const std::int8_t* w = data_.weights.data();
  const float scale = p.scale;
  const auto row_of = [w](std::uint32_t bucket) {
    return w + (static_cast<std::size_t>(bucket) << 2);
  };
  const auto widen = [](const void* bytes4) {
#if defined(__SSE4_1__)
    // Sign-extend the four bytes and convert (two instructions; the generic conversion
    // below compiles to a byte-by-byte sequence). Both are exact: an int8 is a float.
    std::int32_t bytes;
    std::memcpy(&bytes, bytes4, sizeof bytes);
    return reinterpret_cast<Floatx4>(_mm_cvtepi32_ps(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(bytes))));
#else
    using Int8x4 = std::int8_t __attribute__((vector_size(4)));
    Int8x4 r;
    std::memcpy(&r, bytes4, sizeof r);
    return __builtin_convertvector(r, Floatx4);
#endif
  };
  // The rows are scattered over a table larger than L2: ask for each kAhead features in
  // advance so the cache misses overlap instead of queueing behind each other.
  constexpr std::size_t kAhead = 16;
  const Feature* f = p.head;
  const std::size_t n = p.head_size;
  for (std::size_t i = 0; i < std::min(n, kAhead); ++i) __builtin_prefetch(row_of(f[i].bucket));
  for (std::size_t i = 0; i < p.tail_size; ++i) __builtin_prefetch(row_of(p.tail[i].bucket));
  std::size_t i = 0;
  for (; i + kAhead < n; ++i) {
    __builtin_prefetch(row_of(f[i + kAhead].bucket));
    const float v = f[i].value * scale;
    sum += v * widen(row_of(f[i].bucket));
  }
  for (; i < n; ++i) {
    const float v = f[i].value * scale;
    sum += v * widen(row_of(f[i].bucket));
  }

  // Each plain word's character n-grams: their rows from the word cache, or looked up.
  WordSlot* const slots = word_slots();
  std::array<std::uint32_t, 66 * 8> buckets;  // char_ngram_max <= 8
  std::array<std::int32_t, 66 * 8> rows;
  for (std::size_t k = 0; k < p.word_count; ++k) {
    const FeatureExtractor::CharWord& cw = p.words[k];
    const char* bytes = p.text + cw.begin;
    const float v = cw.weight * scale;
    const std::int32_t* r = nullptr;
    std::size_t count = 0;
    WordSlot* slot = nullptr;
    std::uint64_t key[2] = {0, 0};
    // Only a word whose n-grams fit a slot is looked for (and kept): a longer one would be
    // packed and compared for nothing.
    if (cw.size <= kCachedWordMax && extractor_.char_ngram_count(cw.size) <= kCachedRows) {
      slot = &slots[(cw.hash >> 17) & (kWordSlots - 1)];
      pack_word(bytes, cw.size, key);
      if (slot->serial == serial_ && slot->size == cw.size && slot->key[0] == key[0] &&
          slot->key[1] == key[1]) {
        r = slot->rows;
        count = slot->count;
      }
    }
    if (r == nullptr) {
      count = extractor_.char_ngrams(std::string_view(bytes, cw.size), buckets.data());
      // No prefetch: these loads are independent, so the misses overlap anyway.
      std::int32_t* out = slot != nullptr ? slot->rows : rows.data();
      for (std::size_t j = 0; j < count; ++j) std::memcpy(&out[j], row_of(buckets[j]), 4);
      if (slot != nullptr) {
        slot->serial = serial_;
        slot->key[0] = key[0];
        slot->key[1] = key[1];
        slot->size = static_cast<std::uint8_t>(cw.size);
        slot->count = static_cast<std::uint8_t>(count);
      }
      r = out;
    }
#pragma GCC unroll 4
    for (std::size_t j = 0; j < count; ++j) sum += v * widen(&r[j]);
  }

  // Flags and lexicon bins (scaled), then the dense sums (not).
  f = p.tail;
  for (i = 0; i < p.tail_scaled; ++i) {
    const float tv = f[i].value * scale;
    sum += tv * widen(row_of(f[i].bucket));
  }
  for (; i < p.tail_size; ++i) sum += f[i].value * widen(row_of(f[i].bucket));
  const float acc[4] = {sum[0], sum[1], sum[2], sum[3]};
  std::array<float, 3> out;
  for (int c = 0; c < 3; ++c) out[c] = data_.bias[c] + data_.scale * acc[c];
  return out;
}

Sentiment LinearModel::score(std::string_view text) const {
  return sentiment_from_logits(logits(text), data_.temperature, id_);
}

Sentiment sentiment_from_logits(const std::array<float, 3>& logits, float temperature,
                                std::string_view model_id) {
  const float top = std::max({logits[0], logits[1], logits[2]});
  float e[3], sum = 0.0f;
  for (int c = 0; c < 3; ++c) {
    e[c] = std::exp((logits[c] - top) / temperature);
    sum += e[c];
  }
  Sentiment s;
  s.probs = Probs{e[0] / sum, e[1] / sum, e[2] / sum};
  int best = 1;  // ties go to neutral
  if (logits[0] > logits[best]) best = 0;
  if (logits[2] > logits[best]) best = 2;
  s.label = static_cast<Label>(best);
  s.score = std::clamp(s.probs.pos - s.probs.neg, -1.0f, 1.0f);
  s.model = std::string(model_id);
  return s;
}

}  // namespace earshot::sentiment
