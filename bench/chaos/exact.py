#!/usr/bin/env python3
"""Posts and the exactness check for the long reliability runs (bench/churn.sh, bench/soak.sh).

  exact.py posts N PREFIX [FIRST]    N posts as JSONL (uids PREFIX-FIRST ...), the same texts and
                                     event times as the chaos tests' make_posts(): one post per
                                     second of event time, Acme Air or Globex in four of five
  exact.py check EARSHOT CONFIG N [--aggregates] [--alerts] [--partial]
                                     reads the committed records (earshot tail, read_committed)
                                     and prints one JSON line: scored / lost / duplicated posts,
                                     duplicated mentions, aggregates differing from a batch
                                     recount of the mentions, duplicated alert ids. Exit 0 when
                                     exact. --partial: the input is still flowing, so only
                                     duplicates count (nothing can be called lost yet).
"""
import collections
import json
import subprocess
import sys

TEXTS = [
    "Acme Air lost my bag again, three hours at the carousel and nobody answers",
    "Flew Acme Air to Lisbon today, crew was lovely and we landed early",
    "Globex support fixed my router in ten minutes, impressed",
    "Is the Globex outage in Berlin fixed yet? still no internet here",
    "Reading about airline loyalty programs this morning, nothing special",
]


def posts(n, prefix, first=0):
    out = sys.stdout
    for i in range(first, first + n):
        ts = "2026-11-%02dT%02d:%02d:%02dZ" % (1 + i // 86400, (i // 3600) % 24, (i // 60) % 60,
                                               i % 60)
        out.write(json.dumps({
            "v": 1, "uid": "%s-%d" % (prefix, i), "source": "file",
            "url": "https://example.test/p/%d" % i, "created_at": ts,
            "author": {"id": "u%d" % (i % 977), "handle": "@user%d" % (i % 977)},
            "text": "%s #%d" % (TEXTS[i % 5], i), "tags": [], "mentions": []},
            separators=(",", ":")) + "\n")


def tail(earshot, config, topic):
    r = subprocess.run([earshot, "tail", "--config", config, topic], capture_output=True,
                       text=True, check=True)
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def check(earshot, config, n, aggregates, alerts, partial):
    res = {}
    per_uid = collections.Counter(r["uid"] for r in tail(earshot, config, "scored"))
    res["scored"] = len(per_uid)
    res["duplicated_posts"] = sum(c - 1 for c in per_uid.values())
    res["lost_posts"] = 0 if partial else n - len(per_uid)
    mentions = tail(earshot, config, "mentions")
    pairs = collections.Counter((m["post_uid"], m["entity"]) for m in mentions)
    res["mentions"] = len(pairs)
    res["duplicated_mentions"] = sum(c - 1 for c in pairs.values())
    if not partial:
        res["lost_mentions"] = n * 4 // 5 - len(pairs)
    ok = res["duplicated_posts"] == 0 and res["lost_posts"] == 0 and \
        res["duplicated_mentions"] == 0 and res.get("lost_mentions", 0) == 0
    if aggregates:
        # The last version of each (entity, 1m window) against a recount of the mentions; the
        # window of the latest event may still be open, so it is left out.
        want = collections.Counter()
        for m in mentions:
            want[(m["entity"], m["created_at"][:16])] += 1
        newest = max(k[1] for k in want) if want else ""
        got = {}
        for a in tail(earshot, config, "aggregates"):
            if a.get("window_size") != "1m":
                continue
            got[(a["entity"], a["window_start"][:16])] = a["volume"]
        keys = {k for k in want if k[1] != newest}
        wrong = [k for k in keys if got.get(k) != want[k]]
        res["windows"] = len(keys)
        res["aggregates_differing"] = len(wrong)
        res["aggregates_differing_examples"] = [
            "%s %s: got %s, recount %d" % (k[0], k[1], got.get(k), want[k]) for k in sorted(wrong)[:5]]
        ok = ok and not wrong
    if alerts:
        ids = collections.Counter(a["id"] for a in tail(earshot, config, "alerts"))
        res["alerts"] = len(ids)
        res["duplicated_alerts"] = sum(c - 1 for c in ids.values())
        ok = ok and res["duplicated_alerts"] == 0
    res["exact"] = ok
    print(json.dumps(res))
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "posts":
        posts(int(argv[2]), argv[3], int(argv[4]) if len(argv) > 4 else 0)
        return 0
    if len(argv) >= 5 and argv[1] == "check":
        flags = set(argv[5:])
        return check(argv[2], argv[3], int(argv[4]), "--aggregates" in flags,
                     "--alerts" in flags, "--partial" in flags)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
