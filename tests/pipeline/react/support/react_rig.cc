#include "tests/pipeline/react/support/react_rig.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline/codec/json_codec.h"

namespace earshot::pipeline::react_testing {

using namespace std::chrono_literals;
using sentiment::Label;

const std::int64_t kT0 = *core::parse_rfc3339_ms("2026-11-23T10:00:00Z");

std::unique_ptr<react::AlertEngine> alert_engine(std::vector<config::AlertRuleDef> rules,
                                                 react::AlertEngineOptions options) {
  options.now_ms = [] { return kT0; };
  auto e = react::AlertEngine::create(std::move(rules), std::move(options));
  EXPECT_TRUE(e) << e.error().message;
  return e ? std::move(*e) : nullptr;
}

core::Mention make_mention(const std::string& entity, std::int64_t t, Label label, float score,
                           const std::string& uid, const std::string& text,
                           const std::string& author_id) {
  core::Mention m;
  m.entity = entity;
  m.post_uid = uid;
  m.url = "https://example.test/" + uid;
  m.created_at = core::format_rfc3339_ms(t);
  m.author_id = author_id.empty() ? "a-" + uid : author_id;
  m.text = text;
  m.sentiment.label = label;
  m.sentiment.score = score;
  return m;
}

core::Mention mention(const std::string& entity, std::int64_t t, Label label, float score,
                      const std::string& uid) {
  return make_mention(entity, t, label, score, uid,
                      label == Label::negative ? "flight delayed again outage" : "nice crew today",
                      "a" + std::to_string(uid.size() % 7) + uid.substr(uid.size() - 1));
}

std::vector<core::Mention> scenario() {
  std::vector<core::Mention> out;
  for (int minute = 0; minute < 64; ++minute) {
    const std::int64_t base = kT0 + minute * 60'000LL;
    int neg = minute == 60 ? 40 : 3 + minute % 3;
    for (int i = 0; i < neg; ++i) {
      out.push_back(mention("acme", base + 500 + i * 200, Label::negative, -0.5f - 0.001f * i,
                            "acme-" + std::to_string(minute) + "-n" + std::to_string(i)));
    }
    for (int i = 0; i < 6; ++i) {
      out.push_back(mention("acme", base + 20'000 + i * 500, Label::positive, 0.4f,
                            "acme-" + std::to_string(minute) + "-p" + std::to_string(i)));
      out.push_back(mention("globex", base + 21'000 + i * 500,
                            i % 2 ? Label::negative : Label::neutral, -0.2f,
                            "globex-" + std::to_string(minute) + "-" + std::to_string(i)));
    }
  }
  return out;
}

config::Config test_config() {
  config::Config cfg = config::default_config();
  config::AlertRuleDef r;
  r.name = "negative-spike";
  r.kind = config::AlertKind::spike;
  r.label = Label::negative;
  cfg.alerts = {r};
  cfg.windows.sizes = {1min, 1h};
  cfg.log.partitions = 3;
  return cfg;
}

void produce(log::Log& log, const config::Config& cfg, const std::vector<core::Mention>& ms,
             std::size_t from, std::size_t to) {
  auto p = log.producer({});
  ASSERT_TRUE(p);
  for (std::size_t i = from; i < to; ++i)
    ASSERT_TRUE((*p)->produce(cfg.log.topic("mentions"), ms[i].entity, codec::encode(ms[i])));
  ASSERT_TRUE((*p)->flush(5s));
}

void drain(log::TransactionalLoop& loop, react::ReactHandler& h) {
  for (int idle = 0; idle < 3;) {
    auto n = loop.step(h);
    ASSERT_TRUE(n) << n.error().message;
    idle = *n == 0 && loop.caught_up() ? idle + 1 : 0;
  }
}

void drain_as(log::Log& log, const config::Config& cfg, react::ReactHandler& h,
              const std::string& instance) {
  auto loop = log::TransactionalLoop::create(log, react::react_loop_options(cfg, instance));
  ASSERT_TRUE(loop) << loop.error().message;
  drain(**loop, h);
}

std::vector<log::Record> read_all(log::Log& log, const std::string& topic) {
  auto c = log.consumer({.group = "", .topics = {topic}});
  EXPECT_TRUE(c);
  std::vector<log::Record> out;
  for (int i = 0; i < 50; ++i) {
    auto b = (*c)->poll(10'000, 100ms);
    if (b) out.insert(out.end(), b->begin(), b->end());
    if ((*c)->at_end()) break;
  }
  return out;
}

std::map<std::string, std::string> latest(const std::vector<core::Aggregate>& aggs) {
  std::map<std::string, core::Aggregate> best;
  for (const auto& a : aggs) {
    auto& slot = best[react::aggregate_key(a)];
    if (a.version >= slot.version) slot = a;
  }
  std::map<std::string, std::string> out;
  for (const auto& [k, a] : best) out[k] = codec::encode(a);
  return out;
}

std::map<std::string, std::string> latest_from_topic(log::Log& log, const config::Config& cfg) {
  std::vector<core::Aggregate> aggs;
  for (const auto& r : read_all(log, cfg.log.topic("aggregates"))) {
    auto a = codec::decode_aggregate(r.value);
    EXPECT_TRUE(a) << r.value;
    if (a) {
      EXPECT_EQ(r.key, react::aggregate_key(*a));
      aggs.push_back(*a);
    }
  }
  return latest(aggs);
}

std::pair<std::map<std::string, std::string>, std::vector<std::string>> batch(
    const config::Config& cfg, const std::vector<core::Mention>& ms) {
  react::Windows w(react::react_options(cfg).windows);
  auto e = react::AlertEngine::create(cfg.alerts);
  std::vector<core::Aggregate> aggs;
  std::vector<core::Alert> alerts;
  for (const auto& original : ms) {
    auto m = codec::decode_mention(codec::encode(original));  // the same input as on the topic
    EXPECT_TRUE(m);
    EXPECT_TRUE(w.add(*m, aggs));
    EXPECT_TRUE((*e)->add(*m, alerts));
  }
  std::vector<std::string> ids;
  for (const auto& a : alerts) ids.push_back(a.id);
  std::sort(ids.begin(), ids.end());
  return {latest(aggs), ids};
}

void expect_same(const std::map<std::string, std::string>& got,
                 const std::map<std::string, std::string>& want) {
  EXPECT_EQ(got.size(), want.size());
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      ADD_FAILURE() << "missing " << k;
    } else if (it->second != v) {
      ADD_FAILURE() << k << "\n got  " << it->second << "\n want " << v;
    }
  }
}

std::vector<std::string> alert_ids(log::Log& log, const config::Config& cfg) {
  std::vector<std::string> ids;
  for (const auto& r : read_all(log, cfg.log.topic("alerts"))) {
    auto a = codec::decode_alert(r.value);
    EXPECT_TRUE(a);
    if (a) ids.push_back(a->id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> alert_statuses(log::Log& log, const config::Config& cfg) {
  std::vector<std::string> out;
  for (const auto& r : read_all(log, cfg.log.topic("alerts"))) {
    auto a = codec::decode_alert(r.value);
    EXPECT_TRUE(a);
    if (a) out.push_back(a->entity + ":" + a->status);
  }
  return out;
}

}  // namespace earshot::pipeline::react_testing
