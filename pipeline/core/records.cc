#include "pipeline/core/records.h"

#include <array>
#include <string_view>

namespace earshot::pipeline::core {
namespace {

template <class E, std::size_t N>
bool parse_enum(std::string_view s, const std::array<std::string_view, N>& names, E* out) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

constexpr std::array<std::string_view, 6> kMatchNames{"alias",  "handle", "hashtag",
                                                      "domain", "regex",  "derived"};
constexpr std::array<std::string_view, 2> kKindNames{"company", "product"};
constexpr std::array<std::string_view, 8> kReplyNames{
    "pending_approval", "approved", "sent", "rejected", "failed", "planned", "sending", "blocked"};

}  // namespace

std::string_view to_string(MatchType t) { return kMatchNames[static_cast<std::size_t>(t)]; }
bool parse_match_type(std::string_view s, MatchType* out) {
  return parse_enum(s, kMatchNames, out);
}
std::string_view to_string(EntityKind k) { return kKindNames[static_cast<std::size_t>(k)]; }
bool parse_entity_kind(std::string_view s, EntityKind* out) {
  return parse_enum(s, kKindNames, out);
}
std::string_view to_string(ReplyStatus s) { return kReplyNames[static_cast<std::size_t>(s)]; }
bool parse_reply_status(std::string_view s, ReplyStatus* out) {
  return parse_enum(s, kReplyNames, out);
}

std::string reply_topic_key(const ReplyIntent& r) {
  return r.platform == "helpdesk" ? "helpdesk:" + r.post_uid : r.post_uid;
}

}  // namespace earshot::pipeline::core
