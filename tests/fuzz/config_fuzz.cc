// libFuzzer target: the YAML config loader (pipeline/config): any bytes give a Config or an
// error naming file, line and column — never a crash, a hang or an exception.
#include "pipeline/config/config.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace earshot;
  auto c = pipeline::config::parse_config(fuzz::as_text(data, size), "fuzz.yaml", "/nonexistent");
  if (!c) fuzz::check(!c.error().message.empty(), "an error says what is wrong");
  return 0;
}
