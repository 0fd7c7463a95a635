// earshot::pipeline::http — the connect-time half of the SSRF guard (core/address_policy.h):
// resolves a URL's host the way the connection will and refuses it when any address it
// resolves to is one the policy refuses.
//
//   core::AddressPolicy policy = *core::AddressPolicy::create(config.outbound.allow_private);
//   if (core::Status st = check_before_connect(policy, url); !st) return st;   // kInvalidArgument
//   ... connect ...
//
// Every address of the name is checked, not only the first: the connection may use any of
// them. The check and the connection resolve separately, so a name whose DNS answer changes
// within that moment (DNS rebinding with a zero TTL) could still slip through; the address
// literals, every stable name and the cloud metadata address are refused. A name that does not
// resolve passes here (the connection then fails on its own, as a transport error).
//
// Thread safety: may be called from any thread (getaddrinfo). Blocks for the DNS look-up.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/address_policy.h"
#include "pipeline/core/status.h"

namespace earshot::pipeline::http {

// Every address a host name resolves to (empty when it does not resolve).
using Resolver = std::function<std::vector<core::IpAddress>(const std::string& host)>;
// The system resolver (getaddrinfo, A and AAAA).
std::vector<core::IpAddress> resolve_host(const std::string& host);

// ok, or kInvalidArgument "<url>: refused: <host> (10.0.0.1) is private (...)". `resolve`
// is for tests; by default the system resolver.
[[nodiscard]] core::Status check_before_connect(const core::AddressPolicy& policy,
                                                std::string_view url,
                                                const Resolver& resolve = resolve_host);

}  // namespace earshot::pipeline::http
