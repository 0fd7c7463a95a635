// libFuzzer target: the strict I-JSON post decoder (pipeline/codec). Whatever it accepts must
// encode and decode back to an equal post; it must never crash on any bytes.
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace earshot;
  auto post = pipeline::codec::decode_post(fuzz::as_text(data, size));
  if (post) fuzz::check_post(*post);
  auto scored = pipeline::codec::decode_scored(fuzz::as_text(data, size));
  if (scored) {
    auto again = pipeline::codec::decode_scored(pipeline::codec::encode(*scored));
    fuzz::check(again.has_value(), "an accepted scored post decodes after encoding");
  }
  return 0;
}
