#!/usr/bin/env python3
"""Reference data for earshot's VADER port (sentiment/vader*.cc).

Generates, from the real vaderSentiment==3.3.2 (PyPI) package:
  * tests/sentiment/data/vader_parity.tsv  (default action)
      header lines start with '#': '#handwritten<TAB>N', '#train<TAB>N', '#val<TAB>N' give the
      row counts of the three blocks, in that order. Then one row per text:
      compound<TAB>neg<TAB>neu<TAB>pos<TAB>text, with '\\' '\t' '\n' '\r' in text escaped as
      \\\\ \\t \\n \\r. Numbers are Python's repr of polarity_scores() values.
  * sentiment/vader_case_table.cc  (--case-table)
      CPython's str.isupper() character classes, as code point ranges.

Python is only a tool here, never a runtime dependency. Usage (from the repo root):
  python3 -m venv .venv-tools && .venv-tools/bin/pip install vaderSentiment==3.3.2
  .venv-tools/bin/python tests/tools/gen_vader_reference.py [--case-table]
"""
import argparse
import os
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TWEETEVAL = os.environ.get("EARSHOT_TWEETEVAL_DIR", "/work/shared/data/tweeteval_sentiment")

# Hand-written tricky cases: every rule of the reference, social-media shapes, odd Unicode.
SENTENCES = [
    # the reference's own examples
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as \U0001f498 and \U0001f48b and \U0001f601",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    # empty and blank
    "", " ", "\t\n", "   \u3000  ", ".", "!!!", "???", "?!", "\u00a0\u00a0",
    # negation
    "not good", "not bad", "isn't good", "isnt good", "never good", "never so good",
    "never this bad", "i never have been so happy", "nothing good about it",
    "it wasn't great but it was okay", "i don't hate it", "i do not like it at all",
    "no good", "no", "no no no", "no problem", "no fun or joy", "no love nor hope",
    "not not good", "without love", "without a doubt great", "without any doubt good",
    "despite good reviews it was bad", "rarely good", "seldom happy", "uh-uh not nice",
    "ain't nobody got time for bad vibes", "can't stand it", "cannot complain",
    "wouldn't recommend, terrible", "nope, awful", "neither good nor bad",
    # boosters and dampeners
    "very good", "very very good", "extremely bad", "EXTREMELY bad", "really REALLY good",
    "kind of good", "kind of bad", "sort of nice", "kinda nice", "sorta bad", "barely ok",
    "hardly happy", "slightly annoying", "it was just enough fun", "most amazing",
    "so good", "so so good", "the most incredibly awful thing", "hella good",
    "fucking awesome", "friggin terrible", "somewhat disappointed",
    # least
    "least good", "the least bad option", "at least good", "very least happy",
    "not the least bit happy", "least",
    # caps
    "GOOD", "good GOOD", "I LOVE it", "I HATE this", "THIS IS GREAT", "this is GREAT",
    "NO WAY", "NOT good", "not GOOD", "VERY good stuff", "OK OK fine", "LOL",
    # but
    "good but bad", "bad but good", "I love it, but it is expensive",
    "it is expensive BUT I love it", "but", "good but", "but good",
    "great but great but great", "ok but not great", "sad but true",
    "nice, but, nice, but nice",
    # idioms and special cases
    "the shit", "this is the shit", "the bomb", "bad ass", "yeah right", "kiss of death",
    "it is to die for", "my beating heart", "bus stop", "wait at the bus stop sadly",
    "cut the mustard", "under the weather", "to die for!!!", "the bomb dot com",
    # punctuation
    "good!", "good!!", "good!!!!!!!!", "bad!!!", "good?", "good??", "good????????",
    "bad???", "good?!?!", "what?!", "!!!good", "...good...", "'good'", "(good)",
    "good.", "good,bad", "good-bad", "hello", "hi!!!",
    # emoticons and slang
    ":)", ":(", ":-)", ":-(", ":D", ":d", ":P", ":p", "<3", "</3", ";)", ":'(", "xD", "XD",
    "lol", "LOL!!", "lmao", "rofl", "wtf", "smh", "meh", "ugh", "yay", "omg", "gr8",
    "ok :)", "love it <3 <3", "sad :( :(", "(:", "):", ":-/", ":/", "=)", "^_^", "o_O",
    # emoji
    "\U0001f600", "\U0001f622", "\U0001f621 angry", "love \u2764\ufe0f", "\u2764",
    "great\U0001f44d", "\U0001f44d\U0001f3fd thumbs", "\U0001f1fa\U0001f1f8 flag",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467 family", "\U0001f602\U0001f602\U0001f602",
    "1\ufe0f\u20e3 keycap", "\U0001f51b on arrow", "\U0001f199 up", "\u00a9 2020",
    "\u2122 brand", "\U0001f494 broken", "bad\U0001f620", "\U0001f60d\U0001f60d so good",
    "\U0001f3f3\ufe0f\u200d\U0001f308 pride", "\U0001f937\u200d\u2642\ufe0f whatever",
    # unicode: case, whitespace, odd characters
    "\u00c9COLE good", "GOOD \u00e9cole", "\u0394\u0395\u039b\u03a4\u0391 good",
    "\u03b4\u03b5\u03bb\u03c4\u03b1 GOOD", "\u212aind of good", "\u0130STANBUL GOOD",
    "good\u00a0bad", "good\u2003bad", "good\u200bbad", "good\u3000great",
    "good\x1cgreat", "good\x85great", "caf\u00e9 is good", "na\u00efve but nice",
    "\u2160\u2161 GOOD", "\u24b6\u24b7 GOOD", "\u01c5 GOOD", "Z\u0351\u0308\u0303a\u0362lgo good",
    "good\x00bad", "\u00ff\u0178 GOOD", "GOOD \u00df", "\U0001d400\U0001d401 GOOD",
    "\ufffd bad", "\u0442\u0435\u0441\u0442 good",
    # social shapes
    "@user thanks so much!! #love", "#fail @acme your app is down again",
    "http://example.com/good is bad", "RT @someone: great news!",
    "sooooo good", "soooo BAD", "I looove it", "#NotHappy with @AcmeAir",
    "@acmeair@mastodon.example worst flight ever", "$5 is a good price",
    "10/10 would buy again", "it's not NOT good", "Can't. Even.", "ugh... whatever :/",
    "Honestly? Not bad. Not great either.", "I'm happy - no, I'm ecstatic!",
    "love-hate relationship", "don't", "n't", "isn't", "didn't even try, lazy",
    # long texts: the "but" re-weighting switches strategy above 256 words
    "good bad great :) " * 70 + "but " + "good bad meh great " * 30,
    "but " + "nice " * 300 + "but awful",
    ("LOVE hate NOT good " * 80) + "BUT " + ("kind of bad " * 40) + "!!!",
]


def escape(text):
    return (text.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def read_lines(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [line[:-1] if line.endswith("\n") else line for line in f]


def write_tsv(out_path):
    analyzer = SentimentIntensityAnalyzer()
    blocks = [("handwritten", SENTENCES),
              ("train", read_lines(os.path.join(TWEETEVAL, "train_text.txt"))),
              ("val", read_lines(os.path.join(TWEETEVAL, "val_text.txt")))]
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for name, texts in blocks:
            out.write("#%s\t%d\n" % (name, len(texts)))
        for _, texts in blocks:
            for text in texts:
                s = analyzer.polarity_scores(text)
                out.write("%r\t%r\t%r\t%r\t%s\n" % (s["compound"], s["neg"], s["neu"], s["pos"],
                                                      escape(text)))


def case_class(cp):
    ch = chr(cp)
    if not ("A" + ch).isupper():
        return 2  # lower or title case: a string holding it is never isupper()
    if ch.isupper():
        return 1  # upper case: makes a string isupper() if nothing is class 2
    return 0


def write_case_table(out_path):
    ranges, prev, start = [], 0, 0
    for cp in range(0x110001):
        k = case_class(cp) if cp < 0x110000 else -1
        if k != prev:
            if prev > 0:
                ranges.append((start, cp - 1, prev))
            start, prev = cp, k
    rows = ["  {0x%X, 0x%X, %d}," % r for r in ranges]
    lines = [" ".join(rows[i:i + 4]).replace("   ", " ") for i in range(0, len(rows), 4)]
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write("// Generated by tests/tools/gen_vader_reference.py --case-table from CPython %s\n"
                  "// (Unicode %s). Do not edit; regenerate.\n"
                  "// CPython str.isupper() classes: 1 = upper case, 2 = lower or title case.\n"
                  '#include "sentiment/vader_text.h"\n\n'
                  "namespace earshot::sentiment::vader_text {\n\n"
                  "const CaseRange kCaseRanges[] = {\n%s\n};\n"
                  "const std::size_t kCaseRangeCount = sizeof(kCaseRanges) / sizeof(kCaseRanges[0]);\n\n"
                  "}  // namespace earshot::sentiment::vader_text\n"
                  % (sys.version.split()[0], __import__("unicodedata").unidata_version,
                     "\n".join("  " + l.strip() for l in lines)))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--case-table", action="store_true", help="write sentiment/vader_case_table.cc")
    p.add_argument("--out", help="output path (default: the checked-in location)")
    args = p.parse_args()
    if args.case_table:
        write_case_table(args.out or os.path.join(ROOT, "sentiment", "vader_case_table.cc"))
    else:
        write_tsv(args.out or os.path.join(ROOT, "tests", "sentiment", "data", "vader_parity.tsv"))


if __name__ == "__main__":
    main()
