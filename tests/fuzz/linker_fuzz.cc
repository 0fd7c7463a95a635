// libFuzzer target: the entity matcher (pipeline/link/linker.h) on arbitrary post text,
// with aliases, a regex, handles, hashtags and domains: spans lie inside the text, in order,
// each entity at most once.
#include <set>

#include "pipeline/link/linker.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace earshot;

const pipeline::link::Linker& linker() {
  static const pipeline::link::Linker l = [] {
    std::vector<pipeline::config::EntityDef> defs(3);
    defs[0].id = "acme-air";
    defs[0].name = "Acme Air";
    defs[0].aliases = {"Acme Air", "AcmeAir", "ÄCME Lüft"};
    defs[0].handles = {"@acmeair", "acmeair.bsky.social", "@acmeair@mastodon.example"};
    defs[0].hashtags = {"#acmeair"};
    defs[0].domains = {"acmeair.example"};
    defs[1].id = "acme-miles";
    defs[1].name = "Acme Miles";
    defs[1].kind = pipeline::core::EntityKind::product;
    defs[1].parent = "acme-air";
    defs[1].aliases = {"Acme Miles"};
    defs[1].patterns = {"(?i)\\bmiles\\s*card\\b"};
    defs[1].require_any = {"points", "miles"};
    defs[2].id = "globex";
    defs[2].name = "Globex";
    defs[2].aliases = {"Globex", "Delta", "Delta Faucets"};
    defs[2].exclude = {"airline"};
    auto built = pipeline::link::Linker::build(defs);
    fuzz::check(built.has_value(), "the fixed entities build");
    return std::move(*built);
  }();
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pipeline::core::Post post;
  post.uid = "mastodon:mastodon.example:1";
  post.source = "mastodon";
  post.text = std::string(fuzz::as_text(data, size));
  auto r = linker().link(post);
  std::set<std::string> ids;
  std::uint32_t last_begin = 0;
  for (const auto& m : r.entities) {
    fuzz::check(m.begin <= m.end && m.end <= post.text.size(), "span inside the text");
    fuzz::check(m.begin >= last_begin, "ordered by span");
    last_begin = m.begin;
    fuzz::check(ids.insert(m.id).second, "each entity at most once");
  }
  return 0;
}
