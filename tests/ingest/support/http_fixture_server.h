// Test support (ingest): the shared HTTP fixture server (tests/support/http_server.h) under
// the names the ingest tests use, and the ingest fixtures in tests/ingest/data.
#pragma once

#include <string>

#include "tests/support/http_server.h"

namespace earshot::ingest::testing {

using earshot::testing::FixtureRequest;
using earshot::testing::FixtureResponse;
using earshot::testing::free_port;
using earshot::testing::HttpFixtureServer;
using earshot::testing::peer_closed;
using earshot::testing::read_http_request;
using earshot::testing::write_all;
using earshot::testing::write_chunk;

// Contents of tests/ingest/data/<name>.
std::string read_fixture(const std::string& name);

}  // namespace earshot::ingest::testing
