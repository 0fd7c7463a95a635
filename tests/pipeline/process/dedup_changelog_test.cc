// The dedup changelog's formats: batch records (encode, decode, every way a record can be
// corrupt) and the dedup value a platform delete retracts mentions from.
#include "pipeline/process/dedup_changelog.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/pipeline/process/support/changelog_records.h"

namespace earshot::pipeline::process {
namespace {

namespace dc = dedup_changelog;

TEST(DedupChangelog, BatchRecordRoundTrip) {
  const std::string long_value(300, 'v');  // a two-byte length
  const std::string binary_uid("u\0\x01\xff", 4);
  std::string value = batch_record(0x0102030405060708ull, 42,
                                   {{"u1",
                                     "2026-11-23T10:00:00Z\x1f"
                                     "a1"},
                                    {binary_uid, long_value},
                                    {"u3", "!"},
                                    {"u4", ""}});
  EXPECT_TRUE(dc::is_batch(value));
  dc::Batch b;
  ASSERT_TRUE(dc::decode(value, b));
  EXPECT_EQ(b.writer, 0x0102030405060708ull);
  EXPECT_EQ(b.sequence, 42u);
  ASSERT_EQ(b.entries.size(), 4u);
  EXPECT_EQ(b.entries[0].uid, "u1");
  EXPECT_EQ(b.entries[0].value,
            "2026-11-23T10:00:00Z\x1f"
            "a1");
  EXPECT_EQ(b.entries[1].uid, binary_uid);
  EXPECT_EQ(b.entries[1].value, long_value);
  EXPECT_EQ(b.entries[2].value, "!");
  EXPECT_EQ(b.entries[3].value, "");
  dc::Batch empty;
  ASSERT_TRUE(dc::decode(batch_record(7, 1, {}), empty));
  EXPECT_EQ(empty.writer, 7u);
  EXPECT_TRUE(empty.entries.empty());
  // Values of the per-uid format are never taken for batch records.
  EXPECT_FALSE(
      dc::is_batch("2026-11-23T10:00:00Z\x1f"
                   "a1"));
  EXPECT_FALSE(dc::is_batch("!"));
  EXPECT_FALSE(dc::is_batch(""));
}

TEST(DedupChangelog, RejectsEveryTruncationAndTrailingBytes) {
  const std::string value = batch_record(9, 3, {{"u1", std::string(200, 'x')}, {"u2", "!"}});
  dc::Batch b;
  for (std::size_t n = 0; n < value.size(); ++n) {
    EXPECT_FALSE(dc::decode(std::string_view(value).substr(0, n), b)) << "cut at " << n;
    EXPECT_TRUE(b.entries.empty());
  }
  EXPECT_FALSE(dc::decode(value + "z", b));
  std::string huge_count = value;
  huge_count[17] = huge_count[18] = huge_count[19] = huge_count[20] = '\xff';
  EXPECT_FALSE(dc::decode(huge_count, b));
  std::string bad_length = value;
  bad_length[dc::kHeaderSize] = '\x7f';  // uid length past the end
  EXPECT_FALSE(dc::decode(bad_length, b));
  EXPECT_TRUE(dc::decode(value, b));
  EXPECT_EQ(b.entries.size(), 2u);
}

core::ScoredPost scored_post() {
  core::ScoredPost s;
  s.post.uid = "mastodon:m:1";
  s.post.source = "mastodon";
  s.post.created_at = "2026-11-23T10:00:00Z";
  s.post.author = {"",
                   "@a\x1f"
                   "b@mastodon.example",
                   "A", std::nullopt};  // no id: the handle
  core::EntityMention acme;
  acme.id = "acme-air";
  acme.kind = core::EntityKind::company;
  acme.sentiment.label = sentiment::Label::negative;
  acme.sentiment.score = -0.75f;
  core::EntityMention app = acme;
  app.id =
      "acme\x1e"
      "app";  // separator bytes inside a field become spaces
  app.kind = core::EntityKind::product;
  app.match = core::MatchType::derived;
  app.sentiment.label = sentiment::Label::positive;
  app.sentiment.score = 0.5f;
  s.entities = {acme, app};
  return s;
}

TEST(DedupChangelog, APostsValueGivesOneRetractionPerEntity) {
  const std::string value = dc::post_value(scored_post());
  EXPECT_EQ(value,
            "2026-11-23T10:00:00Z\x1f"
            "@a b@mastodon.example"
            "\x1f"
            "acme-air\x1e"
            "company\x1e"
            "negative\x1e"
            "-0.750000\x1e"
            "0"
            "\x1f"
            "acme app\x1e"
            "product\x1e"
            "positive\x1e"
            "0.500000\x1e"
            "1");
  EXPECT_FALSE(dc::is_deleted(value));
  core::Post deleted;
  deleted.uid = "mastodon:m:1";
  deleted.source = "mastodon";
  deleted.deleted = true;
  std::vector<core::Mention> ms;
  dc::retractions(deleted.uid, value, deleted, ms);
  ASSERT_EQ(ms.size(), 2u);
  for (const auto& m : ms) {
    EXPECT_EQ(m.post_uid, "mastodon:m:1");
    EXPECT_EQ(m.source, "mastodon");
    EXPECT_EQ(m.created_at, "2026-11-23T10:00:00Z");
    EXPECT_EQ(m.author_id, "@a b@mastodon.example");
    EXPECT_EQ(m.sentiment.model, "retract");
    EXPECT_TRUE(m.retract);
  }
  EXPECT_EQ(ms[0].entity, "acme-air");
  EXPECT_EQ(ms[0].kind, core::EntityKind::company);
  EXPECT_EQ(ms[0].sentiment.label, sentiment::Label::negative);
  EXPECT_FLOAT_EQ(ms[0].sentiment.score, -0.75f);
  EXPECT_FALSE(ms[0].derived);
  EXPECT_EQ(ms[1].entity, "acme app");
  EXPECT_EQ(ms[1].kind, core::EntityKind::product);
  EXPECT_EQ(ms[1].sentiment.label, sentiment::Label::positive);
  EXPECT_TRUE(ms[1].derived);
}

TEST(DedupChangelog, RetractionsSkipEntitiesThatDoNotParse) {
  core::Post deleted;
  deleted.source = "rss";
  std::vector<core::Mention> ms;
  dc::retractions("u1",
                  "2026-11-23T10:00:00Z\x1f"
                  "a1"
                  "\x1f"
                  "globex\x1e"
                  "company\x1e"
                  "negative\x1e"
                  "not-a-number\x1e"
                  "0"  // bad score
                  "\x1f"
                  "initech\x1e"
                  "company\x1e"
                  "negative"  // too few parts
                  "\x1f"
                  "orbit\x1e"
                  "company\x1e"
                  "neutral\x1e"
                  "0.1\x1e"
                  "0",
                  deleted, ms);
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].entity, "orbit");
  EXPECT_EQ(ms[0].source, "rss");
  ms.clear();
  dc::retractions("u2",
                  "2026-11-23T10:00:00Z\x1f"
                  "a1",
                  deleted, ms);  // no entities
  EXPECT_TRUE(ms.empty());
  EXPECT_TRUE(dc::is_deleted(dc::kDeleted));
  EXPECT_FALSE(dc::is_deleted(""));
}

}  // namespace
}  // namespace earshot::pipeline::process
