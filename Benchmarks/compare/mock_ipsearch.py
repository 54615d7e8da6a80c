#!/usr/bin/python3
"""A stand-in for the `ipsearch` and `ipsearch-bench` CLIs, to test the comparison harness alone:

    bench.py --quick --ipsearch-bin Benchmarks/compare/mock_ipsearch.py \
                     --ipsearch-bench-bin Benchmarks/compare/mock_ipsearch.py

Implements the interface bench.py relies on with plain substring search over normalized text:
  index   --corpus DIR --index IDX [--full] [--quiet]     (incremental unless --full)
  search  --index IDX --corpus DIR --json --limit N QUERY (exit 0 hits, 1 none, 2 error)
  queries --index IDX --queries FILE --json [--snippets N] ({p50_ms, p95_ms, p99_ms, totals})
Its numbers mean nothing about ipsearch.
"""
import argparse
import json
import os
import pickle
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus as corpora  # noqa: E402


def load(index):
    with open(os.path.join(index, "mock.pkl"), "rb") as fh:
        return pickle.load(fh)


def cmd_index(a):
    old = {} if a.full or not os.path.exists(os.path.join(a.index, "mock.pkl")) else load(a.index)
    norm, docs = corpora.Normalizer(), {}
    for doc_id, size, mtime in corpora.list_documents(a.corpus):
        prev = old.get(doc_id)
        if prev and prev[0] == (size, mtime):
            docs[doc_id] = prev
        else:
            docs[doc_id] = ((size, mtime), norm(corpora.read_text(os.path.join(a.corpus, doc_id))))
    os.makedirs(a.index, exist_ok=True)
    with open(os.path.join(a.index, "mock.pkl"), "wb") as fh:
        pickle.dump(docs, fh)
    print(f"indexed {len(docs)} documents", file=sys.stderr)


def matches(docs, q):
    parts = corpora.query_parts(corpora.Normalizer()(q))
    return [i for i, (_, text) in docs.items() if all(p in text for p in parts)]


def cmd_search(a):
    hits = matches(load(a.index), a.query)
    print(json.dumps({"query": a.query, "total": len(hits), "offset": 0, "limit": a.limit, "took_ms": 0,
                      "partial": False, "hits": [{"id": i, "title": i, "date": None, "score": 1.0,
                                                  "snippets": []} for i in hits[: a.limit]]},
                     ensure_ascii=False))
    sys.exit(0 if hits else 1)


def cmd_queries(a):
    docs = load(a.index)
    with open(a.queries, encoding="utf-8") as fh:
        queries = [line.strip() for line in fh if line.strip()]
    totals, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        totals.append(len(matches(docs, q)))
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    pick = (lambda p: times[min(len(times) - 1, int(p / 100 * len(times)))])
    print(json.dumps({"p50_ms": pick(50), "p95_ms": pick(95), "p99_ms": pick(99), "totals": totals}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("index")
    p.add_argument("--corpus", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--full", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p = sub.add_parser("search")
    p.add_argument("--index", required=True)
    p.add_argument("--corpus")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("query")
    p = sub.add_parser("queries")
    p.add_argument("--index", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--snippets", type=int, default=2)
    a = ap.parse_args()
    try:
        {"index": cmd_index, "search": cmd_search, "queries": cmd_queries}[a.cmd](a)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
