#!/usr/bin/env python3
"""Peer for `earshot score --model vader --text` end to end: Python vaderSentiment 3.3.2.

stdin → stdout, one plain text per line in, one JSON object per line out (the four VADER
scores), in input order: what a user of the Python library writes to do the same job.
Timed from outside, process start to last line (bench/score_e2e.sh).

  .venv-tools/bin/python bench/peers/score_peer.py < texts.txt > scores.jsonl
"""
import json
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def main():
    analyzer = SentimentIntensityAnalyzer()
    out = sys.stdout
    for line in sys.stdin:
        out.write(json.dumps(analyzer.polarity_scores(line.rstrip("\r\n"))))
        out.write("\n")


if __name__ == "__main__":
    main()
