// The header-only parts of the HTTP client interface: header look-up, url_encode, and the
// default send_async (a test double that only implements send() still works asynchronously).
#include "pipeline/core/http_client.h"

#include <gtest/gtest.h>

namespace earshot::pipeline::core {
namespace {

TEST(HttpClient, HeaderLookUpIgnoresCase) {
  HttpResponse r;
  r.headers = {{"retry-after", "7"}, {"content-type", "application/json"}};
  EXPECT_EQ(r.header("Retry-After"), "7");
  EXPECT_EQ(r.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(r.header("x-missing"), "");
}

TEST(HttpClient, UrlEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(url_encode("ann@m.example"), "ann%40m.example");
  EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(url_encode("a b/c?d=e&f+g#h%"), "a%20b%2Fc%3Fd%3De%26f%2Bg%23h%25");
  EXPECT_EQ(url_encode("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(url_encode(""), "");
}

TEST(HttpClient, DefaultSendAsyncAnswersOnceOnTheCallingThread) {
  class Echo final : public HttpClient {
   public:
    Result<HttpResponse> send(const HttpRequest& r) override {
      HttpResponse out;
      out.status = 200;
      out.body = r.method + " " + r.url;
      return out;
    }
  } echo;
  int calls = 0;
  std::string body;
  echo.send_async({.url = "http://x/y"}, [&](Result<HttpResponse> r) {
    ++calls;
    body = r ? r->body : r.error().message;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(body, "GET http://x/y");
}

}  // namespace
}  // namespace earshot::pipeline::core
