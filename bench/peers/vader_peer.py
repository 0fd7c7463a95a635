#!/usr/bin/env python3
"""Peer benchmark: Python vaderSentiment 3.3.2 on the texts bench/sentiment_bench.cc uses.

Reads the '#val' block (TweetEval validation, 2,000 tweets) of
tests/sentiment/data/vader_parity.tsv, scores every text with
SentimentIntensityAnalyzer().polarity_scores(), repeats for --seconds of CPU time, and prints
posts/s (CPU and wall).

  .venv-tools/bin/python bench/peers/vader_peer.py [--seconds 5]
"""
import argparse
import os
import sys
import time

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import parity_tsv  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--tsv", default=parity_tsv.PATH)
    args = p.parse_args()
    rows = parity_tsv.blocks(args.tsv)["val"]
    analyzer = SentimentIntensityAnalyzer()
    bad = sum(1 for want, text in rows if abs(analyzer.polarity_scores(text)["compound"] - want) > 1e-4)
    if bad:
        raise SystemExit("reference mismatch on %d texts" % bad)
    total_bytes = sum(len(t.encode("utf-8")) for _, t in rows)
    # CPU time is the figure to compare with Google Benchmark's "CPU" column on a shared
    # machine; wall time is printed too.
    posts, nbytes = 0, 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while time.process_time() - cpu0 < args.seconds:
        for _, text in rows:
            analyzer.polarity_scores(text)
        posts += len(rows)
        nbytes += total_bytes
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print("vaderSentiment 3.3.2 (Python %s): %d posts, CPU %.2f s = %.0f posts/s (%.2f MB/s); "
          "wall %.2f s = %.0f posts/s"
          % (sys.version.split()[0], posts, cpu, posts / cpu, nbytes / cpu / 1e6, wall,
             posts / wall))


if __name__ == "__main__":
    main()
