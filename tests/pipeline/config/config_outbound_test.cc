// Issue #16 in the config: configured URLs on loopback/private/link-local hosts are refused
// unless outbound.allow_private lists them; a huge or broken file is refused with its first
// errors and a count, in bounded memory; load_config finds missing files before anything runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "pipeline/config/config.h"
#include "tests/pipeline/config/support/parse_helpers.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

std::string errors_of(std::string_view yaml) { return config_testing::errors_of(yaml, "t.yaml"); }

TEST(ConfigOutbound, PrivateAndNumericHostsAreRefusedWithTheirLine) {
  std::string err = errors_of(R"(sinks:
  - {type: webhook, url: "http://2130706433/hook"}
  - {type: slack, url: "http://169.254.169.254/latest/meta-data/"}
  - {type: webhook, url: "http://[::ffff:10.0.0.1]:8080/"}
customers:
  - {type: http, url: "http://100.64.0.9/lookup?handle={handle}"}
replies:
  accounts:
    - {entity: acme, platform: mastodon, instance: "https://192.168.1.10", token: t}
sources:
  - {type: rss, url: "http://localhost:8000/feed.xml"}
  - {type: jetstream, url: "wss://[::1]/subscribe"}
entities: [{id: acme, name: Acme}]
)");
  EXPECT_THAT(err, HasSubstr("t.yaml:2:26: sinks[0].url: 2130706433 (127.0.0.1) is loopback"));
  EXPECT_THAT(err, HasSubstr("t.yaml:3:24: sinks[1].url: 169.254.169.254 is link-local"));
  EXPECT_THAT(err, HasSubstr("t.yaml:4:26: sinks[2].url: "));
  EXPECT_THAT(err, HasSubstr("t.yaml:6:23: customers[0].url: 100.64.0.9 is carrier-grade NAT"));
  EXPECT_THAT(err, HasSubstr("replies.accounts[0].instance: 192.168.1.10 is private"));
  EXPECT_THAT(err, HasSubstr("sources[0].url: localhost is loopback"));
  EXPECT_THAT(err, HasSubstr("sources[1].url: [::1] is loopback"));
  EXPECT_THAT(err, HasSubstr("outbound.allow_private"));
}

TEST(ConfigOutbound, AllowPrivateOpensWhatItNames) {
  core::Result<Config> cfg = parse_config(R"(outbound: {allow_private: ["127.0.0.1", "10.0.0.0/8"]}
sinks:
  - {type: webhook, url: "http://127.0.0.1:9999/hook"}
  - {type: webhook, url: "http://10.1.2.3/hook"}
)",
                                          "t.yaml", "");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->outbound.allow_private, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8"}));
  std::string err = errors_of(R"(outbound: {allow_private: ["127.0.0.1"]}
sinks:
  - {type: webhook, url: "http://127.0.0.2/hook"}
)");
  EXPECT_THAT(err, HasSubstr("sinks[0].url: 127.0.0.2 is loopback"));
}

TEST(ConfigOutbound, BadAllowPrivateEntriesAreErrors) {
  std::string err = errors_of("outbound: {allow_private: [\"10.0.0.0/40\", \"no way\"]}\n");
  EXPECT_THAT(err, HasSubstr("outbound.allow_private[0]: '10.0.0.0/40'"));
  EXPECT_THAT(err, HasSubstr("outbound.allow_private[1]: 'no way'"));
  EXPECT_THAT(errors_of("outbound: {allow_privat: []}\n"), HasSubstr("did you mean"));
}

TEST(ConfigLimits, MillionsOfErrorsGiveTheFirstHundredAndACount) {
  std::string yaml = "log: {partitions: x}\nentities:\n";
  for (int i = 0; i < 20000; ++i) yaml += "  - {id: [1], name: [2], kind: [3]}\n";
  core::Result<Config> cfg = parse_config(yaml, "big.yaml", "");
  ASSERT_FALSE(cfg);
  const std::string& err = cfg.error().message;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 100);  // 100 errors and the count line
  EXPECT_EQ(err.find("big.yaml:1:19: log.partitions"), 0u) << err.substr(0, 200);
  EXPECT_THAT(err, HasSubstr("more error(s)"));
  EXPECT_LT(err.size(), 100u * 600u);
}

TEST(ConfigLimits, AFileOverTheLimitIsRefusedBeforeParsing) {
  std::string yaml(kMaxConfigBytes + 1, '#');
  core::Result<Config> cfg = parse_config(yaml, "huge.yaml", "");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_THAT(cfg.error().message, HasSubstr("huge.yaml:1:1: the config is"));
  fs::path dir = fs::temp_directory_path() / ("earshot-config-limit-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "huge.yaml") << yaml;
  core::Result<Config> loaded = load_config((dir / "huge.yaml").string());
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_THAT(loaded.error().message, HasSubstr("huge.yaml:1:1: the config is"));
  fs::remove_all(dir);
}

TEST(ConfigLimits, TooManyNodesAreRefusedBeforeParsingWhileTenThousandEntitiesLoad) {
  // 600k one-character items in 1.2 MB: under the byte limit, over the node estimate.
  std::string dense = "entities: [";
  for (int i = 0; i < 600000; ++i) dense += "1,";
  dense += "1]\n";
  ASSERT_LT(dense.size(), kMaxConfigBytes);
  core::Result<Config> refused = parse_config(dense, "dense.yaml", "");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message, HasSubstr("dense.yaml:1:1: the config has about"));
  EXPECT_THAT(refused.error().message, HasSubstr("the limit is 500000"));
  // The memory target's shape (issue 18): 10,000 entities, each with aliases, a handle and a
  // hashtag, over 1 MiB, loads.
  std::string many = "entities:\n";
  for (int i = 0; i < 10000; ++i) {
    const std::string n = std::to_string(i);
    many += "  - id: company-" + n + "\n    name: Company " + n + "\n    aliases: [Company " + n +
            ", Co" + n + ", Company" + n + " Inc, Company " + n + " Group, CO" + n +
            "]\n    handles: ['@company" + n + "']\n    hashtags: ['#company" + n + "']\n";
  }
  ASSERT_GT(many.size(), std::size_t{1} << 20);
  core::Result<Config> loaded = parse_config(many, "many.yaml", "");
  ASSERT_TRUE(loaded) << loaded.error().message.substr(0, 300);
  EXPECT_EQ(loaded->entities.size(), 10000u);
}

class ConfigFiles : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("earshot-config-files-" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  core::Result<Config> load(const std::string& yaml) {
    std::ofstream(dir / "c.yaml") << yaml;
    return load_config((dir / "c.yaml").string());
  }
};

TEST_F(ConfigFiles, LoadConfigNamesEveryMissingFileWithItsLine) {
  auto cfg = load(R"(sources:
  - {type: file, path: missing.jsonl}
customers:
  - {type: csv, path: nobody.csv}
sentiment: {model: models/none.model}
)");
  ASSERT_FALSE(cfg);
  const std::string& err = cfg.error().message;
  const std::string file = (dir / "c.yaml").string();
  EXPECT_THAT(err, HasSubstr(file + ":2:24: sources[0].path: '" + (dir / "missing.jsonl").string() +
                             "' does not exist"));
  EXPECT_THAT(err, HasSubstr(file + ":4:23: customers[0].path:"));
  EXPECT_THAT(err, HasSubstr(file + ":5:20: sentiment.model:"));
}

TEST_F(ConfigFiles, ExistingFilesAndAFollowedFileInAnExistingFolderLoad) {
  std::ofstream(dir / "posts.jsonl") << "";
  std::ofstream(dir / "customers.csv") << "platform,handle,customer_id,tier,name\n";
  auto cfg = load(R"(sources:
  - {type: file, path: posts.jsonl}
  - {type: file, path: later.jsonl, follow: true}
customers:
  - {type: csv, path: customers.csv}
)");
  ASSERT_TRUE(cfg) << cfg.error().message;
  auto bad = load("sources:\n  - {type: file, path: nofolder/later.jsonl, follow: true}\n");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("sources[0].path: folder of"));
}

TEST_F(ConfigFiles, ParseConfigReadsNoFiles) {
  EXPECT_TRUE(
      parse_config("sources:\n  - {type: file, path: missing.jsonl}\n", "t.yaml", dir.string()));
}

}  // namespace
}  // namespace earshot::pipeline::config
