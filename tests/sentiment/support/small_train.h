// The small training set of the trainer tests (tests/sentiment/data/small_train.tsv) and the
// options that train on it in well under a second.
#pragma once

#include <gtest/gtest.h>

#include "sentiment/trainer.h"
#include "tests/support/source_dir.h"

namespace earshot::sentiment::testing {

inline Dataset small_train() {
  const auto path = earshot::testing::source_path("tests/sentiment/data/small_train.tsv");
  auto data = read_tsv(path.string());
  EXPECT_TRUE(data.has_value()) << data.error();
  return data.value_or(Dataset{});
}

inline TrainOptions small_options() {
  TrainOptions options;
  options.features.hash_bits = 16;
  options.epochs = 20;
  return options;
}

}  // namespace earshot::sentiment::testing
