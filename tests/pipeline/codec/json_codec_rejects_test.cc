// The decoder is strict: malformed, incomplete or oversized input is refused with the member
// named (a dead letter with a reason, never a crash); unknown members and nulls are accepted.
#include "pipeline/codec/json_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/pipeline/codec/support/sample_post.h"

namespace earshot::pipeline::codec {
namespace {

using codec_testing::sample_post;

struct BadCase {
  const char* json;
  const char* reason_contains;
};
// Shown when a case fails: the expected reason, not the struct's pointer bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.reason_contains; }

class JsonCodecRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(JsonCodecRejects, WithAReason) {
  auto r = decode_post(GetParam().json);
  ASSERT_FALSE(r) << GetParam().json;
  EXPECT_NE(r.error().message.find(GetParam().reason_contains), std::string::npos)
      << "message was: " << r.error().message;
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
}

#define OK_AUTHOR R"("author":{"id":"1","handle":"@a"})"
INSTANTIATE_TEST_SUITE_P(
    Strict, JsonCodecRejects,
    ::testing::Values(
        BadCase{"not json", "$"}, BadCase{"[1,2]", "expected a JSON object"},
        BadCase{
            R"({"v":1,"uid":"x","uid":"y","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
            "}",
            "uid: duplicate member name"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"\ud800",)" OK_AUTHOR
            "}",
            "text: invalid string"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"\udc00x",)" OK_AUTHOR
            "}",
            "text: invalid string"},
        BadCase{
            "{\"v\":1,\"uid\":\"x\",\"source\":\"s\",\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"\xFF\"," OK_AUTHOR
            "}",
            "invalid UTF-8"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","score":NaN,)" OK_AUTHOR
            "}",
            "score"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-02-30T00:00:00Z","text":"t",)" OK_AUTHOR
            "}",
            "created_at: expected an RFC 3339"},
        BadCase{R"({"v":1,"uid":"x","source":"s","created_at":"yesterday","text":"t",)" OK_AUTHOR
                "}",
                "created_at"},
        BadCase{R"({"v":1,"uid":"x","source":"s","created_at":1700000000,"text":"t",)" OK_AUTHOR
                "}",
                "created_at: expected a string"},
        BadCase{
            R"({"v":2,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
            "}",
            "v: unknown schema version 2"},
        BadCase{
            R"({"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
            "}",
            "v: required member missing"},
        BadCase{R"({"v":1,"source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
                "}",
                "uid: required member missing"},
        BadCase{R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z",)" OK_AUTHOR
                "}",
                "text: required member missing"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":5,)" OK_AUTHOR
            "}",
            "text: expected a string"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","author":{"id":"1","id":"2"}})",
            "author.id: duplicate member name"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","author":{"id":"1","followers":-3}})",
            "author.followers: must not be negative"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","extra":{"a":1,"a":2},)" OK_AUTHOR
            "}",
            "extra.a: duplicate member name"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t","tags":["a",3],)" OK_AUTHOR
            "}",
            "tags: expected an array of strings"},
        BadCase{
            R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
            "}{}",
            "trailing content"}));

TEST(JsonCodec, RejectsDeepNesting) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  std::string json =
      R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00Z","text":"t",)" OK_AUTHOR
      ",\"x\":" +
      deep + "}";
  auto r = decode_post(json);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested deeper"), std::string::npos) << r.error().message;
}

TEST(JsonCodec, RejectsTooLongText) {
  core::Post p = sample_post();
  p.text.assign(kMaxTextBytes + 1, 'a');
  auto r = decode_post(encode(p));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("text: longer than"), std::string::npos);
}

// Found by tests/fuzz/post_decoder_fuzz: a literal that starts like null but is not one
// (`nt`), in an unknown member or in an optional one, made simdjson throw out of the decoder.
TEST(JsonCodec, ABrokenNullLiteralIsAnErrorNotAnException) {
  for (const char* json :
       {R"({"v":1,"u8d":nt a ":"})", R"({"v":1,"lang":nul})", R"({"v":1,"x":[1,nx]})"}) {
    core::Result<core::Post> post = core::fail(core::ErrorCode::kFatal, "not run");
    ASSERT_NO_THROW(post = decode_post(json)) << json;
    EXPECT_FALSE(post) << json;
    core::Result<core::ScoredPost> scored = core::fail(core::ErrorCode::kFatal, "not run");
    ASSERT_NO_THROW(scored = decode_scored(json)) << json;
    EXPECT_FALSE(scored) << json;
  }
}

TEST(JsonCodec, AcceptsUnknownMembersAndNulls) {
  auto r = decode_post(
      R"({"v":1,"uid":"x","source":"s","created_at":"2026-01-01T00:00:00+02:00","text":"t","lang":null,"future":{"a":[1,2.5,true,null]},)" OK_AUTHOR
      "}");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->lang.has_value());
}

}  // namespace
}  // namespace earshot::pipeline::codec
