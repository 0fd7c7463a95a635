#!/usr/bin/env bash
# `earshot score` end to end against Python vaderSentiment (issue 18): process start to last
# line written, output included, on the same EARSHOT_SCORE_POSTS plain texts (bench/score_corpus.py),
# timed from outside, peer and earshot back to back in each of EARSHOT_SCORE_RUNS rounds; the
# median wall time of each is compared. Every earshot output is checked to have one line per
# input line, and the --output sentiment compounds against the peer's.
#
#   bench/score_e2e.sh          # BUILD=build; needs .venv-tools with vaderSentiment==3.3.2
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
PY="${PY:-$ROOT/.venv-tools/bin/python}"
[[ "$PY" != "$ROOT/.venv-tools/bin/python" ]] || "$ROOT/bench/peers/setup.sh"
E="$BUILD/pipeline/cli/earshot"
POSTS="${EARSHOT_SCORE_POSTS:-100000}"
RUNS="${EARSHOT_SCORE_RUNS:-3}"
[[ -x "$E" ]] || { echo "score_e2e.sh: build $E first" >&2; exit 1; }
"$PY" -c 'import vaderSentiment' 2>/dev/null || { echo "score_e2e.sh: $PY lacks vaderSentiment" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$ROOT/bench/score_corpus.py" "$POSTS" > "$work/texts.txt"

# name | command (stdin texts.txt, stdout to a file)
variants=(
  "python|$PY $ROOT/bench/peers/score_peer.py"
  "full-vader-1t|$E score --model vader --text --threads 1"
  "full-vader|$E score --model vader --text"
  "full-default|$E score --text"
  "sentiment-vader|$E score --model vader --text --output sentiment"
  "sentiment-vader-en|$E score --model vader --text --output sentiment --lang en"
)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), $POSTS texts"
for ((r = 1; r <= RUNS; r++)); do
  for v in "${variants[@]}"; do
    name="${v%%|*}" cmd="${v#*|}"
    # Wall time in nanoseconds from date (time(1)'s %e has 10 ms steps: a 0.09 s run would
    # read 0.08 or 0.10); CPU seconds from time(1).
    t0=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o "$work/t" $cmd < "$work/texts.txt" > "$work/$name.out"
    t1=$(date +%s%N)
    [[ "$(wc -l < "$work/$name.out")" -eq "$POSTS" ]] || { echo "$name: wrong line count" >&2; exit 1; }
    echo "$name $(( (t1 - t0) / 1000 ))e-6 $(cat "$work/t")" >> "$work/times"
  done
  echo "round $r done, load $(cut -d' ' -f1-3 /proc/loadavg)"
done
# The sentiment-only output carries the same compounds as the Python library (within 1e-4)
# wherever earshot scored with VADER (posts detected as another language get that language's
# lexicon scorer or no score: counted apart).
python3 - "$work/python.out" "$work/sentiment-vader.out" <<'PY'
import json, sys
bad = other = 0
for a, b in zip(open(sys.argv[1]), open(sys.argv[2])):
    ours = json.loads(b)
    if not ours["model"].startswith("vader"):
        other += 1
    elif abs(json.loads(a)["compound"] - ours["score"]) > 1e-4:
        bad += 1
print("compound mismatches vs the Python peer where earshot used VADER: %d "
      "(%d posts detected as another language, scored by its own lexicon or not at all)" % (bad, other))
PY
python3 - "$work/times" "$POSTS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_ = line.split()
    rows.setdefault(name, []).append((float(wall), float(user) + float(sys_)))
posts = float(sys.argv[2])
med = lambda xs: statistics.median(xs)
py_wall, py_cpu = med([w for w, _ in rows["python"]]), med([c for _, c in rows["python"]])
print("| command | median wall s | median CPU s | texts/s (wall) | x Python (wall) | x Python (CPU) |")
print("|---|---:|---:|---:|---:|---:|")
for name, rs in rows.items():
    w, c = med([x for x, _ in rs]), med([x for _, x in rs])
    print("| %s | %.3f | %.2f | %.0f | %.1f | %.1f |" % (name, w, c, posts / w, py_wall / w, py_cpu / c))
PY
