// Reader of tests/sentiment/data/vader_parity.tsv, the vaderSentiment 3.3.2 reference scores
// written by tests/tools/gen_vader_reference.py. Shared by the parity test and
// bench/sentiment_bench (which times the "val" block).
//
// Format: header lines "#<block>\t<rows>" (handwritten, train, val) name the blocks in order
// and their sizes; then one row per line, block after block: "compound\tneg\tneu\tpos\ttext"
// with \t, \n, \r and \\ escaped in the text.
//
//   std::vector<VaderReferenceRow> rows = read_vader_reference(vader_reference_path());
//   for (auto& r : rows) if (r.block == "val") ...
//
// Header-only (test and benchmark code). Thread safety: pure functions.
#pragma once

#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sentiment/vader.h"

namespace earshot::sentiment {

struct VaderReferenceRow {
  VaderScores want;
  std::string text;
  std::string block;  // the block it is in: "handwritten", "train" or "val"
};

// $EARSHOT_SOURCE_DIR/tests/sentiment/data/vader_parity.tsv, else under `source_dir`.
inline std::string vader_reference_path(const char* source_dir) {
  const char* env = std::getenv("EARSHOT_SOURCE_DIR");
  return std::string(env != nullptr ? env : source_dir) + "/tests/sentiment/data/vader_parity.tsv";
}

inline std::string unescape_reference_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
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

// Every row of the file at `path`, in order; empty when it cannot be read.
inline std::vector<VaderReferenceRow> read_vader_reference(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<VaderReferenceRow> rows;
  std::vector<std::pair<std::string, std::size_t>> blocks;  // name, rows
  std::size_t block = 0;
  std::size_t in_block = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) {
      const std::size_t tab = line.find('\t');
      blocks.emplace_back(line.substr(1, tab - 1),
                          std::strtoul(line.c_str() + tab + 1, nullptr, 10));
      continue;
    }
    while (block < blocks.size() && in_block == blocks[block].second) {
      ++block;
      in_block = 0;
    }
    ++in_block;
    std::string_view rest = line;
    double v[4];
    for (double& x : v) {
      const std::size_t tab = rest.find('\t');
      x = std::strtod(std::string(rest.substr(0, tab)).c_str(), nullptr);
      rest.remove_prefix(tab == std::string_view::npos ? rest.size() : tab + 1);
    }
    rows.push_back(VaderReferenceRow{VaderScores{v[1], v[2], v[3], v[0]},
                                     unescape_reference_text(rest),
                                     block < blocks.size() ? blocks[block].first : std::string()});
  }
  return rows;
}

}  // namespace earshot::sentiment
