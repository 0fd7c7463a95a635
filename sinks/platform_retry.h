// earshot::sinks — how long the reply senders (Mastodon, Bluesky, helpdesk cases) wait before
// the next try of a platform call that answered 429 or 5xx or did not answer.
//
//   platform_backoff(n)               1 s · 2^n, at most 5 min (n = attempts made so far, 0 first)
//   platform_retry_wait(res, n, now)  the server's own wait when it gives one — Retry-After in
//                                     seconds or as an HTTP date (parse_retry_after of
//                                     delivery.h), else RateLimit-Reset in epoch seconds (what
//                                     Bluesky sends) — capped at an hour; else platform_backoff(n)
//   trim_slash("https://x.example/") == "https://x.example"   (a base URL to append paths to)
//
//   if (res->status == 429) step.retry_after = platform_retry_wait(*res, attempt, now_ms);
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "pipeline/core/http_client.h"

namespace earshot::sinks {

std::chrono::milliseconds platform_backoff(int attempt);
std::chrono::milliseconds platform_retry_wait(const pipeline::core::HttpResponse& res, int attempt,
                                              std::int64_t now_ms);
std::string trim_slash(std::string s);

}  // namespace earshot::sinks
