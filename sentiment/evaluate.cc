#include "sentiment/evaluate.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace earshot::sentiment {
namespace {

constexpr std::array<std::string_view, 3> kNames = {"negative", "neutral", "positive"};

std::string_view strip(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool label_from_text(std::string_view text, Label* out) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (text == kNames[i] || (text.size() == 1 && text[0] == static_cast<char>('0' + i))) {
      *out = static_cast<Label>(i);
      return true;
    }
  }
  return false;
}

template <typename... Args>
std::string printf_string(const char* fmt, Args... args) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf, fmt, args...);
  const std::size_t len = n < 0 ? 0 : static_cast<std::size_t>(n);
  return std::string(buf, std::min(len, sizeof buf - 1));
}

std::string where(std::string_view name, std::size_t line_no) {
  return std::string(name) + ":" + std::to_string(line_no) + ": ";
}

}  // namespace

std::expected<Dataset, std::string> parse_tsv(std::string_view content, std::string_view name) {
  Dataset data;
  std::size_t line_no = 0;
  while (!content.empty()) {
    ++line_no;
    const std::size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (strip(line).empty()) continue;
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      return std::unexpected(where(name, line_no) + "expected \"label<TAB>text\", found no TAB");
    }
    Label label;
    const std::string_view label_text = strip(line.substr(0, tab));
    if (!label_from_text(label_text, &label)) {
      return std::unexpected(where(name, line_no) + "unknown label '" +
                             std::string(label_text.substr(0, 40)) +
                             "' (expected negative, neutral or positive)");
    }
    data.labels.push_back(label);
    data.texts.emplace_back(strip(line.substr(tab + 1)));
  }
  return data;
}

std::expected<Dataset, std::string> read_tsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path + ": cannot open");
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::unexpected(path + ": read error");
  return parse_tsv(content, path);
}

EvalReport compute_report(const std::vector<Label>& gold, const std::vector<Label>& predicted) {
  EvalReport r;
  const std::size_t n = std::min(gold.size(), predicted.size());
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto g = static_cast<std::size_t>(gold[i]);
    const auto p = static_cast<std::size_t>(predicted[i]);
    ++r.confusion[g][p];
    correct += g == p;
  }
  r.count = n;
  r.accuracy = n == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(n);
  for (std::size_t c = 0; c < 3; ++c) {
    std::size_t gold_c = 0, pred_c = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      gold_c += r.confusion[c][k];
      pred_c += r.confusion[k][c];
    }
    ClassMetrics& m = r.per_class[c];
    const double tp = static_cast<double>(r.confusion[c][c]);
    m.support = gold_c;
    m.precision = pred_c == 0 ? 0.0 : tp / static_cast<double>(pred_c);
    m.recall = gold_c == 0 ? 0.0 : tp / static_cast<double>(gold_c);
    m.f1 = m.precision + m.recall == 0.0 ? 0.0
                                         : 2.0 * m.precision * m.recall / (m.precision + m.recall);
    r.macro_recall += m.recall / 3.0;
    r.macro_f1 += m.f1 / 3.0;
  }
  return r;
}

EvalReport evaluate(const Scorer& scorer, const Dataset& data,
                    std::function<void(double)> on_progress) {
  const std::size_t n = std::min(data.labels.size(), data.texts.size());
  std::vector<Label> predicted;
  predicted.reserve(n);
  const std::size_t step = std::max<std::size_t>(1, n / 100);
  for (std::size_t i = 0; i < n; ++i) {
    predicted.push_back(scorer.score(data.texts[i]).label);
    if (on_progress && ((i + 1) % step == 0 || i + 1 == n)) {
      on_progress(static_cast<double>(i + 1) / static_cast<double>(n));
    }
  }
  std::vector<Label> gold(data.labels.begin(), data.labels.begin() + static_cast<long>(n));
  return compute_report(gold, predicted);
}

std::string format_report(const EvalReport& r) {
  std::string out = printf_string("accuracy: %.4f\nmacro_recall: %.4f\nmacro_f1: %.4f\n",
                                  r.accuracy, r.macro_recall, r.macro_f1);
  out += "confusion (rows: gold, columns: predicted)\n";
  out +=
      printf_string("%10s %9s %9s %9s\n", "", kNames[0].data(), kNames[1].data(), kNames[2].data());
  for (std::size_t g = 0; g < 3; ++g) {
    out += printf_string("%10s %9zu %9zu %9zu\n", kNames[g].data(), r.confusion[g][0],
                         r.confusion[g][1], r.confusion[g][2]);
  }
  out += printf_string("%10s %9s %9s %9s %9s\n", "class", "precision", "recall", "f1", "support");
  for (std::size_t c = 0; c < 3; ++c) {
    const ClassMetrics& m = r.per_class[c];
    out += printf_string("%10s %9.4f %9.4f %9.4f %9zu\n", kNames[c].data(), m.precision, m.recall,
                         m.f1, m.support);
  }
  return out;
}

}  // namespace earshot::sentiment
