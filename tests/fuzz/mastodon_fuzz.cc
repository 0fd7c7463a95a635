// libFuzzer target: the Mastodon Status and timeline parsers (ingest/mastodon_status.h).
// Every post they produce must be a valid record (fuzz_check.h).
#include "ingest/mastodon_status.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace earshot;
  auto text = fuzz::as_text(data, size);
  if (auto s = ingest::parse_mastodon_status(text, "mastodon.example")) fuzz::check_post(s->post);
  if (auto page = ingest::parse_mastodon_timeline(text, "mastodon.example")) {
    for (const auto& s : page->statuses) fuzz::check_post(s.post);
  }
  return 0;
}
