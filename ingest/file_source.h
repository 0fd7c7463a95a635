// earshot::ingest — Posts replayed from a JSONL file (one Post per line, post_jsonl.h).
//
// Reads from the byte offset in the cursor ({"offset": N}) up to max_batch lines per poll,
// at most `rate` posts per second when rate > 0 (0 = as fast as polled). Bad lines become
// dead letters. At the end of the file the batch says end_of_stream, unless `follow` is set:
// then a poll at the end waits (up to its timeout, checking every poll_interval) for growth.
// offset() and size() let a caller draw a progress bar. A file that cannot be opened (the
// config check refuses a missing path at start, so it went away since) is an error after a
// pause of at least 100 ms, never a busy loop; it counts in health().errors.
//
//   FileSource src({.path = "/data/posts.jsonl", .rate = 50});
//   while (true) { auto b = src.poll(500ms); ...; if (b && b->end_of_stream) break; }
//
// Thread safety: one thread at a time. Lifetime: owned by the runner; the file is opened
// per poll, so it may be appended to or replaced between polls.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ingest/rate_limit.h"
#include "ingest/source.h"

namespace earshot::ingest {

struct FileOptions {
  std::string path;
  double rate = 0;  // posts per second; 0 = unlimited
  std::size_t max_batch = 1000;
  bool follow = false;               // keep reading as the file grows: never end_of_stream
  milliseconds poll_interval{1000};  // follow: how often to look for growth at the end
};

class FileSource final : public ingest::Source {
 public:
  explicit FileSource(FileOptions options);
  std::string name() const override { return "file:" + options_.path; }
  pipeline::core::Status restore(std::string_view cursor) override;
  pipeline::core::Result<ingest::SourceBatch> poll(milliseconds timeout) override;
  ingest::SourceHealth health() const override { return health_; }

  std::uint64_t offset() const { return offset_; }
  std::uint64_t size() const;  // current file size (0 when unreadable)

 private:
  std::string cursor() const;

  FileOptions options_;
  std::unique_ptr<TokenBucket> bucket_;
  std::uint64_t offset_ = 0;
  ingest::SourceHealth health_;
};

}  // namespace earshot::ingest
