#!/usr/bin/env bash
# Creates .venv-tools (the Python peers' virtualenv: confluent-kafka and vaderSentiment 3.3.2
# from PyPI) when it is missing or lacks them. Benchmark tooling only: the product never
# imports Python. bench/run.sh, e2e.sh and score_e2e.sh call it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="$ROOT/.venv-tools/bin/python"
if [[ -x "$PY" ]] && "$PY" -c 'import confluent_kafka, vaderSentiment' 2>/dev/null; then exit 0; fi
echo "bench: creating $ROOT/.venv-tools (confluent-kafka, vaderSentiment==3.3.2)" >&2
python3 -m venv "$ROOT/.venv-tools"
"$ROOT/.venv-tools/bin/pip" install -q confluent-kafka vaderSentiment==3.3.2
