// LiveFeed (sinks/live_events.h): follower records → LiveHub events.
#include <nlohmann/json.hpp>

#include "pipeline/codec/json_codec.h"
#include "sinks/alert_states.h"
#include "sinks/api.h"
#include "sinks/live_events.h"
#include "sinks/reply_api.h"

namespace earshot::sinks {

using nlohmann::json;

std::string LiveFeed::alert_item(const std::string& id) const {
  auto alert = store->alert_json(id);
  if (!alert) return "";
  json item = json::parse(*alert);
  json ack = states ? json::parse(states->state_json(id))
                    : json{{"state", "open"}, {"by", nullptr}, {"at", nullptr},
                           {"history", json::array()}};
  ack.erase("alert");
  item["ack"] = std::move(ack);
  return item.dump(-1, ' ', false, json::error_handler_t::replace);
}

void LiveFeed::on_record(const pipeline::log::Record& r) const {
  if (hub == nullptr || store == nullptr) return;
  if (r.topic == scored_topic) {
    hub->post();
  } else if (r.topic == aggregates_topic) {
    if (r.value.empty()) return;  // a tombstone: nothing new to show
    if (auto a = pipeline::codec::decode_aggregate(r.value))
      hub->aggregate(a->entity, a->window_size, ApiStore::point_json(*a));
  } else if (r.topic == alerts_topic) {
    if (auto a = pipeline::codec::decode_alert(r.value)) {
      if (std::string item = alert_item(a->id); !item.empty()) hub->publish("alert", item);
    }
  } else if (r.topic == alert_states_topic) {
    if (std::string item = alert_item(r.key); !item.empty()) hub->publish("alert", item);
  }
}

void LiveFeed::on_reply(const std::string& id) const {
  if (hub == nullptr || replies == nullptr) return;
  if (auto r = replies->get(id)) hub->publish("reply", reply_json(*r));
}

}  // namespace earshot::sinks
