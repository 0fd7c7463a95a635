// Tests for pipeline/config/config_schema.h: the reference is what the loader asks for, and
// pipeline/config/REFERENCE.md is exactly the generated text (so it cannot drift).
#include "pipeline/config/config_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "pipeline/config/config.h"
#include "tests/support/source_dir.h"

namespace earshot::pipeline::config {
namespace {

using ::testing::HasSubstr;

const SchemaKey* find(const SchemaRecorder& s, const std::string& path) {
  auto it = std::find_if(s.keys().begin(), s.keys().end(),
                         [&](const SchemaKey& k) { return k.path == path; });
  return it == s.keys().end() ? nullptr : &*it;
}

TEST(ConfigSchema, RecordsTypeDefaultVariantsAndExampleOfEveryKeyAsked) {
  SchemaRecorder schema;
  auto c = parse_config(R"(
log: {partitions: 6}
sources:
  - {type: mastodon, instance: https://m.example, limit: 20}
  - {type: reddit, subreddit: travel}
)",
                        "t.yaml", "", &schema);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const SchemaKey* partitions = find(schema, "log.partitions");
  ASSERT_NE(partitions, nullptr);
  EXPECT_EQ(partitions->type, "integer 1..10000");
  EXPECT_EQ(partitions->example, "6");
  EXPECT_EQ(partitions->defaults.at(""), std::to_string(default_config().log.partitions));
  const SchemaKey* limit = find(schema, "sources[].limit");
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->variants, (std::vector<std::string>{"mastodon", "reddit"}));
  EXPECT_EQ(limit->example, "20");
  const SchemaKey* kind = find(schema, "log.kind");
  ASSERT_NE(kind, nullptr);
  EXPECT_EQ(kind->type, "one of: kafka|embedded");
  EXPECT_EQ(kind->defaults.at(""), "embedded");
  // A key nobody asked for is not in the schema.
  EXPECT_EQ(find(schema, "log.bogus"), nullptr);
}

TEST(ConfigSchema, ReferenceCoversEverySection) {
  std::string md = config_reference_markdown();
  for (const char* section : {"log", "sources", "entities", "customers", "sentiment", "alerts",
                              "sinks", "replies", "api", "metrics", "process", "windows"}) {
    EXPECT_THAT(md, HasSubstr("\n## `" + std::string(section) + "`\n")) << section;
  }
  EXPECT_THAT(md, HasSubstr("| `sources[].poll_interval` | duration"));
  EXPECT_THAT(md, HasSubstr("| `alerts[].sensitivity` | number"));
  EXPECT_THAT(md, HasSubstr("| `api.tokens` |"));
}

TEST(ConfigSchema, ReferenceFileIsTheGeneratedText) {
  std::ifstream in(earshot::testing::source_path("pipeline/config/REFERENCE.md"));
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(file.str(), config_reference_markdown())
      << "pipeline/config/REFERENCE.md is out of date: regenerate it with\n"
         "  build/pipeline/cli/earshot config-reference > pipeline/config/REFERENCE.md";
}

}  // namespace
}  // namespace earshot::pipeline::config
