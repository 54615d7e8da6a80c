#!/usr/bin/env python3
"""The ipsearch engine alone, without the `ipsearch` command or the other tools:

    python3 Benchmarks/compare/engine.py --bench-bin PATH/ipsearch-bench [--scale-n N] [--repeat R]

Uses the scale corpus, queries and ground truth of bench.py (same seed, same caches in
Benchmarks/.work), builds the index with `ipsearch-bench queries --build` (full build time, peak RSS,
bytes per index file kind) and reports warm p50/p95/p99 over the query file and exactness: for every
query, ipsearch's exact total must equal the number of documents whose normalized text contains every
part (an engine that misses or invents a document shows up as a mismatch).
"""
import argparse, json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (scale_corpus_dir, prepare)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-bin", required=True, help="ipsearch-bench binary (release)")
    ap.add_argument("--scale-n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--multi", type=int, default=50)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--index", help="index directory (default Benchmarks/.work/engine-index)")
    ap.add_argument("--no-build", action="store_true", help="reuse the index")
    a = ap.parse_args()

    root = bench.scale_corpus_dir(a.scale_n)
    name = "scale" if a.scale_n == 100_000 else f"scale{a.scale_n}"
    args = argparse.Namespace(queries=a.queries, multi=a.multi, seed=a.seed)
    c, queries, qfile, truth = bench.prepare(name, root, args)
    index = a.index or os.path.join(bench.WORK, "engine-index")
    cmd = [a.bench_bin, "queries", "--index", index, "--queries", qfile, "--repeat", str(a.repeat), "--json"]
    if not a.no_build:
        subprocess.run(["rm", "-rf", index], check=True)
        cmd += ["--build", root]
    started = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(p.stderr)
    if p.returncode not in (0, 1):
        sys.exit(f"ipsearch-bench failed ({p.returncode})")
    r = json.loads(p.stdout)
    totals = r["totals"]
    wrong = [(q, t, len(truth[q])) for q, t in zip(queries, totals) if t != len(truth[q])]
    print(f"corpus: {len(c.ids)} documents, {c.bytes / 1e6:.1f} MB; queries {len(queries)} × {a.repeat}")
    print(f"warm latency ms: p50 {r['p50_ms']}  p95 {r['p95_ms']}  p99 {r['p99_ms']}  max {r['max_ms']}  mean {r['mean_ms']}")
    print(f"exact totals: {len(queries) - len(wrong)}/{len(queries)} queries (errors {r['errors']})")
    for q, t, want in wrong[:10]:
        print(f"  {q}: ipsearch {t}, truth {want}")
    print(f"wall {time.time() - started:.1f} s")
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
