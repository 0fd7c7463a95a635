#!/usr/bin/env python3
"""Peer benchmark for `earshot process`: a Python exactly-once consumer-producer.

confluent-kafka (librdkafka underneath, like earshot) with the same transaction shape as
earshot's TransactionalLoop: consume a batch (read_committed, no auto commit), begin a
transaction, score each post with vaderSentiment 3.3.2 and produce a JSON result keyed by the
post uid, send the consumed offsets with send_offsets_to_transaction, commit; one
transaction per batch. Producer settings match earshot's (acks=all, idempotence, lz4,
linger.ms=5).

Time runs from the first consumed batch to the last commit (the group join is not counted,
as in bench/process_bench.cc). Before printing a rate it checks that the output topic holds
exactly one committed record per input post, with distinct keys; otherwise it exits 1.

  .venv-tools/bin/python bench/peers/process_peer.py --input TOPIC --posts 100000 [--batch 1000]

Prints one line: "process_peer posts=N seconds=S posts_per_s=R cpu_s=C broker_cpu_s=B".
"""
import argparse
import json
import os
import random
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def label_of(compound):
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"


def score(analyzer, raw):
    post = json.loads(raw)
    s = analyzer.polarity_scores(post.get("text", ""))
    post["sentiment"] = {
        "label": label_of(s["compound"]),
        "score": s["compound"],
        "probs": {"neg": s["neg"], "neu": s["neu"], "pos": s["pos"]},
        "model": "vaderSentiment-3.3.2",
    }
    return post["uid"], json.dumps(post, ensure_ascii=False, separators=(",", ":"))


def create_topic(brokers, name):
    admin = AdminClient({"bootstrap.servers": brokers})
    for f in admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)]).values():
        f.result()


def count_committed(brokers, topic, expected, timeout=120.0):
    """Committed records of `topic` from the beginning to the end: (count, distinct keys)."""
    c = Consumer({"bootstrap.servers": brokers, "group.id": "peer-reader-%d" % random.getrandbits(40),
                  "isolation.level": "read_committed", "enable.auto.commit": False,
                  "auto.offset.reset": "earliest", "enable.partition.eof": True})
    meta = c.list_topics(topic, timeout=10)
    parts = list(meta.topics[topic].partitions)
    c.assign([TopicPartition(topic, p, 0) for p in parts])
    eof, keys, n = set(), set(), 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not (n >= expected and len(eof) == len(parts)):
        for m in c.consume(10000, 0.3):
            if m.error():
                if m.error().code() == -191:  # _PARTITION_EOF
                    eof.add(m.partition())
                    continue
                raise KafkaException(m.error())
            eof.discard(m.partition())
            n += 1
            keys.add(m.key())
    c.close()
    return n, len(keys)


def broker_cpu_seconds(pid):
    """CPU seconds of a local broker process (utime + stime), 0 when unknown."""
    if not pid:
        return 0.0
    try:
        with open("/proc/%s/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--brokers", default="127.0.0.1:9092")
    ap.add_argument("--input", required=True)
    ap.add_argument("--posts", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--broker-pid", default="", help="a local broker's pid, to report its CPU seconds")
    args = ap.parse_args()

    suffix = "%d" % random.getrandbits(30)
    group = args.input + ".peer-" + suffix
    out_topic = group + ".scored"
    create_topic(args.brokers, out_topic)
    analyzer = SentimentIntensityAnalyzer()

    consumer = Consumer({"bootstrap.servers": args.brokers, "group.id": group,
                         "isolation.level": "read_committed", "enable.auto.commit": False,
                         "enable.auto.offset.store": False, "auto.offset.reset": "earliest",
                         "fetch.wait.max.ms": 100})
    producer = Producer({"bootstrap.servers": args.brokers, "transactional.id": group + "-0",
                         "enable.idempotence": True, "acks": "all", "linger.ms": 5,
                         "batch.num.messages": 10000, "compression.type": "lz4",
                         "transaction.timeout.ms": 15000})
    producer.init_transactions(30)
    consumer.subscribe([args.input])

    done, first, cpu0, broker0 = 0, None, time.process_time(), broker_cpu_seconds(args.broker_pid)
    deadline = time.monotonic() + 900
    while done < args.posts:
        if time.monotonic() > deadline:
            print("process_peer: no end within the timeout (%d of %d)" % (done, args.posts), file=sys.stderr)
            return 1
        msgs = consumer.consume(args.batch, 0.2)
        msgs = [m for m in msgs if not m.error()]
        if not msgs:
            continue
        if first is None:
            first = time.monotonic()
        producer.begin_transaction()
        for m in msgs:
            key, value = score(analyzer, m.value())
            while True:
                try:
                    producer.produce(out_topic, key=key, value=value)
                    break
                except BufferError:
                    producer.poll(0.05)
        producer.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                             consumer.consumer_group_metadata())
        producer.commit_transaction()
        done += len(msgs)
    seconds = time.monotonic() - first
    cpu = time.process_time() - cpu0
    broker_cpu = broker_cpu_seconds(args.broker_pid) - broker0
    consumer.close()

    n, distinct = count_committed(args.brokers, out_topic, args.posts)
    if n != args.posts or distinct != args.posts:
        print("process_peer: output holds %d records (%d distinct keys), want exactly %d"
              % (n, distinct, args.posts), file=sys.stderr)
        return 1
    print("process_peer posts=%d seconds=%.3f posts_per_s=%.0f cpu_s=%.2f broker_cpu_s=%.2f"
          % (args.posts, seconds, args.posts / seconds, cpu, broker_cpu))
    return 0


if __name__ == "__main__":
    sys.exit(main())
