// Test support (pipeline/codec): the Post the codec tests start from — every member set,
// a text with an emoji, escapes, quotes and a tab, so that a round trip exercises them all.
#pragma once

#include "pipeline/core/records.h"

namespace earshot::pipeline::codec_testing {

inline core::Post sample_post() {
  core::Post p;
  p.uid = "mastodon:mastodon.example:1100";
  p.source = "mastodon";
  p.url = "https://mastodon.example/@jo/1100";
  p.created_at = "2026-11-23T10:00:00Z";
  p.ingested_at = "2026-11-23T10:00:01.250Z";
  p.author = {"42", "@jo@mastodon.example", "Jo \"the\" Flyer", 1234};
  p.text = "Acme Air lost my bag \xF0\x9F\x98\xA1 again\n\ttab \\ \"quoted\"";
  p.lang = "en";
  p.reply_to = "mastodon:mastodon.example:1000";
  p.tags = {"acmeair", "travel"};
  p.mentions = {"@acmeair"};
  return p;
}

}  // namespace earshot::pipeline::codec_testing
