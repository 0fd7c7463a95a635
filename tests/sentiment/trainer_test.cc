#include "sentiment/trainer.h"
#include "tests/support/source_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/sentiment/support/small_train.h"

namespace earshot::sentiment {
namespace {

using testing::small_options;
using testing::small_train;

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Train, IsDeterministicToTheByte) {
  const Dataset data = small_train();
  ASSERT_GT(data.labels.size(), 30u);
  const auto dir = std::filesystem::temp_directory_path();
  const auto a = dir / "earshot_trainer_test_a.model";
  const auto b = dir / "earshot_trainer_test_b.model";
  ASSERT_TRUE(train(data, &data, small_options(), a.string()).has_value());
  ASSERT_TRUE(train(data, &data, small_options(), b.string()).has_value());
  const std::string bytes_a = slurp(a), bytes_b = slurp(b);
  std::filesystem::remove(a);
  std::filesystem::remove(b);
  EXPECT_GT(bytes_a.size(), std::size_t{4} << 16);
  EXPECT_EQ(bytes_a, bytes_b);

  TrainOptions other = small_options();
  other.seed = 2;
  auto c = fit(data, nullptr, other);
  ASSERT_TRUE(c.has_value());
  EXPECT_NE(serialize_model(*c), bytes_a);
}

TEST(Train, LearnsObviousSentiment) {
  auto data = fit(small_train(), nullptr, small_options());
  ASSERT_TRUE(data.has_value()) << data.error();
  const LinearModel model(std::move(*data));
  EXPECT_EQ(model.score("I love it, amazing and great!").label, Label::positive);
  EXPECT_EQ(model.score("terrible, awful and broken, I hate it").label, Label::negative);
  EXPECT_EQ(model.score("The office opens on Monday at 9am").label, Label::neutral);
  EXPECT_GT(model.score("so happy, thank you!").score, 0.0f);
  EXPECT_LT(model.score("worst day ever :(").score, 0.0f);
}

TEST(Train, ReportsProgressUpToOne) {
  TrainOptions options = small_options();
  double last = 0.0;
  int calls = 0;
  options.on_progress = [&](double p) {
    EXPECT_GE(p, last);
    last = p;
    ++calls;
  };
  ASSERT_TRUE(fit(small_train(), nullptr, options).has_value());
  EXPECT_GT(calls, 2);
  EXPECT_DOUBLE_EQ(last, 1.0);
}

TEST(Train, RejectsBadInputs) {
  EXPECT_FALSE(fit(Dataset{}, nullptr, small_options()).has_value());
  TrainOptions bad = small_options();
  bad.epochs = 0;
  EXPECT_FALSE(fit(small_train(), nullptr, bad).has_value());
  bad = small_options();
  bad.features.hash_bits = 40;
  EXPECT_FALSE(fit(small_train(), nullptr, bad).has_value());
  auto unwritable = train(small_train(), nullptr, small_options(), "/nonexistent/dir/x.model");
  ASSERT_FALSE(unwritable.has_value());
  EXPECT_NE(unwritable.error().find("/nonexistent/dir/x.model"), std::string::npos);
}

}  // namespace
}  // namespace earshot::sentiment
