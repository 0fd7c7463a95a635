// Parity of the C++ VADER port with vaderSentiment 3.3.2 (PyPI), on the reference scores
// written by tests/tools/gen_vader_reference.py: hand-written tricky sentences plus every
// TweetEval train and validation text.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sentiment/vader.h"

namespace earshot::sentiment {
namespace {

struct Row {
  VaderScores want;
  std::string text;
  bool handwritten = false;
};

std::string parity_path() {
  if (const char* dir = std::getenv("EARSHOT_SOURCE_DIR")) {
    return std::string(dir) + "/tests/sentiment/data/vader_parity.tsv";
  }
  return EARSHOT_SENTIMENT_DATA_DIR "/../../tests/sentiment/data/vader_parity.tsv";
}

std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out.push_back(c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<Row> load_rows() {
  std::ifstream in(parity_path(), std::ios::binary);
  std::vector<Row> rows;
  std::size_t handwritten = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) {
      if (line.starts_with("#handwritten\t")) handwritten = std::stoul(line.substr(13));
      continue;
    }
    std::string_view rest = line;
    double v[4];
    for (double& x : v) {
      const std::size_t tab = rest.find('\t');
      x = std::strtod(std::string(rest.substr(0, tab)).c_str(), nullptr);
      rest.remove_prefix(tab + 1);
    }
    rows.push_back(Row{VaderScores{v[1], v[2], v[3], v[0]}, unescape(rest),
                       rows.size() < handwritten});
  }
  return rows;
}

std::string show(const VaderScores& s) {
  std::ostringstream o;
  o << "{compound " << s.compound << ", neg " << s.neg << ", neu " << s.neu << ", pos " << s.pos
    << "}";
  return o.str();
}

TEST(VaderParity, MatchesPythonReferenceOnAtLeast999PerMille) {
  const std::vector<Row> rows = load_rows();
  ASSERT_GT(rows.size(), 47000u) << "reference TSV missing or short: " << parity_path();
  std::size_t compound_fail = 0;
  std::size_t exact_fail = 0;
  std::ostringstream first;
  for (const Row& row : rows) {
    const VaderScores got = vader_polarity_scores(row.text);
    const bool compound_ok = std::fabs(got.compound - row.want.compound) <= 1e-4;
    if (!compound_ok) ++compound_fail;
    if (!(got == row.want)) {
      ++exact_fail;
      if (exact_fail <= 10) {
        first << "  text [" << row.text << "]\n    want " << show(row.want) << "\n    got  "
              << show(got) << "\n";
      }
    }
  }
  const double parity = 1.0 - static_cast<double>(compound_fail) / static_cast<double>(rows.size());
  std::cout << "[ parity ] " << rows.size() << " rows, compound within 1e-4: " << parity * 100
            << " %, all four scores identical: "
            << 100.0 * (1.0 - static_cast<double>(exact_fail) / static_cast<double>(rows.size()))
            << " %\n";
  EXPECT_GE(parity, 0.999) << compound_fail << " rows off by more than 1e-4; first ones:\n"
                           << first.str();
}

TEST(VaderParity, HandWrittenRowsAgreeExactly) {
  std::size_t checked = 0;
  for (const Row& row : load_rows()) {
    if (!row.handwritten) continue;
    ++checked;
    const VaderScores got = vader_polarity_scores(row.text);
    EXPECT_EQ(got, row.want) << "text [" << row.text << "] want " << show(row.want) << " got "
                             << show(got);
  }
  EXPECT_GE(checked, 150u);
}

}  // namespace
}  // namespace earshot::sentiment
