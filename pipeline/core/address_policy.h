// earshot::pipeline::core — which network addresses earshot may connect to (the SSRF guard).
//
// Every URL a user configures (alert sinks, the CRM look-up, reply accounts, ingest sources)
// is checked twice: its host when the config is loaded (an address literal in any spelling
// the resolver accepts — "127.0.0.1", "2130706433", "0x7f.1", "0177.0.0.1", "[::1]",
// "[::ffff:127.0.0.1]" — is refused at once) and every address its name resolves to right
// before connecting (pipeline/http/outbound_guard.h), so a public-looking name that points at
// 127.0.0.1 is refused too. Refused: loopback, "this network" 0/8 and ::, private (10/8,
// 172.16/12, 192.168/16, fc00::/7), CGNAT 100.64/10, link-local (169.254/16 with the cloud
// metadata service, fe80::/10), benchmarking, documentation and reserved ranges, multicast,
// broadcast, and IPv6 forms that embed a refused IPv4 address (v4-mapped, v4-compatible,
// NAT64 64:ff9b::/96, 6to4 2002::/16). `outbound.allow_private` lists exceptions: host names
// (compared without case, a trailing dot ignored), addresses or CIDRs ("127.0.0.1",
// "10.0.0.0/8", "::1").
//
//   Result<AddressPolicy> p = AddressPolicy::create({"127.0.0.1", "10.1.0.0/16"});
//   p->check_host("2130706433")               // nullopt: 127.0.0.1 is allowed here
//   p->check_url("http://169.254.169.254/x")  // "169.254.169.254 is link-local (...); ..."
//   AddressPolicy().check_host("0x7f.1")      // "0x7f.1 (127.0.0.1) is loopback (...); ..."
//   std::optional<IpAddress> a = parse_ip("0x7f.1");   // 127.0.0.1
//
// Thread safety: an AddressPolicy is an immutable value after create(); share it freely.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/core/status.h"

namespace earshot::pipeline::core {

// An IPv4 or IPv6 address; IPv4 is kept as the v4-mapped IPv6 address ::ffff:a.b.c.d.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4() const;                // ::ffff:0:0/96
  std::string to_string() const;  // "127.0.0.1", "::1"
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// An address literal as a URL host may spell it, or nullopt when `host` is a name. IPv4 in
// the forms inet_aton() accepts (decimal, octal, hex, 1 to 4 parts); IPv6 with or without
// brackets; a zone ("fe80::1%eth0") is dropped, the address is what counts.
std::optional<IpAddress> parse_ip(std::string_view host);

// Why `a` is not a public unicast address ("loopback", "private", "link-local", ...), or
// nullopt when it is.
std::optional<std::string> special_range(const IpAddress& a);

class AddressPolicy {
 public:
  // Refuses every special range, allows nothing extra.
  AddressPolicy() = default;
  // Allows the hosts, addresses and CIDRs of `allow_private`; kInvalidArgument naming the
  // entry when one is neither a host name, an address nor a CIDR.
  static Result<AddressPolicy> create(const std::vector<std::string>& allow_private);
  // Allows everything (tests of code that is not about the guard; tools).
  static AddressPolicy allow_all();

  // Why connecting to `host` (a URL host, brackets allowed) is refused, or nullopt. A name
  // passes here (its addresses are checked at connect time) unless it is "localhost" or ends
  // in ".localhost" (RFC 6761), which is loopback by definition.
  std::optional<std::string> check_host(std::string_view host) const;
  // Why connecting to `address`, which `host` resolved to, is refused, or nullopt.
  std::optional<std::string> check_address(std::string_view host, const IpAddress& address) const;
  // check_host() on the host of an absolute URL ("scheme://[userinfo@]host[:port]/...");
  // a URL without a host is refused.
  std::optional<std::string> check_url(std::string_view url) const;

  bool allows_everything() const { return allow_all_; }

 private:
  struct Cidr {
    IpAddress base;
    int prefix = 128;  // over the 128-bit form (IPv4 /n is /96+n)
  };
  bool allowed_name(std::string_view host) const;
  bool allowed_address(const IpAddress& a) const;

  bool allow_all_ = false;
  std::vector<std::string> names_;  // lower case, no trailing dot
  std::vector<Cidr> cidrs_;
};

// The host of an absolute URL, brackets kept for IPv6 ("[::1]"), or "" when there is none.
std::string url_host_of(std::string_view url);

}  // namespace earshot::pipeline::core
