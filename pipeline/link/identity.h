// earshot::pipeline::link — who an author is, written one way: identity normalisation for
// customer look-ups and handle matching.
//
// The same account is written many ways: "@Alice@Mastodon.Example", "alice@mastodon.example"
// and, on mastodon.example itself, "@alice"; on Bluesky "alice.bsky.social" or its DID
// "did:plc:…". Canonical form:
//   platform  lower case; bsky|atproto|jetstream → bluesky, twitter → x, fediverse → mastodon
//   handle    lower case, no leading '@' (nor "u/" on reddit); Mastodon "user@host", with
//             the local instance filled in when the handle has none and the instance is
//             known; DIDs are kept as given ("did:" lower-cased).
//
//   Identity id = identity_of("mastodon", post.author, uid_origin(post.uid));
//   // id.handle == "alice@mastodon.example" for author.handle "@Alice" on mastodon.example
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "pipeline/core/records.h"

namespace earshot::pipeline::link {

struct Identity {
  std::string platform;  // canonical platform
  std::string handle;    // canonical handle (may be empty)
  std::string did;       // Bluesky DID when known (from the handle or Author::id)
  bool operator==(const Identity&) const = default;
};

std::string canonical_platform(std::string_view platform);
// See the file comment; `instance` is the local Mastodon instance ("" when unknown).
std::string canonical_handle(std::string_view platform, std::string_view handle,
                             std::string_view instance = {});
bool is_did(std::string_view s);
// The origin part of a post uid "<source>:<origin>:<native id>" ("" when there is none).
std::string_view uid_origin(std::string_view uid);
// The identity of a post's author. A Mastodon handle without a host takes `instance`, or
// the host of Author::id when that is a profile URL (https://host/@user, /users/user).
Identity identity_of(std::string_view platform, const core::Author& author,
                     std::string_view instance = {});

}  // namespace earshot::pipeline::link
