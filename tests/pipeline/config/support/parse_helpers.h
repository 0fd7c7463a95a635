// Test support (pipeline/config): the three ways the config tests meet the loader — a file of
// tests/pipeline/data/configs/, a text that must load (valid) and one that must not (errors_of,
// its error text). Texts are parsed as "test.yaml" in /etc/earshot, unless a file is named.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "pipeline/config/config.h"
#include "tests/support/source_dir.h"

namespace earshot::pipeline::config_testing {

// The path of tests/pipeline/data/configs/<name>.
inline std::string fixture(const std::string& name) {
  return earshot::testing::source_path("tests/pipeline/data/configs/").string() + name;
}

// The error text of a config that must not load (an invalid-argument error).
inline std::string errors_of(std::string_view yaml, const std::string& file = "test.yaml") {
  core::Result<config::Config> cfg = config::parse_config(yaml, file, "/etc/earshot");
  EXPECT_FALSE(cfg.has_value()) << "config unexpectedly valid:\n" << yaml;
  if (cfg) return "";
  EXPECT_EQ(cfg.error().code, core::ErrorCode::kInvalidArgument);
  return cfg.error().message;
}

// The config of a text that must load (defaults where it fails, after a test failure).
inline config::Config valid(std::string_view yaml) {
  core::Result<config::Config> cfg = config::parse_config(yaml, "test.yaml", "/etc/earshot");
  EXPECT_TRUE(cfg.has_value()) << (cfg ? "" : cfg.error().message);
  return cfg ? *cfg : config::Config{};
}

}  // namespace earshot::pipeline::config_testing
