"""The search tools under comparison. Each `run_*` function measures one tool on one corpus and returns
a dict of metrics; it may raise, and the driver then reports the tool as "n/a" with the error.

Common metrics (missing ones are simply absent):
  build_s, build_mb_s, index_bytes, index_ratio   index build (wall) and on-disk size vs. corpus bytes
  p50_ms, p95_ms, p99_ms, latency_queries         warm per-query latency (after one warm-up pass)
  recall, recall_queries, zero_hit_queries        single-substring queries vs. ground truth (macro mean)
  multi_recall, multi_recall_queries, ...         two-part AND queries vs. ground truth

Tools:
  rg       `rg -F -l QUERY DIR` as a subprocess per query on the raw files (no index, no folding).
  fts5     SQLite FTS5, trigram tokenizer, over the *normalized* text (ipsearch's folding given for
           free, so the recall gap is the tokenizer's alone); content stored (snippet-capable).
  tantivy  Tantivy (PyPI) over normalized text pre-segmented by jieba, default tokenizer, body
           stored; queries segmented the same way, one phrase per part. Segmentation uses `rjieba`
           (jieba-rs: the jieba algorithm and dictionary in Rust) when installed because pure-Python
           jieba runs at 0.5–1 MB/s; pure jieba's speed and agreement are measured on a sample.
  lucene   Lucene 8 (Debian liblucene8-java) through Benchmarks/compare/lucene/LuceneBench.java,
           compiled at run time into Benchmarks/.work: CJKAnalyzer (CJK bigrams) over the normalized
           text, body stored, written as Tantivy's is (512 MB buffer, 2 indexing threads, no forced
           merge); each query part a phrase of its bigrams, top 10 by score with an exact total.
  ipsearch the `ipsearch` CLI and `ipsearch-bench` on a hard-linked copy of the corpus.
"""
import glob
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import struct
import subprocess
import time

from corpus import query_parts, random_han_substring

# ---------------------------------------------------------------------------------------------
# Helpers


def percentiles(samples_ms):
    """p50/p95/p99 (nearest rank) of a list of milliseconds."""
    if not samples_ms:
        return {}
    s = sorted(samples_ms)

    def rank(p):
        return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]

    return {"p50_ms": rank(50), "p95_ms": rank(95), "p99_ms": rank(99), "latency_queries": len(s)}


def dir_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def build_metrics(seconds, index_bytes, corpus_bytes):
    return {
        "build_s": seconds,
        "build_mb_s": corpus_bytes / 1e6 / seconds if seconds > 0 else None,
        "index_bytes": index_bytes,
        "index_ratio": index_bytes / corpus_bytes if corpus_bytes else None,
    }


def recall_metrics(found_by_query, truth, prefix=""):
    """Macro-averaged recall of {query: set(doc idx)} against {query: [doc idx]}."""
    scores, zero = [], 0
    for q, found in found_by_query.items():
        expected = truth.get(q)
        if not expected:
            continue
        hit = len(set(found) & set(expected))
        scores.append(hit / len(expected))
        zero += hit == 0
    if not scores:
        return {}
    return {f"{prefix}recall": sum(scores) / len(scores), f"{prefix}recall_queries": len(scores),
            f"{prefix}zero_hit_queries": zero}


def timed_loop(fn, queries, warmup=True):
    """Latency percentiles of fn(q) over queries, after one untimed warm-up pass."""
    if warmup:
        for q in queries:
            fn(q)
    samples = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        samples.append((time.perf_counter() - t0) * 1000)
    return percentiles(samples)


def cli_sample(queries, n, seed):
    """The single queries timed as subprocesses (the same for rg and the ipsearch CLI)."""
    singles, _ = split_queries(queries)
    return singles if len(singles) <= n else random.Random(seed).sample(singles, n)


def split_queries(queries):
    singles = [q for q in queries if " " not in q]
    multis = [q for q in queries if " " in q]
    return singles, multis


def run_timed(cmd, timeout):
    """Runs cmd under /usr/bin/time -v: (CompletedProcess, wall seconds, peak RSS bytes)."""
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, timeout=timeout)
    wall = time.perf_counter() - t0
    m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    r.stderr = r.stderr.split(b"\tCommand being timed:")[0]  # keep the tool's own stderr
    return r, wall, int(m.group(1)) * 1024 if m else None


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


# ---------------------------------------------------------------------------------------------
# ripgrep


def run_rg(corpus, queries, truth, sample_n, seed):
    """rg -F -l per query (subprocess): latency on a sample of single queries, recall on the same."""
    sample = cli_sample(queries, sample_n, seed)
    index_of = {i: n for n, i in enumerate(corpus.ids)}
    subprocess.run(["rg", "-F", "-l", "--", sample[0], corpus.root], capture_output=True)  # warm page cache
    found, samples = {}, []
    for q in sample:
        t0 = time.perf_counter()
        r = subprocess.run(["rg", "-F", "-l", "--", q, corpus.root], capture_output=True)
        samples.append((time.perf_counter() - t0) * 1000)
        if r.returncode not in (0, 1):
            raise RuntimeError(f"rg exited {r.returncode}: {r.stderr.decode()[:200]}")
        ids = (os.path.relpath(p, corpus.root) for p in r.stdout.decode("utf-8", errors="replace").splitlines())
        found[q] = {index_of[i] for i in ids if i in index_of}
    out = {"note": "no index; raw files, no Traditional→Simplified folding; subprocess per query"}
    out.update(percentiles(samples))
    out.update(recall_metrics(found, truth))
    return out


# ---------------------------------------------------------------------------------------------
# SQLite FTS5 trigram


def fts5_match(q):
    """Each part as a quoted phrase; several phrases are ANDed by FTS5."""
    return " ".join('"' + p.replace('"', '""') + '"' for p in query_parts(q))


def run_fts5(corpus, queries, truth, work):
    path = os.path.join(fresh_dir(work), "fts5.db")
    t0 = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")  # 256 MiB page cache
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trigram')")
    db.execute("INSERT INTO t(t, rank) VALUES('automerge', 0)")  # bulk load: merge once at the end
    with db:
        db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", enumerate(corpus.normalized))
    db.execute("INSERT INTO t(t) VALUES('optimize')")
    db.commit()
    db.close()
    build_s = time.perf_counter() - t0
    out = {"note": f"SQLite {sqlite3.sqlite_version}, tokenize=trigram, content stored, bulk load then optimize; "
                   "normalized text"}
    out.update(build_metrics(build_s, dir_bytes(path), corpus.bytes))

    db = sqlite3.connect(path)
    top = "SELECT rowid, bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10"
    out.update(timed_loop(lambda q: db.execute(top, (fts5_match(q),)).fetchall(), queries))
    found = {q: {r[0] for r in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_match(q),))}
             for q in queries}
    db.close()
    singles, multis = split_queries(queries)
    out.update(recall_metrics({q: found[q] for q in singles}, truth))
    out.update(recall_metrics({q: found[q] for q in multis}, truth, prefix="multi_"))
    out["short_queries_unmatchable"] = sum(1 for q in singles if len(q) < 3)
    return out


# ---------------------------------------------------------------------------------------------
# Tantivy + jieba

TANTIVY_TOKEN = re.compile(r"\w+")  # tantivy's default tokenizer: alphanumeric runs, lowercased


def segmenter():
    """(name, cut function) — rjieba if installed, else pure-Python jieba."""
    try:
        import rjieba

        return "rjieba (jieba-rs)", rjieba.cut
    except ImportError:
        import jieba

        jieba.setLogLevel(60)
        return "jieba (Python)", lambda s: list(jieba.cut(s))


def query_tokens(part, cut):
    return [t.lower() for w in cut(part) for t in TANTIVY_TOKEN.findall(w)]


def tantivy_query(tantivy, schema, q, cut):
    """A phrase (or term) query per part; several parts combined with Must."""
    subs = []
    for part in query_parts(q):
        toks = query_tokens(part, cut)
        if not toks:
            continue
        if len(toks) == 1:
            subs.append(tantivy.Query.term_query(schema, "body", toks[0]))
        else:
            subs.append(tantivy.Query.phrase_query(schema, "body", toks))
    if len(subs) <= 1:
        return subs[0] if subs else None  # None: nothing searchable (never for Han queries)
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, s) for s in subs])


def run_tantivy(corpus, queries, truth, work, jieba_sample_bytes):
    import tantivy

    seg_name, cut = segmenter()
    index_dir = fresh_dir(os.path.join(work, "tantivy"))
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("rowid", stored=True, fast=True, indexed=True)
    sb.add_text_field("body", stored=True, tokenizer_name="default")
    schema = sb.build()

    t0 = time.perf_counter()
    index = tantivy.Index(schema, path=index_dir)
    writer = index.writer(heap_size=512_000_000, num_threads=2)
    seg_s = 0.0
    for i, text in enumerate(corpus.normalized):
        s0 = time.perf_counter()
        segmented = " ".join(cut(text))
        seg_s += time.perf_counter() - s0
        doc = tantivy.Document()
        doc.add_unsigned("rowid", i)
        doc.add_text("body", segmented)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    build_s = time.perf_counter() - t0

    out = {"note": f"tantivy-py, segmenter {seg_name}, default tokenizer, body stored; normalized text",
           "segmenter": seg_name, "segment_s": seg_s}
    out.update(build_metrics(build_s, dir_bytes(index_dir), corpus.bytes))
    out.update(pure_jieba_check(corpus, cut, jieba_sample_bytes))

    index.reload()
    searcher = index.searcher()
    out["segments"] = getattr(searcher, "num_segments", None)

    def hits(q, limit, **kw):
        query = tantivy_query(tantivy, schema, q, cut)
        return searcher.search(query, limit, **kw).hits if query else []

    # Top 10 scores and doc addresses, like FTS5's (rowid, bm25): no stored-field fetch.
    out.update(timed_loop(lambda q: hits(q, 10), queries))
    n_docs = max(1, len(corpus.ids))
    found = {q: {int(v) for v, _ in hits(q, n_docs, order_by_field="rowid")} for q in queries}
    singles, multis = split_queries(queries)
    out.update(recall_metrics({q: found[q] for q in singles}, truth))
    out.update(recall_metrics({q: found[q] for q in multis}, truth, prefix="multi_"))
    return out


def pure_jieba_check(corpus, cut, sample_bytes):
    """Pure-Python jieba on a sample: MB/s, extrapolated corpus time, word-boundary agreement."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    sample, size = [], 0
    for text in corpus.normalized:
        if size >= sample_bytes:
            break
        sample.append(text)
        size += len(text.encode("utf-8"))
    t0 = time.perf_counter()
    words_py = [list(jieba.cut(t)) for t in sample]
    secs = time.perf_counter() - t0
    mb_s = size / 1e6 / secs if secs else None
    same = total = 0
    for t, a in zip(sample, words_py):
        ba, bb = boundaries(a), boundaries(cut(t))
        same += len(ba & bb)
        total += max(len(ba), len(bb))
    return {
        "jieba_python_mb_s": mb_s,
        "jieba_python_extrapolated_s": corpus.bytes / 1e6 / mb_s if mb_s else None,
        "jieba_boundary_agreement": same / total if total else None,
    }


def boundaries(words):
    out, pos = set(), 0
    for w in words:
        pos += len(w)
        out.add(pos)
    return out


# ---------------------------------------------------------------------------------------------
# Lucene + CJK bigrams

LUCENE_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lucene", "LuceneBench.java")
LUCENE_JARS = ("lucene-core", "lucene-analyzers-common")  # QueryBuilder is in core: no queryparser
LUCENE_RAM_BUFFER_MB = 512  # Tantivy's writer heap_size
LUCENE_THREADS = 2  # Tantivy's num_threads
LUCENE_EXTRA_WARMUP = 10  # passes before the JIT-warm figures (the table's use one warm-up pass)


def lucene_classpath():
    """The Lucene jars: $LUCENE_CLASSPATH, else Debian's liblucene8-java in /usr/share/java (its jars are
    named 8.7.0 but hold 8.8.1; the version reported is the one Lucene itself reports)."""
    if os.environ.get("LUCENE_CLASSPATH"):
        return os.environ["LUCENE_CLASSPATH"].split(os.pathsep)
    jars = []
    for name in LUCENE_JARS:
        found = sorted(glob.glob(f"/usr/share/java/{name}-[0-9]*.jar")) or glob.glob(f"/usr/share/java/{name}.jar")
        if not found:
            raise FileNotFoundError(f"{name} jar not found in /usr/share/java (Debian: apt-get install liblucene8-java)")
        jars.append(found[-1])
    return jars


def compile_lucene_bench(classes_root):
    """javac LuceneBench.java into classes_root/<source hash> (once per source version); the class path."""
    for tool in ("java", "javac"):
        if not shutil.which(tool):
            raise FileNotFoundError(f"{tool} not found (Debian: apt-get install openjdk-17-jdk-headless)")
    jars = lucene_classpath()
    with open(LUCENE_SOURCE, "rb") as fh:
        key = hashlib.sha1(fh.read() + os.pathsep.join(jars).encode()).hexdigest()[:12]
    classes = os.path.join(classes_root, f"classes-{key}")
    if not os.path.exists(os.path.join(classes, "LuceneBench.class")):
        tmp = fresh_dir(classes + ".tmp")
        r = subprocess.run(["javac", "-encoding", "UTF-8", "-nowarn", "-d", tmp, "-cp", os.pathsep.join(jars),
                            LUCENE_SOURCE], capture_output=True, timeout=300)
        if r.returncode != 0:
            first = (r.stdout + r.stderr).decode("utf-8", errors="replace").strip()[:300]
            raise RuntimeError(f"javac exited {r.returncode} (class path {os.pathsep.join(jars)}): {first}")
        shutil.rmtree(classes, ignore_errors=True)
        os.replace(tmp, classes)
        for old in glob.glob(os.path.join(classes_root, "classes-*")):  # earlier versions of the source
            if old != classes:
                shutil.rmtree(old, ignore_errors=True)
    return os.pathsep.join([classes] + jars)


def write_lucene_docs(path, texts):
    """The normalized texts as records of a big-endian int32 byte length and UTF-8 (record n: rowid n)."""
    with open(path, "wb") as fh:
        for text in texts:
            data = text.encode("utf-8")
            fh.write(struct.pack(">i", len(data)))
            fh.write(data)


def run_lucene(corpus, queries, queries_file, truth, work, classes_root, heap, timeout):
    classpath = compile_lucene_bench(classes_root)
    java = ["java", f"-Xmx{heap}", "-cp", classpath, "LuceneBench"]
    with open(queries_file, encoding="utf-8") as fh:
        if [line for line in fh.read().split("\n") if line] != list(queries):
            raise RuntimeError(f"{queries_file} does not hold this run's queries")
    fresh_dir(work)
    index_dir = os.path.join(work, "index")
    docs = os.path.join(work, "docs.bin")
    write_lucene_docs(docs, corpus.normalized)  # not timed: Tantivy gets the texts from memory
    try:
        r, build_s, build_rss = run_timed(java + ["build", docs, index_dir, str(LUCENE_RAM_BUFFER_MB),
                                                  str(LUCENE_THREADS)], timeout)
    finally:
        os.remove(docs)
    if r.returncode != 0:
        raise RuntimeError(f"LuceneBench build exited {r.returncode}: {tail(r.stdout + r.stderr)}")
    built = parse_json(r.stdout)
    if built["index_docs"] != len(corpus.ids):
        raise RuntimeError(f"Lucene indexed {built['index_docs']} of {len(corpus.ids)} documents")
    out = {"note": f"Lucene {built['lucene_version']}, CJKAnalyzer (bigrams), body stored, "
                   f"{LUCENE_RAM_BUFFER_MB} MB buffer, {LUCENE_THREADS} threads, no forced merge, -Xmx{heap}; "
                   "normalized text; phrase of bigrams per part, exact totals",
           "lucene_version": built["lucene_version"], "heap": heap, "ram_buffer_mb": LUCENE_RAM_BUFFER_MB,
           "index_threads": LUCENE_THREADS, "segments": built["segments"],
           "build_inner_s": built["build_inner_s"], "build_add_s": built["add_s"],
           "build_commit_s": built["commit_s"], "build_peak_rss_bytes": build_rss}
    out.update(build_metrics(build_s, dir_bytes(index_dir), corpus.bytes))

    # Warm latency in one JVM, timed in Java: one warm-up pass, then the timed pass of the table (as
    # timed_loop); then LUCENE_EXTRA_WARMUP more passes and timed passes with JIT-compiled code.
    r, _, search_rss = run_timed(java + ["search", index_dir, queries_file, str(LUCENE_EXTRA_WARMUP)], timeout)
    if r.returncode != 0:
        raise RuntimeError(f"LuceneBench search exited {r.returncode}: {tail(r.stdout + r.stderr)}")
    timed = parse_json(r.stdout)
    if timed["queries"] != len(queries):
        raise RuntimeError(f"LuceneBench read {timed['queries']} queries, expected {len(queries)}")
    out.update(percentiles(timed["exact_ms"]))
    for mode in ("jit", "default"):
        out.update({f"{mode}_{k}": v for k, v in percentiles(timed[f"{mode}_ms"]).items() if k != "latency_queries"})
    out["extra_warmup_passes"] = timed["extra_warmup_passes"]
    out["default_totals_approximate"] = sum(t != e for t, e in zip(timed["default_totals"], timed["exact_totals"]))
    out["search_peak_rss_bytes"] = search_rss
    exact = dict(zip(queries, timed["exact_totals"]))

    # Recall: every matching rowid per query (a third JVM, no scoring).
    ids_file = os.path.join(work, "ids.txt")
    r = subprocess.run(java + ["ids", index_dir, queries_file, ids_file], capture_output=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"LuceneBench ids exited {r.returncode}: {tail(r.stdout + r.stderr)}")
    with open(ids_file, encoding="utf-8") as fh:
        lines = fh.read().split("\n")[: len(queries)]
    os.remove(ids_file)
    found = {q: {int(v) for v in line.split()} for q, line in zip(queries, lines)}
    out["totals_match_ids"] = all(exact[q] == len(found[q]) for q in queries)
    # A phrase of bigrams can also match across a gap (punctuation between two runs): hits the ground
    # truth does not have.
    out["extra_hit_queries"] = sum(1 for q in queries if found[q] - set(truth.get(q, ())))
    singles, multis = split_queries(queries)
    out.update(recall_metrics({q: found[q] for q in singles}, truth))
    out.update(recall_metrics({q: found[q] for q in multis}, truth, prefix="multi_"))
    return out


# ---------------------------------------------------------------------------------------------
# ipsearch


class IPSearch:
    """Paths and invocations of the ipsearch binaries; a missing binary raises FileNotFoundError."""

    def __init__(self, build_dirs, cli=None, bench=None):
        self.cli = os.path.abspath(cli) if cli else self._find("ipsearch", build_dirs)
        self.bench = os.path.abspath(bench) if bench else self._find("ipsearch-bench", build_dirs, required=False)
        for p in (self.cli, self.bench):
            if p and not os.access(p, os.X_OK):
                raise FileNotFoundError(f"{p} is not executable")

    @staticmethod
    def _find(name, build_dirs, required=True):
        for d in build_dirs:
            p = os.path.join(d, "release", name)
            if os.access(p, os.X_OK):
                return p
        if required:
            raise FileNotFoundError(f"{name} binary not found in {build_dirs}")
        return None

    def timed(self, args, timeout):
        """Runs the CLI under /usr/bin/time -v: (CompletedProcess, wall seconds, peak RSS bytes)."""
        return run_timed([self.cli] + args, timeout)

    def search(self, index, docs, q, extra=(), timeout=120):
        """`ipsearch search --json`: the parsed JSON, or None for exit status 1 (no hits)."""
        r = subprocess.run([self.cli, "search", "--index", index, "--corpus", docs, "--json", *extra, q],
                           capture_output=True, timeout=timeout)
        if r.returncode == 1:
            return None
        if r.returncode != 0:
            raise RuntimeError(f"search exited {r.returncode}: {tail(r.stderr)}")
        return parse_json(r.stdout)

    def search_ids(self, index, docs, q, limit=1_000_000):
        """Ids of every document matching all parts (partial results count as none), each copy of a
        republished document included (`--all-copies`: by default a search shows one hit per group)."""
        try:
            data = self.search(index, docs, q, ["--limit", str(limit), "--snippets", "0", "--all-copies"])
        except RuntimeError:  # an older CLI without --snippets or --all-copies
            data = self.search(index, docs, q, ["--limit", str(limit)])
        if not data or data.get("partial"):
            return []
        return [h["id"] for h in data["hits"]]


def parse_json(raw):
    """The JSON object in a tool's stdout (tolerates log lines before it)."""
    text = raw.decode("utf-8", errors="replace")
    start = text.find("{")
    if start < 0:
        raise ValueError(f"no JSON in output: {text[:200]!r}")
    return json.JSONDecoder().raw_decode(text[start:])[0]


def hardlink_copy(src, dst):
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, copy_function=os.link)


def run_ipsearch(ips, corpus, queries, truth, work, queries_file, cli_n, recall_n, seed, timeout):
    docs = os.path.join(work, "docs")
    index = os.path.join(work, "index")
    hardlink_copy(corpus.root, docs)
    shutil.rmtree(index, ignore_errors=True)
    out = {"note": "ipsearch CLI on a hard-linked corpus copy"}
    out.update(full_index(ips, corpus, docs, index, timeout))
    sections = [
        ("ipsearch-bench queries (warm, in-process)", "bench_error",
         lambda: bench_queries(ips, index, docs, queries, queries_file, truth, timeout)),
        ("ipsearch search per query (CLI, like rg)", "cli_error",
         lambda: cli_latency(ips, index, docs, cli_sample(queries, cli_n, seed))),
        ("ipsearch search --json (recall by ids)", "recall_error",
         lambda: recall_by_ids(ips, corpus, index, docs, queries, truth, recall_n, seed)),
        ("ipsearch index: no-op and +1% incremental updates", "incremental_error",
         lambda: incremental(ips, corpus, docs, index, seed, timeout)),
    ]
    for title, error_key, fn in sections:
        step(title)
        try:
            out.update(fn())
        except Exception as e:  # noqa: BLE001 - reported, the other sections still run
            out[error_key] = f"{type(e).__name__}: {e}"[:300]
    return out


def full_index(ips, corpus, docs, index, timeout):
    """`ipsearch index --full` under /usr/bin/time: build time, size, peak RSS."""
    r, wall, rss = ips.timed(["index", "--corpus", docs, "--index", index, "--full", "--quiet"], timeout)
    if r.returncode not in (0, 1):  # 1: some files skipped, index written
        raise RuntimeError(f"index exited {r.returncode}: {tail(r.stderr)}")
    size = dir_bytes(index)
    if size == 0:
        raise RuntimeError(f"index exited {r.returncode} but wrote nothing to {index}: {tail(r.stdout + r.stderr)}")
    out = build_metrics(wall, size, corpus.bytes)
    out.update({"build_peak_rss_bytes": rss, "index_exit": r.returncode, "index_stderr": tail(r.stderr, 400)})
    return out


def cli_latency(ips, index, docs, sample):
    """Wall time of one `ipsearch search --json QUERY` process per query (default limit, snippets)."""
    ips.search(index, docs, sample[0])  # page cache
    samples = []
    for q in sample:
        t0 = time.perf_counter()
        ips.search(index, docs, q)
        samples.append((time.perf_counter() - t0) * 1000)
    return {"cli_" + k: v for k, v in percentiles(samples).items()}


def step(msg):
    print(f"    … {msg}", flush=True)


def tail(raw, n=300):
    return raw.decode("utf-8", errors="replace").strip()[-n:]


def bench_queries(ips, index, docs, queries, queries_file, truth, timeout):
    """Warm latency (and totals) from `ipsearch-bench queries`."""
    if not ips.bench:
        raise FileNotFoundError("ipsearch-bench binary not found")
    def run(*extra):
        r = subprocess.run([ips.bench, "queries", "--index", index, "--queries", queries_file, "--json", *extra],
                           capture_output=True, timeout=timeout, cwd=os.path.dirname(docs))
        if r.returncode not in (0, 1) or "{" not in r.stdout.decode(errors="replace"):  # 1: some queries failed
            raise RuntimeError(f"ipsearch-bench exited {r.returncode}: {tail(r.stderr)}")
        return r, parse_json(r.stdout)

    r, data = run()
    if data.get("errors"):
        # Failed queries return early and would flatter the percentiles: keep them aside.
        raise RuntimeError(f"ipsearch-bench: {data['errors']} of {len(queries)} queries failed "
                           f"(p50 {data.get('p50_ms')} ms over all samples); {tail(r.stderr)}")
    out = {k: data[k] for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms", "repeat", "errors")
           if k in data}
    out["latency_queries"] = len(queries)
    # Also without snippets, as FTS5 and Tantivy are timed (top 10 by score, no stored text read).
    _, bare = run("--snippets", "0")
    if not bare.get("errors"):
        out.update({"nosnippets_" + k: bare[k] for k in ("p50_ms", "p95_ms", "p99_ms", "mean_ms") if k in bare})
    totals = data.get("totals")
    if isinstance(totals, list) and len(totals) == len(queries):
        out.update(totals_agreement(dict(zip(queries, totals)), truth))
    return out


def totals_agreement(totals, truth):
    """How often ipsearch's total equals the ground-truth count (a recall proxy without ids).
    A negative total (ipsearch-bench's mark for a failed query) counts as no hits."""
    totals = {q: max(0, t) for q, t in totals.items()}
    singles = [q for q in totals if " " not in q and truth.get(q)]
    multis = [q for q in totals if " " in q and truth.get(q)]

    def share(qs):
        return sum(1 for q in qs if totals[q] == len(truth[q])) / len(qs) if qs else None

    def proxy(qs):
        return sum(min(totals[q], len(truth[q])) / len(truth[q]) for q in qs) / len(qs) if qs else None

    return {"totals_exact_share": share(singles), "multi_totals_exact_share": share(multis),
            "totals_recall_proxy": proxy(singles), "multi_totals_recall_proxy": proxy(multis)}


def recall_by_ids(ips, corpus, index, docs, queries, truth, sample_n, seed, max_truth=5000):
    """Recall from `ipsearch search --json` hit ids on a sample of the queries matching at most
    max_truth documents (the totals from ipsearch-bench cover all queries)."""
    small = [q for q in queries if 0 < len(truth.get(q, ())) <= max_truth]  # bounded JSON output
    singles, multis = split_queries(small)
    rng = random.Random(seed)
    pick = (lambda qs: qs if len(qs) <= sample_n else rng.sample(qs, sample_n))
    index_of = {i: n for n, i in enumerate(corpus.ids)}
    found = {}
    for q in pick(singles) + pick(multis)[: max(1, sample_n // 3)]:
        found[q] = {index_of[i] for i in ips.search_ids(index, docs, q) if i in index_of}
    out = recall_metrics({q: v for q, v in found.items() if " " not in q}, truth)
    out.update(recall_metrics({q: v for q, v in found.items() if " " in q}, truth, prefix="multi_"))
    out["recall_method"] = f"ids from `ipsearch search --json` (sample of queries with <= {max_truth} docs)"
    return out


def incremental(ips, corpus, docs, index, seed, timeout):
    """No-op update, then add 1% new documents (copies under new names) and update."""
    out = {}
    r, wall, _ = ips.timed(["index", "--corpus", docs, "--index", index, "--quiet"], timeout)
    if r.returncode == 0:
        out["noop_update_s"] = wall
    n = max(1, len(corpus.ids) // 100)
    added = os.path.join(docs, "zz-bench-added")
    os.makedirs(added, exist_ok=True)
    picked = random.Random(seed).sample(range(len(corpus.ids)), n)
    for k, i in enumerate(picked):
        shutil.copyfile(corpus.path(i), os.path.join(added, f"added-{k:06d}.txt"))
    try:
        r, wall, rss = ips.timed(["index", "--corpus", docs, "--index", index, "--quiet"], timeout)
        if r.returncode not in (0, 1):
            raise RuntimeError(f"incremental index exited {r.returncode}: {tail(r.stderr)}")
        out.update({"incremental_docs_added": n, "incremental_s": wall, "incremental_peak_rss_bytes": rss,
                    "incremental_verified": added_doc_found(ips, corpus, docs, index, picked[0], seed)})
    finally:
        shutil.rmtree(added, ignore_errors=True)
    return out


def added_doc_found(ips, corpus, docs, index, source, seed):
    """Whether a search for a substring of the first added document finds its new copy."""
    q = random_han_substring(random.Random(seed), corpus.normalized[source], 6)
    if not q:
        return None
    return "zz-bench-added/added-000000.txt" in ips.search_ids(index, docs, q)


# ---------------------------------------------------------------------------------------------
# Cold CLI: ipsearch vs. rg through hyperfine


def cold_cli(ips, index, docs, corpus_root, query, json_path):
    """hyperfine --warmup 3 of one `ipsearch QUERY` vs. one `rg -F` (process start included).
    ipsearch runs as a user types it, in a directory whose Index/ and Corpus/ are (links to) the
    benchmark's index and corpus copy."""
    cmds = [f"rg -F {query} {os.path.abspath(corpus_root)}"]
    json_path = os.path.abspath(json_path)
    cwd = os.path.join(os.path.dirname(json_path), "cold-cli")
    shutil.rmtree(cwd, ignore_errors=True)
    os.makedirs(cwd)
    if ips is not None and index:
        os.symlink(os.path.abspath(index), os.path.join(cwd, "Index"))
        os.symlink(os.path.abspath(docs), os.path.join(cwd, "Corpus"))
        cmds.insert(0, f"{ips.cli} {query}")
    r = subprocess.run(["hyperfine", "-N", "-i", "--warmup", "3", "--max-runs", "50",
                        "--export-json", json_path] + cmds, capture_output=True, timeout=600, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError(f"hyperfine exited {r.returncode}: {tail(r.stderr)}")
    with open(json_path) as fh:
        results = json.load(fh)["results"]
    out = {}
    for res in results:
        name = "rg" if res["command"].startswith("rg ") else "ipsearch"
        out[name] = {"mean_ms": res["mean"] * 1000, "stddev_ms": (res.get("stddev") or 0) * 1000,
                     "median_ms": res["median"] * 1000, "runs": len(res.get("times", [])),
                     "command": res["command"]}
    return out
