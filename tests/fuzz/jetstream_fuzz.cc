// libFuzzer target: the Bluesky Jetstream event parser (ingest/jetstream_event.h). A post
// it produces must be a valid record; a refused event carries a dead letter, never both.
#include "ingest/jetstream_event.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace earshot;
  auto e = ingest::parse_jetstream_event(fuzz::as_text(data, size), nullptr);
  if (e.post) fuzz::check_post(*e.post);
  fuzz::check(!(e.post && e.dead), "an event is a post or a dead letter, not both");
  return 0;
}
