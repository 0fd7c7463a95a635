// Issue 14 additions to reply planning: the {case_url}/{customer.url} placeholders, helpdesk
// cases (plan_case), the guard names of the blocked-replies metric.
#include <gtest/gtest.h>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/rfc3339.h"
#include "pipeline/react/reply_planner.h"
#include "pipeline/react/reply_stage.h"
#include "tests/pipeline/react/support/reply_shapes.h"

namespace earshot::pipeline::react {
namespace {

using core::ReplyStatus;

const std::int64_t kNow = *core::parse_rfc3339_ms("2026-11-23T12:00:00Z");

config::RepliesConfig cfg(std::string tmpl = "Hi {author.name}, your case: {case_url}") {
  return react_testing::complaint_replies(
      config::ReplyMode::approval,
      {"acme", "mastodon", "https://mastodon.example", "@acme@mastodon.example", "tok"},
      std::move(tmpl));
}

core::ScoredPost complaint(const std::string& id, std::string customer_url = "") {
  core::ScoredPost sp;
  sp.post.uid = "mastodon:mastodon.example:" + id;
  sp.post.source = "mastodon";
  sp.post.created_at = core::format_rfc3339_ms(kNow - 60'000);
  sp.post.author = {"id-" + id, "ann" + id + "@mastodon.example", "Ann", {}};
  sp.post.text = "acme lost my bag again";
  sp.post.lang = "en";
  sp.intent = core::Intent::complaint;
  sp.entities.push_back(react_testing::negative_mention("acme", {0.9f, 0.08f, 0.02f}));
  sp.customer = core::CustomerRef{"C-1", "vip", "csv", "Ann", std::move(customer_url)};
  return sp;
}

TEST(ReplyCases, CaseUrlPlaceholderIsTheCustomersCrmLinkAndBlocksWhenAbsent) {
  ReplyPlanner p(cfg());
  auto r = p.plan(complaint("1", "https://crm.example/c/1"), kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, ReplyStatus::pending_approval);
  EXPECT_EQ(r->text, "@ann1@mastodon.example Hi Ann, your case: https://crm.example/c/1");
  auto none = p.plan(complaint("2"), kNow);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, ReplyStatus::blocked);
  EXPECT_EQ(none->reason, "placeholder:case_url");

  ReplyPlanner q(cfg("See {customer.url}"));
  auto s = q.plan(complaint("3", "https://crm.example/c/3"), kNow);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->text, "@ann3@mastodon.example See https://crm.example/c/3");
}

TEST(ReplyCases, CustomerUrlSurvivesTheCodec) {
  core::ScoredPost sp = complaint("4", "https://crm.example/c/4");
  sp.post.visibility = "unlisted";
  sp.post.edited_at = "2026-11-23T11:59:30Z";
  sp.sentiment = sp.entities[0].sentiment;
  auto back = codec::decode_scored(codec::encode(sp));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->customer);
  EXPECT_EQ(back->customer->url, "https://crm.example/c/4");
  EXPECT_EQ(back->post.visibility, "unlisted");
  EXPECT_EQ(back->post.edited_at, "2026-11-23T11:59:30Z");
  // Absent stays absent (and is not written).
  core::ScoredPost plain = complaint("5");
  plain.sentiment = plain.entities[0].sentiment;
  const std::string wire = codec::encode(plain);
  EXPECT_EQ(wire.find("\"visibility\""), std::string::npos);
  EXPECT_EQ(wire.find("\"edited_at\""), std::string::npos);
  EXPECT_EQ(codec::decode_scored(wire)->customer->url, "");
}

TEST(ReplyCases, ABlockedComplaintBecomesAnApprovedHelpdeskCaseWithItsOwnKey) {
  config::RepliesConfig c = cfg();
  c.helpdesk.url = "https://help.example/cases";
  ReplyPlanner p(c);
  core::ScoredPost sp = complaint("6");
  sp.flags.push_back("not_public");
  auto r = p.plan(sp, kNow);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->reason, "not_public");
  auto kase = p.plan_case(*r, kNow);
  ASSERT_TRUE(kase);
  EXPECT_EQ(kase->platform, "helpdesk");
  EXPECT_EQ(kase->status, ReplyStatus::approved);
  EXPECT_EQ(kase->reason, "reply blocked: not_public");
  EXPECT_EQ(kase->id, case_id_for(sp.post.uid));
  EXPECT_NE(kase->id, r->id);
  EXPECT_EQ(core::reply_topic_key(*kase), "helpdesk:" + sp.post.uid);
  EXPECT_EQ(core::reply_topic_key(*r), sp.post.uid);
  EXPECT_EQ(kase->post_text, sp.post.text);
  ASSERT_TRUE(kase->customer);
  auto back = codec::decode_reply(codec::encode(*kase));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *kase);
}

TEST(ReplyCases, NoCaseForPostsNotOursToAnswerNorForRepliesUnlessWhenAll) {
  config::RepliesConfig c = cfg();
  c.helpdesk.url = "https://help.example/cases";
  c.other_accounts = {"@rival@mastodon.example"};
  ReplyPlanner p(c);
  core::ScoredPost rival = complaint("7");
  rival.post.author.handle = "@rival@mastodon.example";
  auto r = p.plan(rival, kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "other_company_account");
  EXPECT_FALSE(p.plan_case(*r, kNow));
  core::ScoredPost spam = complaint("8");
  spam.flags.push_back("spam");
  EXPECT_FALSE(p.plan_case(*p.plan(spam, kNow), kNow));
  auto ok = p.plan(complaint("9", "https://crm.example/c/9"), kNow);
  ASSERT_EQ(ok->status, ReplyStatus::pending_approval);
  EXPECT_FALSE(p.plan_case(*ok, kNow));  // when: blocked (the default)

  c.helpdesk.when = "all";
  ReplyPlanner all(c);
  auto ok2 = all.plan(complaint("10", "https://crm.example/c/10"), kNow);
  auto kase = all.plan_case(*ok2, kNow);
  ASSERT_TRUE(kase);
  EXPECT_EQ(kase->reason, "complaint");
  c.helpdesk.url.clear();
  ReplyPlanner off(c);
  EXPECT_FALSE(off.plan_case(*off.plan(complaint("11"), kNow), kNow));
}

TEST(ReplyCases, ACaseRecordIsNoReplyForCooldownsAfterARestart) {
  config::RepliesConfig c = cfg();
  c.helpdesk.url = "https://help.example/cases";
  c.helpdesk.when = "all";
  c.daily_cap = 1;
  ReplyPlanner first(c);
  auto r = first.plan(complaint("12", "https://crm.example/c/12"), kNow);
  auto kase = first.plan_case(*r, kNow);
  ASSERT_TRUE(kase);
  ReplyPlanner restarted(c);
  restarted.observe(*kase);  // only the case record was read: the cap is untouched
  auto next = restarted.plan(complaint("13", "https://crm.example/c/13"), kNow);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, ReplyStatus::pending_approval);
  EXPECT_FALSE(restarted.plan(complaint("12", "https://crm.example/c/12"), kNow));  // planned
}

TEST(ReplyCases, BlockedGuardDropsTheDetailButKeepsFlagNames) {
  EXPECT_EQ(blocked_guard("no_template:de"), "no_template");
  EXPECT_EQ(blocked_guard("placeholder:case_url"), "placeholder");
  EXPECT_EQ(blocked_guard("flag:sarcasm"), "flag:sarcasm");
  EXPECT_EQ(blocked_guard("quiet_hours"), "quiet_hours");
}

}  // namespace
}  // namespace earshot::pipeline::react
