// The dependency table of DESIGN.md §3 as data: which folder may include which. Keep it in
// step with DESIGN.md; tests/layout/layout_test.cc holds the real tree to it.
#include "tests/layout/support/include_graph.h"

namespace earshot::layout {

Rules design_rules() {
  const std::string core = "pipeline/core", codec = "pipeline/codec", http = "pipeline/http",
                    log = "pipeline/log", kafka = "pipeline/log/kafka",
                    embedded = "pipeline/log/embedded", config = "pipeline/config",
                    link = "pipeline/link", process = "pipeline/process", react = "pipeline/react",
                    cli = "pipeline/cli";
  // The Log backends implement log.h; only open_log.cc (which picks one) and cli/ name them.
  const std::string open_log = "pipeline/log/open_log.cc", log_interface = "pipeline/log/log.h";
  auto folders = [](std::initializer_list<std::string> names) {
    std::vector<Allowance> out;
    for (const auto& n : names) out.push_back({n, ""});
    return out;
  };
  Rules r;
  r.folders = {
      {"sentiment", {}},
      {core, {}},
      {codec, folders({core})},
      {http, folders({core})},
      {log, {{core, ""}, {codec, ""}, {kafka, open_log}, {embedded, open_log}}},
      {kafka, {{core, ""}, {log_interface, ""}}},
      {embedded, {{core, ""}, {log_interface, ""}}},
      {config, folders({core})},
      {link, folders({core, config, log})},
      {process, folders({core, codec, config, log, link})},
      {react, folders({core, codec, config, log})},
      {"ingest", folders({core, codec, http, log, config, link})},  // pipeline/ but process, react
      {"sinks", folders({core, codec, http, log, config, link, react})},  // pipeline/ but process
      {cli, folders({core, codec, http, log, kafka, embedded, config, link, process, react,
                     "ingest", "sinks"})},
  };
  r.everywhere = {"sentiment"};
  r.backends = {kafka, embedded};
  r.apart = {{"ingest", "sinks"}};
  r.roots = {"sentiment", "pipeline", "ingest", "sinks", "tests", "bench"};
  return r;
}

}  // namespace earshot::layout
