#include "pipeline/core/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace earshot::pipeline::core {
namespace {

std::string lower_name(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

IpAddress from_v4(std::uint32_t host_order) {
  IpAddress a;
  a.bytes[10] = a.bytes[11] = 0xff;
  a.bytes[12] = static_cast<std::uint8_t>(host_order >> 24);
  a.bytes[13] = static_cast<std::uint8_t>(host_order >> 16);
  a.bytes[14] = static_cast<std::uint8_t>(host_order >> 8);
  a.bytes[15] = static_cast<std::uint8_t>(host_order);
  return a;
}

std::uint32_t v4_at(const IpAddress& a, int offset) {
  return (std::uint32_t{a.bytes[offset]} << 24) | (std::uint32_t{a.bytes[offset + 1]} << 16) |
         (std::uint32_t{a.bytes[offset + 2]} << 8) | a.bytes[offset + 3];
}

bool in_v4(std::uint32_t a, std::uint32_t base, int prefix) {
  std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (a & mask) == (base & mask);
}

bool prefix_match(const IpAddress& a, const IpAddress& base, int prefix) {
  for (int i = 0; i < 16 && prefix > 0; ++i, prefix -= 8) {
    int bits = std::min(prefix, 8);
    std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<std::string> v4_range(std::uint32_t a) {
  struct Range {
    std::uint32_t base;
    int prefix;
    const char* what;
  };
  static constexpr Range kRanges[] = {
      {0x00000000, 8, "\"this network\" (0.0.0.0/8)"},
      {0x0a000000, 8, "private (10.0.0.0/8)"},
      {0x64400000, 10, "carrier-grade NAT (100.64.0.0/10)"},
      {0x7f000000, 8, "loopback (127.0.0.0/8)"},
      {0xa9fe0000, 16, "link-local (169.254.0.0/16, cloud metadata)"},
      {0xac100000, 12, "private (172.16.0.0/12)"},
      {0xc0000000, 24, "IETF protocol assignments (192.0.0.0/24)"},
      {0xc0000200, 24, "documentation (192.0.2.0/24)"},
      {0xc0586300, 24, "6to4 relay anycast (192.88.99.0/24)"},
      {0xc0a80000, 16, "private (192.168.0.0/16)"},
      {0xc6120000, 15, "benchmarking (198.18.0.0/15)"},
      {0xc6336400, 24, "documentation (198.51.100.0/24)"},
      {0xcb007100, 24, "documentation (203.0.113.0/24)"},
      {0xe0000000, 4, "multicast (224.0.0.0/4)"},
      {0xf0000000, 4, "reserved (240.0.0.0/4, broadcast)"},
  };
  for (const Range& r : kRanges) {
    if (in_v4(a, r.base, r.prefix)) return std::string(r.what);
  }
  return std::nullopt;
}

std::optional<IpAddress> parse_v6(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (s.find(':') == std::string_view::npos || s.size() > 64) return std::nullopt;
  std::string text(s);
  if (auto pct = text.find('%'); pct != std::string::npos) text.resize(pct);  // zone id
  in6_addr out{};
  if (inet_pton(AF_INET6, text.c_str(), &out) != 1) return std::nullopt;
  IpAddress a;
  std::memcpy(a.bytes.data(), &out, 16);
  return a;
}

// Splits "a.b.c.d/n" into an address and a prefix over the 128-bit form.
std::optional<std::pair<IpAddress, int>> parse_cidr(std::string_view s) {
  auto slash = s.find('/');
  std::optional<IpAddress> ip = parse_ip(s.substr(0, slash));
  if (!ip) return std::nullopt;
  int max = ip->v4() ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view n = s.substr(slash + 1);
    if (n.empty() || n.size() > 3 ||
        !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    prefix = std::atoi(std::string(n).c_str());
    if (prefix > max) return std::nullopt;
  }
  return std::pair{*ip, ip->v4() ? 96 + prefix : prefix};
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

bool IpAddress::v4() const {
  for (int i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return false;
  }
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (v4()) {
    inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

std::optional<IpAddress> parse_ip(std::string_view host) {
  if (host.empty() || host.size() > 64) return std::nullopt;
  if (auto v6 = parse_v6(host)) return v6;
  // inet_aton() is what the resolver uses for numeric hosts: decimal, 0-octal, 0x-hex, and
  // one to four parts ("2130706433", "127.1", "0x7f.0.0.1").
  std::string text(host);
  if (!std::isdigit(static_cast<unsigned char>(text.front()))) return std::nullopt;
  in_addr out{};
  if (inet_aton(text.c_str(), &out) == 0) return std::nullopt;
  return from_v4(ntohl(out.s_addr));
}

std::optional<std::string> special_range(const IpAddress& a) {
  if (a.v4()) return v4_range(v4_at(a, 12));
  auto starts = [&](std::initializer_list<std::uint8_t> p, int prefix) {
    IpAddress base;
    std::copy(p.begin(), p.end(), base.bytes.begin());
    return prefix_match(a, base, prefix);
  };
  IpAddress zero;
  if (a == zero) return "unspecified (::)";
  IpAddress one;
  one.bytes[15] = 1;
  if (a == one) return "loopback (::1)";
  if (starts({}, 96)) {  // ::a.b.c.d, v4-compatible (deprecated)
    if (auto r = v4_range(v4_at(a, 12))) return "v4-compatible " + *r;
    return std::nullopt;
  }
  if (starts({0, 0x64, 0xff, 0x9b}, 96)) {  // NAT64 64:ff9b::/96
    if (auto r = v4_range(v4_at(a, 12))) return "NAT64 " + *r;
    return std::nullopt;
  }
  if (starts({0x20, 0x02}, 16)) {  // 6to4 2002:a.b.c.d::/48
    if (auto r = v4_range(v4_at(a, 2))) return "6to4 " + *r;
    return std::nullopt;
  }
  if (starts({0xfc}, 7)) return "unique local (fc00::/7)";
  if (starts({0xfe, 0x80}, 10)) return "link-local (fe80::/10)";
  if (starts({0xfe, 0xc0}, 10)) return "site-local (fec0::/10)";
  if (starts({0xff}, 8)) return "multicast (ff00::/8)";
  if (starts({0x20, 0x01, 0x0d, 0xb8}, 32)) return "documentation (2001:db8::/32)";
  if (starts({0x01, 0x00}, 64)) return "discard (100::/64)";
  if (starts({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff}, 80))
    return "IPv4-translated (::ffff:0:0:0/96)";
  return std::nullopt;
}

Result<AddressPolicy> AddressPolicy::create(const std::vector<std::string>& allow_private) {
  AddressPolicy p;
  for (const std::string& entry : allow_private) {
    if (auto cidr = parse_cidr(entry)) {
      p.cidrs_.push_back({cidr->first, cidr->second});
    } else if (entry.find('/') == std::string::npos && valid_name(entry)) {
      p.names_.push_back(lower_name(entry));
    } else {
      return fail(ErrorCode::kInvalidArgument,
                  "'" + entry + "' is neither a host name, an IP address nor a CIDR");
    }
  }
  return p;
}

AddressPolicy AddressPolicy::allow_all() {
  AddressPolicy p;
  p.allow_all_ = true;
  return p;
}

bool AddressPolicy::allowed_name(std::string_view host) const {
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  std::string name = lower_name(host);
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

bool AddressPolicy::allowed_address(const IpAddress& a) const {
  for (const Cidr& c : cidrs_) {
    if (prefix_match(a, c.base, c.prefix)) return true;
  }
  return false;
}

std::optional<std::string> AddressPolicy::check_host(std::string_view host) const {
  if (allow_all_) return std::nullopt;
  if (host.empty()) return "no host";
  if (allowed_name(host)) return std::nullopt;
  if (auto ip = parse_ip(host)) return check_address(host, *ip);
  if (host.front() == '[' || host.find(':') != std::string_view::npos)
    return std::string(host) + " is not a valid address";
  std::string name = lower_name(host);
  if (name == "localhost" || (name.size() > 10 && name.ends_with(".localhost")))
    return std::string(host) + " is loopback (localhost); allow it in outbound.allow_private";
  return std::nullopt;
}

std::optional<std::string> AddressPolicy::check_address(std::string_view host,
                                                        const IpAddress& address) const {
  if (allow_all_ || allowed_name(host) || allowed_address(address)) return std::nullopt;
  std::optional<std::string> why = special_range(address);
  if (!why) return std::nullopt;
  std::string shown = address.to_string();
  std::string out = std::string(host);
  std::string_view bare = host;
  if (bare.size() >= 2 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
  if (bare != shown) out += " (" + shown + ")";
  return out + " is " + *why + "; allow it in outbound.allow_private";
}

std::optional<std::string> AddressPolicy::check_url(std::string_view url) const {
  if (allow_all_) return std::nullopt;
  std::string host = url_host_of(url);
  if (host.empty()) return std::string("no host in '") + std::string(url) + "'";
  return check_host(host);
}

std::string url_host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    return close == std::string_view::npos ? std::string(rest)
                                           : std::string(rest.substr(0, close + 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

}  // namespace earshot::pipeline::core
