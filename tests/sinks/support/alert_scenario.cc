#include "tests/sinks/support/alert_scenario.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pipeline/codec/json_codec.h"
#include "pipeline/core/base64.h"

namespace earshot::sinks::testing {

using sentiment::Label;

std::int64_t t0_ms() { return *pipeline::core::parse_rfc3339_ms("2026-11-23T10:00:00Z"); }

pipeline::core::Mention make_mention(const std::string& entity, std::int64_t t_ms, Label label,
                                     float score, const std::string& uid) {
  pipeline::core::Mention m;
  m.entity = entity;
  m.post_uid = uid;
  m.source = "mastodon";
  m.url = "https://mastodon.example/@user/" + uid;
  m.created_at = pipeline::core::format_rfc3339_ms(t_ms);
  m.author_id = "author-" + uid;
  m.text = label == Label::negative ? "the app is down again, outage" : "great service today";
  m.sentiment.label = label;
  m.sentiment.score = score;
  m.intent =
      label == Label::negative ? pipeline::core::Intent::complaint : pipeline::core::Intent::praise;
  return m;
}

std::vector<pipeline::core::Mention> spike_scenario(const std::string& spiky,
                                                    const std::string& steady) {
  std::vector<pipeline::core::Mention> out;
  for (int minute = 0; minute < 64; ++minute) {
    const std::int64_t base = t0_ms() + minute * 60'000LL;
    for (const std::string& e : {spiky, steady}) {
      const bool spike = minute == 60 && e == spiky;
      const int neg = spike ? 40 : 3 + minute % 3;
      for (int i = 0; i < neg; ++i) {
        std::string uid = spike ? e + "-spike-" + std::to_string(i)
                                : e + "-" + std::to_string(minute) + "-n" + std::to_string(i);
        out.push_back(make_mention(e, base + 300 + i * 700, Label::negative,
                                   -0.4f - 0.01f * static_cast<float>(i % 40), uid));
      }
      for (int i = 0; i < 8; ++i) {
        out.push_back(make_mention(e, base + 1000 + i * 6000, Label::positive, 0.5f,
                                   e + "-" + std::to_string(minute) + "-p" + std::to_string(i)));
      }
    }
  }
  return out;
}

bool signature_valid(const ReceivedRequest& r, const std::string& secret) {
  const std::string id = r.header("webhook-id"), ts = r.header("webhook-timestamp");
  const std::string sig = r.header("webhook-signature");
  if (id.empty() || ts.empty() || !sig.starts_with("v1,")) return false;
  const std::string data = id + "." + ts + "." + r.body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return sig.substr(3) ==
         pipeline::core::base64_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

pipeline::core::Alert sample_alert(const std::string& id_suffix, const std::string& severity) {
  pipeline::core::Alert a;
  a.rule = "negative-spike";
  a.entity = "acme";
  a.severity = severity;
  a.window_start = "2026-11-23T11:00:00.000Z";
  a.window_end = "2026-11-23T11:01:00.000Z";
  a.observed = 40;
  a.baseline = 4;
  a.summary = "negative-spike for acme";
  a.dedup_key = "negative-spike|acme|" + id_suffix;
  a.id = "alrt_" + id_suffix;
  a.created_at = "2026-11-23T11:00:31.000Z";
  a.evidence = {{"p1", "https://mastodon.example/@u/p1", "down again", -0.9f},
                {"p2", "https://mastodon.example/@u/p2", "outage", -0.8f}};
  return a;
}

}  // namespace earshot::sinks::testing
