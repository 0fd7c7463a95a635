// earshot::ingest — the OpenSSL calls the connectors need (webhook signatures, content
// hashes). Base64 is pipeline's (pipeline/base64.h).
//
//   std::string mac = hmac_sha256(key, "id.ts.body");   // 32 raw bytes
//   pipeline::base64_encode(mac);
//   sha256_hex("abc").substr(0, 8) == "ba7816bf";
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace earshot::ingest {

// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// Compares in time that depends on the lengths only.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace earshot::ingest
