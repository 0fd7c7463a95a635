// earshot::pipeline::core — who may call the API: bearer tokens with an owner and a scope.
//
// `api.tokens` in the config lists the tokens; each names its owner (recorded in the audit
// trail of every action it takes, e.g. "approved by alice") and its scope:
//   read  — may list and look (GET routes marked Access::kRead)
//   admin — may also act (approve/reject/edit replies, acknowledge alerts: Access::kAdmin)
// match_bearer() finds the token an "Authorization: Bearer <t>" header carries, comparing
// in constant time per configured token and without an early exit.
//
//   std::vector<BearerToken> tokens = {{"0123456789abcdef", "alice", Scope::kAdmin}};
//   const BearerToken* who = match_bearer(tokens, "Bearer 0123456789abcdef");  // alice
//   bool can_act = who && allows(who->scope, Scope::kAdmin);
//
// Thread safety: pure functions over immutable data.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace earshot::pipeline::core {

enum class Scope { kRead, kAdmin };
std::string_view to_string(Scope s);  // "read" | "admin"

// A token shorter than this is refused by the config loader (guessable).
inline constexpr std::size_t kMinTokenLength = 16;

struct BearerToken {
  std::string token;
  std::string owner;  // who the token belongs to; named in audit records
  Scope scope = Scope::kAdmin;
  bool operator==(const BearerToken&) const = default;
};

// True when a holder of `have` may use something that needs `need`.
constexpr bool allows(Scope have, Scope need) {
  return have == Scope::kAdmin || need == Scope::kRead;
}

// The configured token that `header` ("Bearer <t>", scheme case-insensitive) carries, or
// nullptr. Empty configured tokens never match.
const BearerToken* match_bearer(const std::vector<BearerToken>& tokens, std::string_view header);

}  // namespace earshot::pipeline::core
