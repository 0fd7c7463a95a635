// Test support (sentiment): the labelled files of tests/sentiment/data/ and the one VADER
// scorer the tests share (built once per program: reading the lexicon is the slow part).
#pragma once

#include <memory>
#include <string>

#include "sentiment/vader.h"
#include "tests/support/source_dir.h"

namespace earshot::sentiment::testing {

// The path of tests/sentiment/data/<name>.
inline std::string data_path(const std::string& name) {
  return earshot::testing::source_path("tests/sentiment/data/" + name).string();
}

// VADER, as the enricher's default scorer.
inline const Scorer& vader() {
  static const std::unique_ptr<Scorer> scorer = make_vader_scorer();
  return *scorer;
}

}  // namespace earshot::sentiment::testing
