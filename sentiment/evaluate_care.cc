#include "sentiment/evaluate_care.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "sentiment/targeted.h"

namespace earshot::sentiment {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

}  // namespace

std::expected<std::vector<CarePost>, std::string> read_care_tsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected("cannot read " + path);
  std::vector<CarePost> posts;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto f = split_tabs(line);
    const std::string at = path + ":" + std::to_string(n) + ": ";
    if (f.size() < 6 || (f.size() - 4) % 2 != 0) {
      return std::unexpected(at + "want split, industry, intent, text and entity/label pairs");
    }
    CarePost p;
    p.split = f[0];
    p.industry = f[1];
    if (!parse_intent(f[2], &p.intent)) return std::unexpected(at + "bad intent");
    p.text = f[3];
    for (std::size_t i = 4; i < f.size(); i += 2) {
      Label label;
      if (!parse_label(f[i + 1], &label)) return std::unexpected(at + "bad label");
      if (p.text.find(f[i]) == std::string::npos) {
        return std::unexpected(at + "entity '" + std::string(f[i]) + "' is not in the text");
      }
      p.entities.emplace_back(std::string(f[i]), label);
    }
    posts.push_back(std::move(p));
  }
  return posts;
}

CareReport evaluate_care(const Scorer& base, const std::vector<CarePost>& posts,
                         std::string_view split) {
  const TargetedScorer targeted(base);
  const IntentClassifier intents;
  std::vector<Label> gold, predicted, gold_multi, predicted_multi;
  std::array<std::array<std::size_t, 4>, 4> confusion{};
  CareReport r;
  for (const CarePost& p : posts) {
    if (!split.empty() && p.split != split) continue;
    ++r.posts;
    std::vector<Span> spans;
    for (const auto& [name, label] : p.entities) {
      const std::size_t at = p.text.find(name);
      spans.push_back({at, at + name.size()});
    }
    const Sentiment post = base.score(p.text);
    const std::vector<Sentiment> each = targeted.score_all(p.text, spans, post);
    for (std::size_t i = 0; i < each.size(); ++i) {
      gold.push_back(p.entities[i].second);
      predicted.push_back(each[i].label);
      if (p.entities.size() >= 2) {
        gold_multi.push_back(p.entities[i].second);
        predicted_multi.push_back(each[i].label);
      }
    }
    ++confusion[static_cast<std::size_t>(p.intent)]
               [static_cast<std::size_t>(intents.classify(p.text, post))];
  }
  r.entities = compute_report(gold, predicted);
  r.multi_entities = compute_report(gold_multi, predicted_multi);
  std::size_t right = 0;
  double f1_sum = 0.0;
  for (std::size_t c = 0; c < 4; ++c) {
    right += confusion[c][c];
    std::size_t as_c = 0, of_c = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      as_c += confusion[k][c];
      of_c += confusion[c][k];
    }
    const double precision = as_c ? static_cast<double>(confusion[c][c]) / as_c : 0.0;
    const double recall = of_c ? static_cast<double>(confusion[c][c]) / of_c : 0.0;
    f1_sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
  }
  r.intent_accuracy = r.posts ? static_cast<double>(right) / r.posts : 0.0;
  r.intent_macro_f1 = f1_sum / 4;
  return r;
}

std::string format_care_report(const CareReport& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "posts: %zu\nentity_accuracy: %.4f (%zu)\nmulti_entity_accuracy: %.4f (%zu)\n"
                "entity_macro_recall: %.4f\nintent_accuracy: %.4f\nintent_macro_f1: %.4f\n",
                r.posts, r.entities.accuracy, r.entities.count, r.multi_entities.accuracy,
                r.multi_entities.count, r.entities.macro_recall, r.intent_accuracy,
                r.intent_macro_f1);
  return buf;
}

}  // namespace earshot::sentiment
