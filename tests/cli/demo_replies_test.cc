// Issue 14: `earshot demo` shows the reply queue with pending replies for the sample
// complaints and one approved reply delivered to a local fixture Mastodon.
#include <gtest/gtest.h>

#include <regex>

#include "tests/cli/support/cli_harness.h"

namespace earshot::testing {
namespace {

TEST(DemoReplies, PendingRepliesAndOneApprovedReplyDeliveredToTheFixtureMastodon) {
  RunResult r = run({"demo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(replies: (\d+) pending approval)")))
      << r.out;
  const int pending = std::stoi(m[1]);
  EXPECT_GE(pending, 3) << r.out;
  // The queue lists each pending one.
  std::size_t listed = 0;
  for (std::size_t at = r.out.find("  - reply-"); at != std::string::npos;
       at = r.out.find("  - reply-", at + 1))
    ++listed;
  EXPECT_EQ(listed, static_cast<std::size_t>(pending)) << r.out;
  // One approved through the API, sent, and what the fixture server received.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(approved reply-[0-9a-f]+ through the reply API; now sent)")))
      << r.out << r.err;
  std::size_t delivered = r.out.find("delivered to the fixture Mastodon: in_reply_to_id ");
  ASSERT_NE(delivered, std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("delivered to the fixture Mastodon", delivered + 1), std::string::npos)
      << "exactly one reply is delivered\n" << r.out;
  EXPECT_TRUE(std::regex_search(r.out.substr(delivered),
                                std::regex(R"(\n +"@[^ ]+ Hi [^"]+")")))
      << r.out;
}

}  // namespace
}  // namespace earshot::testing
