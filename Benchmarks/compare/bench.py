#!/usr/bin/env python3
"""Compare ipsearch with the tools a user would otherwise pick, on the same machine in one run.

Usage (normally through run.sh, which installs what is missing and builds the Swift binaries):
    bench.py [--quick] [--scale-n N] [--tools rg,fts5,tantivy,lucene,ipsearch] [--corpora corpus,scale] ...

Corpora: the repository's Corpus/ (5 press releases, mostly Traditional with converter pinyin) and
the generated scale corpus (shared/bench/make_corpus.py: 100,000 ~2 KB docs, ~210 MB; --quick: 5,000).

Queries (per corpus, seeded): random 2–6 character Han substrings of the *normalized* text (NFKC +
casefold + Traditional→Simplified, as ipsearch folds) plus two-part "a b" AND queries, written to
Benchmarks/.work/queries-<corpus>.txt (the scale corpus's also to Benchmarks/.work/queries.txt).
Ground truth: the documents whose normalized text contains the query (every part, for AND).

Tools and what is measured (see tools.py): index build wall time and MB/s, index size and ratio to the
corpus, warm latency p50/p95/p99 (in-process after a warm-up pass; rg: one subprocess per query on a
sample), recall against the ground truth; for ipsearch also peak RSS, a no-op and a +1% incremental
update; and a cold CLI comparison (hyperfine: `ipsearch search` vs `rg -F`) on each corpus.

Prints one table and writes Benchmarks/results/compare.json (--quick: compare-quick.json). A tool that
is missing or fails is reported as "n/a" with its error; the others still run.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback

import corpus as corpora
import tools

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WORK = os.path.join(REPO, "Benchmarks", ".work")
RESULTS = os.path.join(REPO, "Benchmarks", "results")
MAKE_CORPUS = os.path.abspath(os.path.join(REPO, "..", "shared", "bench", "make_corpus.py"))
ALL_TOOLS = ("rg", "fts5", "tantivy", "lucene", "ipsearch")
COLD_QUERY = "地理标志"
T0 = time.perf_counter()


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: small scale corpus, fewer samples")
    ap.add_argument("--scale-n", type=int, help="documents in the scale corpus (100000; quick 5000)")
    ap.add_argument("--corpora", default="corpus,scale", help="comma list of: corpus, scale")
    ap.add_argument("--tools", default=",".join(ALL_TOOLS), help="comma list of: " + ", ".join(ALL_TOOLS))
    ap.add_argument("--queries", type=int, default=300, help="single-substring queries per corpus")
    ap.add_argument("--multi", type=int, default=50, help="two-part AND queries per corpus")
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--rg-sample", type=int, default=30, help="queries timed as one process each (rg, ipsearch CLI) on corpora > 50 MB")
    ap.add_argument("--recall-sample", type=int, help="queries checked by ipsearch hit ids (60; quick 30)")
    ap.add_argument("--jieba-sample-mb", type=float, help="pure-Python jieba speed sample (2; quick 0.3)")
    ap.add_argument("--timeout", type=int, default=900, help="seconds allowed per ipsearch or Lucene command")
    ap.add_argument("--lucene-heap", default="1g", help="the Lucene JVM's -Xmx (1g)")
    ap.add_argument("--ipsearch-bin", help="ipsearch binary (default: .build-compare/release, .build/release)")
    ap.add_argument("--ipsearch-bench-bin", help="ipsearch-bench binary (same default)")
    ap.add_argument("--out", help="results JSON path")
    a = ap.parse_args(argv)
    a.scale_n = a.scale_n or (5000 if a.quick else 100_000)
    a.recall_sample = a.recall_sample or (30 if a.quick else 60)
    a.jieba_sample_mb = a.jieba_sample_mb or (0.3 if a.quick else 2.0)
    a.out = os.path.abspath(a.out or os.path.join(RESULTS, "compare-quick.json" if a.quick else "compare.json"))
    a.tools = [t for t in a.tools.split(",") if t]
    a.corpora = [c for c in a.corpora.split(",") if c]
    return a


def log(msg):
    print(f"[{time.perf_counter() - T0:7.1f}s] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# Machine and corpora


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = None
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "mem_bytes": mem, "kernel": platform.release(),
            "python": platform.python_version(), "versions": tool_versions()}


def tool_versions():
    out = {}
    for name, cmd in {"rg": ["rg", "--version"], "hyperfine": ["hyperfine", "--version"]}.items():
        try:
            out[name] = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            out[name] = None
    import sqlite3

    out["sqlite"] = sqlite3.sqlite_version
    try:  # `java -version` writes to stderr; Lucene's own version is in its results
        out["java"] = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    except (OSError, IndexError):
        out["java"] = None
    for mod in ("tantivy", "jieba", "rjieba"):
        try:
            from importlib.metadata import version

            out[mod] = version(mod)
        except Exception:  # noqa: BLE001 - not installed
            out[mod] = None
    return out


def git_head():
    """The checked-out commit, read from .git without running git (the work tree may differ)."""
    try:
        with open(os.path.join(REPO, ".git", "HEAD")) as fh:
            head = fh.read().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        path = os.path.join(REPO, ".git", ref)
        if os.path.exists(path):
            with open(path) as fh:
                return fh.read().strip()
        with open(os.path.join(REPO, ".git", "packed-refs")) as fh:
            return next((line.split()[0] for line in fh if line.strip().endswith(" " + ref)), None)
    except OSError:
        return None


def ipsearch_info(ips):
    info = {"head": git_head()}
    if isinstance(ips, Exception) or ips is None:
        info["error"] = str(ips) if ips else "not requested"
        return info
    for key, path in (("cli", ips.cli), ("bench", ips.bench)):
        if path:
            mtime = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
            info[key] = {"path": path, "built": mtime.isoformat(timespec="seconds")}
    return info


def scale_corpus_dir(n):
    """Generates (or reuses) the scale corpus of n documents; returns its folder."""
    gen = os.path.join(WORK, "gen" if n == 100_000 else f"gen-n{n}")
    root = os.path.join(gen, "corpora")
    scale = os.path.join(root, "scale")
    stats_path = os.path.join(root, "stats.json")
    if os.path.exists(stats_path) and os.path.isdir(scale):
        with open(stats_path) as fh:
            stats = json.load(fh).get("scale", {})
        if stats.get("n") == n and stats.get("files") == n:
            return scale
    cmd = [sys.executable, MAKE_CORPUS, gen, "--scale-n", str(n)]
    full_sources = os.path.join(WORK, "gen", "corpora")
    if n != 100_000 and all(os.path.isdir(os.path.join(full_sources, s)) for s in ("seeds", "manpages", "fortunes")):
        os.makedirs(root, exist_ok=True)  # reuse the rendered man pages and fortunes of the full corpus
        for s in ("seeds", "manpages", "fortunes"):
            link = os.path.join(root, s)
            if not os.path.exists(link):
                os.symlink(os.path.join(full_sources, s), link)
        cmd += ["--only", "scale"]
    log(f"generating scale corpus: {' '.join(cmd)}")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return scale


def corpus_dirs(args):
    dirs = {}
    for name in args.corpora:
        if name == "corpus":
            dirs["corpus"] = os.path.join(REPO, "Corpus")
        elif name == "scale":
            label = "scale" if args.scale_n == 100_000 else f"scale{args.scale_n}"
            dirs[label] = scale_corpus_dir(args.scale_n)
        else:
            raise SystemExit(f"unknown corpus {name!r}")
    return dirs


def prepare(name, root, args):
    """Loads + normalizes a corpus, writes its query file, computes the ground truth."""
    cache = os.path.join(WORK, "cache")
    c = corpora.Corpus.load(name, root, cache)
    queries = corpora.make_queries(c, args.queries, args.multi, args.seed)
    qfile = os.path.join(WORK, f"queries-{name}.txt")
    corpora.write_queries(qfile, queries)
    if name.startswith("scale"):
        shutil.copyfile(qfile, os.path.join(WORK, "queries.txt"))
    truth = corpora.ground_truth(c, queries, cache)
    return c, queries, qfile, truth


# ---------------------------------------------------------------------------------------------
# Running the tools


def cli_sample_size(c, queries, args):
    """Queries timed one subprocess each (rg, ipsearch CLI): all of them unless the corpus is big."""
    return args.rg_sample if c.bytes > 50e6 else len(queries)


def run_tool(tool, c, queries, qfile, truth, args, ips):
    work = os.path.join(WORK, "idx", c.name)
    if tool == "rg":
        return tools.run_rg(c, queries, truth, cli_sample_size(c, queries, args), args.seed)
    if tool == "fts5":
        return tools.run_fts5(c, queries, truth, os.path.join(work, "fts5"))
    if tool == "tantivy":
        return tools.run_tantivy(c, queries, truth, work, int(args.jieba_sample_mb * 1e6))
    if tool == "lucene":
        return tools.run_lucene(c, queries, qfile, truth, os.path.join(work, "lucene"), os.path.join(WORK, "lucene"),
                                args.lucene_heap, args.timeout)
    if tool == "ipsearch":
        if isinstance(ips, Exception):
            raise ips
        return tools.run_ipsearch(ips, c, queries, truth, os.path.join(work, "ipsearch"), qfile,
                                  cli_sample_size(c, queries, args), args.recall_sample, args.seed,
                                  args.timeout)
    raise SystemExit(f"unknown tool {tool!r}")


def find_ipsearch(args):
    """The ipsearch binaries (.build-compare first, then .build), or the exception to report."""
    try:
        return tools.IPSearch([os.path.join(REPO, ".build-compare"), os.path.join(REPO, ".build")],
                              cli=args.ipsearch_bin, bench=args.ipsearch_bench_bin)
    except Exception as e:  # noqa: BLE001 - reported as n/a
        return e


def bench_corpus(name, root, args, ips):
    log(f"corpus {name}: loading and normalizing {root}")
    c, queries, qfile, truth = prepare(name, root, args)
    info = {"path": root, "files": len(c.ids), "bytes": c.bytes, "queries_file": qfile,
            "single_queries": sum(" " not in q for q in queries),
            "multi_queries": sum(" " in q for q in queries),
            "short_queries_lt3": sum(" " not in q and len(q) < 3 for q in queries)}
    results = {}
    for tool in args.tools:
        log(f"corpus {name}: {tool}")
        try:
            results[tool] = run_tool(tool, c, queries, qfile, truth, args, ips)
        except Exception as e:  # noqa: BLE001 - one failing tool must not stop the others
            results[tool] = {"error": f"{type(e).__name__}: {e}"[:500]}
            traceback.print_exc(limit=2)
    info["cold_cli"] = cold_cli(name, c, args, ips, results.get("ipsearch", {}))
    return info, results


def cold_cli(name, c, args, ips, ips_result):
    ok = "ipsearch" in args.tools and not isinstance(ips, Exception) and "error" not in ips_result
    work = os.path.join(WORK, "idx", name, "ipsearch")
    log(f"corpus {name}: cold CLI (hyperfine) for {COLD_QUERY}")
    try:
        return tools.cold_cli(ips if ok else None, os.path.join(work, "index") if ok else None,
                              os.path.join(work, "docs"), c.root, COLD_QUERY,
                              os.path.join(WORK, f"hyperfine-{name}.json"))
    except Exception as e:  # noqa: BLE001
        return {"error": str(e)[:300]}


# ---------------------------------------------------------------------------------------------
# Output


def fmt(v, spec, missing="n/a"):
    if v is None:
        return missing
    return format(v, spec)


COLUMNS = [  # header, key, format, scale
    ("build s", "build_s", ".2f", 1), ("MB/s", "build_mb_s", ".1f", 1),
    ("index MB", "index_bytes", ".1f", 1e-6), ("×corpus", "index_ratio", ".2f", 1),
    ("p50 ms", "p50_ms", ".2f", 1), ("p95 ms", "p95_ms", ".2f", 1), ("p99 ms", "p99_ms", ".2f", 1),
    ("recall", "recall", ".1%", 1), ("zero-hit", "zero_hit_queries", "d", 1),
    ("AND recall", "multi_recall", ".1%", 1),
]


def table_rows(report):
    rows = [["corpus", "tool"] + [c[0] for c in COLUMNS]]
    for cname, res in report["results"].items():
        for tool, m in res.items():
            row = [cname, tool]
            missing = "n/a" if "error" in m else "-"  # failed vs. not applicable / not measured
            for _, key, spec, scale in COLUMNS:
                v, mark = fallback(m, key)
                v = v * scale if isinstance(v, (int, float)) and scale != 1 else v
                row.append(fmt(v, spec, missing) + (mark if v is not None else ""))
            rows.append(row)
    return rows


FALLBACKS = {  # column key: (substitute key, mark) when the first choice was not measured
    "recall": ("totals_recall_proxy", "*"), "multi_recall": ("multi_totals_recall_proxy", "*"),
    "p50_ms": ("cli_p50_ms", "†"), "p95_ms": ("cli_p95_ms", "†"), "p99_ms": ("cli_p99_ms", "†"),
}


def fallback(m, key):
    if m.get(key) is None and key in FALLBACKS and m.get(FALLBACKS[key][0]) is not None:
        return m[FALLBACKS[key][0]], FALLBACKS[key][1]
    return m.get(key), ""


def print_table(report):
    rows = table_rows(report)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, r in enumerate(rows):
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    for line in notes(report):
        print(line)
    cells = "".join("".join(r) for r in rows)
    if "*" in cells:
        print("* recall estimated from ipsearch-bench totals (min(total, truth)/truth), not hit ids")
    if "†" in cells:
        print("† ipsearch-bench unavailable: one `ipsearch search` process per query instead")


def notes(report):
    out = []
    for cname, res in report["results"].items():
        info = report["corpora"][cname]
        out.append(f"\n{cname}: {info['files']} files, {info['bytes'] / 1e6:.1f} MB, "
                   f"{info['single_queries']} substring queries ({info['short_queries_lt3']} of 2 chars) "
                   f"+ {info['multi_queries']} AND queries")
        for tool, m in res.items():
            if "error" in m:
                out.append(f"  {tool}: n/a — {' '.join(m['error'].split())[:160]}")
        out.extend(ipsearch_notes(res.get("ipsearch", {})))
        out.extend(tantivy_notes(res.get("tantivy", {})))
        out.extend(lucene_notes(res.get("lucene", {})))
        rg, ips = res.get("rg", {}), res.get("ipsearch", {})
        for tool, m, prefix in (("rg -F -l", rg, ""), ("ipsearch search", ips, "cli_")):
            if m.get(prefix + "p50_ms") is not None:
                out.append(f"  one process per query, {tool:15s}: p50 {m[prefix + 'p50_ms']:.1f} ms, "
                           f"p95 {m[prefix + 'p95_ms']:.1f} ms ({m[prefix + 'latency_queries']} queries)")
        for tool, cm in info.get("cold_cli", {}).items():
            if isinstance(cm, dict):
                out.append(f"  cold CLI {tool:8s}: {cm['mean_ms']:.1f} ± {cm['stddev_ms']:.1f} ms "
                           f"(hyperfine, {cm['runs']} runs, query {COLD_QUERY})")
            else:
                out.append(f"  cold CLI: n/a — {cm}")
    out.append("")
    return out


def ipsearch_notes(m):
    out = []
    if m.get("nosnippets_p50_ms") is not None:
        out.append(f"  ipsearch without snippets (timed as FTS5 and Tantivy are: top 10, no stored text): "
                   f"p50 {m['nosnippets_p50_ms']:.2f} ms, p95 {m['nosnippets_p95_ms']:.2f} ms, "
                   f"p99 {m['nosnippets_p99_ms']:.2f} ms")
    if m.get("build_peak_rss_bytes"):
        out.append(f"  ipsearch: index peak RSS {m['build_peak_rss_bytes'] / 2**20:.0f} MiB")
    if "incremental_s" in m:
        out.append(f"  ipsearch: +{m['incremental_docs_added']} docs (1%) incremental update "
                   f"{m['incremental_s']:.2f} s, peak RSS {(m.get('incremental_peak_rss_bytes') or 0) / 2**20:.0f} MiB; "
                   f"no-op update {fmt(m.get('noop_update_s'), '.2f')} s; "
                   f"new copy found by search: {fmt(m.get('incremental_verified'), '')}")
    if m.get("totals_exact_share") is not None:
        out.append(f"  ipsearch: totals equal to ground truth for {m['totals_exact_share']:.1%} of substring "
                   f"queries, {fmt(m.get('multi_totals_exact_share'), '.1%')} of AND queries")
    for k in ("bench_error", "cli_error", "recall_error", "incremental_error"):
        if k in m:
            out.append(f"  ipsearch {k.replace('_', ' ')}: {' '.join(m[k].split())[:160]}")
    return out


def tantivy_notes(m):
    if "segmenter" not in m:
        return []
    return [f"  tantivy: segmenter {m['segmenter']} ({m['segment_s']:.1f} s of the build); pure-Python jieba "
            f"{fmt(m.get('jieba_python_mb_s'), '.2f')} MB/s → {fmt(m.get('jieba_python_extrapolated_s'), '.0f')} s "
            f"for this corpus; word boundaries agree {fmt(m.get('jieba_boundary_agreement'), '.1%')}; "
            f"{fmt(m.get('segments'), 'd')} segments"]


def lucene_notes(m):
    if "build_peak_rss_bytes" not in m:
        return []
    mib = (lambda k: fmt(m[k] / 2**20 if m.get(k) else None, ".0f"))
    ms = (lambda p: f"p50 {m[p + 'p50_ms']:.2f} ms, p95 {m[p + 'p95_ms']:.2f} ms, p99 {m[p + 'p99_ms']:.2f} ms")
    out = [f"  lucene {m['lucene_version']}: -Xmx{m['heap']}, JVM peak RSS {mib('build_peak_rss_bytes')} MiB building, "
           f"{mib('search_peak_rss_bytes')} MiB querying; build {m['build_add_s']:.1f} s adding documents + "
           f"{m['build_commit_s']:.1f} s commit (flush) inside the JVM, {m['segments']} segments; "
           f"queries with hits outside the ground truth: {fmt(m.get('extra_hit_queries'), 'd')}"]
    if m.get("jit_p50_ms") is not None:
        out.append(f"  lucene after {m['extra_warmup_passes']} more warm-up passes (JIT): exact totals {ms('jit_')}; "
                   f"default search(q, 10) {ms('default_')} (totals exact to 1000 hits: "
                   f"{m['default_totals_approximate']} queries approximate)")
    return out


def write_json(report, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(report, fh, ensure_ascii=False, indent=1)
    os.replace(path + ".tmp", path)


def main(argv):
    args = parse_args(argv)
    os.makedirs(WORK, exist_ok=True)
    command = os.environ.get("COMPARE_COMMAND") or " ".join([os.path.relpath(sys.argv[0], REPO)] + argv)
    report = {"command": command,
              "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": machine_info(), "config": {k: v for k, v in vars(args).items() if k != "out"},
              "corpora": {}, "results": {}}
    ips = find_ipsearch(args) if "ipsearch" in args.tools else None
    report["ipsearch"] = ipsearch_info(ips)
    for name, root in corpus_dirs(args).items():
        report["corpora"][name], report["results"][name] = bench_corpus(name, root, args, ips)
        write_json(report, args.out)  # partial results survive a later crash
    report["elapsed_s"] = time.perf_counter() - T0
    write_json(report, args.out)
    print()
    print_table(report)
    shown = os.path.relpath(args.out, REPO) if args.out.startswith(REPO + os.sep) else args.out
    print(f"\nresults: {shown}  ({report['elapsed_s']:.0f} s; n/a = failed, - = not applicable)")


if __name__ == "__main__":
    main(sys.argv[1:])
