"""Reads tests/sentiment/data/vader_parity.tsv for the Python side of the benchmarks.

The file starts with one '#<block>\t<count>' line per block (handwritten, train, val), then
the rows of the blocks in that order: compound, neg, neu, pos, text, with \\t \\n \\r \\\\
escaped in the text. blocks() returns {name: [(compound, text), ...]} in file order.
"""
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PATH = os.path.join(ROOT, "tests", "sentiment", "data", "vader_parity.tsv")


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


def blocks(path=PATH):
    with open(path, encoding="utf-8", newline="\n") as f:
        lines = f.read().split("\n")
    counts = [l[1:].split("\t") for l in lines if l.startswith("#")]
    data = [l for l in lines if l and not l.startswith("#")]
    out, at = {}, 0
    for name, n in counts:
        rows = []
        for line in data[at:at + int(n)]:
            compound, _, _, _, text = line.split("\t", 4)
            rows.append((float(compound), unescape(text)))
        out[name] = rows
        at += int(n)
    return out
