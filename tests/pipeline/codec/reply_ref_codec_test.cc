// The Bluesky reply refs on Post and ReplyIntent (issue 14): optional on the wire, round
// trip, and a malformed value is refused with the member named (a dead letter, not a crash).
#include <gtest/gtest.h>

#include <string>

#include "pipeline/codec/json_codec.h"

namespace earshot::pipeline::codec {
namespace {

core::ReplyRef sample_ref() {
  return {"at://did:plc:ann/app.bsky.feed.post/3kpost", "bafyreipost",
          "at://did:plc:root/app.bsky.feed.post/3kroot", "bafyreiroot"};
}

core::Post bluesky_post() {
  core::Post p;
  p.uid = "bluesky:did:plc:ann:3kpost";
  p.source = "bluesky";
  p.url = "https://bsky.app/profile/did:plc:ann/post/3kpost";
  p.created_at = "2026-11-23T10:00:00Z";
  p.author = {"did:plc:ann", "ann.bsky.social", "", {}};
  p.text = "acme lost my bag";
  p.reply_ref = sample_ref();
  return p;
}

TEST(ReplyRefCodec, PostWithReplyRefRoundTrips) {
  core::Post p = bluesky_post();
  std::string wire = encode(p);
  EXPECT_NE(wire.find(R"("reply_ref":{"uri":"at://did:plc:ann/app.bsky.feed.post/3kpost",)"
                      R"("cid":"bafyreipost","root_uri":"at://did:plc:root/app.bsky.feed.post/)"
                      R"(3kroot","root_cid":"bafyreiroot"})"),
            std::string::npos)
      << wire;
  auto back = decode_post(wire);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, p);
}

TEST(ReplyRefCodec, AbsentWhenThePostHasNoneAndNullReadsAsAbsent) {
  core::Post p = bluesky_post();
  p.reply_ref.reset();
  std::string wire = encode(p);
  EXPECT_EQ(wire.find("reply_ref"), std::string::npos) << wire;
  wire.insert(wire.size() - 1, R"(,"reply_ref":null)");
  auto back = decode_post(wire);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_FALSE(back->reply_ref);
}

TEST(ReplyRefCodec, ScoredPostAndReplyIntentCarryIt) {
  core::ScoredPost sp;
  sp.post = bluesky_post();
  auto sp_back = decode_scored(encode(sp));
  ASSERT_TRUE(sp_back) << sp_back.error().message;
  EXPECT_EQ(sp_back->post.reply_ref, sample_ref());

  core::ReplyIntent r;
  r.id = "reply-1";
  r.post_uid = sp.post.uid;
  r.platform = "bluesky";
  r.reply_ref = sample_ref();
  auto r_back = decode_reply(encode(r));
  ASSERT_TRUE(r_back) << r_back.error().message;
  EXPECT_EQ(*r_back, r);
  r.reply_ref.reset();
  auto plain = decode_reply(encode(r));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->reply_ref);
}

struct BadRef {
  const char* ref;
  const char* reason;
};
void PrintTo(const BadRef& c, std::ostream* os) { *os << c.reason; }

class ReplyRefRejects : public ::testing::TestWithParam<BadRef> {};

TEST_P(ReplyRefRejects, PostAndReplyNameTheMember) {
  core::Post p = bluesky_post();
  p.reply_ref.reset();
  std::string wire = encode(p);
  wire.insert(wire.size() - 1, std::string(R"(,"reply_ref":)") + GetParam().ref);
  auto r = decode_post(wire);
  ASSERT_FALSE(r) << wire;
  EXPECT_NE(r.error().message.find(GetParam().reason), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);

  core::ReplyIntent intent;
  intent.id = "reply-1";
  std::string rwire = encode(intent);
  rwire.insert(rwire.size() - 1, std::string(R"(,"reply_ref":)") + GetParam().ref);
  auto ri = decode_reply(rwire);
  ASSERT_FALSE(ri) << rwire;
  EXPECT_NE(ri.error().message.find(GetParam().reason), std::string::npos) << ri.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Strict, ReplyRefRejects,
    ::testing::Values(
        BadRef{R"("at://x")", "reply_ref: expected an object"},
        BadRef{R"([1])", "reply_ref: expected an object"},
        BadRef{R"({"uri":"at://a/b/c","cid":"c","root_uri":"at://a/b/c"})",
               "reply_ref.root_cid: required non-empty string"},
        BadRef{R"({"uri":"at://a/b/c","cid":"","root_uri":"at://a/b/c","root_cid":"r"})",
               "reply_ref.cid: required non-empty string"},
        BadRef{R"({"uri":"https://bsky.app/x","cid":"c","root_uri":"at://a/b/c","root_cid":"r"})",
               "reply_ref.uri: not an at:// URI"},
        BadRef{R"({"uri":"at://a/b/c","cid":"c","root_uri":"a","root_cid":"r"})",
               "reply_ref.root_uri: not an at:// URI"},
        BadRef{R"({"uri":"at://a/b/c","cid":7,"root_uri":"at://a/b/c","root_cid":"r"})",
               "reply_ref.cid: expected a string"},
        BadRef{R"({"uri":"at://a","uri":"at://b","cid":"c","root_uri":"at://a","root_cid":"r"})",
               "reply_ref.uri: duplicate member name"}));

}  // namespace
}  // namespace earshot::pipeline::codec
