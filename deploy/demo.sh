#!/usr/bin/env bash
# Installs what is missing, builds the `earshot` binary (not the test programs), and runs
# earshot's main job on the embedded default: the bundled sample stream
# (deploy/demo/sample_posts.jsonl) through every stage, then a summary of what happened to it. The dashboard is at http://127.0.0.1:8080/ while it runs;
# on a terminal (or with --port N) it keeps serving after the summary until Ctrl-C.
#   deploy/demo.sh [earshot demo options, e.g. --port 8090]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/install-deps.sh"
"$root/deploy/build.sh" --target earshot  # the binary only: the test programs are test.sh's
exec "$root/build/pipeline/cli/earshot" demo "$@"
