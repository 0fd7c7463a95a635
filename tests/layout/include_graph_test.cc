// The include-graph checker itself, on synthetic trees: a tree that follows DESIGN.md §3
// passes, and each kind of violation is reported exactly once, where it is.
#include "tests/layout/support/include_graph.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace earshot::layout {
namespace {

// A small tree that follows the table: every row used at least once.
Tree valid_tree() {
  return {
      {"sentiment/sentiment.h", "#pragma once\n#include <string>\n#include \"sentiment/utf8.h\"\n"},
      {"pipeline/core/records.h", "#pragma once\n#include \"sentiment/sentiment.h\"\n"},
      {"pipeline/core/records.cc",
       "#include \"pipeline/core/records.h\"\n#include \"records.h\"\n"},
      {"pipeline/codec/json_codec.h", "#pragma once\n#include \"pipeline/core/records.h\"\n"},
      {"pipeline/http/client.h", "#pragma once\n#include \"pipeline/core/status.h\"\n"},
      {"pipeline/log/log.h", "#pragma once\n#include \"pipeline/core/status.h\"\n"},
      {"pipeline/log/open_log.cc",
       "#include \"pipeline/log/log.h\"\n"
       "#include \"pipeline/log/kafka/kafka_log.h\"\n"
       "#include \"pipeline/log/embedded/embedded_log.h\"\n"},
      {"pipeline/log/transactional_loop.cc",
       "#include \"pipeline/log/transactional_loop.h\"\n#include \"pipeline/codec/json_codec.h\"\n"},
      {"pipeline/log/transactional_loop.h", "#pragma once\n#include \"pipeline/log/log.h\"\n"},
      {"pipeline/log/kafka/kafka_log.h",
       "#pragma once\n#include \"pipeline/log/log.h\"\n#include <librdkafka/rdkafka.h>\n"},
      {"pipeline/log/kafka/kafka_log.cc",
       "#include \"pipeline/log/kafka/kafka_log.h\"\n#include \"pipeline/core/base64.h\"\n"},
      {"pipeline/log/embedded/embedded_log.h", "#pragma once\n#include \"pipeline/log/log.h\"\n"},
      {"pipeline/config/config.h",
       "#pragma once\n#include \"pipeline/core/duration.h\"\n#include \"sentiment/sentiment.h\"\n"},
      {"pipeline/link/linker.h",
       "#pragma once\n#include \"pipeline/config/config.h\"\n#include \"pipeline/log/log.h\"\n"},
      {"pipeline/process/process_stage.cc",
       "#include \"pipeline/link/linker.h\"\n#include \"pipeline/codec/json_codec.h\"\n"
       "#include \"pipeline/log/transactional_loop.h\"\n"},
      {"pipeline/react/react_stage.cc",
       "#include \"pipeline/codec/json_codec.h\"\n#include \"pipeline/config/config.h\"\n"},
      {"ingest/ingest_runner.cc",
       "#include \"ingest/source.h\"\n#include \"pipeline/log/log.h\"\n#include \"pipeline/link/linker.h\"\n"
       "#include \"pipeline/http/client.h\"\n#include <simdjson.h>\n#include \"simdjson.h\"\n"},
      {"ingest/source.h", "#pragma once\n#include \"pipeline/core/records.h\"\n"},
      {"sinks/sink_runner.cc",
       "#include \"pipeline/react/react_stage.h\"\n#include \"pipeline/log/log.h\"\n"},
      {"pipeline/cli/main.cc",
       "#include \"pipeline/log/kafka/kafka_log.h\"\n#include \"pipeline/process/process_stage.h\"\n"
       "#include \"ingest/source.h\"\n#include \"sinks/sink_runner.h\"\n"},
  };
}

std::string all(const std::vector<Violation>& vs) {
  std::string out;
  for (const auto& v : vs) out += "\n  " + describe(v);
  return out;
}

// Adds `line` at the end of `file` and returns its line number.
int append(Tree& tree, const std::string& file, const std::string& line) {
  std::string& content = tree[file];
  content += line + "\n";
  return static_cast<int>(std::count(content.begin(), content.end(), '\n'));
}

TEST(IncludeGraph, ATreeThatFollowsTheTablePasses) {
  const auto vs = check_includes(valid_tree(), design_rules());
  EXPECT_TRUE(vs.empty()) << all(vs);
}

TEST(IncludeGraph, TheTableItselfIsSound) {
  const auto problems = check_rules(design_rules());
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
}

TEST(IncludeGraph, AnUpwardIncludeIsReported) {
  Tree tree = valid_tree();
  const int line =
      append(tree, "pipeline/core/records.h", "#include \"pipeline/process/process_stage.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 1u) << all(vs);
  EXPECT_EQ(vs[0].file, "pipeline/core/records.h");
  EXPECT_EQ(vs[0].line, line);
  EXPECT_EQ(vs[0].included, "pipeline/process/process_stage.h");
  EXPECT_EQ(vs[0].why, Why::kUpward) << describe(vs[0]);
  EXPECT_NE(vs[0].reason.find("pipeline/process/ depends on pipeline/core/"), std::string::npos)
      << vs[0].reason;
}

TEST(IncludeGraph, ARelativeUpwardIncludeIsReportedToo) {
  Tree tree = valid_tree();
  const int line = append(tree, "pipeline/core/records.cc", "#include \"../react/react_stage.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 1u) << all(vs);
  EXPECT_EQ(vs[0].line, line);
  EXPECT_EQ(vs[0].why, Why::kUpward) << describe(vs[0]);
}

TEST(IncludeGraph, ASidewaysIncludeBetweenIngestAndSinksIsReported) {
  Tree tree = valid_tree();
  const int line = append(tree, "ingest/ingest_runner.cc", "#include \"sinks/sink_runner.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 1u) << all(vs);
  EXPECT_EQ(vs[0].file, "ingest/ingest_runner.cc");
  EXPECT_EQ(vs[0].line, line);
  EXPECT_EQ(vs[0].included, "sinks/sink_runner.h");
  EXPECT_EQ(vs[0].why, Why::kSideways) << describe(vs[0]);

  Tree back = valid_tree();
  append(back, "sinks/sink_runner.cc", "#include \"ingest/source.h\"");
  const auto vs2 = check_includes(back, design_rules());
  ASSERT_EQ(vs2.size(), 1u) << all(vs2);
  EXPECT_EQ(vs2[0].why, Why::kSideways) << describe(vs2[0]);
}

TEST(IncludeGraph, ABackendIncludedFromStageCodeIsReported) {
  Tree tree = valid_tree();
  const int line =
      append(tree, "pipeline/react/react_stage.cc", "#include \"pipeline/log/kafka/kafka_log.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 1u) << all(vs);
  EXPECT_EQ(vs[0].file, "pipeline/react/react_stage.cc");
  EXPECT_EQ(vs[0].line, line);
  EXPECT_EQ(vs[0].included, "pipeline/log/kafka/kafka_log.h");
  EXPECT_EQ(vs[0].why, Why::kBackend) << describe(vs[0]);
  EXPECT_NE(vs[0].reason.find("pipeline/log/open_log.cc and pipeline/cli/"), std::string::npos)
      << vs[0].reason;
}

TEST(IncludeGraph, OnlyOpenLogOfThePipelineLogFolderMayIncludeABackend) {
  // The known case: transactional_loop.cc is in pipeline/log, but the exception is open_log.cc's.
  Tree tree = valid_tree();
  const int line = append(tree, "pipeline/log/transactional_loop.cc",
                          "#include \"pipeline/log/kafka/kafka_consumer.h\"");
  append(tree, "sinks/sink_runner.cc", "#include \"pipeline/log/embedded/embedded_log.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 2u) << all(vs);
  EXPECT_EQ(vs[0].file, "pipeline/log/transactional_loop.cc");
  EXPECT_EQ(vs[0].line, line);
  EXPECT_EQ(vs[0].why, Why::kBackend) << describe(vs[0]);
  EXPECT_EQ(vs[1].file, "sinks/sink_runner.cc");
  EXPECT_EQ(vs[1].why, Why::kBackend) << describe(vs[1]);
}

TEST(IncludeGraph, ABackendMayIncludeOnlyTheLogInterfaceOfItsParent) {
  Tree tree = valid_tree();
  const int line = append(tree, "pipeline/log/kafka/kafka_log.cc",
                          "#include \"pipeline/log/transactional_loop.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 1u) << all(vs);
  EXPECT_EQ(vs[0].line, line);
  EXPECT_EQ(vs[0].why, Why::kUpward) << describe(vs[0]);
}

TEST(IncludeGraph, AFolderCycleThroughAllowedIncludesIsReported) {
  // Each include is allowed by its row, but log.h (all a backend may include of pipeline/log)
  // now pulls in the rest of pipeline/log, which names the backends: log -> embedded/kafka -> log.h
  // -> log.
  Tree tree = valid_tree();
  const int line =
      append(tree, "pipeline/log/log.h", "#include \"pipeline/log/transactional_loop.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 1u) << all(vs);
  EXPECT_EQ(vs[0].why, Why::kCycle) << describe(vs[0]);
  EXPECT_EQ(vs[0].file,
            "pipeline/log/open_log.cc");  // the cycle's first edge: pipeline/log -> embedded
  EXPECT_EQ(vs[0].included, "pipeline/log/embedded/embedded_log.h");
  EXPECT_NE(vs[0].reason.find("(pipeline/log/log.h:" + std::to_string(line) + ")"),
            std::string::npos)
      << vs[0].reason;
}

TEST(IncludeGraph, AFolderCycleTheRulesAllowIsReportedOnceAndTheRulesFlagged) {
  Rules rules;
  rules.folders = {{"a", {{"b", ""}}}, {"b", {{"c", ""}}}, {"c", {{"a", ""}}}};
  rules.roots = {"a", "b", "c"};
  EXPECT_EQ(check_rules(rules),
            std::vector<std::string>{"the rows allow a cycle: a -> b -> c -> a"});
  const Tree tree{{"a/x.h", "#include \"b/y.h\"\n"},
                  {"b/y.h", "#include \"c/z.h\"\n"},
                  {"c/z.h", "\n#include \"a/x.h\"\n"}};
  const auto vs = check_includes(tree, rules);
  ASSERT_EQ(vs.size(), 1u) << all(vs);
  EXPECT_EQ(
      vs[0],
      (Violation{
          "a/x.h", 1, "b/y.h", Why::kCycle,
          "a -> (a/x.h:1) b -> (b/y.h:1) c -> (c/z.h:2) a; every include is allowed by its row, "
          "but together they close a cycle"}));
}

TEST(IncludeGraph, FoldersOutsideTheTableAreReported) {
  Tree tree = valid_tree();
  tree["pipeline/records.h"] = "#pragma once\n";  // the old flat layout
  const int line = append(tree, "sinks/sink_runner.cc", "#include \"tests/support/http_server.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 2u) << all(vs);
  EXPECT_EQ(vs[0], (Violation{"pipeline/records.h", 0, "", Why::kUnknownFolder,
                              "pipeline/ is not a folder of the table (DESIGN.md §3)"}));
  EXPECT_EQ(vs[1].file, "sinks/sink_runner.cc");
  EXPECT_EQ(vs[1].line, line);
  EXPECT_EQ(vs[1].why, Why::kUnknownFolder) << describe(vs[1]);
}

TEST(IncludeGraph, AnIncludeOutsideTheRowIsReported) {
  Tree tree = valid_tree();
  append(tree, "ingest/source.h", "#include \"pipeline/process/enricher.h\"");
  append(tree, "pipeline/codec/json_codec.h", "#include \"pipeline/config/config.h\"");
  const auto vs = check_includes(tree, design_rules());
  ASSERT_EQ(vs.size(), 2u) << all(vs);
  EXPECT_EQ(vs[0].file, "ingest/source.h");
  EXPECT_EQ(vs[0].why, Why::kNotInRow) << describe(vs[0]);
  EXPECT_EQ(vs[1].file, "pipeline/codec/json_codec.h");
  EXPECT_EQ(vs[1].why, Why::kNotInRow) << describe(vs[1]);
  EXPECT_EQ(vs[1].reason,
            "pipeline/codec/ may include only sentiment, pipeline/core (DESIGN.md §3)");
}

TEST(IncludeGraph, OnlyQuotedIncludesOfOurFoldersCount) {
  Tree tree = valid_tree();
  append(tree, "pipeline/core/records.h", "#include <pipeline/process/process_stage.h>");
  append(tree, "pipeline/core/records.h", "// #include \"pipeline/process/process_stage.h\"");
  append(tree, "pipeline/core/records.h", "/*\n#include \"pipeline/process/process_stage.h\"\n*/");
  append(tree, "pipeline/core/records.h", "#include \"rapidjson/writer.h\"");
  const auto vs = check_includes(tree, design_rules());
  EXPECT_TRUE(vs.empty()) << all(vs);
}

TEST(IncludeGraph, ViolationsReadAsFileLineIncludeAndWhy) {
  const Violation v{"pipeline/core/records.h", 3, "pipeline/process/x.h", Why::kUpward, "why"};
  EXPECT_EQ(describe(v),
            "pipeline/core/records.h:3: #include \"pipeline/process/x.h\" — upward: why");
}

}  // namespace
}  // namespace earshot::layout
