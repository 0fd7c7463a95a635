// libFuzzer target: the RSS 2.0 / Atom parser (ingest/feed_parser.h, expat).
#include "ingest/feed_parser.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace earshot;
  if (auto feed = ingest::parse_feed(fuzz::as_text(data, size), "https://example.com/feed.xml")) {
    fuzz::check(feed->format == "rss" || feed->format == "atom", "format is rss or atom");
    for (const auto& item : feed->items) fuzz::check_post(item.post);
  }
  return 0;
}
