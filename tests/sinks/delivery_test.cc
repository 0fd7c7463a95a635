#include "sinks/delivery.h"

#include <gtest/gtest.h>

#include <thread>

#include "pipeline/http/cpprest_client.h"
#include "tests/sinks/support/recording_receiver.h"
#include "tests/support/loopback_http.h"
#include "tests/support/virtual_clock.h"

namespace earshot::sinks {
namespace {

using namespace std::chrono_literals;
using earshot::testing::VirtualClock;
using pipeline::core::HttpRequest;
using pipeline::http::make_cpprest_client;
using testing::ReceivedRequest;
using testing::ReceiverResponse;
using testing::RecordingReceiver;

RetryPolicy fast(int attempts) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.base = 10ms;
  p.max = 40ms;
  p.rng_seed = 7;
  return p;
}

std::function<pipeline::core::Result<HttpRequest>()> request_to(const RecordingReceiver& r) {
  return [url = r.url("/hook")] {
    return pipeline::core::Result<HttpRequest>(
        HttpRequest{.method = "POST",
                    .url = url,
                    .headers = {{"Content-Type", "application/json"}, {"webhook-id", "alrt_1"}},
                    .body = R"({"a":1})",
                    .timeout = 2s});
  };
}

TEST(Deliver, AcknowledgedOnFirstTry) {
  RecordingReceiver rx([](const ReceivedRequest&) { return ReceiverResponse{202, {}, "{}"}; });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  DeliveryResult r = deliver(*http, request_to(rx), fast(3), stop);
  EXPECT_EQ(r.outcome, Outcome::delivered);
  EXPECT_EQ(r.attempts, 1);
  ASSERT_EQ(rx.request_count(), 1u);
  auto req = rx.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path(), "/hook");
  EXPECT_EQ(req.body, R"({"a":1})");
  EXPECT_EQ(req.header("webhook-id"), "alrt_1");
  EXPECT_NE(req.header("content-type").find("application/json"), std::string::npos);
}

TEST(Deliver, ServerErrorsAreRetriedWithTheSameIdempotencyKey) {
  std::atomic<int> n{0};
  RecordingReceiver rx([&](const ReceivedRequest&) {
    return ReceiverResponse{++n < 3 ? 503 : 200, {}, ""};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  DeliveryResult r = deliver(*http, request_to(rx), fast(5), stop);
  EXPECT_EQ(r.outcome, Outcome::delivered);
  EXPECT_EQ(r.attempts, 3);
  for (const auto& q : rx.requests()) EXPECT_EQ(q.header("webhook-id"), "alrt_1");
}

TEST(Deliver, TooManyRequestsWaitsForRetryAfter) {
  std::atomic<int> n{0};
  RecordingReceiver rx([&](const ReceivedRequest&) {
    return ++n == 1 ? ReceiverResponse{429, {{"Retry-After", "1"}}, ""}
                    : ReceiverResponse{200, {}, ""};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  VirtualClock clock;
  RetryPolicy p = fast(5);
  p.clock = {clock.now_fn(), clock.sleep_fn()};
  DeliveryResult r = deliver(*http, request_to(rx), p, stop);
  EXPECT_EQ(r.outcome, Outcome::delivered);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(clock.elapsed(), 1000ms);  // slept the Retry-After; the backoff alone would be ~10 ms
  EXPECT_EQ(r.waited, 1000ms);
  for (auto slice : clock.sleeps()) EXPECT_LE(slice, 50ms);  // sliced, so that `stop` is seen
}

TEST(Deliver, BackoffDoublesWithJitterBetweenRetries) {
  std::atomic<int> n{0};
  RecordingReceiver rx([&](const ReceivedRequest&) {
    return ReceiverResponse{++n < 4 ? 503 : 200, {}, ""};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  VirtualClock clock;
  RetryPolicy p = fast(5);
  p.base = 1s;
  p.max = 3s;
  p.clock = {clock.now_fn(), clock.sleep_fn()};
  DeliveryResult r = deliver(*http, request_to(rx), p, stop);
  EXPECT_EQ(r.outcome, Outcome::delivered);
  EXPECT_EQ(r.attempts, 4);
  // Three waits: [0.5, 1] s, [1, 2] s, [1.5, 3] s (the third capped at max) — all slept.
  EXPECT_EQ(clock.elapsed(), r.waited);
  EXPECT_GE(r.waited, 3000ms);
  EXPECT_LE(r.waited, 6000ms);
}

TEST(Deliver, GivesUpAfterMaxAttempts) {
  RecordingReceiver rx([](const ReceivedRequest&) { return ReceiverResponse{500, {}, "boom"}; });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  DeliveryResult r = deliver(*http, request_to(rx), fast(4), stop);
  EXPECT_EQ(r.outcome, Outcome::dead);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(rx.request_count(), 4u);
  EXPECT_EQ(r.last_status, 500);
  EXPECT_NE(r.reason.find("boom"), std::string::npos);
}

TEST(Deliver, ClientErrorIsDeadAtOnce) {
  RecordingReceiver rx([](const ReceivedRequest&) {
    return ReceiverResponse{400, {}, "bad routing key"};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  DeliveryResult r = deliver(*http, request_to(rx), fast(8), stop);
  EXPECT_EQ(r.outcome, Outcome::dead);
  EXPECT_EQ(r.attempts, 1);
}

TEST(Deliver, GoneIsReportedAtOnceAndNotRetried) {
  RecordingReceiver rx([](const ReceivedRequest&) {
    return ReceiverResponse{410, {}, "this hook was deleted"};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  DeliveryResult r = deliver(*http, request_to(rx), fast(8), stop);
  EXPECT_EQ(r.outcome, Outcome::gone);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(rx.request_count(), 1u);
  EXPECT_NE(r.reason.find("410"), std::string::npos) << r.reason;
}

TEST(Deliver, ConnectionRefusedIsRetried) {
  const int port = testing::free_port();
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  auto make = [port] {
    return pipeline::core::Result<HttpRequest>(
        HttpRequest{.method = "POST",
                    .url = "http://127.0.0.1:" + std::to_string(port) + "/x",
                    .body = "{}",
                    .timeout = 1s});
  };
  DeliveryResult r = deliver(*http, make, fast(3), stop);
  EXPECT_EQ(r.outcome, Outcome::dead);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.last_status, 0);
}

TEST(Deliver, StopAbandonsAWaitingDelivery) {
  RecordingReceiver rx([](const ReceivedRequest&) { return ReceiverResponse{503, {}, ""}; });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  RetryPolicy p = fast(100);
  p.base = 5s;
  p.max = 5s;
  VirtualClock clock;
  p.clock = {clock.now_fn(), clock.sleep_fn()};
  clock.on_sleep([&](std::chrono::milliseconds elapsed) {
    if (elapsed >= 300ms) stop = true;  // 300 ms into the first backoff (2.5-5 s)
  });
  DeliveryResult r = deliver(*http, request_to(rx), p, stop);
  EXPECT_EQ(r.outcome, Outcome::stopped);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(rx.request_count(), 1u);
  EXPECT_GE(clock.elapsed(), 300ms);
  EXPECT_LE(clock.elapsed(), 350ms);  // the wait ended within one 50 ms slice of `stop`
}

TEST(RetryAfter, SecondsAndHttpDates) {
  auto now =
      std::chrono::system_clock::from_time_t(1'700'000'000);  // Tue, 14 Nov 2023 22:13:20 GMT
  EXPECT_EQ(parse_retry_after("120", now), std::chrono::milliseconds(120'000));
  EXPECT_EQ(parse_retry_after(" 3 ", now), std::chrono::milliseconds(3'000));
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now),
            std::chrono::milliseconds(30'000));
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now), std::chrono::milliseconds(0));
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("", now));
}

TEST(Backoff, DoublesAndIsCapped) {
  RetryPolicy p;
  p.base = 500ms;
  p.max = 30s;
  EXPECT_EQ(backoff(p, 1), 500ms);
  EXPECT_EQ(backoff(p, 2), 1000ms);
  EXPECT_EQ(backoff(p, 4), 4000ms);
  EXPECT_EQ(backoff(p, 20), 30s);
}

// Issue #16: a webhook answering 302 to another host had its signed headers replayed there
// with an empty body, and the alert counted as delivered. Now the redirect is not followed,
// the other host sees nothing, and the alert is dead, not delivered.
TEST(Deliver, ARedirectToAnotherHostIsNeitherFollowedNorDelivered) {
  RecordingReceiver other([](const ReceivedRequest&) { return ReceiverResponse{200, {}, "ok"}; });
  const std::string elsewhere = "http://localhost:" + std::to_string(other.port()) + "/x";
  RecordingReceiver rx([&](const ReceivedRequest&) {
    return ReceiverResponse{302, {{"Location", elsewhere}}, ""};
  });
  auto http = make_cpprest_client(earshot::testing::loopback_client());
  std::atomic<bool> stop{false};
  DeliveryResult r = deliver(*http, request_to(rx), fast(3), stop);
  EXPECT_EQ(r.outcome, Outcome::dead);
  EXPECT_EQ(r.last_status, 302);
  EXPECT_NE(r.reason.find("not followed"), std::string::npos) << r.reason;
  EXPECT_EQ(rx.request_count(), 1u);
  EXPECT_EQ(other.request_count(), 0u);
}

TEST(Deliver, ARefusedAddressIsDeadAtOnce) {
  RecordingReceiver rx([](const ReceivedRequest&) { return ReceiverResponse{200, {}, ""}; });
  auto strict = make_cpprest_client();  // public addresses only: the receiver is on loopback
  std::atomic<bool> stop{false};
  DeliveryResult r = deliver(*strict, request_to(rx), fast(5), stop);
  EXPECT_EQ(r.outcome, Outcome::dead);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_NE(r.reason.find("refused"), std::string::npos) << r.reason;
  EXPECT_EQ(rx.request_count(), 0u);
}

}  // namespace
}  // namespace earshot::sinks
