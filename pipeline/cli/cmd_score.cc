// earshot score [--model NAME|PATH] [--config FILE] [--text] [--threads N]
//               [--output full|sentiment] [--lang CODE]
// stdin → stdout: one ScoredPost JSON object per input line, in input order. Input is JSONL
// posts (only "text" is required), or with --text one plain text per line. A bad line gives
// {"error": "...", "line": N} in its place; the command goes on. With --config, entities and
// customers from that file are linked as well.
//
// Work the output does not need is skipped: `--output sentiment` prints only the post's
// sentiment object ({"label","score","probs","model"}, as in the ScoredPost) and computes no
// linking, customer or intent; `--lang CODE` states the input's language, so no detection
// runs (a language no model supports still gives model "none").
//
// Speed: stdin is read in blocks of whole lines (kBlockBytes); each block is cut into groups
// of kGroupLines lines that the threads score and encode into the group's own output buffer;
// the buffers are written in input order. While the threads work on block N, the calling
// thread reads block N+1 and then helps; block N-1's output is written while block N runs.
// Output is byte for byte the same at any --threads (tests/cli/score_golden_test.cc).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include <unistd.h>

#include <cerrno>

#include "pipeline/cli/cli_common.h"
#include "pipeline/codec/json_codec.h"
#include "pipeline/codec/json_writer.h"
#include "pipeline/http/cpprest_client.h"
#include "pipeline/process/enricher.h"
#include "pipeline/process/worker_pool.h"

namespace earshot::pipeline::cli {
namespace {

constexpr std::size_t kBlockBytes = 1 << 20;  // a block holds this much input, or one longer line
constexpr std::size_t kGroupLines = 64;       // lines one thread takes at a time

struct ScoreArgs {
  std::string model;
  std::string config;
  bool text = false;
  int threads = 0;  // 0: one per core
  std::string output = "full";
  std::string lang;  // empty: detect per post
};

// What one line needs done: the parsed flags the threads read.
struct LineJob {
  const pipeline::process::Enricher& enricher;
  bool text;
  bool sentiment_only;
  std::string_view lang;
};

void write_error(std::string& out, std::string_view message, std::size_t line) {
  pipeline::codec::JsonWriter w(out);
  w.begin_object();
  w.field("error", message);
  w.field("line", static_cast<std::int64_t>(line));
  w.end_object();
}

// One block of whole input lines and, per group of kGroupLines of them, its output.
struct Block {
  std::string bytes;                    // the lines, '\n' kept
  std::vector<std::string_view> lines;  // into bytes, without '\n' (and without a final '\r')
  std::size_t first_line = 1;           // 1-based number of lines[0] in the input
  std::vector<std::string> out;         // per group
  std::size_t groups() const { return (lines.size() + kGroupLines - 1) / kGroupLines; }
};

// Cuts the input into blocks of whole lines, as std::getline would: a last line without '\n'
// is a line, and the input's final '\n' does not start an empty one. A block is what one
// read() returned (up to kBlockBytes) plus what it takes to finish a line, so lines typed
// or piped in slowly are scored as they come.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // Fills `b` with the next lines; false when the input is exhausted. Throws Exit on a
  // read error.
  bool next(Block& b) {
    b.bytes.swap(carry_);
    carry_.clear();
    b.lines.clear();
    b.first_line = next_line_;
    std::size_t scanned = 0;
    while (!eof_ && b.bytes.find('\n', scanned) == std::string::npos) {
      scanned = b.bytes.size();
      b.bytes.resize(scanned + kBlockBytes);
      ssize_t got;
      do {
        got = ::read(fd_, b.bytes.data() + scanned, kBlockBytes);
      } while (got < 0 && errno == EINTR);
      if (got < 0) throw Exit{kExitRuntime, std::string("reading stdin: ") + std::strerror(errno)};
      b.bytes.resize(scanned + static_cast<std::size_t>(got));
      if (got == 0) eof_ = true;
    }
    // Lines end at the last '\n'; the rest is carried into the next block (or, at the end
    // of the input, is the last line).
    std::size_t end = b.bytes.rfind('\n');
    if (!eof_ && end != std::string::npos) {
      carry_.assign(b.bytes, end + 1);
      b.bytes.resize(end + 1);
    } else if (eof_ && !b.bytes.empty() && b.bytes.back() != '\n') {
      b.bytes.push_back('\n');
    }
    std::string_view rest(b.bytes);
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      b.lines.push_back(line);
      rest.remove_prefix(nl + 1);
    }
    next_line_ += b.lines.size();
    b.out.resize(b.groups());
    return !b.lines.empty();
  }

 private:
  int fd_;
  std::string carry_;
  std::size_t next_line_ = 1;
  bool eof_ = false;
};

// Scores and encodes group `g` of `b` into b.out[g].
void score_group(const LineJob& job, Block& b, std::size_t g) {
  std::string& out = b.out[g];
  out.clear();
  const std::size_t from = g * kGroupLines, to = std::min(from + kGroupLines, b.lines.size());
  for (std::size_t i = from; i < to; ++i) {
    pipeline::core::Post post;
    if (job.text) {
      post.text = b.lines[i];
    } else {
      auto decoded = pipeline::codec::decode_post_for_scoring(b.lines[i]);
      if (!decoded) {
        write_error(out, decoded.error().message, b.first_line + i);
        out.push_back('\n');
        continue;
      }
      post = std::move(*decoded);
    }
    if (job.sentiment_only) {
      pipeline::codec::encode_to(job.enricher.sentiment_of(post, job.lang), out);
    } else {
      pipeline::codec::encode_to(job.enricher.enrich(std::move(post), job.lang), out);
    }
    out.push_back('\n');
  }
}

void write_block(const Block& b) {
  for (const auto& s : b.out) std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

int run_score(const ScoreArgs& args) {
  std::optional<pipeline::config::Config> config;
  std::unique_ptr<pipeline::log::Log> log;  // only for `type: kafka` customer directories
  if (!args.config.empty()) {
    config = load_config_or_exit(args.config);
    for (const auto& d : config->customers) {
      if (d.type == "kafka" && !log) log = open_log_or_exit(*config);
    }
  }
  auto enricher = pipeline::process::Enricher::build(
      config ? &*config : nullptr, args.model,
      {.http = pipeline::http::make_cpprest_client(
           {.address_policy = config ? pipeline::config::address_policy(config->outbound)
                                     : pipeline::core::AddressPolicy()}),
       .log = log.get()},
      args.lang);  // --lang: no detector to load, one lexicon at most
  if (!enricher) {
    throw Exit{enricher.error().code == pipeline::core::ErrorCode::kInvalidArgument ? kExitUsage
                                                                                    : kExitRuntime,
               enricher.error().message};
  }
  const LineJob job{**enricher, args.text, args.output == "sentiment", args.lang};
  const int threads = args.threads > 0
                          ? args.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  LineReader reader(0);  // stdin
  Block blocks[2];
  if (threads == 1) {
    while (reader.next(blocks[0])) {
      for (std::size_t g = 0; g < blocks[0].groups(); ++g) score_group(job, blocks[0], g);
      write_block(blocks[0]);
    }
  } else {
    // The calling thread reads, writes and helps: threads - 1 workers.
    pipeline::process::WorkerPool pool(threads - 1);
    auto job_for = [&](Block& b) {
      return pool.submit(b.groups(), [&job, &b](std::size_t g) { score_group(job, b, g); });
    };
    std::shared_ptr<pipeline::process::WorkerPool::Job> running;
    int cur = 0;
    if (reader.next(blocks[cur])) running = job_for(blocks[cur]);
    while (running) {
      Block& next = blocks[1 - cur];
      const bool more = reader.next(next);  // while the workers run blocks[cur]
      pool.wait(*running);
      running = more ? job_for(next) : nullptr;
      write_block(blocks[cur]);  // while the workers run the next block
      cur = 1 - cur;
    }
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void add_score(CLI::App& app) {
  auto args = std::make_shared<ScoreArgs>();
  auto* cmd = app.add_subcommand("score",
                                 "Score posts from stdin: one ScoredPost JSON line per input line");
  cmd->add_option("--model", args->model, "default | vader | path to a model file");
  cmd->add_option("--config", args->config, "Config file: link its entities and customers too");
  cmd->add_flag("--text", args->text, "Input is one plain text per line instead of JSONL posts");
  cmd->add_option("--threads", args->threads,
                  "Threads that score (0: one per core); output order and bytes do not depend "
                  "on it")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--output", args->output,
                  "full: the ScoredPost (default); sentiment: only its sentiment object, and no "
                  "linking, customer or intent work")
      ->check(CLI::IsMember({"full", "sentiment"}));
  cmd->add_option("--lang", args->lang,
                  "The input's language (ISO 639-1, e.g. en), known beforehand: skips language "
                  "detection");
  cmd->callback([args] { set_runner([args] { return run_score(*args); }); });
}

}  // namespace earshot::pipeline::cli
