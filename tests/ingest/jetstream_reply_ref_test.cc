// Bluesky reply refs kept on the Post at ingest (issue 14): a reply to a post must name the
// post's strong ref (at-uri + cid) and its thread's root.
#include <gtest/gtest.h>

#include <string>

#include "ingest/jetstream_event.h"
#include "pipeline/codec/json_codec.h"
#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest {
namespace {

using testing::read_fixture;

std::string event(const std::string& record_reply, const std::string& cid_member) {
  return R"({"did":"did:plc:ann","time_us":1725911162329308,"kind":"commit","commit":{)"
         R"("rev":"3l3qo2vutsw2b","operation":"create","collection":"app.bsky.feed.post",)"
         R"("rkey":"3kpost","record":{"$type":"app.bsky.feed.post",)"
         R"("createdAt":"2024-09-09T19:46:02.102Z","text":"acme lost my bag")" +
         record_reply + "}" + cid_member + "}}";
}

TEST(JetstreamReplyRef, AReplyKeepsItsOwnRefAndItsThreadRoot) {
  JetstreamEvent e = parse_jetstream_event(read_fixture("jetstream_create.json"), nullptr);
  ASSERT_TRUE(e.post);
  ASSERT_TRUE(e.post->reply_ref);
  const auto& ref = *e.post->reply_ref;
  EXPECT_EQ(ref.uri, "at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vuowo2b");
  EXPECT_EQ(ref.cid, "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi");
  EXPECT_EQ(ref.root_uri, "at://did:plc:wa7b35aakoll7hugkrjtf3xf/app.bsky.feed.post/3l3pte3p2e325");
  EXPECT_EQ(ref.root_cid, "bafyreida4lwh2bfdihm7nhsrxpnfmhgzurx7ajydmbzqabncuzbv5cmsyq");
  // The strict decoder takes what ingest made (ingest checks every post with it).
  auto back = pipeline::codec::decode_post(pipeline::codec::encode(*e.post));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->reply_ref, e.post->reply_ref);
}

TEST(JetstreamReplyRef, ATopLevelPostIsItsOwnRoot) {
  JetstreamEvent e = parse_jetstream_event(event("", R"(,"cid":"bafyself")"), nullptr);
  ASSERT_TRUE(e.post) << (e.dead ? e.dead->reason : "");
  ASSERT_TRUE(e.post->reply_ref);
  EXPECT_EQ(e.post->reply_ref->uri, "at://did:plc:ann/app.bsky.feed.post/3kpost");
  EXPECT_EQ(e.post->reply_ref->cid, "bafyself");
  EXPECT_EQ(e.post->reply_ref->root_uri, e.post->reply_ref->uri);
  EXPECT_EQ(e.post->reply_ref->root_cid, "bafyself");
}

TEST(JetstreamReplyRef, WithoutACidOrWithAMalformedRootThereIsNoRefButStillAPost) {
  JetstreamEvent no_cid = parse_jetstream_event(event("", ""), nullptr);
  ASSERT_TRUE(no_cid.post);
  EXPECT_FALSE(no_cid.post->reply_ref);

  const std::string bad_root =
      R"(,"reply":{"parent":{"uri":"at://did:plc:x/app.bsky.feed.post/3p","cid":"bafyp"},)"
      R"("root":{"uri":"at://did:plc:x/app.bsky.feed.post/3r"}})";
  JetstreamEvent e = parse_jetstream_event(event(bad_root, R"(,"cid":"bafyself")"), nullptr);
  ASSERT_TRUE(e.post);
  EXPECT_FALSE(e.post->reply_ref);  // never a reply to the wrong thread
  EXPECT_EQ(e.post->reply_to, "bluesky:did:plc:x:3p");

  JetstreamEvent odd = parse_jetstream_event(event(R"(,"reply":5)", R"(,"cid":"bafy")"), nullptr);
  ASSERT_TRUE(odd.post);
  EXPECT_FALSE(odd.post->reply_ref);
  JetstreamEvent number = parse_jetstream_event(event("", R"(,"cid":7)"), nullptr);
  ASSERT_TRUE(number.post);
  EXPECT_FALSE(number.post->reply_ref);
}

}  // namespace
}  // namespace earshot::ingest
