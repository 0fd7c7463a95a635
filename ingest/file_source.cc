#include "ingest/file_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ingest/json_access.h"
#include "ingest/normalize.h"
#include "ingest/post_jsonl.h"

namespace earshot::ingest {

using pipeline::core::ErrorCode;
using pipeline::core::fail;

namespace {
constexpr milliseconds kMissingFilePause{100};  // at most ~10 "cannot open" errors a second
}  // namespace

FileSource::FileSource(FileOptions options) : options_(std::move(options)) {
  if (options_.rate > 0)
    bucket_ = std::make_unique<TokenBucket>(options_.rate, std::max(1.0, options_.rate / 10));
  health_.name = name();
  health_.state = "ok";
}

std::string FileSource::cursor() const { return dump_json(Json{{"offset", offset_}}); }

std::uint64_t FileSource::size() const {
  std::error_code ec;
  auto n = std::filesystem::file_size(options_.path, ec);
  return ec ? 0 : n;
}

pipeline::core::Status FileSource::restore(std::string_view cursor) {
  offset_ = 0;
  if (cursor.empty()) return pipeline::core::ok();
  auto doc = parse_json(cursor);
  auto off = doc ? get_int(*doc, "offset") : std::nullopt;
  if (!off || *off < 0) return fail(ErrorCode::kInvalidArgument, "file cursor: no \"offset\"");
  offset_ = static_cast<std::uint64_t>(*off);
  return pipeline::core::ok();
}

pipeline::core::Result<ingest::SourceBatch> FileSource::poll(milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::ifstream in(options_.path, std::ios::binary);
  if (!in) {
    ++health_.errors;
    health_.state = "error";
    health_.last_error = options_.path + ": cannot open";
    // Wait before saying so: the runner polls again at once, and a missing file must not
    // spin a core (the config check refuses a missing path at start; this is one that went).
    std::this_thread::sleep_until(std::max(deadline, Clock::now() + kMissingFilePause));
    return fail(ErrorCode::kIo, health_.last_error);
  }
  in.seekg(static_cast<std::streamoff>(offset_));
  ingest::SourceBatch batch;
  std::size_t lines = 0;
  std::string line;
  while (lines < options_.max_batch) {
    if (bucket_) {
      milliseconds wait = bucket_->take(Clock::now());
      if (wait.count() > 0) {
        if (lines > 0 || Clock::now() + wait > deadline) break;
        std::this_thread::sleep_for(wait);
        continue;
      }
    }
    if (!std::getline(in, line)) break;
    bool terminated = !in.eof();
    offset_ += line.size() + (terminated ? 1 : 0);
    ++lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto post = decode_post_line(line);
    if (post)
      batch.posts.push_back(std::move(*post));
    else
      batch.dead.push_back(make_dead_letter("file", post.error().message, line));
  }
  if (options_.follow) {
    if (batch.posts.empty() && batch.dead.empty() && offset_ >= size() && Clock::now() < deadline)
      std::this_thread::sleep_until(std::min(deadline, Clock::now() + options_.poll_interval));
  } else {
    batch.end_of_stream = offset_ >= size();
  }
  health_.posts += static_cast<std::int64_t>(batch.posts.size());
  health_.dead += static_cast<std::int64_t>(batch.dead.size());
  health_.state = "ok";
  batch.cursor = cursor();
  return batch;
}

}  // namespace earshot::ingest
