// libFuzzer target: the Hacker News item parser (ingest/hackernews_item.h).
#include "ingest/hackernews_item.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace earshot;
  auto item = ingest::parse_hackernews_item(fuzz::as_text(data, size));
  if (item.post) fuzz::check_post(*item.post);
  fuzz::check(item.kind != ingest::HnItem::Kind::malformed || item.dead.has_value(),
              "a malformed item carries its dead letter");
  (void)ingest::parse_hackernews_maxitem(fuzz::as_text(data, size));
  return 0;
}
