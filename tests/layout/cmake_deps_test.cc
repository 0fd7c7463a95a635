// Every library names what it uses (the layout issue: "each with its own explicit
// dependencies — no reliance on another library's PUBLIC deps"): for each folder of ours, every
// library folder and every third-party package its files include appears in its own
// CMakeLists.txt, so no library compiles only because another one passes a dependency on.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/source_dir.h"

namespace earshot::layout {
namespace {

namespace fs = std::filesystem;

// Our library folders and their CMake targets.
const std::map<std::string, std::string> kTargets{
    {"sentiment", "earshot_sentiment"},
    {"pipeline/core", "earshot_core"},
    {"pipeline/codec", "earshot_codec"},
    {"pipeline/http", "earshot_http"},
    {"pipeline/log", "earshot_log"},
    {"pipeline/log/kafka", "earshot_log_kafka"},
    {"pipeline/log/embedded", "earshot_log_embedded"},
    {"pipeline/config", "earshot_config"},
    {"pipeline/link", "earshot_link"},
    {"pipeline/process", "earshot_process"},
    {"pipeline/react", "earshot_react"},
    {"ingest", "earshot_ingest"},
    {"sinks", "earshot_sinks"},
};

// Third-party headers (by prefix) and the CMake targets any one of which provides them.
const std::vector<std::pair<std::string, std::set<std::string>>> kPackages{
    {"simdjson", {"simdjson::simdjson"}},  {"librdkafka/", {"PkgConfig::RDKAFKA"}},
    {"re2/", {"PkgConfig::RE2"}},          {"sqlite3.h", {"SQLite::SQLite3"}},
    {"yaml-cpp/", {"yaml-cpp"}},           {"nlohmann/", {"nlohmann_json::nlohmann_json"}},
    {"cpprest/", {"cpprestsdk::cpprest"}}, {"openssl/", {"OpenSSL::Crypto", "OpenSSL::SSL"}},
    {"expat.h", {"EXPAT::EXPAT"}},         {"CLI/", {"CLI11::CLI11"}},
    {"boost/", {"Boost::headers"}},
};

struct Missing {
  std::string file, include, needs;
};

// What `files` (path → content, all of library folder `folder`) include that `cmake` (the
// folder's CMakeLists.txt) does not name. The Log backends may include `pipeline/log/log.h`,
// the interface they implement (abstract classes, nothing to link), without linking it.
std::vector<Missing> missing_deps(const std::string& folder,
                                  const std::map<std::string, std::string>& files,
                                  const std::string& cmake) {
  std::set<std::string> named;
  static const std::regex token(R"([A-Za-z0-9_:\-]+)");
  for (auto it = std::sregex_iterator(cmake.begin(), cmake.end(), token);
       it != std::sregex_iterator(); ++it) {
    named.insert(it->str());
  }
  static const std::regex include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::vector<Missing> out;
  for (const auto& [path, content] : files) {
    std::istringstream in(content);
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, include)) continue;
      const std::string inc = m[2].str();
      if (m[1] == "\"") {
        const std::string dir = fs::path(inc).parent_path().string();
        const auto t = kTargets.find(dir);
        if (t == kTargets.end() || dir == folder) continue;
        const bool backend = folder == "pipeline/log/kafka" || folder == "pipeline/log/embedded";
        if (backend && inc == "pipeline/log/log.h") continue;
        if (!named.contains(t->second)) out.push_back({path, inc, t->second});
        continue;
      }
      for (const auto& [prefix, targets] : kPackages) {
        if (!inc.starts_with(prefix)) continue;
        bool any = false;
        for (const auto& t : targets) any = any || named.contains(t);
        if (!any) out.push_back({path, inc, *targets.begin()});
      }
    }
  }
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CmakeDeps, AMissingLibraryOrPackageIsReported) {
  const std::map<std::string, std::string> react{
      {"pipeline/react/a.cc",
       "#include \"pipeline/react/a.h\"\n#include \"pipeline/codec/json_codec.h\"\n"
       "#include <re2/re2.h>\n#include <vector>\n"}};
  EXPECT_TRUE(missing_deps("pipeline/react", react,
                           "earshot_library(earshot_react DEPS earshot_codec "
                           "PRIVATE_DEPS PkgConfig::RE2)")
                  .empty());
  const auto both = missing_deps("pipeline/react", react, "earshot_library(earshot_react)");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].needs, "earshot_codec");
  EXPECT_EQ(both[1].needs, "PkgConfig::RE2");
  // A backend's include of the Log interface needs no link; anyone else's does.
  const std::map<std::string, std::string> backend{
      {"pipeline/log/kafka/b.cc", "#include \"pipeline/log/log.h\"\n"}};
  EXPECT_TRUE(missing_deps("pipeline/log/kafka", backend, "").empty());
  const std::map<std::string, std::string> stage{
      {"pipeline/process/b.cc", "#include \"pipeline/log/log.h\"\n"}};
  ASSERT_EQ(missing_deps("pipeline/process", stage, "").size(), 1u);
  EXPECT_EQ(missing_deps("pipeline/process", stage, "")[0].needs, "earshot_log");
}

TEST(CmakeDeps, EveryLibraryNamesWhatItIncludes) {
  ASSERT_TRUE(fs::is_directory(earshot::testing::source_path() / "pipeline/core"))
      << earshot::testing::source_path();
  for (const auto& [folder, target] : kTargets) {
    const fs::path dir = earshot::testing::source_path() / folder;
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) {
      const auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".h" || ext == ".cc")) {
        files[folder + "/" + e.path().filename().string()] = slurp(e.path());
      }
    }
    const std::string cmake = slurp(dir / "CMakeLists.txt");
    EXPECT_NE(cmake.find(target), std::string::npos) << folder << " does not define " << target;
    for (const Missing& m : missing_deps(folder, files, cmake)) {
      ADD_FAILURE() << m.file << " includes " << m.include << " but " << folder
                    << "/CMakeLists.txt does not name " << m.needs;
    }
  }
}

TEST(CmakeDeps, TheLinkerDoesNotLinkTheHttpClient) {
  // The HTTP CRM directory gets its client injected by the CLI (link::DirectoryIo).
  for (const char* folder : {"pipeline/core", "pipeline/link", "pipeline/config"}) {
    EXPECT_EQ(slurp(earshot::testing::source_path() / folder / "CMakeLists.txt").find("cpprest"),
              std::string::npos)
        << folder;
  }
}

}  // namespace
}  // namespace earshot::layout
