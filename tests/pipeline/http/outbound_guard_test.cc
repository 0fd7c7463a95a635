// The connect-time SSRF check: a name is judged by every address it resolves to, literals
// without a look-up, and outbound.allow_private opens what it names.
#include "pipeline/http/outbound_guard.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace earshot::pipeline::http {
namespace {

using core::AddressPolicy;
using core::IpAddress;

// A resolver answering from a table, counting look-ups.
struct FakeDns {
  std::map<std::string, std::vector<std::string>> table;
  int lookups = 0;
  Resolver resolver() {
    return [this](const std::string& host) {
      ++lookups;
      std::vector<IpAddress> out;
      for (const std::string& a : table[host]) out.push_back(*core::parse_ip(a));
      return out;
    };
  }
};

TEST(OutboundGuard, ANameThatResolvesToAPrivateAddressIsRefused) {
  FakeDns dns{{{"crm.example", {"127.0.0.1"}},
               {"hooks.example", {"93.184.216.34"}},
               {"mixed.example", {"93.184.216.34", "169.254.169.254"}},
               {"v6.example", {"::ffff:10.0.0.7"}}}};
  AddressPolicy strict;
  auto crm = check_before_connect(strict, "https://crm.example/lookup?handle=ann", dns.resolver());
  ASSERT_FALSE(crm);
  EXPECT_EQ(crm.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(crm.error().message.find("crm.example (127.0.0.1) is loopback"), std::string::npos)
      << crm.error().message;
  EXPECT_TRUE(check_before_connect(strict, "https://hooks.example/x", dns.resolver()));
  EXPECT_FALSE(check_before_connect(strict, "https://mixed.example/x", dns.resolver()));
  EXPECT_FALSE(check_before_connect(strict, "https://v6.example/x", dns.resolver()));
  // A name that does not resolve is left to the connection, which fails by itself.
  EXPECT_TRUE(check_before_connect(strict, "https://nowhere.example/", dns.resolver()));
}

TEST(OutboundGuard, LiteralsAreJudgedWithoutALookup) {
  FakeDns dns;
  AddressPolicy strict;
  for (const char* url : {"http://2130706433/", "http://0x7f.1/", "http://[::1]:8080/",
                          "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/",
                          "wss://10.0.0.1/subscribe", "http://localhost:9999/"}) {
    EXPECT_FALSE(check_before_connect(strict, url, dns.resolver())) << url;
  }
  EXPECT_TRUE(check_before_connect(strict, "http://8.8.8.8/", dns.resolver()));
  EXPECT_EQ(dns.lookups, 0);
}

TEST(OutboundGuard, AllowPrivateOpensTheNamedHostsAndRanges) {
  FakeDns dns{{{"crm.internal", {"10.1.2.3"}}, {"other.internal", {"10.9.9.9"}}}};
  auto p = AddressPolicy::create({"crm.internal", "127.0.0.1"});
  ASSERT_TRUE(p);
  EXPECT_TRUE(check_before_connect(*p, "http://crm.internal/x", dns.resolver()));
  EXPECT_FALSE(check_before_connect(*p, "http://other.internal/x", dns.resolver()));
  EXPECT_TRUE(check_before_connect(*p, "http://127.0.0.1:9999/hook", dns.resolver()));
  EXPECT_TRUE(check_before_connect(AddressPolicy::allow_all(), "http://10.0.0.1/", dns.resolver()));
}

TEST(OutboundGuard, TheSystemResolverFindsLoopbackForLocalhost) {
  std::vector<IpAddress> found = resolve_host("localhost");
  ASSERT_FALSE(found.empty());
  for (const IpAddress& a : found) EXPECT_TRUE(core::special_range(a)) << a.to_string();
}

}  // namespace
}  // namespace earshot::pipeline::http
