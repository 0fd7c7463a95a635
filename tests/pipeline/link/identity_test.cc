#include "pipeline/link/identity.h"

#include <gtest/gtest.h>

namespace earshot::pipeline::link {
namespace {

TEST(Identity, PlatformNamesAreCanonical) {
  EXPECT_EQ(canonical_platform("Mastodon"), "mastodon");
  EXPECT_EQ(canonical_platform("jetstream"), "bluesky");
  EXPECT_EQ(canonical_platform("bsky"), "bluesky");
  EXPECT_EQ(canonical_platform("Twitter"), "x");
  EXPECT_EQ(canonical_platform("reddit"), "reddit");
}

TEST(Identity, MastodonFormsMeetInOneForm) {
  EXPECT_EQ(canonical_handle("mastodon", "@Alice@Mastodon.Example"), "alice@mastodon.example");
  EXPECT_EQ(canonical_handle("mastodon", "alice@mastodon.example"), "alice@mastodon.example");
  EXPECT_EQ(canonical_handle("mastodon", "@alice", "mastodon.example"), "alice@mastodon.example");
  EXPECT_EQ(canonical_handle("mastodon", "@alice", "https://Mastodon.Example/"),
            "alice@mastodon.example");
  EXPECT_EQ(canonical_handle("mastodon", "@alice"), "alice");
  // A remote handle keeps its own host even in a post from another instance.
  EXPECT_EQ(canonical_handle("mastodon", "@bob@other.example", "mastodon.example"),
            "bob@other.example");
}

TEST(Identity, BlueskyHandlesAndDids) {
  EXPECT_EQ(canonical_handle("bluesky", "@Carol.bsky.social"), "carol.bsky.social");
  EXPECT_EQ(canonical_handle("bluesky", "did:plc:Abc123"), "did:plc:Abc123");
  core::Author a{"did:plc:xyz", "Carol.bsky.social", "Carol", std::nullopt};
  Identity id = identity_of("jetstream", a);
  EXPECT_EQ(id.platform, "bluesky");
  EXPECT_EQ(id.handle, "carol.bsky.social");
  EXPECT_EQ(id.did, "did:plc:xyz");
}

TEST(Identity, RedditAndAuthorProfileUrls) {
  EXPECT_EQ(canonical_handle("reddit", "/u/Some_User"), "some_user");
  core::Author m{"https://mastodon.example/@dora", "dora", "Dora", std::nullopt};
  EXPECT_EQ(identity_of("mastodon", m).handle, "dora@mastodon.example");
  core::Author u{"https://social.example/users/eve", "@Eve", "Eve", std::nullopt};
  EXPECT_EQ(identity_of("mastodon", u).handle, "eve@social.example");
  EXPECT_EQ(identity_of("mastodon", u, "mastodon.example").handle, "eve@mastodon.example");
}

TEST(Identity, UidOrigin) {
  EXPECT_EQ(uid_origin("mastodon:mastodon.example:1100"), "mastodon.example");
  EXPECT_EQ(uid_origin("bluesky:bsky.network:at://did:plc:1/app.bsky.feed.post/2"), "bsky.network");
  EXPECT_EQ(uid_origin("nocolon"), "");
}

}  // namespace
}  // namespace earshot::pipeline::link
