// NDJSON Post decoding (the body of webhook pushes and replay files).
#include "ingest/post_jsonl.h"

#include <gtest/gtest.h>

#include "tests/ingest/support/http_fixture_server.h"

namespace earshot::ingest {
namespace {

TEST(PostJsonl, DecodesGoodLinesAndDeadLettersBadOnes) {
  Normalized out = decode_post_lines(testing::read_fixture("posts.jsonl"), "file");
  ASSERT_EQ(out.posts.size(), 4u);
  ASSERT_EQ(out.dead.size(), 2u);
  const pipeline::core::Post& p = out.posts[0];
  EXPECT_EQ(p.uid, "file:replay:1");
  EXPECT_EQ(p.author.followers, 3);
  EXPECT_EQ(p.tags, std::vector<std::string>{"acme"});
  EXPECT_EQ(p.ingested_at, "2026-11-23T10:00:01Z");
  EXPECT_EQ(out.posts[1].created_at, "2026-11-23T10:00:00Z");
  EXPECT_EQ(out.posts[2].reply_to, "file:replay:1");
  EXPECT_FALSE(out.dead[0].reason.empty());
  EXPECT_EQ(out.dead[0].original, "this is not json");
  EXPECT_NE(out.dead[1].reason.find("created_at"), std::string::npos) << out.dead[1].reason;
  EXPECT_EQ(out.dead[1].stage, "ingest:file");
  EXPECT_FALSE(decode_post_line(
      R"({"v":2,"uid":"a","source":"s","created_at":"2026-11-23T10:00:00Z","author":{"id":"a"},"text":"t"})"));
  EXPECT_FALSE(decode_post_line(R"({"uid":"a","source":"s","created_at":"2026-11-23T10:00:00Z"})"));
}

}  // namespace
}  // namespace earshot::ingest
