// Issue 14: a Mastodon status's audience and edits reach the Post (the enricher turns them
// into the reply guards' flags not_public and edited).
#include <gtest/gtest.h>

#include "ingest/mastodon_status.h"

namespace earshot::ingest {
namespace {

std::string status(const std::string& extra) {
  return R"({"id":"7","created_at":"2026-11-23T10:00:00.000Z","url":"https://m.example/@ann/7",
             "account":{"id":"1","acct":"ann","display_name":"Ann"},
             "content":"<p>acme lost my bag</p>")" +
         extra + "}";
}

TEST(MastodonVisibility, RestrictedAudienceIsKeptPublicIsTheDefault) {
  for (const char* v : {"unlisted", "private", "direct"}) {
    auto s = parse_mastodon_status(status(std::string(R"(,"visibility":")") + v + "\""),
                                   "m.example");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->post.visibility, v);
  }
  auto pub = parse_mastodon_status(status(R"(,"visibility":"public")"), "m.example");
  ASSERT_TRUE(pub);
  EXPECT_FALSE(pub->post.visibility);
  auto none = parse_mastodon_status(status(""), "m.example");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->post.visibility);
}

TEST(MastodonVisibility, EditedAtIsNormalisedAndNullMeansNeverEdited) {
  auto e = parse_mastodon_status(status(R"(,"edited_at":"2026-11-23T11:00:00.250+01:00")"),
                                 "m.example");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->post.edited_at, "2026-11-23T10:00:00.250Z");
  auto n = parse_mastodon_status(status(R"(,"edited_at":null)"), "m.example");
  ASSERT_TRUE(n);
  EXPECT_FALSE(n->post.edited_at);
}

}  // namespace
}  // namespace earshot::ingest
