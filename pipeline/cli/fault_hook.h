// earshot CLI — the test-only fault hook of the transactional loop.
//
// The chaos tests (tests/cli/*_chaos_test.cc, bench/chaos/) start the real `earshot` binary
// with $EARSHOT_TEST_FAULT set to make a `process` or `react` instance die at a chosen point of
// a transaction, the way a SIGKILL or a power cut would, and then prove that nothing of the
// killed transaction is ever visible to read_committed readers:
//
//   EARSHOT_TEST_FAULT=POINT[:N][:stop]
//       POINT: produced | offsets_sent | in_commit | committed
//       N: the N-th transaction of this process (default 1)
//       :stop — raise SIGSTOP there instead of aborting (a zombie: the test lets the group
//               and the transaction time out, then sends SIGCONT)
//
// produced, offsets_sent and committed call std::abort() right at that LoopPoint of the N-th
// transaction; in_commit starts a thread that aborts 0–20 ms (random) after the commit call
// began, so the process dies while the commit is on the wire or just after it returned.
// Without the variable (every real deployment) fault_hook() returns an empty function and
// the loop calls nothing. A malformed value is a usage error (Exit, code 2), never ignored.
//
//   auto options = LoopOptions{...};
//   options.on_point = fault_hook("process");
//
// Thread safety: the returned function is called on the loop thread only.
#pragma once

#include <functional>
#include <string_view>

#include "pipeline/log/transactional_loop.h"

namespace earshot::pipeline::cli {

// The hook $EARSHOT_TEST_FAULT asks for; `role` only names the process in the log line
// printed just before the abort.
std::function<void(pipeline::log::LoopPoint)> fault_hook(std::string_view role);

}  // namespace earshot::pipeline::cli
