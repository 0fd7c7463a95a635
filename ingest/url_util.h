// earshot::ingest — the little URL handling the connectors need.
//
//   url_host("https://Mastodon.Example:443/api/v1") == "mastodon.example"
//   query_param("https://x/y?min_id=12&limit=40", "min_id") == "12"
//   parse_link_header("<https://m/api?max_id=1>; rel=\"next\", <https://m/api?min_id=9>;
//   rel=\"prev\"")
//     == {{"next", "https://m/api?max_id=1"}, {"prev", "https://m/api?min_id=9"}}
// Percent-encoding is core's url_encode (pipeline/core/http_client.h).
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace earshot::ingest {

// Lower-cased host of an absolute URL, without port or user info; "" when there is none.
std::string url_host(std::string_view url);

// Decoded value of the first `key=` in the query of `url`.
std::optional<std::string> query_param(std::string_view url, std::string_view key);

// Appends "key=value" (value encoded) with '?' or '&'.
std::string add_query(std::string url, std::string_view key, std::string_view value);

// RFC 8288 Link header → rel → target.
std::map<std::string, std::string> parse_link_header(std::string_view header);

// "https://h/v0/" + "/item/1.json" → "https://h/v0/item/1.json".
std::string join_url(std::string_view base, std::string_view path);

}  // namespace earshot::ingest
