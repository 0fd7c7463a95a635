// earshot::ingest — what every normaliser shares: the output shape, dead letters, id order.
//
// Normalisers turn one platform payload into Posts plus DeadLetters for the items they
// could not use; a malformed item never stops the rest of the payload.
//
//   Normalized out;
//   out.dead.push_back(make_dead_letter("reddit", "created_utc: missing", item_json));
//
// Thread safety: values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/records.h"

namespace earshot::ingest {

struct Normalized {
  std::vector<pipeline::core::Post> posts;
  std::vector<pipeline::core::DeadLetter> dead;
};

// A DeadLetter refused by stage "ingest:<source>" now, carrying the original bytes.
pipeline::core::DeadLetter make_dead_letter(std::string_view source, std::string reason,
                                            std::string original);

// Orders decimal id strings numerically ("99" < "100"); other strings lexicographically.
bool id_less(std::string_view a, std::string_view b);

}  // namespace earshot::ingest
