// Test support (alert sinks): synthetic mention streams and receiver-side checks shared by
// the sink unit tests and the real-Kafka scenarios.
//
//   auto ms = spike_scenario("acme", "globex");      // an hour of normal traffic for both,
//                                                     // then one minute of complaints for acme
//   EXPECT_TRUE(signature_valid(request, "s3cret"));  // Standard Webhooks, checked independently
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/core/records.h"
#include "tests/sinks/support/recording_receiver.h"
#include "tests/support/wait.h"

namespace earshot::sinks::testing {

using earshot::testing::wait_until;
using earshot::testing::within;

// 2026-11-23T10:00:00Z in ms since the epoch.
std::int64_t t0_ms();

pipeline::core::Mention make_mention(const std::string& entity, std::int64_t t_ms,
                                     sentiment::Label label, float score, const std::string& uid);

// Minutes 0..59: 3-5 negatives and 8 positives per minute for both entities; minute 60: 40
// complaints for `spiky` (uids "<spiky>-spike-<i>"), steady traffic for `steady`; minutes
// 61..63 normal again (so the spike window closes and resolves).
std::vector<pipeline::core::Mention> spike_scenario(const std::string& spiky,
                                                    const std::string& steady);

// Verifies webhook-id/-timestamp/-signature of `r` with an HMAC computed here (OpenSSL).
bool signature_valid(const ReceivedRequest& r, const std::string& secret);

// A sample trigger alert with two evidence posts.
pipeline::core::Alert sample_alert(const std::string& id_suffix,
                                   const std::string& severity = "warning");

}  // namespace earshot::sinks::testing
