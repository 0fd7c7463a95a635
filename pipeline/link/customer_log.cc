#include "pipeline/link/customer_log.h"

#include <mutex>

#include <nlohmann/json.hpp>

#include "pipeline/core/status.h"
#include "pipeline/link/identity.h"

namespace earshot::pipeline::link {
namespace {

// "<platform>:<handle>" in canonical form, or "" when the key has no platform.
std::string canonical_key(std::string_view key) {
  auto colon = key.find(':');
  if (colon == std::string_view::npos || colon == 0) return "";
  std::string platform = canonical_platform(key.substr(0, colon));
  std::string_view rest = key.substr(colon + 1);
  if (is_did(rest)) return platform + ":" + std::string(rest);
  return platform + ":" + canonical_handle(platform, rest);
}

}  // namespace

core::Result<std::unique_ptr<LogCustomerSource>> LogCustomerSource::start(
    log::Log& log, const config::CustomerDirectoryDef& def) {
  std::string topic = def.topic.empty() ? "earshot.customers" : def.topic;
  EARSHOT_TRY(log.create_topics({{topic, 1, true}}));
  std::unique_ptr<LogCustomerSource> src(new LogCustomerSource(topic));
  auto reader = log.consumer({.group = "", .topics = {topic}, .on_revoke = {}});
  EARSHOT_TRY(reader);
  src->reader_ = std::move(*reader);
  // The initial load: everything committed so far.
  if (auto st = log::read_to_end(
          *src->reader_, [&](log::Record& r) { src->apply(r); }, std::chrono::seconds(60),
          "customers topic " + topic);
      !st) {
    return std::unexpected(st.error());
  }
  src->thread_ = std::thread([s = src.get()] { s->follow(); });
  return src;
}

LogCustomerSource::~LogCustomerSource() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void LogCustomerSource::follow() {
  while (!stop_) {
    auto batch = reader_->poll(1000, std::chrono::milliseconds(200));
    if (!batch) {
      failed_ = true;  // look-ups report failed until the reader recovers
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    failed_ = false;
    for (const auto& r : *batch) apply(r);
  }
}

void LogCustomerSource::apply(const log::Record& r) {
  std::string key = canonical_key(r.key);
  if (key.empty()) {
    ++bad_;
    return;
  }
  if (r.value.empty() || r.value == "null") {
    std::unique_lock lock(mu_);
    by_key_.erase(key);
    return;
  }
  auto json = nlohmann::json::parse(r.value, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    ++bad_;
    return;
  }
  core::CustomerRef c;
  auto str = [&](const char* k) {
    auto it = json.find(k);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  c.id = str("customer_id");
  if (c.id.empty()) c.id = str("id");
  if (c.id.empty()) {
    ++bad_;
    return;
  }
  c.tier = str("tier");
  c.name = str("name");
  c.url = customer_url(str("url"));
  c.source = name();
  std::unique_lock lock(mu_);
  by_key_[key] = std::move(c);
}

CustomerLookup LogCustomerSource::find(const Identity& who) const {
  CustomerLookup out;
  {
    std::shared_lock lock(mu_);
    if (!who.handle.empty()) {
      if (auto it = by_key_.find(who.platform + ":" + who.handle); it != by_key_.end())
        out.customer = it->second;
    }
    if (!out.customer && !who.did.empty()) {
      if (auto it = by_key_.find(who.platform + ":" + who.did); it != by_key_.end())
        out.customer = it->second;
    }
  }
  if (!out.customer && failed_) out.failed = true;
  return out;
}

std::size_t LogCustomerSource::size() const {
  std::shared_lock lock(mu_);
  return by_key_.size();
}

}  // namespace earshot::pipeline::link
