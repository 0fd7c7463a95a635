// earshot::sentiment — the learned linear scorer ("default") and its file format.
//
// A LinearModel is a multinomial logistic regression over hashed features (features.h):
// each feature bucket holds int8 weights for {negative, neutral, positive}; a post's class
// logits are bias + scale * sum(value * weight), its probabilities softmax(logits / T), its
// label the most probable class and its score p(positive) - p(negative). Training lives in
// trainer.h; this file only loads, stores and scores.
//
//   auto model = earshot::sentiment::LinearModel::from_file("sentiment/data/default.model");
//   if (!model) return model.error();  // e.g. "...: truncated model file (...)"
//   earshot::sentiment::Sentiment s = (*model)->score("worst service ever");
//   // s.label == Label::negative, s.model == "earshot-lr-1-xxxxxxxx"
//
// File format (version 1, little-endian): "EARSHOTM", u32 version, u8 hash_bits,
// u8 word_ngram_max, u8 char_ngram_min, u8 char_ngram_max, u8 flags (1 negation, 2 vader,
// 4 normalize, 8 lexicon, 16 lexicon_extra), u8 name_weight in percent (0 = 1.0, as in
// files written before it existed), 2 zero bytes, f32 char_weight, f32 dense_weight,
// f32 bias[3], f32 temperature, f32 scale, u64 weight count (= 4 << hash_bits), int8 weights (rows of
// neg, neu, pos, 0), u64 hash_bytes() checksum of everything before it. The model id is
// "earshot-lr-1-" + the low 32 checksum bits in hex.
//
// Thread safety: a LinearModel is immutable; score() may run on any number of threads
// (feature scratch is thread_local; a call allocates only the returned Sentiment's id
// string). Speed: logits() keeps each word's character n-gram weight rows in a thread_local
// word cache (1.5 MiB per thread, allocated on a thread's first call; slots are tagged with
// a per-model serial and hold the word's bytes, so the logits are the same to the bit
// whatever the cache holds, and models never share rows). Lifetime: owns its weights;
// independent of the bytes it was parsed from.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sentiment/features.h"
#include "sentiment/sentiment.h"

namespace earshot::sentiment {

// Everything a model file stores.
struct LinearModelData {
  FeatureConfig features;
  std::array<float, 3> bias{};       // added to the logits (neg, neu, pos)
  float temperature = 1.0f;          // softmax temperature, > 0
  float scale = 1.0f;                // weight value = int8 * scale
  std::vector<std::int8_t> weights;  // 4 << hash_bits entries
};

// Model file bytes of `data` (deterministic: the same data gives the same bytes).
std::string serialize_model(const LinearModelData& data);
// Parses and validates model file bytes; the error says what is wrong.
std::expected<LinearModelData, std::string> parse_model(std::string_view bytes);

class LinearModel final : public Scorer {
 public:
  // `data` must be valid (as parse_model() returns it).
  explicit LinearModel(LinearModelData data);

  static std::expected<std::unique_ptr<LinearModel>, std::string> from_bytes(
      std::string_view bytes);
  // Errors name the path: missing file, unreadable, truncated, bad magic, checksum.
  static std::expected<std::unique_ptr<LinearModel>, std::string> from_file(
      const std::string& path);

  Sentiment score(std::string_view text) const override;
  std::string_view id() const override { return id_; }

  // Class logits (neg, neu, pos) before the temperature, bias included.
  std::array<float, 3> logits(std::string_view text) const;
  const LinearModelData& data() const { return data_; }

 private:
  LinearModelData data_;
  FeatureExtractor extractor_;
  std::string id_;
  std::uint64_t serial_;  // names this model's rows in the per-thread word cache
};

// The bytes of sentiment/data/default.model, embedded in the binary at build time
// (model_data.cc, assembler .incbin); load_scorer("default") parses them.
std::string_view default_model_bytes();

// Probabilities, label and score from logits (already including the bias).
Sentiment sentiment_from_logits(const std::array<float, 3>& logits, float temperature,
                                std::string_view model_id);

}  // namespace earshot::sentiment
