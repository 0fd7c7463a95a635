// earshot config-reference
// Prints the configuration reference (every key, type, default, example) as Markdown, taken
// from the config loader itself (pipeline/config/config_schema.h); pipeline/config/REFERENCE.md
// is its output.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "pipeline/cli/cli_common.h"
#include "pipeline/config/config_schema.h"

namespace earshot::pipeline::cli {

void add_config_reference(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("config-reference",
                         "Print every config key with its type, default and an example (Markdown)");
  cmd->callback([] {
    set_runner([] {
      const std::string text = pipeline::config::config_reference_markdown();
      std::fwrite(text.data(), 1, text.size(), stdout);
      return kExitOk;
    });
  });
}

}  // namespace earshot::pipeline::cli
