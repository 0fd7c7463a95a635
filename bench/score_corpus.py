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

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"t": "\t", "n": "\n", "r": "\r"}.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    path = os.path.join(ROOT, "tests", "sentiment", "data", "vader_parity.tsv")
    with open(path, encoding="utf-8", newline="\n") as f:
        lines = f.read().split("\n")
    rows, skip = [], 0
    for line in lines:
        if line.startswith("#"):
            name, count = line[1:].split("\t")
            if name == "handwritten":
                skip = int(count)
        elif line:
            rows.append(unescape(line.split("\t", 4)[4]))
    texts = [t for t in rows[skip:] if "\n" not in t and "\r" not in t]
    out = sys.stdout
    for i in range(n):
        out.write(texts[i % len(texts)])
        out.write("\n")


if __name__ == "__main__":
    main()
