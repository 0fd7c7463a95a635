// earshot::pipeline::core — the OpenSSL hashing calls earshot needs: HMAC-SHA256 (webhook
// signatures, webhook_signature.h), SHA-256 (content keys) and a constant-time compare (for
// signatures and bearer tokens). Base64 is base64.h.
//
//   std::string mac = hmac_sha256(key, "id.ts.body");   // 32 raw bytes
//   base64_encode(mac);
//   sha256_hex("abc").substr(0, 8) == "ba7816bf";
//   constant_time_equal(given_token, configured_token);
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace earshot::pipeline::core {

// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// Equal contents, compared in time that depends on the lengths only (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace earshot::pipeline::core
