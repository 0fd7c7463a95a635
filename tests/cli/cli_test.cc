// The earshot command line (DESIGN.md §4) on the embedded log: exit codes, config errors,
// the score contract, and replay → process → tail through a SQLite file.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/source_dir.h"

namespace earshot::testing {
namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(Cli, VersionAndHelpExitZero) {
  RunResult v = run({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("earshot 0."), std::string::npos) << v.out;
  RunResult h = run({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* sub : {"score", "replay", "tail", "process", "serve", "demo", "run"}) {
    EXPECT_NE(h.out.find(sub), std::string::npos) << sub << " missing from --help";
  }
  EXPECT_EQ(run({"score", "--help"}).exit_code, 0);
  // Every new option is in its subcommand's --help.
  for (auto [sub, option] : {std::pair{"serve", "--listen"},
                             {"run", "--listen"},
                             {"demo", "--port"},
                             {"process", "--metrics-listen"},
                             {"ingest", "--metrics-listen"},
                             {"react", "--metrics-listen"}}) {
    RunResult help = run({sub, "--help"});
    EXPECT_EQ(help.exit_code, 0) << sub;
    EXPECT_NE(help.out.find(option), std::string::npos) << sub << " --help lacks " << option;
  }
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}).exit_code, 2);
  EXPECT_EQ(run({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(run({"replay", "--config"}).exit_code, 2);
}

TEST(Cli, ConfigErrorNamesFileLineAndKey) {
  std::string dir = temp_dir("cfg");
  std::string cfg = dir + "/bad.yaml";
  write_file(cfg, "log:\n  kind: embedded\n  partitons: 3\n");
  RunResult r = run({"tail", "--config", cfg, "posts"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("partitons"), std::string::npos) << r.err;
}

// Issue #16: a missing file the config names, a sink on a private address or an oversized
// config stops every command before anything starts, exit 2 with file:line:field.
TEST(Cli, ReferencedFilesPrivateSinksAndHugeConfigsAreConfigErrors) {
  std::string dir = temp_dir("refs");
  std::string cfg = dir + "/c.yaml";
  write_file(cfg,
             "sources:\n  - {type: file, path: gone.jsonl}\ncustomers:\n"
             "  - {type: csv, path: nobody.csv}\nsinks:\n"
             "  - {type: webhook, url: \"http://2130706433:9/hook\"}\n");
  for (const char* command : {"run", "ingest", "process", "tail"}) {
    std::vector<std::string> args{command, "--config", cfg};
    if (std::string(command) == "tail") args.push_back("posts");
    RunResult r = run(args);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
    EXPECT_NE(r.err.find("c.yaml:2:24: sources[0].path:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("c.yaml:4:23: customers[0].path:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("c.yaml:6:26: sinks[0].url: 2130706433 (127.0.0.1) is loopback"),
              std::string::npos)
        << r.err;
  }
  std::string huge = dir + "/huge.yaml";
  write_file(huge, "log: {kind: embedded}\n" + std::string(17 << 20, '#') + "\n");
  RunResult h = run({"tail", "--config", huge, "posts"});
  EXPECT_EQ(h.exit_code, 2) << h.err;
  EXPECT_NE(h.err.find("huge.yaml:1:1: the config is"), std::string::npos) << h.err;
}

TEST(Cli, ScoreKeepsOrderAndNeverCrashesOnBadLines) {
  std::string input =
      "{\"text\":\"I love this, best flight ever :)\"}\n"
      "not json at all\n"
      "{\"text\":\"worst service, they lost my bag and nobody answers\"}\n"
      "{\"text\": 42}\n"
      "\xff\xfe{\n"
      "{\"text\":\"\"}\n";
  RunResult r = run({"score"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 6u) << r.out;
  auto first = nlohmann::json::parse(out[0]);
  EXPECT_EQ(first["sentiment"]["label"], "positive") << out[0];
  EXPECT_EQ(first["text"], "I love this, best flight ever :)");
  EXPECT_NE(out[1].find("\"error\""), std::string::npos);
  auto third = nlohmann::json::parse(out[2]);
  EXPECT_EQ(third["sentiment"]["label"], "negative") << out[2];
  EXPECT_EQ(third["intent"], "complaint") << out[2];
  EXPECT_NE(out[3].find("\"error\""), std::string::npos);
  EXPECT_NE(out[4].find("\"error\""), std::string::npos);
  for (const char* field :
       {"\"text\"", "\"sentiment\"", "\"entities\"", "\"customer\"", "\"intent\"", "\"lang\""}) {
    EXPECT_NE(out[0].find(field), std::string::npos) << field;
  }
}

TEST(Cli, ScoreTextModeAndModels) {
  RunResult d = run({"score", "--text"}, "great app, love it\nterrible, refund me now\n");
  ASSERT_EQ(d.exit_code, 0) << d.err;
  auto out = lines(d.out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].find("\"label\":\"positive\""), std::string::npos) << out[0];
  EXPECT_NE(out[1].find("\"label\":\"negative\""), std::string::npos) << out[1];
  RunResult v = run({"score", "--text", "--model", "vader"}, "great app, love it\n");
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("\"model\":\"vader"), std::string::npos) << v.out;
  EXPECT_EQ(run({"score", "--model", "/no/such/model"}, "").exit_code, 2);
}

TEST(Cli, TrainCrossValidatesAndEvalReportsCalibration) {
  // Issue #15: --cv K tunes the label biases and temperature on out-of-fold predictions;
  // --out is optional then; eval prints the ECE of a learned model.
  const std::string data = source_path("tests/sentiment/data/small_train.tsv").string();
  RunResult cv = run({"train", "--data", data, "--cv", "3", "--hash-bits", "16"});
  ASSERT_EQ(cv.exit_code, 0) << cv.err;
  EXPECT_NE(cv.out.find("cv_macro_recall: "), std::string::npos) << cv.out;
  EXPECT_NE(cv.out.find("cv_ece: "), std::string::npos) << cv.out;
  const std::string model = ::testing::TempDir() + "earshot_cli_cv.model";
  RunResult t = run({"train", "--data", data, "--cv", "3", "--hash-bits", "16", "--out", model,
                     "--weight-decay", "0.1", "--name-weight", "0.5"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  RunResult e = run({"eval", "--data", data, "--model", model});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("macro_recall: "), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("ece: "), std::string::npos) << e.out;
  EXPECT_EQ(run({"train", "--data", data, "--cv", "1"}).exit_code, 2);
  EXPECT_EQ(run({"train", "--data", data}).exit_code, 2);  // no --out, no --cv
}

TEST(Cli, ScoreMarksUnsupportedLanguages) {
  RunResult r = run({"score", "--text"}, "我觉得这个新应用非常好\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"model\":\"none\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"lang\":\"zh\""), std::string::npos) << r.out;
}

// Japanese has a scorer of its own (sentiment/japanese_scorer.h) since issue 15.
TEST(Cli, ScoreGivesJapaneseItsLexiconScorer) {
  RunResult r = run({"score", "--text"}, "この新しいアプリは本当に素晴らしいと思います\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"model\":\"lexicon-ja-1\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"lang\":\"ja\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"label\":\"positive\""), std::string::npos) << r.out;
}

TEST(Cli, ScoreWithConfigLinksEntitiesAndCustomers) {
  std::string cfg = source_dir() + "/deploy/examples/embedded.yaml";
  RunResult r = run({"score", "--config", cfg}, "{\"text\":\"Acme Air lost my bag again\"}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = nlohmann::json::parse(lines(r.out).at(0));
  ASSERT_FALSE(s["entities"].empty()) << r.out;
  EXPECT_EQ(s["entities"][0]["id"], "acme-air");
  EXPECT_EQ(s["entities"][0]["sentiment"]["label"], "negative");
  EXPECT_EQ(s["entities"][0]["span"][0], 0);
  EXPECT_EQ(s["entities"][0]["span"][1], 8);
}

TEST(Cli, ReplayProcessTailOnEmbeddedFile) {
  std::string dir = temp_dir("embedded");
  std::string cfg = dir + "/earshot.yaml";
  write_file(
      cfg,
      "log: {kind: embedded, path: ./earshot.db}\n"
      "entities:\n  - {id: acme-air, name: Acme Air, kind: company, aliases: [\"Acme Air\"]}\n");
  write_file(dir + "/posts.jsonl",
             make_posts("e", 300) + "{\"v\":1,\"broken\n" + make_posts("e", 10));
  RunResult replay = run({"replay", "--config", cfg, "--file", dir + "/posts.jsonl"});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  RunResult process = run({"process", "--config", cfg, "--exit-when-idle", "1"});
  ASSERT_EQ(process.exit_code, 0) << process.err;
  RunResult scored = run({"tail", "--config", cfg, "scored"});
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  EXPECT_EQ(lines(scored.out).size(), 300u) << "the 10 re-sent uids are duplicates";
  RunResult dead = run({"tail", "--config", cfg, "deadletter"});
  ASSERT_EQ(lines(dead.out).size(), 1u);
  auto d = pipeline::codec::decode_deadletter(lines(dead.out)[0]);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->original, "{\"v\":1,\"broken");
  // A second run has nothing left to do: exactly once across restarts.
  RunResult again = run({"process", "--config", cfg, "--exit-when-idle", "1"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(lines(run({"tail", "--config", cfg, "scored"}).out).size(), 300u);
}

}  // namespace
}  // namespace earshot::testing
