// Test support (replies, issue 14): the sender kill -9 scenario, written once and run on the
// embedded log (a SQLite file shared with the child) and on real Kafka.
#pragma once

#include <string>

namespace earshot::sinks::testing {

// `replies` approved replies on the replies topic; a sender process (child role "replies",
// child_roles.cc) is killed with SIGKILL `kills` times, each at a random point after it
// started calling the fixture Mastodon server (HTTP, idempotent by Idempotency-Key like the
// real one) or, for the odd half of the posts, the fixture Bluesky PDS on the same server
// (a second create of a record key refused), then a last one finishes: the servers made
// exactly `replies` replies, one to each post, and every reply ends `sent` on the topic.
void run_reply_kill_scenario(const std::string& kind, int replies, int kills);

}  // namespace earshot::sinks::testing
