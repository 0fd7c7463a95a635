// Issue 14: a customer directory may give each customer an account or case link in the CRM
// (CustomerRef::url, the reply placeholders {customer.url} / {case_url}); only an absolute
// http(s) URL is kept, as it may go into a public reply.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "pipeline/link/customer_directory.h"
#include "pipeline/link/customer_file.h"
#include "pipeline/link/customer_http.h"
#include "tests/pipeline/link/support/scripted_http.h"

namespace earshot::pipeline::link {
namespace {

namespace fs = std::filesystem;

std::string write(const std::string& name, const std::string& content) {
  fs::path p = fs::temp_directory_path() / ("earshot-url-" + std::to_string(::getpid()) + name);
  std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  return p.string();
}

Identity who(std::string handle) { return Identity{"mastodon", std::move(handle), ""}; }

TEST(CustomerUrl, OnlyAbsoluteHttpLinksWithoutSpacesAreKept) {
  EXPECT_EQ(customer_url("https://crm.example/c/1"), "https://crm.example/c/1");
  EXPECT_EQ(customer_url("http://crm.example/c?id=1"), "http://crm.example/c?id=1");
  EXPECT_EQ(customer_url("javascript:alert(1)"), "");
  EXPECT_EQ(customer_url("https:///nohost"), "");
  EXPECT_EQ(customer_url("https://crm.example/a b"), "");
  EXPECT_EQ(customer_url("https://crm.example/a\nb"), "");
  EXPECT_EQ(customer_url(""), "");
}

TEST(CustomerUrl, CsvAndJsonlUrlColumnBecomesTheCustomersLink) {
  std::string csv = write("c.csv",
                          "platform,handle,customer_id,tier,name,URL\n"
                          "mastodon,@ann@m.example,C-1,vip,Ann,https://crm.example/c/1\n"
                          "mastodon,@bob@m.example,C-2,gold,Bob,\n"
                          "mastodon,@eve@m.example,C-3,gold,Eve,javascript:alert(1)\n");
  auto dir = FileCustomerSource::open(csv, FileCustomerSource::Format::csv);
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_EQ((*dir)->find(who("ann@m.example")).customer->url, "https://crm.example/c/1");
  EXPECT_EQ((*dir)->find(who("bob@m.example")).customer->url, "");
  EXPECT_EQ((*dir)->find(who("eve@m.example")).customer->url, "");
  std::string jsonl = write("c.jsonl",
                            R"({"platform":"mastodon","handle":"@ann@m.example","customer_id":"C-1",)"
                            R"("url":"https://crm.example/c/1"})"
                            "\n");
  auto j = FileCustomerSource::open(jsonl, FileCustomerSource::Format::jsonl);
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ((*j)->find(who("ann@m.example")).customer->url, "https://crm.example/c/1");
  fs::remove(csv);
  fs::remove(jsonl);
}

TEST(CustomerUrl, HttpCrmAnswerCarriesTheLink) {
  auto http = std::make_shared<testing::ScriptedHttp>([](const core::HttpRequest&) {
    return testing::ScriptedHttp::reply(
        200, R"({"customer_id":"C-77","tier":"vip","url":"https://crm.example/c/77"})");
  });
  config::CustomerDirectoryDef d;
  d.type = "http";
  d.url = "https://crm.test/lookup?handle={handle}";
  auto src = HttpCustomerSource::create(d, http);
  ASSERT_TRUE(src) << src.error().message;
  auto l = (*src)->find(who("ann@m.example"));
  ASSERT_TRUE(l.customer);
  EXPECT_EQ(l.customer->url, "https://crm.example/c/77");
}

}  // namespace
}  // namespace earshot::pipeline::link
