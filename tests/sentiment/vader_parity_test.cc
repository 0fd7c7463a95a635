// Parity of the C++ VADER port with vaderSentiment 3.3.2 (PyPI), on the reference scores
// written by tests/tools/gen_vader_reference.py: hand-written tricky sentences plus every
// TweetEval train and validation text.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "sentiment/vader.h"
#include "tests/sentiment/vader_reference.h"

namespace earshot::sentiment {
namespace {

using Row = VaderReferenceRow;

std::string parity_path() { return vader_reference_path(EARSHOT_SENTIMENT_DATA_DIR "/../.."); }

std::vector<Row> load_rows() { return read_vader_reference(parity_path()); }

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
    if (row.block != "handwritten") continue;
    ++checked;
    const VaderScores got = vader_polarity_scores(row.text);
    EXPECT_EQ(got, row.want) << "text [" << row.text << "] want " << show(row.want) << " got "
                             << show(got);
  }
  EXPECT_GE(checked, 150u);
}

}  // namespace
}  // namespace earshot::sentiment
