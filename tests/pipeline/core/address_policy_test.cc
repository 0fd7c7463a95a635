// The SSRF address policy: every spelling of a refused address is refused, public addresses
// and names pass, and outbound.allow_private entries (names, addresses, CIDRs) open exactly
// what they name.
#include "pipeline/core/address_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace earshot::pipeline::core {
namespace {

std::string shown(std::string_view host) {
  auto ip = parse_ip(host);
  return ip ? ip->to_string() : "(name)";
}

TEST(ParseIp, AcceptsEveryNumericSpellingTheResolverAccepts) {
  EXPECT_EQ(shown("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(shown("2130706433"), "127.0.0.1");  // decimal
  EXPECT_EQ(shown("0x7f000001"), "127.0.0.1");  // hex
  EXPECT_EQ(shown("0177.0.0.1"), "127.0.0.1");  // octal part
  EXPECT_EQ(shown("0x7f.1"), "127.0.0.1");      // two parts
  EXPECT_EQ(shown("127.1"), "127.0.0.1");
  EXPECT_EQ(shown("[::1]"), "::1");
  EXPECT_EQ(shown("::ffff:169.254.169.254"), "169.254.169.254");
  EXPECT_EQ(shown("[fe80::1%25eth0]"), "fe80::1");
  EXPECT_EQ(shown("example.com"), "(name)");
  EXPECT_EQ(shown("1example.com"), "(name)");
  EXPECT_EQ(shown(""), "(name)");
}

TEST(AddressPolicy, RefusesLoopbackPrivateLinkLocalAndReservedInAnySpelling) {
  AddressPolicy p;
  for (const char* host : {"127.0.0.1",
                           "2130706433",
                           "0x7f.1",
                           "0177.0.0.1",
                           "127.1",
                           "localhost",
                           "LOCALHOST.",
                           "api.localhost",
                           "0.0.0.0",
                           "0",
                           "10.1.2.3",
                           "172.16.0.1",
                           "172.31.255.255",
                           "192.168.1.1",
                           "169.254.169.254",
                           "100.64.0.1",
                           "100.127.255.254",
                           "198.18.0.1",
                           "224.0.0.1",
                           "255.255.255.255",
                           "[::1]",
                           "::",
                           "[::]",
                           "[fc00::1]",
                           "[fd12:3456::1]",
                           "[fe80::1]",
                           "[::ffff:127.0.0.1]",
                           "[::ffff:10.0.0.1]",
                           "[::ffff:7f00:1]",
                           "[64:ff9b::a9fe:a9fe]",
                           "[2002:7f00:1::]",
                           "[::127.0.0.1]",
                           "[ff02::1]",
                           "[fe80::1%eth0]"}) {
    EXPECT_TRUE(p.check_host(host).has_value()) << host;
  }
}

TEST(AddressPolicy, AllowsPublicAddressesAndNames) {
  AddressPolicy p;
  for (const char* host : {"93.184.216.34", "1.1.1.1", "100.63.255.255", "100.128.0.1",
                           "172.32.0.1", "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]",
                           "hooks.slack.com", "crm.example", "localhost.example.com"}) {
    EXPECT_FALSE(p.check_host(host).has_value()) << host << ": " << *p.check_host(host);
  }
}

TEST(AddressPolicy, ReasonNamesTheHostTheAddressAndTheKey) {
  auto why = AddressPolicy().check_url("http://2130706433:8080/x");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("2130706433 (127.0.0.1) is loopback"), std::string::npos) << *why;
  EXPECT_NE(why->find("outbound.allow_private"), std::string::npos) << *why;
  auto meta = AddressPolicy().check_url("http://169.254.169.254/latest/meta-data/");
  ASSERT_TRUE(meta);
  EXPECT_NE(meta->find("link-local"), std::string::npos) << *meta;
}

TEST(AddressPolicy, AllowListOpensExactlyTheNamedHostsAddressesAndRanges) {
  auto p = AddressPolicy::create({"127.0.0.1", "10.20.0.0/16", "crm.internal", "::1"});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_FALSE(p->check_host("127.0.0.1"));
  EXPECT_FALSE(p->check_host("2130706433"));  // the same address, spelled otherwise
  EXPECT_FALSE(p->check_host("[::ffff:127.0.0.1]"));
  EXPECT_TRUE(p->check_host("127.0.0.2"));
  EXPECT_FALSE(p->check_host("10.20.255.1"));
  EXPECT_TRUE(p->check_host("10.21.0.1"));
  EXPECT_FALSE(p->check_host("[::1]"));
  EXPECT_FALSE(p->check_host("CRM.internal."));
  EXPECT_TRUE(p->check_host("localhost"));
  // A name that resolves somewhere private is judged by the name (allowed) or the address.
  EXPECT_FALSE(p->check_address("crm.internal", *parse_ip("192.168.0.5")));
  EXPECT_TRUE(p->check_address("other.example", *parse_ip("192.168.0.5")));
  EXPECT_FALSE(p->check_address("other.example", *parse_ip("10.20.1.1")));
  EXPECT_FALSE(p->check_address("other.example", *parse_ip("8.8.8.8")));
}

TEST(AddressPolicy, BadAllowListEntriesAreErrors) {
  for (const char* bad : {"10.0.0.0/33", "::1/129", "not a host", "10.0.0.0/", "a/b"}) {
    auto p = AddressPolicy::create({bad});
    EXPECT_FALSE(p) << bad;
  }
}

TEST(AddressPolicy, AllowAllAllowsEverything) {
  EXPECT_FALSE(AddressPolicy::allow_all().check_url("http://127.0.0.1/"));
  EXPECT_FALSE(AddressPolicy::allow_all().check_address("x", *parse_ip("10.0.0.1")));
}

TEST(UrlHostOf, FindsTheHostBehindUserinfoAndPortsAndKeepsIpv6Brackets) {
  EXPECT_EQ(url_host_of("https://user:pw@Example.com:8443/p?q"), "Example.com");
  EXPECT_EQ(url_host_of("http://[::1]:8080/"), "[::1]");
  EXPECT_EQ(url_host_of("https://crm.example/lookup?handle={handle}"), "crm.example");
  EXPECT_EQ(url_host_of("http://evil.example@127.0.0.1/"), "127.0.0.1");
  EXPECT_EQ(url_host_of("no-scheme"), "");
}

}  // namespace
}  // namespace earshot::pipeline::core
