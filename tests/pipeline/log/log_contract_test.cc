// The Log contract on the embedded log: in memory and in a SQLite file.
#include <filesystem>

#include "pipeline/log/embedded/embedded_log.h"
#include "tests/pipeline/log/support/log_contract.h"

namespace earshot::pipeline::testing {
namespace {

std::unique_ptr<log::Log> open_file(const std::string& path) {
  auto log = log::embedded::EmbeddedLog::open(path, 3);
  EXPECT_TRUE(log) << log.error().message;
  return std::move(*log);
}

}  // namespace

// The in-memory log is one SQLite connection; a test's second open() must see the same
// data, so the target hands out views of one Log that lives for the test.
class SharedLogView final : public log::Log {
 public:
  explicit SharedLogView(std::shared_ptr<log::Log> log) : log_(std::move(log)) {}
  core::Status create_topics(const std::vector<log::TopicSpec>& t) override {
    return log_->create_topics(t);
  }
  core::Result<std::unique_ptr<log::Producer>> producer(const log::ProducerOptions& o) override {
    return log_->producer(o);
  }
  core::Result<std::unique_ptr<log::Consumer>> consumer(const log::ConsumerOptions& o) override {
    return log_->consumer(o);
  }
  std::string describe() const override { return log_->describe(); }

 private:
  std::shared_ptr<log::Log> log_;
};

INSTANTIATE_TEST_SUITE_P(
    Embedded, LogContract,
    ::testing::Values(LogTarget{"memory",
                                [] {
                                  static std::shared_ptr<log::Log> current;
                                  static const ::testing::TestInfo* owner = nullptr;
                                  auto* info =
                                      ::testing::UnitTest::GetInstance()->current_test_info();
                                  if (owner != info) {
                                    current = std::move(*log::embedded::EmbeddedLog::open("", 3));
                                    owner = info;
                                  }
                                  return std::unique_ptr<log::Log>(new SharedLogView(current));
                                },
                                false},
                      LogTarget{"sqlite_file",
                                [] {
                                  auto* info =
                                      ::testing::UnitTest::GetInstance()->current_test_info();
                                  auto dir =
                                      std::filesystem::temp_directory_path() / "earshot-contract";
                                  std::filesystem::create_directories(dir);
                                  static std::string path;
                                  static const ::testing::TestInfo* owner = nullptr;
                                  if (owner != info) {
                                    std::string stem = info->name();
                                    for (char& ch : stem) ch = ch == '/' ? '_' : ch;
                                    path = (dir / (stem + "-" + unique_suffix() + ".db")).string();
                                    std::filesystem::remove(path);
                                    owner = info;
                                  }
                                  return open_file(path);
                                },
                                true}),
    [](const ::testing::TestParamInfo<LogTarget>& info) { return info.param.name; });

}  // namespace earshot::pipeline::testing
