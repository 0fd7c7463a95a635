// earshot::pipeline::link — a customer directory materialised from a compacted Log topic.
//
// For CRMs that publish identities to Kafka: each record's key is "<platform>:<handle>"
// (or "<platform>:<did>" for Bluesky), its value a JSON object {"customer_id" (or "id"),
// "tier", "name"}; an empty value (or null) removes the key. The directory reads the topic
// from its beginning at start (so the first look-up already sees everything committed), then
// keeps following it on a thread of its own. Config: `customers: [{type: kafka, topic: T}]`.
//
//   auto dir = LogCustomerSource::start(log, def);   // reads T to its end first
//   CustomerLookup who = (*dir)->find(identity_of("mastodon", author, "mastodon.example"));
//
// Thread safety: find() may be called from any number of threads (a shared lock); updates
// come from the source's own thread. Lifetime: `log` must outlive the source.
#pragma once

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "pipeline/config/entity.h"
#include "pipeline/link/customer_directory.h"
#include "pipeline/log/log.h"

namespace earshot::pipeline::link {

class LogCustomerSource final : public CustomerSource {
 public:
  static core::Result<std::unique_ptr<LogCustomerSource>> start(
      log::Log& log, const config::CustomerDirectoryDef& def);
  ~LogCustomerSource() override;

  CustomerLookup find(const Identity& who) const override;
  std::string name() const override { return "kafka:" + topic_; }
  std::size_t size() const;
  std::uint64_t bad_records() const { return bad_.load(); }

 private:
  explicit LogCustomerSource(std::string topic) : topic_(std::move(topic)) {}
  void apply(const log::Record& r);
  void follow();

  std::string topic_;
  std::unique_ptr<log::Consumer> reader_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, core::CustomerRef> by_key_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<std::uint64_t> bad_{0};
  std::thread thread_;
};

}  // namespace earshot::pipeline::link
