// What the libFuzzer targets of tests/fuzz share: check() turns a broken invariant into a
// crash (__builtin_trap) so libFuzzer saves the input, and check_post() holds every Post a
// parser emits to the record contract (DESIGN.md §2): the strict codec must accept it back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/records.h"

namespace earshot::fuzz {

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz: invariant broken: %s\n", what);
    __builtin_trap();
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A post a parser produced is a valid record: it encodes, and the strict decoder reads the
// encoding back to an equal post (so it is valid UTF-8, has its required fields, and a real
// RFC 3339 created_at).
inline void check_post(const pipeline::core::Post& post) {
  const std::string json = pipeline::codec::encode(post);
  auto back = pipeline::codec::decode_post(json);
  if (!back) std::fprintf(stderr, "fuzz: %s\n  %s\n", back.error().message.c_str(), json.c_str());
  check(back.has_value(), "a parsed post passes the strict decoder");
  check(*back == post, "a parsed post survives encode/decode unchanged");
}

}  // namespace earshot::fuzz
