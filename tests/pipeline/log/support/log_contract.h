// The Log contract: one suite, run against every Log implementation.
// log_contract_test.cc instantiates it for the embedded log (label unit),
// log_contract_kafka_test.cc for a real Apache Kafka broker (label kafka).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "pipeline/log/log.h"

namespace earshot::pipeline::testing {

struct LogTarget {
  std::string name;
  // Opens a Log; every call for one test must reach the same data (same file or broker).
  std::function<std::unique_ptr<log::Log>()> open;
  // Whether a child process can reach the same data (false for the in-memory log).
  bool shared_between_processes = true;
};
// Shown when a case fails: the target's name, not 72 bytes of the struct.
inline void PrintTo(const LogTarget& target, std::ostream* os) { *os << target.name; }

class LogContract : public ::testing::TestWithParam<LogTarget> {
 protected:
  void SetUp() override;
  std::unique_ptr<log::Log> open() { return GetParam().open(); }
  // A fresh topic name for this test (random suffix), created with `partitions`.
  std::string topic(const std::string& stem, int partitions = 3);
  // Reads everything committed in `topic` from the start, waiting until at least
  // `expected` records are there (or 30 s pass), then until the end.
  std::vector<log::Record> read_all(const std::string& topic, std::size_t expected);
  std::unique_ptr<log::Log> log_;
  std::string suffix_;
};

std::string unique_suffix();

}  // namespace earshot::pipeline::testing
