#include "sentiment/trainer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

namespace earshot::sentiment {
namespace {

// splitmix64: a tiny PRNG whose output is the same on every platform.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

// All training features, extracted once: example i owns feats[offsets[i], offsets[i+1]).
struct FeatureMatrix {
  std::vector<std::size_t> offsets{0};
  std::vector<Feature> feats;
};

void softmax3(const float* logits, float* p) {
  const float top = std::max({logits[0], logits[1], logits[2]});
  float sum = 0.0f;
  for (int c = 0; c < 3; ++c) sum += (p[c] = std::exp(logits[c] - top));
  for (int c = 0; c < 3; ++c) p[c] /= sum;
}

double macro_recall(const std::vector<std::array<float, 3>>& logits, const std::vector<Label>& gold,
                    float d_neg, float d_pos) {
  std::array<std::array<double, 3>, 3> conf{};
  for (std::size_t i = 0; i < gold.size(); ++i) {
    const float l[3] = {logits[i][0] + d_neg, logits[i][1], logits[i][2] + d_pos};
    int best = 1;
    if (l[0] > l[best]) best = 0;
    if (l[2] > l[best]) best = 2;
    conf[static_cast<int>(gold[i])][best] += 1.0;
  }
  double sum = 0.0;
  for (int c = 0; c < 3; ++c) {
    const double n = conf[c][0] + conf[c][1] + conf[c][2];
    sum += n > 0 ? conf[c][c] / n : 0.0;
  }
  return sum / 3.0;
}

}  // namespace

// Label biases for macro recall on dev: a grid search on a box-smoothed objective, so the
// choice sits on a plateau rather than a lucky spike of a 2 000-post dev set.
std::array<float, 2> tune_label_biases(const std::vector<std::array<float, 3>>& logits,
                                 const std::vector<Label>& gold) {
  constexpr int kHalf = 20;  // grid -1.0 .. 1.0 in steps of 0.05
  constexpr float kStep = 0.05f;
  constexpr int kSide = 2 * kHalf + 1;
  std::vector<double> grid(kSide * kSide);
  for (int a = 0; a < kSide; ++a) {
    for (int b = 0; b < kSide; ++b) {
      grid[a * kSide + b] = macro_recall(logits, gold, (a - kHalf) * kStep, (b - kHalf) * kStep);
    }
  }
  double best = -1.0;
  std::array<float, 2> best_d{0.0f, 0.0f};
  for (int a = 1; a + 1 < kSide; ++a) {
    for (int b = 1; b + 1 < kSide; ++b) {
      double sum = 0.0;
      for (int da = -1; da <= 1; ++da) {
        for (int db = -1; db <= 1; ++db) sum += grid[(a + da) * kSide + (b + db)];
      }
      // Prefer small corrections when plateaus tie.
      const double score = sum / 9.0 - 1e-4 * (std::abs(a - kHalf) + std::abs(b - kHalf));
      if (score > best) {
        best = score;
        best_d = {(a - kHalf) * kStep, (b - kHalf) * kStep};
      }
    }
  }
  return best_d;
}

float tune_temperature(const std::vector<std::array<float, 3>>& logits,
                       const std::vector<Label>& gold) {
  float best_t = 1.0f;
  double best_nll = 1e300;
  for (int k = 10; k <= 60; ++k) {
    const float t = 0.05f * static_cast<float>(k);
    double nll = 0.0;
    for (std::size_t i = 0; i < gold.size(); ++i) {
      float l[3], p[3];
      for (int c = 0; c < 3; ++c) l[c] = logits[i][c] / t;
      softmax3(l, p);
      nll -= std::log(std::max(p[static_cast<int>(gold[i])], 1e-12f));
    }
    if (nll < best_nll) {
      best_nll = nll;
      best_t = t;
    }
  }
  return best_t;
}

namespace {

// int8 quantisation; the scale maps the 99.99th percentile magnitude to 127 (the few
// weights above it are clipped), which keeps resolution for the bulk of the weights.
void quantise(const std::vector<float>& w, std::size_t rows, LinearModelData& out) {
  std::vector<float> mags;
  for (float x : w) {
    if (x != 0.0f) mags.push_back(std::abs(x));
  }
  float top = 1e-6f;
  if (!mags.empty()) {
    const std::size_t k = std::min(mags.size() - 1, mags.size() * 9999 / 10000);
    std::nth_element(mags.begin(), mags.begin() + static_cast<long>(k), mags.end());
    top = std::max(top, mags[k]);
  }
  out.scale = top / 127.0f;
  out.weights.assign(rows * 4, 0);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < 3; ++c) {
      const float q = std::round(w[r * 3 + c] / out.scale);
      out.weights[r * 4 + c] = static_cast<std::int8_t>(std::clamp(q, -127.0f, 127.0f));
    }
  }
}

}  // namespace

std::expected<LinearModelData, std::string> fit(const Dataset& train, const Dataset* dev,
                                                const TrainOptions& options) {
  const FeatureConfig& fc = options.features;
  if (fc.hash_bits < 12 || fc.hash_bits > 26 || fc.word_ngram_max < 1 || fc.word_ngram_max > 4 ||
      fc.char_ngram_max > 8 || fc.char_ngram_min > fc.char_ngram_max) {
    return std::unexpected("invalid feature configuration");
  }
  if (options.epochs < 1 || !(options.learning_rate > 0.0f)) {
    return std::unexpected("epochs must be >= 1 and learning_rate > 0");
  }
  if (!(options.weight_decay >= 0.0f && options.weight_decay < 1.0f)) {
    return std::unexpected("weight_decay must be in [0, 1)");
  }
  const std::size_t n = train.labels.size();
  if (n == 0 || train.texts.size() != n) return std::unexpected("empty training set");
  const auto progress = [&](double f) {
    if (options.on_progress) options.on_progress(f);
  };

  FeatureExtractor extractor(fc);
  FeatureMatrix m;
  std::vector<Feature> scratch;
  for (std::size_t i = 0; i < n; ++i) {
    extractor.extract(train.texts[i], scratch);
    m.feats.insert(m.feats.end(), scratch.begin(), scratch.end());
    m.offsets.push_back(m.feats.size());
  }
  progress(0.1);

  std::array<double, 3> class_weight{1.0, 1.0, 1.0};
  if (options.balance_classes) {
    std::array<std::size_t, 3> counts{};
    for (Label l : train.labels) ++counts[static_cast<int>(l)];
    for (int c = 0; c < 3; ++c) {
      class_weight[c] = counts[c] == 0 ? 0.0 : static_cast<double>(n) / (3.0 * counts[c]);
    }
  }

  // Averaged SGD (Daume's trick): avg = w - u / t, u accumulating t * update.
  const std::size_t rows = std::size_t{1} << fc.hash_bits;
  std::vector<float> w(rows * 3, 0.0f);
  std::vector<double> u(rows * 3, 0.0);
  std::array<double, 3> bias{}, bias_u{};
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng{options.seed};
  double t = 1.0;
  const float lr = options.learning_rate;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
    for (std::size_t idx : order) {
      const Feature* f = m.feats.data() + m.offsets[idx];
      const Feature* end = m.feats.data() + m.offsets[idx + 1];
      float logits[3] = {static_cast<float>(bias[0]), static_cast<float>(bias[1]),
                         static_cast<float>(bias[2])};
      for (const Feature* p = f; p != end; ++p) {
        const float* row = w.data() + std::size_t{p->bucket} * 3;
        for (int c = 0; c < 3; ++c) logits[c] += p->value * row[c];
      }
      float prob[3];
      softmax3(logits, prob);
      const int y = static_cast<int>(train.labels[idx]);
      float g[3];
      for (int c = 0; c < 3; ++c) {
        g[c] = lr * static_cast<float>(class_weight[y]) * (prob[c] - (c == y ? 1.0f : 0.0f));
        bias[c] -= g[c];
        bias_u[c] -= t * g[c];
      }
      for (const Feature* p = f; p != end; ++p) {
        float* row = w.data() + std::size_t{p->bucket} * 3;
        double* urow = u.data() + std::size_t{p->bucket} * 3;
        for (int c = 0; c < 3; ++c) {
          const float step = g[c] * p->value;
          row[c] -= step;
          urow[c] -= t * step;
        }
      }
      t += 1.0;
    }
    if (options.weight_decay > 0.0f) {
      // L2 as a shrink of every weight once per pass (an update like any other for averaging).
      const double tt = t;
      for (std::size_t k = 0; k < w.size(); ++k) {
        const float delta = -options.weight_decay * w[k];
        w[k] += delta;
        u[k] += tt * delta;
      }
    }
    progress(0.1 + 0.8 * (epoch + 1) / options.epochs);
  }
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<float>(w[k] - u[k] / t);

  LinearModelData data;
  data.features = fc;
  for (int c = 0; c < 3; ++c) data.bias[c] = static_cast<float>(bias[c] - bias_u[c] / t);
  quantise(w, rows, data);

  if (dev != nullptr && options.tune_on_dev && !dev->labels.empty()) {
    const LinearModel model(data);
    std::vector<std::array<float, 3>> logits;
    for (const std::string& text : dev->texts) logits.push_back(model.logits(text));
    const std::array<float, 2> d = tune_label_biases(logits, dev->labels);
    for (auto& l : logits) {
      l[0] += d[0];
      l[2] += d[1];
    }
    data.bias[0] += d[0];
    data.bias[2] += d[1];
    data.temperature = tune_temperature(logits, dev->labels);
  }
  if (options.label_biases) {
    data.bias[0] += (*options.label_biases)[0];
    data.bias[2] += (*options.label_biases)[1];
  }
  if (options.temperature) data.temperature = *options.temperature;
  progress(1.0);
  return data;
}

std::expected<void, std::string> train(const Dataset& train_set, const Dataset* dev,
                                       const TrainOptions& options, const std::string& out_path) {
  auto data = fit(train_set, dev, options);
  if (!data) return std::unexpected(data.error());
  const std::string bytes = serialize_model(*data);
  std::FILE* f = std::fopen(out_path.c_str(), "wb");
  if (f == nullptr) return std::unexpected("cannot write model file '" + out_path + "'");
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) {
    return std::unexpected("error writing model file '" + out_path + "'");
  }
  return {};
}

}  // namespace earshot::sentiment
