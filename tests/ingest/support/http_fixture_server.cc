#include "tests/ingest/support/http_fixture_server.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/source_dir.h"

namespace earshot::ingest::testing {

std::string read_fixture(const std::string& name) {
  std::filesystem::path p = earshot::testing::source_path("tests/ingest/data") / name;
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace earshot::ingest::testing
