// earshot::pipeline::link — which companies and products a post is about.
//
// A Linker is compiled once from the config's `entities:` list (entity.h) and then answers,
// for each post, which entities it mentions, where (a byte span of Post::text) and how:
//
//   alias    a literal name ("Acme Air"): Unicode case-insensitive, word-bounded ("Acme" does
//            not match "Acmeville"), white space between words may vary. Gated by context.
//   regex    an RE2 pattern from `patterns` (write (?i) and \b yourself). Gated by context.
//   handle   "@acmeair" (this user name on any platform, also "@acmeair@any.host"),
//            "@acmeair@mastodon.example" (also "@acmeair" in a post from mastodon.example),
//            "acmeair.bsky.social", a DID; found in the text, in Post::mentions and in
//            profile links (bsky.app/profile/…, https://host/@user).
//   hashtag  "#AcmeAir" = "#acmeair", in the text or in Post::tags.
//   domain   "acmeair.example" in a URL (with or without scheme) or an e-mail address, and
//            its subdomains ("help.acmeair.example").
//   derived  a product mention also yields its parent company, with the product's span.
//
// Context gates (`require_any`, `exclude`) apply to alias and regex matches only: an alias
// match needs one of the `require_any` words somewhere in the post and none of the `exclude`
// words; handles, hashtags and domains are unambiguous and always link. When two alias
// matches overlap, the longer wins ("Delta Faucets" hides "Delta").
//
// Each entity appears at most once per post, at its first match in the text; a match found
// only in Post::mentions or Post::tags has the empty span [0, 0). Output is ordered by span.
//
//   auto linker = Linker::build(config.entities);
//   if (!linker) return linker.error();   // "entity 'acme-air': pattern '(': missing ): ("
//   LinkResult r = linker->link(post);
//   for (const EntityMention& m : r.entities) { /* m.id, m.kind, m.begin, m.end, m.match */ }
//
// How: literal aliases are split into folded words and indexed by a hash of their first
// word; a post is cut into words once (link_text.h) and each word probes the index, so the
// cost is per word of the post, not per alias. Regex aliases run as one RE2::Set (which
// says which matched) and then one RE2 per matching pattern (which says where).
//
// Thread safety: immutable after build(); link() is const and may run on many threads at
// once (scratch space is per thread). Lifetime: owns copies of everything it was built from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/config/entity.h"
#include "pipeline/core/records.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::link {

struct LinkResult {
  // Sentiment is left default: the process stage fills the targeted sentiment.
  std::vector<core::EntityMention> entities;
};

class Linker {
 public:
  struct Options {
    // RE2 memory budget of one regex alias; a pattern over it is a build error.
    std::int64_t max_pattern_memory = 2 << 20;
    // Budget of the RE2::Set that runs all regex aliases at once.
    std::int64_t max_set_memory = 64 << 20;
  };

  // Errors (kInvalidArgument) name the entity: duplicate or empty id, unknown parent,
  // a parent cycle, an empty alias/handle/hashtag/domain, an invalid regex (with RE2's
  // message) or one over the memory budget.
  static core::Result<Linker> build(const std::vector<config::EntityDef>& entities);
  static core::Result<Linker> build(const std::vector<config::EntityDef>& entities,
                                    const Options& options);

  // The entities `post` mentions; uses text, mentions, tags and the source instance of uid.
  LinkResult link(const core::Post& post) const;

  std::size_t entity_count() const;
  std::size_t alias_count() const;  // literal aliases indexed

  Linker(Linker&&) noexcept;
  Linker& operator=(Linker&&) noexcept;
  ~Linker();

  struct Impl;

 private:
  explicit Linker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace earshot::pipeline::link
