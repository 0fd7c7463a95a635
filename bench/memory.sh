#!/usr/bin/env bash
# Memory target of issue 18: the enrichment state of `earshot process` with 10,000 entities and
# 1,000,000 customer handles loaded stays within 256 MB resident.
#
# Writes a config with EARSHOT_MEM_ENTITIES entities (5 aliases, 2 handles, 2 hashtags each) and
# a CSV customer directory of EARSHOT_MEM_CUSTOMERS handles, then runs `earshot score --config`
# on EARSHOT_MEM_POSTS posts that mention those entities and customers. `score` builds the same
# Enricher as `process` (process/enricher.h: language, model, linker, customer directory), so its
# peak RSS (GNU time's "Maximum resident set size") is the enrichment state plus score's own
# buffers (two 1 MiB input blocks and their output). `process` adds on top: the dedup store
# (bounded by process.dedup_*), the near-duplicate window (fixed pool) and librdkafka's queues.
#
# Then, when bench/dedup_memory_bench is built (-DEARSHOT_BUILD_BENCH=ON), it loads the same
# config into the same Enricher and fills a dedup store of EARSHOT_MEM_DEDUP_CAPACITY uids
# (= process.dedup_capacity's default) with 2 × that many posts: the enrichment state plus a
# full dedup store in one process, with earshot's built-in jemalloc settings.
#
#   bench/memory.sh                 # BUILD=build by default
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
E="$BUILD/pipeline/cli/earshot"
ENTITIES="${EARSHOT_MEM_ENTITIES:-10000}"
CUSTOMERS="${EARSHOT_MEM_CUSTOMERS:-1000000}"
POSTS="${EARSHOT_MEM_POSTS:-20000}"
DEDUP_CAPACITY="${EARSHOT_MEM_DEDUP_CAPACITY:-500000}"
[[ -x "$E" ]] || { echo "memory.sh: build $E first (ninja -C $BUILD earshot)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$ENTITIES" "$CUSTOMERS" "$POSTS" <<'PY'
import json, random, sys
work, n_ent, n_cust, n_posts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(18)
syll = ["ka", "lo", "mi", "ter", "van", "zo", "rix", "pel", "dun", "sha", "bo", "qui", "nex", "tal"]
def word(i):
    out = []
    while True:
        out.append(syll[i % len(syll)]); i //= len(syll)
        if i == 0: return "".join(out).capitalize()
with open(work + "/earshot.yaml", "w") as f:
    f.write("log: {kind: embedded, partitions: 3}\nsentiment: {model: default}\n")
    f.write("customers:\n  - {type: csv, path: customers.csv}\nentities:\n")
    for i in range(n_ent):
        name = "%s %s" % (word(i), word(i * 7 + 3))
        f.write("  - id: e%d\n    name: %s\n    kind: company\n" % (i, name))
        f.write('    aliases: ["%s", "%s%s", "%s Inc", "%s app", "%s Group"]\n'
                % (name, word(i), word(i * 7 + 3), name, name, name))
        f.write('    handles: ["@ent%d", "ent%d.bsky.social"]\n' % (i, i))
        f.write('    hashtags: ["#ent%d", "#%s%d"]\n' % (i, word(i).lower(), i))
with open(work + "/customers.csv", "w") as f:
    f.write("platform,handle,customer_id,tier,name\n")
    tiers = ["vip", "gold", "standard", "standard"]
    for i in range(n_cust):
        f.write("bluesky,user%d.bsky.social,C-%d,%s,Customer %d\n" % (i, i, tiers[i % 4], i))
with open(work + "/posts.jsonl", "w") as f:
    for i in range(n_posts):
        e = rnd.randrange(n_ent)
        text = "%s %s lost my bag again, worst service #ent%d" % (word(e), word(e * 7 + 3), e)
        f.write(json.dumps({"uid": "m-%d" % i, "source": "bluesky", "text": text,
                            "author": {"handle": "user%d.bsky.social" % rnd.randrange(n_cust)}}) + "\n")
PY

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "entities $ENTITIES, customer handles $CUSTOMERS ($(du -h "$work/customers.csv" | cut -f1) CSV), posts $POSTS"
/usr/bin/time -f "%M %e %U" -o "$work/time.txt" \
  "$E" score --config "$work/earshot.yaml" < "$work/posts.jsonl" > "$work/out.jsonl"
read -r rss_kb secs user < "$work/time.txt"
linked=$(grep -c '"entities":\[{' "$work/out.jsonl" || true)
customers=$(grep -c '"customer":{' "$work/out.jsonl" || true)
echo "scored $(wc -l < "$work/out.jsonl") posts: $linked with an entity, $customers with a customer record"
[[ "$linked" -gt 0 && "$customers" -gt 0 ]] || { echo "memory.sh: nothing linked: the setup is wrong" >&2; exit 1; }
echo "RESULT peak_rss_mb=$((rss_kb / 1024)) seconds=$secs user_s=$user (target <= 256 MB: $([[ $((rss_kb / 1024)) -le 256 ]] && echo met || echo NOT met))"

D="$BUILD/bench/dedup_memory_bench"
if [[ -x "$D" ]]; then
  echo "dedup store: capacity $DEDUP_CAPACITY, filled with $((2 * DEDUP_CAPACITY)) posts after loading the config"
  # The allocator settings `earshot` builds in (pipeline/cli/malloc_conf.cc).
  (cd "$work" && MALLOC_CONF="background_thread:true,dirty_decay_ms:500,muzzy_decay_ms:0" \
    /usr/bin/time -f "%M" -o "$work/time2.txt" "$D" earshot.yaml "$DEDUP_CAPACITY")
  rss2=$(( $(cat "$work/time2.txt") / 1024 ))
  echo "RESULT enrichment+full_dedup peak_rss_mb=$rss2 (target <= 256 MB: $([[ $rss2 -le 256 ]] && echo met || echo NOT met))"
else
  echo "memory.sh: $D not built; the full-dedup-store figure is skipped" >&2
fi
