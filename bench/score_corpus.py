#!/usr/bin/env python3
"""Writes N plain tweet texts, one per line, for bench/score_e2e.sh.

The texts are the TweetEval sentiment train and val tweets (Barbieri et al. 2020; the
tweets are Twitter content redistributed by TweetEval for research) kept in the repository
as the text column of tests/sentiment/data/vader_parity.tsv, repeated in order until N
lines. Texts holding a newline are skipped (one text = one line).

  python3 bench/score_corpus.py 100000 > texts.txt
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parity_tsv  # noqa: E402


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rows = [text for name, block in parity_tsv.blocks().items() if name != "handwritten"
            for _, text in block]
    texts = [t for t in rows if "\n" not in t and "\r" not in t]
    out = sys.stdout
    for i in range(n):
        out.write(texts[i % len(texts)])
        out.write("\n")


if __name__ == "__main__":
    main()
