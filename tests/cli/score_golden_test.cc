// `earshot score` at any --threads writes, byte for byte and in input order, what scoring
// one line at a time with the library writes (the reference below is the command's earlier
// single-threaded loop: std::getline, a final '\r' dropped, Enricher::enrich, encode_to, an
// error object for a bad line). The input spans several of the command's read blocks and
// holds the awkward lines: bad JSON, CRLF, empty lines, a long line, no final newline.
// `--output sentiment` prints the same sentiment object as the full output; `--lang`
// equals enrich() with the language given.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "pipeline/codec/json_writer.h"
#include "pipeline/process/enricher.h"
#include "tests/cli/support/cli_harness.h"
#include "tests/support/source_dir.h"

namespace earshot::testing {
namespace {

// Texts of the VADER parity file (TweetEval tweets and VADER's own examples).
std::vector<std::string> corpus_texts() {
  std::ifstream in(source_path("tests/sentiment/data/vader_parity.tsv"), std::ios::binary);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t tab = 0;
    for (int i = 0; i < 4 && tab != std::string::npos; ++i) tab = line.find('\t', tab + 1);
    if (tab == std::string::npos) continue;
    std::string text = line.substr(tab + 1);
    if (text.find('\\') != std::string::npos) continue;  // escaped rows: keep the input plain
    out.push_back(std::move(text));
  }
  return out;
}

std::string json_line(const std::string& text) {
  std::string s;
  pipeline::codec::JsonWriter w(s);
  w.begin_object();
  w.field("text", text);
  w.end_object();
  return s;
}

// About 2.5 MB of JSONL (three of the command's 1 MiB blocks) with the awkward lines mixed in.
std::string jsonl_input(const std::vector<std::string>& texts) {
  std::string in;
  for (std::size_t i = 0; i < 20000; ++i) {
    const std::string& t = texts[i % texts.size()];
    switch (i % 997) {
      case 5:
        in += "not json\n";
        break;
      case 6:
        in += "\n";
        break;
      case 7:
        in += json_line(t) + "\r\n";
        break;
      case 8:
        in += json_line(std::string(200000, 'a') + " great") + "\n";
        break;
      case 9:
        in += "{\"text\": 7}\n";
        break;
      default:
        in += json_line(t) + "\n";
    }
  }
  in += json_line("the last line has no newline, and it is lovely");
  return in;
}

std::string reference(const pipeline::process::Enricher& e, const std::string& input, bool text,
                      std::string_view lang = {}) {
  std::istringstream in(input);
  std::string out;
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pipeline::core::Post post;
    if (text) {
      post.text = line;
    } else {
      auto decoded = pipeline::codec::decode_post_for_scoring(line);
      if (!decoded) {
        pipeline::codec::JsonWriter w(out);
        w.begin_object();
        w.field("error", decoded.error().message);
        w.field("line", static_cast<std::int64_t>(n));
        w.end_object();
        out.push_back('\n');
        continue;
      }
      post = std::move(*decoded);
    }
    pipeline::codec::encode_to(e.enrich(std::move(post), lang), out);
    out.push_back('\n');
  }
  return out;
}

std::unique_ptr<pipeline::process::Enricher> enricher(const std::string& model) {
  auto e = pipeline::process::Enricher::build(nullptr, model);
  EXPECT_TRUE(e.has_value()) << (e ? "" : e.error().message);
  return e ? std::move(*e) : nullptr;
}

std::size_t count_lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

TEST(ScoreGolden, JsonlSameBytesAndOrderAtAnyThreadCount) {
  const std::string input = jsonl_input(corpus_texts());
  for (const std::string model : {"vader", "default"}) {
    auto e = enricher(model);
    ASSERT_TRUE(e);
    const std::string want = reference(*e, input, false);
    ASSERT_EQ(count_lines(want), 20001u);
    for (const char* threads : {"1", "2", "3"}) {
      RunResult r = run({"score", "--model", model, "--threads", threads}, input);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      ASSERT_EQ(r.out.size(), want.size()) << model << " --threads " << threads;
      EXPECT_TRUE(r.out == want) << model << " --threads " << threads << ": bytes differ";
    }
  }
}

TEST(ScoreGolden, TextInputSameBytesAsReference) {
  std::string input;
  const auto texts = corpus_texts();
  for (std::size_t i = 0; i < 30000; ++i) input += texts[i % texts.size()] + "\n";
  auto e = enricher("vader");
  ASSERT_TRUE(e);
  const std::string want = reference(*e, input, true);
  RunResult r = run({"score", "--model", "vader", "--text"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 30000u);
  EXPECT_TRUE(r.out == want) << "bytes differ";
  // --lang: the language is taken as given, not detected.
  const std::string want_en = reference(*e, input, true, "en");
  RunResult en = run({"score", "--model", "vader", "--text", "--lang", "en"}, input);
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_TRUE(en.out == want_en) << "bytes differ with --lang en";
  EXPECT_NE(want_en, want) << "some corpus texts are detected as another language";
}

TEST(ScoreGolden, SentimentOutputIsTheFullOutputsSentimentObject) {
  std::string input;
  const auto texts = corpus_texts();
  for (std::size_t i = 0; i < 5000; ++i) input += json_line(texts[i % texts.size()]) + "\n";
  input += "not json\n";
  RunResult full = run({"score", "--model", "vader"}, input);
  RunResult only = run({"score", "--model", "vader", "--output", "sentiment"}, input);
  ASSERT_EQ(full.exit_code, 0) << full.err;
  ASSERT_EQ(only.exit_code, 0) << only.err;
  std::istringstream a(full.out), b(only.out);
  std::size_t n = 0;
  for (std::string fl, ol; std::getline(a, fl);) {
    ASSERT_TRUE(std::getline(b, ol)) << "sentiment output ends early at line " << n + 1;
    ++n;
    auto f = nlohmann::json::parse(fl);
    auto o = nlohmann::json::parse(ol);
    if (f.contains("error")) {
      EXPECT_EQ(o, f) << "line " << n;
    } else {
      EXPECT_EQ(o, f["sentiment"]) << "line " << n;
      // The same bytes as inside the ScoredPost, not only the same values.
      EXPECT_NE(fl.find("\"sentiment\":" + ol), std::string::npos) << "line " << n;
    }
  }
  EXPECT_EQ(n, 5001u);
  std::string extra;
  EXPECT_FALSE(std::getline(b, extra)) << "sentiment output has extra lines";
}

}  // namespace
}  // namespace earshot::testing
