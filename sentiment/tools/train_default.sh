#!/usr/bin/env bash
# Regenerates sentiment/data/default.model, the learned `default` scorer, from TweetEval.
#
#   sentiment/tools/train_default.sh [DATA_DIR]
#
# DATA_DIR defaults to ../shared/data next to the repository (it must hold
# tweeteval_sentiment/{train,val}_{text,labels}.txt). Uses the built `earshot` binary
# ($EARSHOT, default build/pipeline/cli/earshot). Deterministic: the same data and code give
# the same model bytes (training is single-threaded and seeded), so a changed model in a
# diff means changed data or code. Takes well under a minute on one core.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$repo/../shared/data}/tweeteval_sentiment"
earshot="${EARSHOT:-$repo/build/pipeline/cli/earshot}"
out="$repo/sentiment/data/default.model"

for f in train_text.txt train_labels.txt val_text.txt val_labels.txt mapping.txt; do
  [[ -f "$data/$f" ]] || { echo "missing $data/$f" >&2; exit 2; }
done
[[ -x "$earshot" ]] || { echo "no earshot binary at $earshot (build it or set EARSHOT)" >&2; exit 2; }
# mapping.txt must be 0 negative, 1 neutral, 2 positive: the TSV uses the names.
expected=$'0\tnegative\n1\tneutral\n2\tpositive'
[[ "$(cat "$data/mapping.txt")" == "$expected" ]] || { echo "unexpected mapping.txt" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# label<TAB>text; the text is stripped (val lines carry trailing spaces, train lines none).
to_tsv() {
  paste "$data/$1_labels.txt" "$data/$1_text.txt" |
    awk -F'\t' 'BEGIN { OFS = "\t"; split("negative neutral positive", name, " ") }
                { t = $2; gsub(/^[ \t]+|[ \t]+$/, "", t); print name[$1 + 1], t }'
}
to_tsv train >"$tmp/train.tsv"
to_tsv val >"$tmp/val.tsv"

# Everything is chosen on train alone: 5-fold cross-validation (figures printed) tunes the
# two label biases and the softmax temperature on out-of-fold predictions; the final model
# learns from all of train. Val is only reported (--dev with --cv tunes nothing).
# The options are the ones picked by cross-validation (sentiment/data/default.model.md).
"$earshot" train --data "$tmp/train.tsv" --cv 5 --dev "$tmp/val.tsv" --out "$tmp/default.model" \
  ${EARSHOT_TRAIN_OPTIONS:---weight-decay 0.15}
mv "$tmp/default.model" "$out"
sha256sum "$out"
