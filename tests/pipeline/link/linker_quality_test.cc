// Precision and recall of the linker on the labelled set in tests/pipeline/data/linking/
// (entities.jsonl: the config's entities; posts.jsonl: posts with the expected entity ids,
// derived parent companies included). Figures are recorded in pipeline/quality_linking.md.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "pipeline/link/linker.h"
#include "tests/support/source_dir.h"

namespace earshot::pipeline::link {
namespace {

std::filesystem::path data_dir() {
  return earshot::testing::source_path("tests/pipeline/data/linking");
}

std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end()) {
    for (const auto& v : *it) out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<config::EntityDef> load_entities() {
  std::vector<config::EntityDef> out;
  std::ifstream in(data_dir() / "entities.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    config::EntityDef e;
    e.id = j.at("id");
    e.name = j.value("name", e.id);
    EXPECT_TRUE(core::parse_entity_kind(j.value("kind", "company"), &e.kind));
    if (j.contains("parent")) e.parent = j.at("parent").get<std::string>();
    e.aliases = strings(j, "aliases");
    e.patterns = strings(j, "patterns");
    e.handles = strings(j, "handles");
    e.hashtags = strings(j, "hashtags");
    e.domains = strings(j, "domains");
    e.require_any = strings(j, "require_any");
    e.exclude = strings(j, "exclude");
    out.push_back(std::move(e));
  }
  return out;
}

TEST(LinkerQuality, PrecisionAndRecallOnTheLabelledSet) {
  auto linker = Linker::build(load_entities());
  ASSERT_TRUE(linker) << linker.error().message;
  ASSERT_GE(linker->entity_count(), 10u);
  std::ifstream in(data_dir() / "posts.jsonl");
  ASSERT_TRUE(in) << data_dir();
  std::string line;
  int posts = 0, tp = 0, fp = 0, fn = 0, negatives = 0, clean_negatives = 0;
  std::ostringstream errors;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    core::Post p;
    p.uid = j.at("uid");
    p.source = j.at("source");
    p.text = j.at("text");
    p.mentions = strings(j, "mentions");
    p.tags = strings(j, "tags");
    std::vector<std::string> want_v = strings(j, "expect");
    std::set<std::string> want(want_v.begin(), want_v.end()), got;
    for (const core::EntityMention& m : linker->link(p).entities) {
      got.insert(m.id);
      ASSERT_LE(m.begin, m.end);
      ASSERT_LE(m.end, p.text.size());
    }
    ++posts;
    for (const auto& id : got) {
      if (want.count(id))
        ++tp;
      else
        ++fp, errors << "  false positive " << id << ": " << p.text << "\n";
    }
    for (const auto& id : want) {
      if (!got.count(id)) ++fn, errors << "  false negative " << id << ": " << p.text << "\n";
    }
    if (want.empty()) {
      ++negatives;
      clean_negatives += got.empty() ? 1 : 0;
    }
  }
  ASSERT_GE(posts, 300);
  double precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 0.0;
  double recall = tp + fn ? static_cast<double>(tp) / (tp + fn) : 0.0;
  std::cout << "linking: posts " << posts << ", expected links " << (tp + fn) << ", negatives "
            << negatives << " (" << clean_negatives << " with no link), tp " << tp << ", fp " << fp
            << ", fn " << fn << ", precision " << precision << ", recall " << recall << "\n"
            << errors.str();
  RecordProperty("precision", std::to_string(precision));
  RecordProperty("recall", std::to_string(recall));
  EXPECT_GE(precision, 0.95) << errors.str();
  EXPECT_GE(recall, 0.95) << errors.str();
}

}  // namespace
}  // namespace earshot::pipeline::link
