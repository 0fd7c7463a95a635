// Test helpers for pushing to a running `earshot ingest` webhook source: a signed Standard
// Webhooks POST (HMAC-SHA256 with OpenSSL, no ingest/ code, so the CLI tests can use it),
// waiting for the listener, and one NDJSON post. Header-only: included by tests/cli/.
#pragma once

#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <cpprest/containerstream.h>
#include <cpprest/http_client.h>
#include <gtest/gtest.h>

#include "pipeline/core/base64.h"
#include "tests/support/wait.h"

namespace earshot::testing {

inline int pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline constexpr const char* kHookSecret = "cli-test-secret-0123456789";

struct HookAnswer {
  int status = 0;  // 0: no HTTP answer at all (connection refused or dropped)
  std::string body;
};

// Posts `body` signed per Standard Webhooks to the ingest process's webhook source.
inline HookAnswer push(int port, const std::string& id, const std::string& body) {
  namespace http = web::http;
  std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
  std::string payload = id + "." + ts + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), kHookSecret, static_cast<int>(std::strlen(kHookSecret)),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &mac_len);
  std::string sig =
      "v1," + pipeline::core::base64_encode(std::string(reinterpret_cast<char*>(mac), mac_len));
  http::client::http_client_config cfg;
  cfg.set_timeout(std::chrono::seconds(60));
  http::client::http_client client("http://127.0.0.1:" + std::to_string(port), cfg);
  http::http_request req(http::methods::POST);
  req.headers().add("webhook-id", id);
  req.headers().add("webhook-timestamp", ts);
  req.headers().add("webhook-signature", sig);
  // Bytes, not set_body(std::string): that one casts a streambuf<char> to the
  // streambuf<unsigned char> the request holds, which UBSan (vptr) stops.
  std::vector<unsigned char> bytes(body.begin(), body.end());
  const auto size = bytes.size();
  req.set_body(concurrency::streams::bytestream::open_istream(std::move(bytes)), size,
               "application/x-ndjson");
  try {
    http::http_response resp = client.request(req).get();
    return {resp.status_code(), resp.extract_string().get()};
  } catch (const std::exception&) {
    return {};
  }
}

// Waits until the webhook listener answers (405 to a GET).
inline ::testing::AssertionResult wait_listening(int port) {
  return wait_until(
      within(std::chrono::seconds(30)),
      [port] {
        try {
          web::http::client::http_client c("http://127.0.0.1:" + std::to_string(port));
          return c.request(web::http::methods::GET).get().status_code() == 405;
        } catch (const std::exception&) {
          return false;  // not up yet
        }
      },
      "the webhook listener on port " + std::to_string(port), std::chrono::milliseconds(50));
}

inline std::string hook_post(const std::string& native_id) {
  return R"({"v":1,"uid":"webhook:partner:)" + native_id +
         R"(","source":"webhook","created_at":"2026-11-23T10:00:00Z","author":{"handle":"partner"},"text":"Acme Air lost my bag"})"
         "\n";
}

}  // namespace earshot::testing
