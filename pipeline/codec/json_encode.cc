// Encoding of the records (json_codec.h) with RapidJSON's streaming writer.
#include <simdjson.h>
#include <bit>
#include <cmath>
#include <cstdint>

#include "pipeline/codec/json_codec.h"
#include "pipeline/codec/json_writer.h"
#include "pipeline/core/base64.h"
#include "sentiment/utf8.h"

namespace earshot::pipeline::codec {

bool utf8_valid(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

std::string utf8_repair(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  sentiment::utf8::append_sanitized(s, &out);
  return out;
}

namespace {

void write_sentiment_object(JsonWriter& w, const sentiment::Sentiment& s) {
  w.begin_object();
  w.field("label", sentiment::to_string(s.label));
  w.field("score", (s.score));
  w.key("probs");
  w.begin_object();
  w.field("neg", (s.probs.neg));
  w.field("neu", (s.probs.neu));
  w.field("pos", (s.probs.pos));
  w.end_object();
  w.field("model", s.model);
  w.end_object();
}

// A post's sentiment usually comes out three times (the post's, its entity's in "entities",
// the mention's), the same values each time: the last one written is kept per thread, with
// its bytes, and an equal one is copied instead of formatted again (four float conversions).
void write_sentiment(JsonWriter& w, const sentiment::Sentiment& s) {
  struct Last {
    bool valid = false;
    sentiment::Sentiment value;
    std::string json;
  };
  // Equal bit for bit: 0.0f == -0.0f, but they are written "0" and "-0".
  const auto same = [](const sentiment::Sentiment& a, const sentiment::Sentiment& b) {
    const auto bits = [](float f) { return std::bit_cast<std::uint32_t>(f); };
    return a.label == b.label && bits(a.score) == bits(b.score) &&
           bits(a.probs.neg) == bits(b.probs.neg) && bits(a.probs.neu) == bits(b.probs.neu) &&
           bits(a.probs.pos) == bits(b.probs.pos) && a.model == b.model;
  };
  thread_local Last last;
  if (!last.valid || !same(last.value, s)) {
    last.json.clear();
    JsonWriter one(last.json);
    write_sentiment_object(one, s);
    last.value = s;
    last.valid = true;
  }
  w.raw(last.json);
}

void write_strings(JsonWriter& w, Name k, const std::vector<std::string>& v) {
  w.key(k);
  w.begin_array();
  for (const auto& s : v) w.string(s);
  w.end_array();
}

void write_customer(JsonWriter& w, const std::optional<core::CustomerRef>& c) {
  w.key("customer");
  if (!c) {
    w.null();
    return;
  }
  w.begin_object();
  w.field("id", c->id);
  w.field("tier", c->tier);
  w.field("source", c->source);
  w.field("name", c->name);
  if (!c->url.empty()) w.field("url", c->url);
  w.end_object();
}

void write_reply_ref(JsonWriter& w, const std::optional<core::ReplyRef>& ref) {
  if (!ref) return;  // optional on the wire: absent, not null
  w.key("reply_ref");
  w.begin_object();
  w.field("uri", ref->uri);
  w.field("cid", ref->cid);
  w.field("root_uri", ref->root_uri);
  w.field("root_cid", ref->root_cid);
  w.end_object();
}

void write_post_fields(JsonWriter& w, const core::Post& p) {
  w.field("v", core::kSchemaVersion);
  w.field("uid", p.uid);
  w.field("source", p.source);
  w.field("url", p.url);
  w.field("created_at", p.created_at);
  if (!p.ingested_at.empty()) w.field("ingested_at", p.ingested_at);
  w.key("author");
  w.begin_object();
  w.field("id", p.author.id);
  w.field("handle", p.author.handle);
  w.field("name", p.author.name);
  if (p.author.followers) w.field("followers", *p.author.followers);
  w.end_object();
  w.field("text", p.text);
  if (p.lang) w.field("lang", *p.lang);
  if (p.reply_to) w.field("reply_to", *p.reply_to);
  write_strings(w, "tags", p.tags);
  write_strings(w, "mentions", p.mentions);
  if (p.deleted) w.field("deleted", true);
  if (p.visibility) w.field("visibility", *p.visibility);
  if (p.edited_at) w.field("edited_at", *p.edited_at);
  write_reply_ref(w, p.reply_ref);
}

void write_post_refs(JsonWriter& w, Name k, const std::vector<core::PostRef>& refs) {
  w.key(k);
  w.begin_array();
  for (const auto& r : refs) {
    w.begin_object();
    w.field("uid", r.uid);
    w.field("url", r.url);
    w.field("text", r.text);
    w.field("score", (r.score));
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string encode(const core::Post& r) {
  std::string out;
  out.reserve(256 + r.text.size());
  JsonWriter w(out);
  w.begin_object();
  write_post_fields(w, r);
  w.end_object();
  return out;
}

void encode_to(const core::ScoredPost& r, std::string& out) {
  // About what a record takes (escapes aside), so the output grows once at most.
  out.reserve(out.size() + 448 + r.post.text.size() + 256 * r.entities.size() +
              64 * (r.post.tags.size() + r.post.mentions.size() + r.flags.size()));
  JsonWriter w(out);
  w.begin_object();
  write_post_fields(w, r.post);
  w.key("sentiment");
  write_sentiment(w, r.sentiment);
  w.key("entities");
  w.begin_array();
  for (const auto& e : r.entities) {
    w.begin_object();
    w.field("id", e.id);
    w.field("kind", to_string(e.kind));
    w.key("span");
    w.begin_array();
    w.integer(e.begin);
    w.integer(e.end);
    w.end_array();
    w.field("match", to_string(e.match));
    w.key("sentiment");
    write_sentiment(w, e.sentiment);
    w.end_object();
  }
  w.end_array();
  write_customer(w, r.customer);
  w.field("intent", to_string(r.intent));
  write_strings(w, "flags", r.flags);
  w.end_object();
}

std::string encode(const core::ScoredPost& r) {
  std::string out;
  encode_to(r, out);
  return out;
}

void encode_to(const sentiment::Sentiment& r, std::string& out) {
  JsonWriter w(out);
  write_sentiment(w, r);
}

void encode_to(const MentionView& r, std::string& out) {
  static const std::optional<core::CustomerRef> kNoCustomer;
  out.reserve(out.size() + 448 + r.text.size());
  JsonWriter w(out);
  w.begin_object();
  w.field("v", core::kSchemaVersion);
  w.field("entity", r.entity);
  w.field("kind", to_string(r.kind));
  w.field("post_uid", r.post_uid);
  w.field("source", r.source);
  w.field("url", r.url);
  w.field("created_at", r.created_at);
  w.field("author_id", r.author_id);
  w.field("text", r.text);
  w.key("sentiment");
  write_sentiment(w, *r.sentiment);
  w.field("intent", to_string(r.intent));
  write_customer(w, r.customer ? *r.customer : kNoCustomer);
  w.field("derived", r.derived);
  w.field("retract", r.retract);
  if (!r.model_version.empty()) w.field("model_version", r.model_version);
  w.end_object();
}

void encode_to(const core::Mention& r, std::string& out) {
  encode_to(MentionView{r.entity, r.kind, r.post_uid, r.source, r.url, r.created_at, r.author_id,
                        r.text, &r.sentiment, r.intent, &r.customer, r.derived, r.retract,
                        r.model_version},
            out);
}

std::string encode(const core::Mention& r) {
  std::string out;
  encode_to(r, out);
  return out;
}

std::string encode(const core::Aggregate& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("v", core::kSchemaVersion);
  w.field("entity", r.entity);
  w.field("window_size", r.window_size);
  w.field("window_start", r.window_start);
  w.field("window_end", r.window_end);
  w.key("counts");
  w.begin_object();
  w.field("negative", r.negative);
  w.field("neutral", r.neutral);
  w.field("positive", r.positive);
  w.end_object();
  w.field("volume", r.volume);
  w.field("mean_score", r.mean_score);
  w.field("unique_authors", r.unique_authors);
  write_strings(w, "top_terms", r.top_terms);
  write_post_refs(w, "top_negative", r.top_negative);
  w.field("version", r.version);
  if (!r.model_version.empty()) w.field("model_version", r.model_version);
  w.end_object();
  return out;
}

std::string encode(const core::Alert& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("v", core::kSchemaVersion);
  w.field("id", r.id);
  w.field("rule", r.rule);
  w.field("entity", r.entity);
  w.field("severity", r.severity);
  w.field("status", r.status);
  w.key("window");
  w.begin_object();
  w.field("start", r.window_start);
  w.field("end", r.window_end);
  w.end_object();
  w.field("observed", r.observed);
  w.field("baseline", r.baseline);
  w.field("summary", r.summary);
  write_post_refs(w, "evidence", r.evidence);
  w.field("dedup_key", r.dedup_key);
  w.field("created_at", r.created_at);
  if (!r.link.empty()) w.field("link", r.link);
  w.end_object();
  return out;
}

std::string encode(const core::ReplyIntent& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("v", core::kSchemaVersion);
  w.field("id", r.id);
  w.field("post_uid", r.post_uid);
  w.field("platform", r.platform);
  w.field("in_reply_to", r.in_reply_to);
  w.field("text", r.text);
  w.field("template", r.template_name);
  write_customer(w, r.customer);
  w.field("status", to_string(r.status));
  w.field("idempotency_key", r.idempotency_key);
  w.field("entity", r.entity);
  w.field("reason", r.reason);
  w.field("lang", r.lang);
  w.field("intent", to_string(r.intent));
  w.key("sentiment");
  write_sentiment(w, r.sentiment);
  w.key("post");
  w.begin_object();
  w.field("text", r.post_text);
  w.field("author", r.post_author);
  w.field("author_id", r.post_author_id);
  w.field("url", r.post_url);
  w.field("created_at", r.post_created_at);
  w.end_object();
  w.field("remote_id", r.remote_id);
  if (!r.case_url.empty()) w.field("case_url", r.case_url);
  w.key("history");
  w.begin_array();
  for (const auto& e : r.history) {
    w.begin_object();
    w.field("status", to_string(e.status));
    w.field("by", e.by);
    w.field("at", e.at);
    w.field("reason", e.reason);
    w.end_object();
  }
  w.end_array();
  write_reply_ref(w, r.reply_ref);
  w.end_object();
  return out;
}

std::string encode(const core::DeadLetter& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("v", core::kSchemaVersion);
  w.field("reason", r.reason);
  w.field("stage", r.stage);
  w.field("topic", r.topic);
  w.field("partition", static_cast<std::int64_t>(r.partition));
  w.field("offset", r.offset);
  w.field("key", r.key);
  bool text = utf8_valid(r.original);
  w.field("original_encoding", text ? "utf8" : "base64");
  w.field("original", text ? r.original : core::base64_encode(r.original));
  w.field("at", r.at);
  w.end_object();
  return out;
}

}  // namespace earshot::pipeline::codec
