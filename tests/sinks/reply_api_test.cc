#include "sinks/reply_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pipeline/core/rfc3339.h"
#include "sinks/http_server.h"

namespace earshot::sinks {
namespace {

namespace core = pipeline::core;
using nlohmann::json;

const std::int64_t kNow = *core::parse_rfc3339_ms("2026-11-23T12:00:00Z");

core::ReplyIntent pending(const std::string& n, const std::string& entity = "acme",
                          const std::string& at = "2026-11-23T10:00:00.000Z") {
  core::ReplyIntent r;
  r.id = "reply-" + n;
  r.post_uid = "mastodon:m.example:" + n;
  r.platform = "mastodon";
  r.in_reply_to = n;
  r.text = "@ann sorry";
  r.template_name = "complaints";
  r.entity = entity;
  r.status = core::ReplyStatus::pending_approval;
  r.intent = core::Intent::complaint;
  r.sentiment.label = sentiment::Label::negative;
  r.sentiment.score = -0.75f;
  r.post_text = "lost my bag";
  r.post_author = "ann@m.example";
  r.post_url = "https://m.example/@ann/" + n;
  r.post_created_at = "2026-11-23T09:59:00Z";
  r.customer = core::CustomerRef{"c-1", "vip", "csv", "Ann"};
  r.history.push_back({core::ReplyStatus::pending_approval, "planner", at, ""});
  return r;
}

struct Rig {
  ReplyBook book;
  std::vector<core::ReplyIntent> published;
  bool fail = false;
  ReplyApi api{book,
               [this](const core::ReplyIntent& r) -> core::Status {
                 if (fail)
                   return std::unexpected(core::Error(core::ErrorCode::kUnavailable, "broker"));
                 published.push_back(r);
                 return core::ok();
               },
               [] { return kNow; }};
  HttpServer server{{.listen = "127.0.0.1:0",
                     .tokens = {{"admin-token-0123", "alice", core::Scope::kAdmin},
                                {"read-token-01234", "bob", core::Scope::kRead}}}};
  Rig() { api.install(server); }
  ServerResponse call(std::string method, std::string path, std::string token,
                      std::string body = "", std::map<std::string, std::string> query = {}) {
    ServerRequest req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.query = std::move(query);
    req.body = std::move(body);
    req.headers["authorization"] = "Bearer " + token;
    bool unauthorized = false;
    return server.dispatch(std::move(req), &unauthorized);
  }
};

TEST(ReplyApi, ListsNewestFirstFilteredByStatusAndEntity) {
  Rig rig;
  rig.book.apply(pending("1", "acme", "2026-11-23T10:00:00.000Z"));
  rig.book.apply(pending("2", "acme", "2026-11-23T11:00:00.000Z"));
  rig.book.apply(pending("3", "globex", "2026-11-23T11:30:00.000Z"));
  auto blocked = pending("4");
  blocked.status = core::ReplyStatus::blocked;
  rig.book.apply(blocked);
  auto res = rig.call("GET", "/api/v1/replies", "read-token-01234", "",
                      {{"status", "pending_approval"}, {"entity", "acme"}});
  ASSERT_EQ(res.status, 200);
  auto j = json::parse(res.body);
  ASSERT_EQ(j["replies"].size(), 2u);
  EXPECT_EQ(j["replies"][0]["id"], "reply-2");
  EXPECT_EQ(j["replies"][1]["id"], "reply-1");
  auto limited = json::parse(
      rig.call("GET", "/api/v1/replies", "read-token-01234", "", {{"limit", "1"}}).body);
  ASSERT_EQ(limited["replies"].size(), 1u);
  EXPECT_EQ(limited["replies"][0]["id"], "reply-3");
  EXPECT_EQ(rig.call("GET", "/api/v1/replies", "read-token-01234", "", {{"status", "x"}}).status,
            400);
}

TEST(ReplyApi, OneReplyHasTheContractShape) {
  Rig rig;
  rig.book.apply(pending("1"));
  auto res = rig.call("GET", "/api/v1/replies/reply-1", "read-token-01234");
  ASSERT_EQ(res.status, 200);
  auto j = json::parse(res.body);
  for (const char* k : {"id", "post_uid", "platform", "entity", "in_reply_to", "text", "template",
                        "status", "reason", "customer", "post", "sentiment", "intent", "history"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["customer"]["name"], "Ann");
  EXPECT_EQ(j["post"]["author"], "ann@m.example");
  EXPECT_EQ(j["post"]["created_at"], "2026-11-23T09:59:00Z");
  EXPECT_EQ(j["sentiment"]["label"], "negative");
  EXPECT_DOUBLE_EQ(j["sentiment"]["score"].get<double>(), -0.75);
  EXPECT_EQ(j["intent"], "complaint");
  EXPECT_EQ(j["history"][0]["by"], "planner");
  EXPECT_EQ(rig.call("GET", "/api/v1/replies/nope", "read-token-01234").status, 404);
}

TEST(ReplyApi, ApproveRecordsWhoAndWhenAndPublishes) {
  Rig rig;
  rig.book.apply(pending("1"));
  auto res = rig.call("POST", "/api/v1/replies/reply-1/approve", "admin-token-0123");
  ASSERT_EQ(res.status, 200) << res.body;
  auto j = json::parse(res.body);
  EXPECT_EQ(j["status"], "approved");
  ASSERT_EQ(j["history"].size(), 2u);
  EXPECT_EQ(j["history"][1]["status"], "approved");
  EXPECT_EQ(j["history"][1]["by"], "alice");
  EXPECT_EQ(j["history"][1]["at"], core::format_rfc3339_ms(kNow));
  ASSERT_EQ(rig.published.size(), 1u);
  EXPECT_EQ(rig.published[0].status, core::ReplyStatus::approved);
  EXPECT_EQ(rig.published[0].text, "@ann sorry");
  EXPECT_EQ(rig.book.get("reply-1")->status, core::ReplyStatus::approved);
  // Approving again (or an approved reply being edited) is a conflict, not a second record.
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/approve", "admin-token-0123").status, 409);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/edit", "admin-token-0123", R"({"text":"x"})")
                .status,
            409);
  EXPECT_EQ(rig.published.size(), 1u);
}

TEST(ReplyApi, EditedTextIsWhatGetsApproved) {
  Rig rig;
  rig.book.apply(pending("1"));
  auto edited = rig.call("POST", "/api/v1/replies/reply-1/edit", "admin-token-0123",
                         R"({"text":"@ann new"})");
  ASSERT_EQ(edited.status, 200);
  EXPECT_EQ(json::parse(edited.body)["status"], "pending_approval");
  EXPECT_EQ(json::parse(edited.body)["text"], "@ann new");
  auto approved = rig.call("POST", "/api/v1/replies/reply-1/approve", "admin-token-0123",
                           R"({"text":"@ann newer"})");
  ASSERT_EQ(approved.status, 200);
  EXPECT_EQ(rig.published.back().text, "@ann newer");
  EXPECT_EQ(rig.published.back().history.back().reason, "edited");
  EXPECT_EQ(rig.published.size(), 2u);
}

TEST(ReplyApi, RejectKeepsTheReason) {
  Rig rig;
  rig.book.apply(pending("1"));
  auto res = rig.call("POST", "/api/v1/replies/reply-1/reject", "admin-token-0123",
                      R"({"reason":"sarcasm"})");
  ASSERT_EQ(res.status, 200);
  auto j = json::parse(res.body);
  EXPECT_EQ(j["status"], "rejected");
  EXPECT_EQ(j["reason"], "sarcasm");
  EXPECT_EQ(j["history"][1]["by"], "alice");
  auto sent = pending("2");
  sent.status = core::ReplyStatus::sent;
  rig.book.apply(sent);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-2/reject", "admin-token-0123").status, 409);
}

TEST(ReplyApi, ReadTokensListButCannotAct) {
  Rig rig;
  rig.book.apply(pending("1"));
  EXPECT_EQ(rig.call("GET", "/api/v1/replies", "read-token-01234").status, 200);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/approve", "read-token-01234").status, 403);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/reject", "read-token-01234").status, 403);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/edit", "read-token-01234").status, 403);
  EXPECT_EQ(rig.call("GET", "/api/v1/replies", "wrong").status, 401);
  EXPECT_TRUE(rig.published.empty());
  EXPECT_EQ(rig.book.get("reply-1")->status, core::ReplyStatus::pending_approval);
}

TEST(ReplyApi, BadBodiesAndUnknownIds) {
  Rig rig;
  rig.book.apply(pending("1"));
  const std::string admin = "admin-token-0123";
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/nope/approve", admin).status, 404);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/approve", admin, "[1]").status, 400);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/approve", admin, "{bad").status, 400);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/edit", admin, "{}").status, 400);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/edit", admin, R"({"text":""})").status, 400);
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/edit", admin,
                     json{{"text", std::string(501, 'x')}}.dump())
                .status,
            400);
  EXPECT_TRUE(rig.published.empty());
}

TEST(ReplyApi, AFailedPublishChangesNothing) {
  Rig rig;
  rig.book.apply(pending("1"));
  rig.fail = true;
  EXPECT_EQ(rig.call("POST", "/api/v1/replies/reply-1/approve", "admin-token-0123").status, 503);
  EXPECT_EQ(rig.book.get("reply-1")->status, core::ReplyStatus::pending_approval);
}

}  // namespace
}  // namespace earshot::sinks
