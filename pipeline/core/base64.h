// earshot::pipeline::core — standard base64 (RFC 4648 §4, with padding), via OpenSSL.
//
//   std::string b = base64_encode("\xff\x00");          // "/wA="
//   Result<std::string> raw = base64_decode(b);           // error on bad characters or length
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "pipeline/core/status.h"

namespace earshot::pipeline::core {

std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

}  // namespace earshot::pipeline::core
