// Test support (alert sinks): a recording receiver is the shared HTTP fixture server
// (tests/support/http_server.h): it answers with a handler and records every request.
#pragma once

#include "tests/support/http_server.h"

namespace earshot::sinks::testing {

using ReceivedRequest = earshot::testing::FixtureRequest;
using ReceiverResponse = earshot::testing::FixtureResponse;
using RecordingReceiver = earshot::testing::HttpFixtureServer;
using earshot::testing::free_port;
using earshot::testing::read_http_request;
using earshot::testing::write_all;
using earshot::testing::write_chunk;

}  // namespace earshot::sinks::testing
