// earshot::ingest — Posts as JSON lines (the `file` source and webhook NDJSON bodies).
//
// One Post per line in the wire form of DESIGN.md §2, decoded and checked strictly by
// pipeline::decode_post (json_codec.h: "v", "uid", "source", "created_at", "author" and
// "text" required, strict I-JSON); created_at is then normalised to UTC and a missing
// ingested_at set to now. Blank lines are skipped; a bad line becomes a dead letter with its
// reason and bytes.
//
//   Normalized out = decode_post_lines(body, "webhook");
//
// Thread safety: pure functions.
#pragma once

#include <string_view>

#include "ingest/normalize.h"
#include "pipeline/core/status.h"

namespace earshot::ingest {

pipeline::core::Result<pipeline::core::Post> decode_post_line(std::string_view json);
Normalized decode_post_lines(std::string_view body, std::string_view source);

}  // namespace earshot::ingest
