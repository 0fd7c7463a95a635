#include "ingest/normalize.h"

#include <algorithm>
#include <cctype>

#include "ingest/time_util.h"

namespace earshot::ingest {

pipeline::core::DeadLetter make_dead_letter(std::string_view source, std::string reason,
                                            std::string original) {
  pipeline::core::DeadLetter d;
  d.reason = std::move(reason);
  d.stage = "ingest:" + std::string(source);
  d.original = std::move(original);
  d.at = now_rfc3339();
  return d;
}

bool id_less(std::string_view a, std::string_view b) {
  auto numeric = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
  };
  if (numeric(a) && numeric(b)) {
    while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
    while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
    if (a.size() != b.size()) return a.size() < b.size();
  }
  return a < b;
}

}  // namespace earshot::ingest
