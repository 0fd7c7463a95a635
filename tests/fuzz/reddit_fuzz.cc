// libFuzzer target: the Reddit listing parser (ingest/reddit_listing.h).
#include "ingest/reddit_listing.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace earshot;
  if (auto page = ingest::parse_reddit_listing(fuzz::as_text(data, size))) {
    for (const auto& item : page->items) fuzz::check_post(item.post);
  }
  return 0;
}
