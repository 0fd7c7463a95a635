// earshot::pipeline::config — the configuration reference, taken from the loader itself.
//
// The config loader has no separate schema: the keys a section reader asks for are the
// schema (config_reader.h). So the reference is recorded, not written: with a SchemaRecorder
// attached, every getter the loader calls notes its key path, its type (string, duration,
// integer range, one of a set...), the default it leaves in place and the value it found.
// config_reference_markdown() runs the loader once over a built-in config that holds every
// section and one item of every source type, alert kind and sink type, and renders what was
// noted as Markdown: `pipeline/config/REFERENCE.md` is that output, and a test fails when the
// two disagree, so the reference cannot drift from the code.
//
//   std::cout << config_reference_markdown();   // `earshot config-reference`
//
// Thread safety: a recorder belongs to one load; config_reference_markdown() is reentrant.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace earshot::pipeline::config {

struct SchemaKey {
  std::string path;                   // "sources[].poll_interval" (list indices as [])
  std::string type;                   // "duration", "integer 1..40", "one of: public|local", ...
  std::vector<std::string> variants;  // source types / alert kinds / sink types using it
  std::map<std::string, std::string> defaults;  // variant ("" = all) -> default as written
  std::string example;                          // the value in the reference config
};

class SchemaRecorder {
 public:
  // `path` as the loader names it ("sources[2].limit"); `variant` the item's type or kind
  // ("" outside lists of typed items).
  void note(std::string_view path, std::string_view variant, std::string_view type,
            std::string_view default_value, std::string_view example);
  const std::vector<SchemaKey>& keys() const { return keys_; }

 private:
  std::vector<SchemaKey> keys_;  // in the order the loader first asked
};

// Every key of the configuration as Markdown (the text of pipeline/config/REFERENCE.md).
std::string config_reference_markdown();

}  // namespace earshot::pipeline::config
