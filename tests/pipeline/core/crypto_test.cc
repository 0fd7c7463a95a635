#include "pipeline/core/crypto.h"

#include <gtest/gtest.h>

#include "pipeline/core/base64.h"

namespace earshot::pipeline::core {
namespace {

TEST(Crypto, HmacAndHashes) {
  // RFC 4231 test case 2
  EXPECT_EQ(base64_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
  EXPECT_EQ(sha256_hex("abc").substr(0, 16), "ba7816bf8f01cfea");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace earshot::pipeline::core
