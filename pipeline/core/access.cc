#include "pipeline/core/access.h"

#include <cctype>

#include "pipeline/core/crypto.h"

namespace earshot::pipeline::core {

std::string_view to_string(Scope s) { return s == Scope::kAdmin ? "admin" : "read"; }

const BearerToken* match_bearer(const std::vector<BearerToken>& tokens, std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return nullptr;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return nullptr;
  }
  std::string_view given = header.substr(kScheme.size());
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  const BearerToken* found = nullptr;
  for (const auto& t : tokens) {  // every token compared: no early exit
    bool same = !t.token.empty() && constant_time_equal(t.token, given);
    if (same && found == nullptr) found = &t;
  }
  return found;
}

}  // namespace earshot::pipeline::core
