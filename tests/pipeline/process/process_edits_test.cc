// Issue 14: an edited version of a post already scored is not dropped as a duplicate. The
// process stage passes it on to `scored` flagged `edited` (so the reply planner can block a
// reply planned for the old text), while an identical repeat — of either version, and after
// a restart — is still a duplicate.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "pipeline/process/dedup_changelog.h"
#include "tests/pipeline/process/support/process_harness.h"

namespace earshot::pipeline::process {
namespace {

std::string version(const std::string& uid, const std::string& text,
                    std::optional<std::string> edited_at) {
  core::Post p = *codec::decode_post(post_json(uid, text));
  p.edited_at = std::move(edited_at);
  return codec::encode(p);
}

std::vector<core::ScoredPost> scored(Harness& h) {
  std::vector<core::ScoredPost> out;
  for (const auto& r : h.read("scored")) {
    auto s = codec::decode_scored(r.value);
    EXPECT_TRUE(s) << s.error().message;
    if (s) out.push_back(*s);
  }
  return out;
}

bool edited(const core::ScoredPost& s) {
  return std::find(s.flags.begin(), s.flags.end(), "edited") != s.flags.end();
}

const std::string kOld = "Acme Air was on time";
const std::string kNew = "Acme Air lost my bag, sorry I was wrong";

TEST(ProcessEdits, AnEditedVersionPassesFlaggedEditedAndRepeatsStayDuplicates) {
  Harness h;
  h.write({version("u1", kOld, std::nullopt), version("u1", kOld, std::nullopt),  // repeat
           version("u1", kNew, "2026-11-23T10:05:00Z"),                            // the edit
           version("u1", kNew, "2026-11-23T10:05:00Z"),   // the edit repeated
           version("u1", kOld, std::nullopt)});            // the old version replayed
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.scored, 1u);
  EXPECT_EQ(c.edits, 1u);
  EXPECT_EQ(c.duplicates, 3u);
  auto out = scored(h);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].post.text, kOld);
  EXPECT_FALSE(edited(out[0]));
  EXPECT_EQ(out[1].post.uid, "u1");
  EXPECT_EQ(out[1].post.text, kNew);
  EXPECT_TRUE(edited(out[1]));
  EXPECT_EQ(h.read("mentions").size(), 1u);  // the edit adds no mentions (aggregates keep v1)
}

TEST(ProcessEdits, TheDecisionSurvivesARestartAndALaterEditStillPasses) {
  Harness h;
  h.write({version("u1", kOld, std::nullopt), version("u1", kNew, "2026-11-23T10:05:00Z")});
  ProcessCounters first;
  h.run(first);
  EXPECT_EQ(first.edits, 1u);
  // A new stage restores from the changelog: the edit it saw is known, a newer one is not.
  h.write({version("u1", kNew, "2026-11-23T10:05:00Z"), version("u1", kOld, std::nullopt),
           version("u1", "Acme Air lost my bag twice", "2026-11-23T10:09:00Z")});
  ProcessCounters second;
  h.run(second);
  EXPECT_EQ(second.duplicates, 2u);
  EXPECT_EQ(second.edits, 1u);
  auto out = scored(h);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].post.text, "Acme Air lost my bag twice");
  EXPECT_TRUE(edited(out[2]));
}

TEST(ProcessEdits, ChangedTextWithoutEditedAtIsAnEditAndAnOlderEditIsNot) {
  Harness h;
  h.write({version("u1", kOld, "2026-11-23T10:05:00Z"),
           version("u1", "older text", "2026-11-23T10:01:00Z"),  // an older version, late
           version("u2", kOld, std::nullopt),
           version("u2", kNew, std::nullopt)});  // e.g. a feed entry rewritten
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.scored, 2u);
  EXPECT_EQ(c.edits, 1u);
  EXPECT_EQ(c.duplicates, 1u);
  auto out = scored(h);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].post.uid, "u2");
  EXPECT_EQ(out[2].post.text, kNew);
  EXPECT_TRUE(edited(out[2]));
}

TEST(ProcessEdits, ADeletedPostIsNotRevivedByAnEditAndTheDeleteRetractsOnce) {
  Harness h;
  h.write({version("u1", kOld, std::nullopt), version("u1", kNew, "2026-11-23T10:05:00Z"),
           post_json("u1", "", /*deleted=*/true),
           version("u1", "after the delete", "2026-11-23T10:09:00Z")});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.edits, 1u);
  EXPECT_EQ(c.deletes, 1u);
  EXPECT_EQ(c.duplicates, 1u);
  std::size_t retracts = 0;
  for (const auto& r : h.read("mentions")) {
    auto m = codec::decode_mention(r.value);
    ASSERT_TRUE(m);
    retracts += m->retract ? 1 : 0;
  }
  EXPECT_EQ(retracts, 1u);
}

// Another instance's changelog entries of one uid may be read in any order: the highest
// revision wins, so the versions it saw stay duplicates here and only a newer one passes.
TEST(ProcessEdits, ChangelogReadersKeepTheHighestRevisionWhateverTheOrder) {
  Harness h;
  auto value = [](const std::string& text, std::optional<std::string> at, std::uint32_t rev) {
    core::ScoredPost s;
    s.post = *codec::decode_post(version("u1", text, at));
    return dc::with_version(dc::post_value(s), {rev, at.value_or(""), dc::text_hash(text)});
  };
  h.write_changelog({{"posts:0:7", batch_record(42, 3, {{"u1", value("v2", "2026-11-23T10:09:00Z", 2)}})},
                     {"posts:0:1", batch_record(42, 1, {{"u1", value(kOld, std::nullopt, 0)}})},
                     {"posts:0:4", batch_record(42, 2, {{"u1", value("v1", "2026-11-23T10:05:00Z", 1)}})}});
  h.write({version("u1", "v1", "2026-11-23T10:05:00Z"), version("u1", "v2", "2026-11-23T10:09:00Z"),
           version("u1", kOld, std::nullopt), version("u1", "v3", "2026-11-23T10:12:00Z")});
  ProcessCounters c;
  h.run(c);
  EXPECT_EQ(c.duplicates, 3u);
  EXPECT_EQ(c.edits, 1u);
  auto out = scored(h);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].post.text, "v3");
}

TEST(DedupVersion, OldValuesWithoutAVersionReadAsNeverEdited) {
  core::ScoredPost s;
  s.post.created_at = "2026-11-23T10:00:00Z";
  s.post.author.id = "a1";
  const std::string old = dedup_changelog::post_value(s);
  EXPECT_EQ(dedup_changelog::version_of(old).rev, 0u);
  core::Post p = s.post;
  EXPECT_FALSE(dedup_changelog::is_edit(old, p, dedup_changelog::text_hash("x")));
  p.edited_at = "2026-11-23T10:05:00Z";
  EXPECT_TRUE(dedup_changelog::is_edit(old, p, dedup_changelog::text_hash("x")));
  auto v = dedup_changelog::with_version(old, {3, "2026-11-23T10:05:00Z", "abc"});
  EXPECT_EQ(dedup_changelog::version_of(v).rev, 3u);
  EXPECT_EQ(dedup_changelog::version_of(dedup_changelog::with_version(v, {4, "", "d"})).rev, 4u);
  EXPECT_EQ(dedup_changelog::text_hash("hello"), "a430d84680aabd0b");  // FNV-1a 64
}

}  // namespace
}  // namespace earshot::pipeline::process
