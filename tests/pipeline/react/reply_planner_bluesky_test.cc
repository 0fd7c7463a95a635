// The planner on Bluesky posts (issue 14): the 300 limit counts graphemes, and the reply
// carries the post's reply refs to the sender.
#include <gtest/gtest.h>

#include "pipeline/core/rfc3339.h"
#include "pipeline/react/reply_planner.h"
#include "tests/pipeline/react/support/reply_shapes.h"

namespace earshot::pipeline::react {
namespace {

const std::int64_t kNow = *core::parse_rfc3339_ms("2026-11-23T12:00:00Z");

config::RepliesConfig bluesky_config(std::string tmpl) {
  config::ReplyAccountDef acc;
  acc.entity = "acme";
  acc.platform = "bluesky";
  acc.handle = "acme.bsky.social";
  acc.app_password = "x";
  return react_testing::complaint_replies(config::ReplyMode::approval, acc, std::move(tmpl));
}

core::ScoredPost bluesky_complaint(const std::string& rkey) {
  core::ScoredPost sp;
  sp.post.uid = "bluesky:did:plc:ann:" + rkey;
  sp.post.source = "bluesky";
  sp.post.created_at = core::format_rfc3339_ms(kNow - 60'000);
  sp.post.author = {"did:plc:ann", "ann.bsky.social", "Ann", {}};
  sp.post.text = "acme lost my bag";
  sp.post.lang = "en";
  sp.post.reply_ref = core::ReplyRef{"at://did:plc:ann/app.bsky.feed.post/" + rkey, "bafyp",
                                     "at://did:plc:root/app.bsky.feed.post/3kroot", "bafyr"};
  sp.intent = core::Intent::complaint;
  sp.entities.push_back(react_testing::negative_mention("acme", {0.9f, 0.1f, 0.0f}));
  return sp;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ReplyPlannerBluesky, TheLimitCountsGraphemesNotCodePoints) {
  const std::string prefix = "@ann.bsky.social ";  // 17 graphemes, added by the planner
  const std::string thumbs = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";  // 1 grapheme, 2 code points
  // 17 + 283 = 300 graphemes (566 code points): within the limit.
  ReplyPlanner fits(bluesky_config(repeat(thumbs, 283)));
  auto r = fits.plan(bluesky_complaint("3ka"), kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, core::ReplyStatus::pending_approval) << r->reason;
  EXPECT_EQ(r->text.rfind(prefix, 0), 0u);
  // One more grapheme is too long.
  ReplyPlanner over(bluesky_config(repeat(thumbs, 284)));
  auto o = over.plan(bluesky_complaint("3kb"), kNow);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status, core::ReplyStatus::blocked);
  EXPECT_EQ(o->reason, "too_long");
}

TEST(ReplyPlannerBluesky, TheReplyCarriesThePostsRefsAndAuthorDid) {
  ReplyPlanner p(bluesky_config("Hi {author.name}, sorry."));
  auto sp = bluesky_complaint("3kc");
  auto r = p.plan(sp, kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reply_ref, sp.post.reply_ref);
  EXPECT_EQ(r->post_author_id, "did:plc:ann");
  EXPECT_EQ(r->in_reply_to, "at://did:plc:ann/app.bsky.feed.post/3kc");
  EXPECT_EQ(r->text, "@ann.bsky.social Hi Ann, sorry.");
}

}  // namespace
}  // namespace earshot::pipeline::react
