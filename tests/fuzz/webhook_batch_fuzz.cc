// libFuzzer target: the JSONL batch decoder of the webhook and file sources
// (ingest/post_jsonl.h): every line becomes a valid post or a dead letter, none is lost.
#include <algorithm>

#include "ingest/post_jsonl.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace earshot;
  auto body = fuzz::as_text(data, size);
  auto n = ingest::decode_post_lines(body, "webhook");
  for (const auto& p : n.posts) fuzz::check_post(p);
  // Never dropped silently: at most one outcome per line, and some outcome for any line
  // that holds more than white space.
  const std::size_t lines =
      static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n')) + 1;
  fuzz::check(n.posts.size() + n.dead.size() <= lines, "at most one outcome per line");
  const bool blank = std::all_of(body.begin(), body.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  });
  fuzz::check(blank || n.posts.size() + n.dead.size() > 0, "a non-blank body has an outcome");
  if (auto p = ingest::decode_post_line(body)) fuzz::check_post(*p);
  return 0;
}
