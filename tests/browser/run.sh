#!/usr/bin/env bash
# tests/browser/run.sh BUILD_DIR EARSHOT_BINARY — what CTest runs for the label `browser`:
# installs the npm packages (install.sh), then the dashboard tests with node's test runner.
# Screenshots land in BUILD_DIR/tests/browser/screenshots.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
"$here/install.sh" "$build"
export EARSHOT_BINARY="$2"
export EARSHOT_SOURCE_DIR=${EARSHOT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
export EARSHOT_NODE_MODULES="$build/tests/browser/node_modules"
export EARSHOT_SCREENSHOTS="$build/tests/browser/screenshots"
exec node --test --test-reporter=spec --test-concurrency=1 "$here/dashboard.test.mjs" "$here/live.test.mjs"
