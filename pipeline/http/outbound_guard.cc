#include "pipeline/http/outbound_guard.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

namespace earshot::pipeline::http {

std::vector<core::IpAddress> resolve_host(const std::string& host) {
  std::vector<core::IpAddress> out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return out;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    core::IpAddress a;
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      a.bytes[10] = a.bytes[11] = 0xff;
      std::memcpy(a.bytes.data() + 12, &sin->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      std::memcpy(a.bytes.data(), &sin6->sin6_addr, 16);
    } else {
      continue;
    }
    out.push_back(a);
  }
  freeaddrinfo(found);
  return out;
}

core::Status check_before_connect(const core::AddressPolicy& policy, std::string_view url,
                                  const Resolver& resolve) {
  if (policy.allows_everything()) return core::ok();
  const std::string host = core::url_host_of(url);
  auto refuse = [&](const std::string& why) {
    return core::fail(core::ErrorCode::kInvalidArgument, std::string(url) + ": refused: " + why);
  };
  if (auto why = policy.check_url(url)) return refuse(*why);
  if (core::parse_ip(host)) return core::ok();  // a literal: check_url saw the address itself
  // A name that does not resolve passes: the connection reports the failure itself.
  for (const core::IpAddress& a : resolve(host)) {
    if (auto why = policy.check_address(host, a)) return refuse(*why);
  }
  return core::ok();
}

}  // namespace earshot::pipeline::http
