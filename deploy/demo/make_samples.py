#!/usr/bin/env python3
"""Writes deploy/demo/sample_posts.jsonl: the demo's fictional post stream.

500 Post records (DESIGN.md §2, pipeline/records.h) about the fictional companies of
deploy/examples/embedded.yaml, over two hours of event time (2026-11-23 09:00-11:00 UTC),
from mastodon, bluesky, reddit, hackernews and rss, then a few malformed lines for the
dead-letter path. The story in it (README.md has the details):

  * a steady background of mixed posts about every entity, in English with some Spanish
    and German;
  * 09:48  a bot wave: near-identical "free miles" spam from fresh accounts, plus two
    posts delivered twice (same uid) as a re-ingest would;
  * 10:30  an Acme Air outage: ~60 complaints within one minute (spike, keyword and
    complaint-wave alerts), a VIP customer among them, the airline answering;
  * posts by customers listed in deploy/examples/customers.csv;
  * "orbit" used as an everyday word (space talk) next to posts about the Orbit app.

Deterministic: a fixed seed, no clock, no network. Run it from anywhere:
    python3 deploy/demo/make_samples.py            # rewrites sample_posts.jsonl
"""
import datetime as dt
import json
import os
import random

import sample_text as T

SEED = 20261123
START = dt.datetime(2026, 11, 23, 9, 0, 0, tzinfo=dt.timezone.utc)
SPAN_S = 2 * 3600
OUTAGE_S = 90 * 60            # 10:30:00
BOT_WAVE_S = 48 * 60          # 09:48:00
TOTAL = 500
HERE = os.path.dirname(os.path.abspath(__file__))

rng = random.Random(SEED)


def rfc3339(t, ms=False):
    if ms:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


B32 = "234567abcdefghijklmnopqrstuvwxyz"
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def tid(t):  # a Bluesky record key: microseconds since epoch, base32-sortable
    n = (int(t.timestamp() * 1_000_000) << 10) | rng.randrange(1024)
    out = ""
    for _ in range(13):
        out = B32[n & 31] + out
        n >>= 5
    return out


def b36(n):
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = B36[r] + out
    return out or "0"


class People:
    """Authors per platform; the same person keeps one account per platform."""

    def __init__(self):
        self.cache = {}

    def person(self, platform, key=None):
        if key is None:
            key = rng.randrange(220)
        if (platform, key) in self.cache:
            return self.cache[(platform, key)]
        first, last = rng.choice(T.FIRST), rng.choice(T.LAST)
        slug = (first + rng.choice(["", "_", "."]) + last[: rng.randint(1, len(last))]).lower()
        slug = slug.replace("é", "e").replace("ü", "u").replace("ö", "o").replace("ñ", "n")
        slug = slug.replace(".", "") if platform in ("mastodon", "reddit", "hackernews") else slug
        followers = int(rng.lognormvariate(5.0, 1.4))
        if platform == "mastodon":
            inst = rng.choice(["mastodon.example", "fosstodon.example", "social.example",
                               "hachyderm.example", "mstdn.example"])
            a = {"id": str(rng.randrange(10**17, 10**18)), "handle": f"@{slug}@{inst}",
                 "name": f"{first} {last}", "followers": followers}
        elif platform == "bluesky":
            did = "did:plc:" + "".join(rng.choice(B32) for _ in range(24))
            a = {"id": did, "handle": f"{slug.replace('_', '-')}.bsky.social",
                 "name": f"{first} {last}", "followers": followers}
        elif platform == "reddit":
            user = rng.choice([slug, slug + str(rng.randrange(10, 99)), T.reddit_name(rng)])
            a = {"id": "t2_" + b36(rng.randrange(36**6, 36**7)), "handle": user, "name": user,
                 "followers": None}
        else:
            user = rng.choice([slug[:10], first.lower()[0] + last.lower()[:7], T.hn_name(rng)])
            a = {"id": user, "handle": user, "name": user, "followers": None}
        self.cache[(platform, key)] = a
        return a


people = People()
mastodon_id = [113_562_000_000_000_000]
hn_id = [42_216_000]


def make_post(source, t, author, text, lang, tags=(), mentions=(), reply_to=None, sub=None):
    ingested = t + dt.timedelta(milliseconds=rng.randint(300, 12_000))
    if source == "mastodon":
        mastodon_id[0] += rng.randint(10**9, 10**11)
        inst = author["handle"].split("@")[2]
        uid = f"mastodon:{inst}:{mastodon_id[0]}"
        url = f"https://{inst}/@{author['handle'].split('@')[1]}/{mastodon_id[0]}"
    elif source == "bluesky":
        rkey = tid(t)
        uid = f"bluesky:{author['id']}:{rkey}"
        url = f"https://bsky.app/profile/{author['handle']}/post/{rkey}"
    elif source == "reddit":
        kind = "t3" if reply_to is None else "t1"
        native = b36(rng.randrange(36**6, 36**7))
        uid = f"reddit:{sub}:{kind}_{native}"
        url = f"https://www.reddit.com/r/{sub}/comments/{native}/"
    elif source == "hackernews":
        hn_id[0] += rng.randint(40, 900)
        uid = f"hackernews:news.ycombinator.com:{hn_id[0]}"
        url = f"https://news.ycombinator.com/item?id={hn_id[0]}"
    else:
        slug = "-".join(text.lower().replace(",", "").replace(":", "").split()[:7])
        slug = "".join(c for c in slug if c.isalnum() or c == "-")
        slug += f"-{t:%H%M}"
        uid = f"rss:{author['id']}:{slug}"
        url = f"https://{author['id']}/{t:%Y/%m/%d}/{slug}"
    return {
        "v": 1, "uid": uid, "source": source, "url": url,
        "created_at": rfc3339(t), "ingested_at": rfc3339(ingested, ms=True),
        "author": author, "text": text, "lang": lang, "reply_to": reply_to,
        "tags": list(tags), "mentions": list(mentions),
    }


def pick_source(burst=False):
    if burst:
        return rng.choices(["mastodon", "bluesky", "reddit"], [45, 45, 10])[0]
    return rng.choices(["mastodon", "bluesky", "reddit", "hackernews", "rss"],
                       [34, 36, 15, 8, 7])[0]


def post_about(ent, mood, t, source=None, author=None, lang="en", burst=False):
    source = source or pick_source(burst)
    if source == "rss":
        text, tags, mentions = T.headline(rng, ent, mood), [], []
        author = rng.choice(T.FEEDS)
        lang = "en"
    else:
        text, tags, mentions = T.social(rng, ent, mood, source, lang, burst)
        author = author or people.person(source)
    sub = T.SUBREDDIT[ent] if source == "reddit" else None
    if source in ("reddit", "hackernews"):
        tags = []
        lang = lang if rng.random() < 0.5 else None
    return make_post(source, t, author, text, lang, tags, mentions, sub=sub)


def background(n):
    posts = []
    weights = {"acme-air": 30, "acme-air-app": 8, "globex": 18, "globex-pay": 10,
               "initech": 16, "orbit": 18}
    for _ in range(n):
        t = START + dt.timedelta(seconds=rng.uniform(0, SPAN_S))
        if OUTAGE_S - 30 < (t - START).total_seconds() < OUTAGE_S + 120:
            t -= dt.timedelta(minutes=15)  # keep the outage minute the outage's
        ent = rng.choices(list(weights), list(weights.values()))[0]
        mood = rng.choices(["neg", "pos", "neu", "q"], [32, 30, 22, 16])[0]
        posts.append(post_about(ent, mood, t))
    return posts


def foreign(n):
    posts = []
    for i in range(n):
        t = START + dt.timedelta(seconds=rng.uniform(0, SPAN_S - 600))
        lang = "es" if i % 2 == 0 else "de"
        ent = rng.choice(["acme-air", "globex", "initech", "orbit", "acme-air-app"])
        mood = rng.choice(["neg", "pos", "q", "neg"])
        posts.append(post_about(ent, mood, t, source=rng.choice(["mastodon", "bluesky"]),
                                lang=lang))
    return posts


def space_talk(n):
    """'orbit' as an everyday word: must not link to the Orbit entity."""
    out = []
    for text in rng.sample(T.SPACE, n):
        t = START + dt.timedelta(seconds=rng.uniform(0, SPAN_S))
        src = rng.choice(["mastodon", "bluesky", "hackernews"])
        tags = ["space"] if src != "hackernews" and rng.random() < 0.5 else []
        out.append(make_post(src, t, people.person(src), text, "en", tags))
    return out


def bot_wave():
    out = []
    base = START + dt.timedelta(seconds=BOT_WAVE_S)
    for i, text in enumerate(T.bot_texts(rng, 11)):
        t = base + dt.timedelta(seconds=i * 7 + rng.randint(0, 5))
        src = "bluesky" if i % 3 else "mastodon"
        name = T.bot_name(rng)
        if src == "bluesky":
            a = {"id": "did:plc:" + "".join(rng.choice(B32) for _ in range(24)),
                 "handle": f"{name}.bsky.social", "name": name, "followers": rng.randint(0, 4)}
        else:
            a = {"id": str(rng.randrange(10**17, 10**18)), "handle": f"@{name}@mstdn.example",
                 "name": name, "followers": rng.randint(0, 4)}
        out.append(make_post(src, t, a, text, "en", ["acmeair", "freemiles"], ["@acmeair"]))
    return out


def outage():
    out = []
    base = START + dt.timedelta(seconds=OUTAGE_S)
    texts = T.outage_texts(rng, 56)
    for i, (text, lang) in enumerate(texts):
        t = base + dt.timedelta(seconds=rng.uniform(0, 59.5))
        src = pick_source(burst=True)
        a = people.person(src)
        tags = [x for x in ["acmeair", "outage"] if rng.random() < 0.5] if src != "reddit" else []
        mentions = ["@acmeair"] if src != "reddit" and rng.random() < 0.4 else []
        sub = "travel" if src == "reddit" else None
        out.append(make_post(src, t, a, text, lang, tags, mentions, sub=sub))
    first = out[0]
    official = {"id": "109871234567890123", "handle": "@acmeair@mastodon.example",
                "name": "Acme Air", "followers": 184_220}
    for k, text in enumerate(T.OFFICIAL_REPLIES):
        t = base + dt.timedelta(seconds=50 + 25 * k)
        out.append(make_post("mastodon", t, official, text, "en", ["acmeair"],
                             reply_to=first["uid"] if k == 0 else None))
    return out


def customers():
    """Posts by people listed in deploy/examples/customers.csv (handles must match)."""
    out = []
    for src, handle, name, minute, ent, text, lang in T.CUSTOMER_POSTS:
        t = START + dt.timedelta(minutes=minute, seconds=rng.randint(0, 59))
        if minute == 90:
            t = START + dt.timedelta(seconds=OUTAGE_S + 41)
        aid = {"mastodon": str(rng.randrange(10**17, 10**18)),
               "bluesky": "did:plc:" + "".join(rng.choice(B32) for _ in range(24)),
               "reddit": "t2_" + b36(rng.randrange(36**6, 36**7)),
               "hackernews": handle}[src]
        a = {"id": aid, "handle": handle, "name": name,
             "followers": None if src in ("reddit", "hackernews") else rng.randint(40, 3000)}
        sub = T.SUBREDDIT[ent] if src == "reddit" else None
        tags = T.TAGS[ent][:1] if src in ("mastodon", "bluesky") else []
        out.append(make_post(src, t, a, text, lang, tags, sub=sub))
    return out


def threads(posts):
    """Some posts answer earlier ones (same source, later time)."""
    by_src = {}
    for p in sorted(posts, key=lambda p: p["created_at"]):
        prev = by_src.setdefault(p["source"], [])
        if p["source"] in ("mastodon", "bluesky", "hackernews") and prev and rng.random() < 0.12:
            p["reply_to"] = rng.choice(prev[-20:])["uid"]
        prev.append(p)


def malformed():
    good = {"v": 1, "uid": "mastodon:mastodon.example:113999000000000001", "source": "mastodon",
            "url": "https://mastodon.example/@ghost/113999000000000001",
            "created_at": "2026-11-23T10:59:00Z", "ingested_at": "2026-11-23T10:59:01.000Z",
            "author": {"id": "1", "handle": "@ghost@mastodon.example", "name": "Ghost",
                       "followers": 3},
            "text": "Acme Air lost my bag again", "lang": "en", "reply_to": None, "tags": [],
            "mentions": []}
    bad_time = dict(good, uid=good["uid"][:-1] + "2", created_at="2026-11-23T25:61:00Z")
    no_uid = {k: v for k, v in good.items() if k != "uid"}
    future_v = dict(good, uid=good["uid"][:-1] + "4", v=2)
    lines = [json.dumps(bad_time, ensure_ascii=False),
             json.dumps(no_uid, ensure_ascii=False),
             '{"v": 1, "uid": "bluesky:did:plc:broken:3kabc", "source": "bluesky", "text": "Glob',
             json.dumps(future_v, ensure_ascii=False),
             json.dumps(dict(good, uid=good["uid"][:-1] + "5"), ensure_ascii=False)
             .replace("lost my bag again", "lost my bag \\ud800 again")]
    return lines


def main():
    posts = outage() + bot_wave() + customers() + space_talk(10) + foreign(18)
    posts += background(TOTAL - len(posts) - 2)
    threads(posts)
    dup_a = next(p for p in posts if p["source"] == "mastodon" and not p["reply_to"])
    dup_b = next(p for p in posts if p["source"] == "bluesky" and "freemiles" in p["tags"])
    posts += [json.loads(json.dumps(dup_a)), json.loads(json.dumps(dup_b))]  # re-ingested
    posts.sort(key=lambda p: p["ingested_at"])
    assert len(posts) == TOTAL, len(posts)
    path = os.path.join(HERE, "sample_posts.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for p in posts:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
        for line in malformed():
            f.write(line + "\n")
    print(f"wrote {len(posts)} posts + {len(malformed())} malformed lines to {path}")


if __name__ == "__main__":
    main()
