#!/usr/bin/env python3
"""Known-item relevance benchmark: ipsearch vs. SQLite FTS5 (trigram) vs. Tantivy + jieba.

Usage (normally through run.sh, which installs the Debian documentation and the Python packages and
builds the ipsearch binaries):
    relevance.py --pkgs DIR --ipsearch LABEL=PATH [--ipsearch LABEL=PATH ...] [options]

Corpus: Debian's Chinese HTML documentation (gimp-help-zh-cn, debian-reference-zh-cn/-zh-tw),
converted once to visible text (pages.py) and written to Benchmarks/.work/relevance/docs as one .txt
per page, the <title> as first line. Every engine gets exactly these texts.

Queries (pages.make_queries, seeded): page titles, section headings, sentences pasted from a page.
The relevant documents of a query are the page it came from (plus the page's other-script twin, and
for titles every page bearing that title; for sentences every page containing it).

Metrics per query type: MRR@10 (1/rank of the first relevant document in the top 10, else 0) and
Recall@10 (share of queries with a relevant document in the top 10), plus P@1; "all" over all
queries, "macro" the mean of the three types' MRR@10. Prints one table and
writes Benchmarks/results/relevance.json with every query's ranks; for each ipsearch build the
queries it did not answer with a relevant document first are listed (what ranked first instead).
"""
import argparse
import datetime
import functools
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "Benchmarks", "compare"))

import pages as pagelib  # noqa: E402
from corpus import Normalizer  # noqa: E402  (Benchmarks/compare: ipsearch's folding in PyICU)
from tools import dir_bytes, fresh_dir, hardlink_copy, parse_json, query_tokens, segmenter, tail  # noqa: E402

WORK = os.path.join(REPO, "Benchmarks", ".work", "relevance")
RESULTS = os.path.join(REPO, "Benchmarks", "results")
TYPES = ("title", "heading", "sentence")
PACKAGES = ("gimp-help-zh-cn", "debian-reference-zh-cn", "debian-reference-zh-tw")
T0 = time.perf_counter()


def log(msg):
    print(f"[{time.perf_counter() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pkgs", default=os.path.join(WORK, "pkgs"),
                    help="folder with one unpacked Debian package per sub-folder (run.sh fills it)")
    ap.add_argument("--packages", default=",".join(PACKAGES))
    ap.add_argument("--ipsearch", action="append", default=[], metavar="LABEL=PATH",
                    help="an ipsearch binary to measure on the .txt corpus (repeatable: before/after in one table)")
    ap.add_argument("--ipsearch-html", action="append", default=[], metavar="LABEL=PATH",
                    help="an ipsearch binary that indexes .html itself: measured on the original HTML pages")
    ap.add_argument("--engines", default="fts5-phrase,fts5-or,tantivy,ipsearch",
                    help="comma list of: fts5-phrase, fts5-or, tantivy, ipsearch")
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--max-headings", type=int, default=8, help="heading queries per page")
    ap.add_argument("--max-sentences", type=int, default=3, help="sentence queries per page")
    ap.add_argument("--fts5-title-weight", type=float, default=10.0, help="bm25() weight of the title column")
    ap.add_argument("--tantivy-title-boost", type=float, default=1.0,
                    help="boost of the title field (1: best of 1, 2, 5 here)")
    ap.add_argument("--failures", type=int, default=8, help="failed queries listed per type and ipsearch build")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--out", default=os.path.join(RESULTS, "relevance.json"))
    a = ap.parse_args(argv)
    a.packages = [p for p in a.packages.split(",") if p]
    a.engines = [e for e in a.engines.split(",") if e]
    builds = []
    for html, specs in ((False, a.ipsearch), (True, a.ipsearch_html)):
        for spec in specs:
            label, sep, path = spec.partition("=")
            if not sep or not label or not path:
                ap.error(f"--ipsearch wants LABEL=PATH, got {spec!r}")
            builds.append((label + (" (.html input)" if html else ""), os.path.abspath(path), html))
    a.ipsearch = builds
    return a


# ---------------------------------------------------------------------------------------------
# Engines: each returns {query index: ranked list of hits}, a hit being the list of document ids shown
# at that rank, the hit's own id first (ipsearch may fold copies of a document into one hit), plus
# {query index: error} and a dict of facts about the run.


def run_fts5(pages, queries, fold, mode, title_weight):
    """SQLite FTS5, trigram tokenizer, columns (title, body) over the folded text; ranked by
    bm25(t, title_weight, 1). mode 'phrase': the whole query as one phrase (an exact substring);
    mode 'or': the OR of the query's distinct trigrams (closest to "most of these characters")."""
    path = os.path.join(WORK, f"fts5-{mode}.db")
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='trigram')")
    with db:
        db.executemany("INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)",
                       ((i, fold(p.title), fold("\n".join(p.lines))) for i, p in enumerate(pages)))
    sql = f"SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, {title_weight}, 1.0) LIMIT 10"
    ranked, errors = {}, {}
    for k, q in enumerate(queries):
        text = fold(q["query"])
        if mode == "phrase":
            match = '"' + text.replace('"', '""') + '"'
        else:
            grams = list(dict.fromkeys(text[i:i + 3] for i in range(len(text) - 2)))
            match = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams) or '""'
        try:
            ranked[k] = [[pages[r[0]].id] for r in db.execute(sql, (match,))]
        except sqlite3.Error as e:
            ranked[k], errors[k] = [], str(e)
    db.close()
    return ranked, errors, {"sqlite": sqlite3.sqlite_version, "index_bytes": dir_bytes(path)}


def run_tantivy(pages, queries, fold, title_boost):
    """Tantivy with fields title and body over the folded text segmented by jieba (default
    tokenizer on the space-joined words). A query is its jieba words, each as title (boosted) OR
    body: Tantivy's QueryParser default (OR of terms over the default fields, BM25 per field)."""
    import tantivy

    seg_name, cut = segmenter()
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("rowid", stored=True, fast=True, indexed=True)
    sb.add_text_field("title", stored=False, tokenizer_name="default")
    sb.add_text_field("body", stored=False, tokenizer_name="default")
    schema = sb.build()
    index = tantivy.Index(schema, path=fresh_dir(os.path.join(WORK, "tantivy")))
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    for i, p in enumerate(pages):
        doc = tantivy.Document()
        doc.add_unsigned("rowid", i)
        doc.add_text("title", " ".join(cut(fold(p.title))))
        doc.add_text("body", " ".join(cut(fold("\n".join(p.lines)))))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    ranked, errors = {}, {}
    for k, q in enumerate(queries):
        tokens = list(dict.fromkeys(query_tokens(fold(q["query"]), cut)))
        clauses = []
        for t in tokens:
            clauses.append((tantivy.Occur.Should,
                            tantivy.Query.boost_query(tantivy.Query.term_query(schema, "title", t), title_boost)))
            clauses.append((tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)))
        if not clauses:
            ranked[k], errors[k] = [], "no tokens"
            continue
        hits = searcher.search(tantivy.Query.boolean_query(clauses), 10).hits
        ranked[k] = [[pages[searcher.doc(addr)["rowid"][0]].id] for _, addr in hits]
    return ranked, errors, {"segmenter": seg_name, "tantivy_title_boost": title_boost}


def run_ipsearch(label, cli, docs_src, queries, timeout):
    """`ipsearch index --full` on a hard-linked copy of the corpus (.txt, or .html: ids are mapped
    back to the .txt ids), then one
    `ipsearch search --json --limit 10 --snippets 0 QUERY` per query. A hit's collapsed copies
    count at the hit's rank. Exit status 1 = no hits; 2 = the query was refused (counted as a miss,
    the reason recorded)."""
    work = os.path.join(WORK, "ipsearch-" + re.sub(r"[^A-Za-z0-9_.-]", "_", label))
    docs, index = os.path.join(work, "docs"), os.path.join(work, "index")
    os.makedirs(work, exist_ok=True)
    hardlink_copy(docs_src, docs)
    fresh_dir(index)
    t0 = time.perf_counter()
    r = subprocess.run([cli, "index", "--corpus", docs, "--index", index, "--full", "--quiet"],
                       capture_output=True, timeout=timeout)
    build_s = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        raise RuntimeError(f"index exited {r.returncode}: {tail(r.stderr)}")
    ranked, errors, lat = {}, {}, []
    for k, q in enumerate(queries):
        t0 = time.perf_counter()
        # The query as one argument, without `--`: ipsearch's argument parser passes `--` on as query
        # text; no query here starts with `-` (checked in make_queries).
        r = subprocess.run([cli, "search", "--index", index, "--corpus", docs, "--json", "--limit", "10",
                            "--snippets", "0", q["query"]], capture_output=True, timeout=timeout)
        lat.append(time.perf_counter() - t0)
        if r.returncode == 1:
            ranked[k] = []
            continue
        if r.returncode != 0:
            ranked[k], errors[k] = [], tail(r.stderr, 200) or f"exit {r.returncode}"
            continue
        data = parse_json(r.stdout)
        ranked[k] = [[txt_id(h["id"])] + [txt_id(c["id"]) for c in h.get("copies") or ()]
                     for h in data.get("hits", [])][:10]
    lat.sort()
    return ranked, errors, {"binary": cli, "built": mtime(cli), "index_s": round(build_s, 2),
                            "index_bytes": dir_bytes(index), "cli_p50_ms": round(1000 * lat[len(lat) // 2], 1)}


def txt_id(doc_id):
    return doc_id[:-5] + ".txt" if doc_id.endswith(".html") else doc_id


def mtime(path):
    return datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Metrics and report


def first_relevant_rank(hits, relevant):
    for rank, ids in enumerate(hits[:10], 1):
        if relevant.intersection(ids):
            return rank
    return None


def metrics(ranks):
    n = len(ranks)
    if not n:
        return {"n": 0}
    return {"n": n,
            "mrr10": sum(1 / r for r in ranks if r) / n,
            "recall10": sum(1 for r in ranks if r) / n,
            "p1": sum(1 for r in ranks if r == 1) / n}


def table(rows):
    head = ["engine"]
    for t in TYPES + ("all",):
        head += [f"{t} MRR@10", "R@10"]
    head += ["P@1 all", "macro MRR@10"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, m in rows:
        cells = [name]
        for t in TYPES + ("all",):
            x = m[t]
            cells += [f"{x['mrr10']:.3f}", f"{x['recall10']:.3f}"] if x.get("n") else ["–", "–"]
        cells.append(f"{m['all']['p1']:.3f}" if m["all"].get("n") else "–")
        cells.append(f"{m['macro_mrr10']:.3f}" if m.get("macro_mrr10") is not None else "–")
        lines.append("| " + " | ".join(cells) + " |")
    counts = ", ".join(f"{t} {rows[0][1][t]['n']}" for t in TYPES) if rows else ""
    return "\n".join(lines), counts


def main(argv):
    a = parse_args(argv)
    os.makedirs(WORK, exist_ok=True)
    log(f"reading HTML of {', '.join(a.packages)}")
    pages = pagelib.load_pages(a.pkgs, a.packages)
    docs = os.path.join(WORK, "docs")
    pagelib.write_corpus(pages, docs)
    if any(html for _, _, html in a.ipsearch):
        pagelib.write_corpus(pages, os.path.join(WORK, "html"), html=True)
    fold = functools.lru_cache(maxsize=None)(Normalizer())
    queries = pagelib.make_queries(pages, fold, a.seed, a.max_headings, a.max_sentences)
    with open(os.path.join(WORK, "queries.json"), "w", encoding="utf-8") as fh:
        json.dump(queries, fh, ensure_ascii=False, indent=1)
    title_of = {p.id: p.title for p in pages}
    log(f"{len(pages)} pages ({sum(len(p.text) for p in pages):,} characters), {len(queries)} queries: "
        + ", ".join(f"{t} {sum(q['type'] == t for q in queries)}" for t in TYPES))

    runs = []  # (name, ranked, errors, info)
    for eng in a.engines:
        try:
            if eng in ("fts5-phrase", "fts5-or"):
                log(f"{eng}")
                mode = eng.split("-")[1]
                runs.append((f"SQLite FTS5 trigram, {'phrase' if mode == 'phrase' else 'OR of trigrams'}",
                             *run_fts5(pages, queries, fold, mode, a.fts5_title_weight)))
            elif eng == "tantivy":
                log("tantivy + jieba")
                runs.append(("Tantivy + jieba, OR of words", *run_tantivy(pages, queries, fold, a.tantivy_title_boost)))
            elif eng == "ipsearch":
                for label, cli, html in a.ipsearch:
                    log(f"ipsearch {label} ({cli})")
                    src = os.path.join(WORK, "html") if html else docs
                    try:
                        runs.append((f"ipsearch {label}", *run_ipsearch(label, cli, src, queries, a.timeout)))
                    except Exception as e:  # noqa: BLE001 - reported, the others still run
                        log(f"  ipsearch {label} failed: {e}")
            else:
                raise SystemExit(f"unknown engine {eng!r}")
        except Exception as e:  # noqa: BLE001
            log(f"  {eng} failed: {type(e).__name__}: {e}")

    rows, report = [], {}
    for name, ranked, errors, info in runs:
        per = {t: [] for t in TYPES}
        detail = []
        for k, q in enumerate(queries):
            rank = first_relevant_rank(ranked.get(k, []), set(q["relevant"]))
            per[q["type"]].append(rank)
            detail.append(rank)
        m = {t: metrics(per[t]) for t in TYPES}
        m["all"] = metrics([r for t in TYPES for r in per[t]])
        typed = [m[t]["mrr10"] for t in TYPES if m[t].get("n")]
        m["macro_mrr10"] = sum(typed) / len(typed) if typed else None  # each query type weighs the same
        rows.append((name, m))
        report[name] = {"metrics": m, "info": info, "errors": len(errors), "ranks": detail,
                        "first": [ranked[k][0][0] if ranked.get(k) else None for k in range(len(queries))],
                        "error_messages": {str(k): v for k, v in errors.items()}}

    text, counts = table(rows)
    print()
    print(f"Known-item relevance, {len(pages)} pages of {', '.join(a.packages)}; queries: {counts}")
    print(text)
    for name, ranked, errors, info in runs:
        if errors:
            print(f"  {name}: {len(errors)} queries refused or failed, e.g. "
                  + "; ".join(f"{queries[k]['query']!r}: {v}" for k, v in list(errors.items())[:3]))

    # What the ipsearch builds got wrong.
    for name, ranked, errors, info in runs:
        if not name.startswith("ipsearch"):
            continue
        misses = [k for k, r in enumerate(report[name]["ranks"]) if r != 1]
        print(f"\n{name}: {len(misses)} of {len(queries)} queries without a relevant page first")
        for t in TYPES:
            ks = [k for k in misses if queries[k]["type"] == t]
            if not ks:
                continue
            print(f"  {t} ({len(ks)}):")
            for k in ks[: a.failures]:
                q = queries[k]
                r = report[name]["ranks"][k]
                first = report[name]["first"][k]
                why = errors.get(k)
                got = (f"refused: {why}" if why else
                       f"first: {first} «{title_of.get(first, '?')}»" if first else "no hits")
                print(f"    {q['query']!r} → want {q['source']} «{title_of.get(q['source'], '?')}», "
                      f"rank {r or '>10'}; {got}")

    out = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "command": os.environ.get("RELEVANCE_COMMAND", "relevance.py " + " ".join(argv)),
           "head": os.environ.get("RELEVANCE_HEAD"), "machine": {"nproc": os.cpu_count(),
                                                                  "python": platform.python_version()},
           "pages": len(pages), "packages": a.packages, "seed": a.seed,
           "queries": queries, "engines": report}
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, indent=1)
    log(f"wrote {a.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
