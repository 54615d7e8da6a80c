#!/usr/bin/env python3
"""Seeded query file for `ipsearch-bench queries` on the archive corpus.

    python3 Benchmarks/archive/queries.py [ARCHIVE_DIR] > /tmp/q300.txt

300 queries: 2–4 character substrings of Han runs of random documents (front matter skipped), 30% of
them followed by a second part (the first two characters of another run). Seed 20261126.
"""
import os
import random
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".work", "corpora", "archive")
random.seed(20261126)
dirs = sorted(d for d in os.listdir(root) if d.isdigit())
queries = []
while len(queries) < 300:
    d = random.choice(dirs)
    f = random.choice(os.listdir(os.path.join(root, d)))
    text = open(os.path.join(root, d, f), encoding="utf-8", errors="ignore").read().split("---", 2)[-1]
    runs = re.findall(r"[\u4e00-\u9fff]{2,}", text)
    if not runs:
        continue
    w = random.choice(runs)
    n = random.choice([2, 2, 3, 4])
    if len(w) < n:
        continue
    i = random.randrange(0, len(w) - n + 1)
    queries.append(w[i:i + n])
    if random.random() < 0.3:
        w2 = random.choice(runs)
        if len(w2) >= 2:
            queries[-1] += " " + w2[:2]
print("\n".join(queries))
