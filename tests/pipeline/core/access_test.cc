// Tests for pipeline/core/access.h: which configured token a bearer header names, and scopes.
#include "pipeline/core/access.h"

#include <gtest/gtest.h>

namespace earshot::pipeline::core {
namespace {

TEST(MatchBearer, FindsOnlyConfiguredTokens) {
  const std::vector<BearerToken> tokens = {{"abc", "alice", Scope::kAdmin},
                                           {"xyz", "wall", Scope::kRead}};
  ASSERT_NE(match_bearer(tokens, "Bearer abc"), nullptr);
  EXPECT_EQ(match_bearer(tokens, "Bearer abc")->owner, "alice");
  EXPECT_EQ(match_bearer(tokens, "bearer  xyz ")->owner, "wall");
  EXPECT_EQ(match_bearer(tokens, "Bearer abcd"), nullptr);
  EXPECT_EQ(match_bearer(tokens, "Basic abc"), nullptr);
  EXPECT_EQ(match_bearer(tokens, "abc"), nullptr);
  EXPECT_EQ(match_bearer(tokens, "Bearer "), nullptr);
  EXPECT_EQ(match_bearer({}, "Bearer abc"), nullptr);
  EXPECT_EQ(match_bearer({{"", "empty", Scope::kAdmin}}, "Bearer "), nullptr);
}

TEST(Scope, AdminMayDoEverythingReadOnlyRead) {
  EXPECT_TRUE(allows(Scope::kAdmin, Scope::kAdmin));
  EXPECT_TRUE(allows(Scope::kAdmin, Scope::kRead));
  EXPECT_TRUE(allows(Scope::kRead, Scope::kRead));
  EXPECT_FALSE(allows(Scope::kRead, Scope::kAdmin));
  EXPECT_EQ(to_string(Scope::kRead), "read");
  EXPECT_EQ(to_string(Scope::kAdmin), "admin");
}

}  // namespace
}  // namespace earshot::pipeline::core
