// Test support: the outbound policy for tests whose fixture servers listen on loopback. The
// HTTP client refuses loopback by default (the SSRF guard, pipeline/core/address_policy.h),
// exactly as a user's config does without outbound.allow_private; these tests allow it the
// way such a config would.
//
//   auto http = pipeline::http::make_cpprest_client(testing::loopback_client());
//   JetstreamOptions o; o.address_policy = testing::loopback_policy();
#pragma once

#include "pipeline/core/address_policy.h"
#include "pipeline/http/cpprest_client.h"

namespace earshot::testing {

inline pipeline::core::AddressPolicy loopback_policy() {
  return *pipeline::core::AddressPolicy::create({"127.0.0.1", "::1", "localhost"});
}

inline pipeline::http::CpprestClientOptions loopback_client(
    pipeline::http::CpprestClientOptions options = {}) {
  options.address_policy = loopback_policy();
  return options;
}

}  // namespace earshot::testing
