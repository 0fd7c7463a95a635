#include "sinks/alert_states.h"

#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

namespace earshot::sinks {

using nlohmann::json;
using pipeline::core::Error;
using pipeline::core::ErrorCode;

namespace {

json empty_state() {
  return {{"state", "open"}, {"by", nullptr}, {"at", nullptr}, {"history", json::array()}};
}

// The stored value, checked; nullopt when it is not a state record.
std::optional<json> parse_state(const std::string& value) {
  json j = json::parse(value, nullptr, false);
  if (!j.is_object() || !j.contains("state") || !j["state"].is_string() || !j.contains("history") ||
      !j["history"].is_array())
    return std::nullopt;
  return j;
}

}  // namespace

void AlertStates::apply_record(const pipeline::log::Record& record) {
  if (record.value.empty()) {  // tombstone
    std::lock_guard lock(mu_);
    values_.erase(record.key);
    return;
  }
  if (!parse_state(record.value)) {
    ++bad_records_;
    return;
  }
  std::lock_guard lock(mu_);
  values_[record.key] = record.value;
}

pipeline::core::Result<std::string> AlertStates::act(pipeline::log::Producer& writer,
                                                     const std::string& topic,
                                                     const std::string& alert_id,
                                                     const std::string& action,
                                                     const std::string& by, const std::string& at) {
  if (action != "ack" && action != "resolve")
    return std::unexpected(Error{ErrorCode::kInvalidArgument, "action: expected ack or resolve"});
  std::lock_guard act_lock(act_mu_);
  json state = json::parse(state_json(alert_id));
  state["alert"] = alert_id;
  state["state"] = action == "ack" ? "acknowledged" : "resolved";
  state["by"] = by;
  state["at"] = at;
  state["history"].push_back({{"action", action}, {"by", by}, {"at", at}});
  std::string value = state.dump(-1, ' ', false, json::error_handler_t::replace);
  EARSHOT_TRY(writer.produce(topic, alert_id, value));
  EARSHOT_TRY(writer.flush(std::chrono::seconds(10)));
  {
    std::lock_guard lock(mu_);
    values_[alert_id] = value;
  }
  return value;
}

std::string AlertStates::state_json(const std::string& alert_id) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(alert_id);
  if (it == values_.end()) return empty_state().dump();
  return it->second;
}

}  // namespace earshot::sinks
