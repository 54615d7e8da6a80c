"""Corpus side of the comparison: documents, normalization, queries and ground truth.

* `Corpus.load(name, dir)` reads every `.txt` / `.md` file below `dir` (hidden entries skipped, ids are
  `/`-separated relative paths, sorted: the same documents and ids as ipsearch's `Corpus.scan`).
* `normalize(text)` mirrors ipsearch's `Normalizer`: converter pinyin after a Han character dropped
  (`產(chǎn)` → `產`), ICU NFKC_Casefold, then ICU `Traditional-Simplified` one code point at a time.
  Normalized texts are cached in a pickle keyed by the corpus's file list (path, size, mtime).
* `make_queries` draws seeded random Han-only substrings (2–6 characters) of normalized documents,
  plus multi-part queries (two substrings of one document joined by a space: AND).
* `ground_truth` answers every query by plain substring search over the normalized texts
  (Python `str.find` over one concatenated string), cached per (corpus, query file).
"""
import hashlib
import os
import pickle
import random
import re
from bisect import bisect_right

NORMALIZER_VERSION = "icu-nfkc_cf+t2s-per-codepoint+pinyin-v1"
DOC_EXTENSIONS = (".txt", ".md")

# Mirrors Script.isHan in Sources/IPSearchAnalysis/Script.swift.
HAN_CLASS = (
    "\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0003134f\uf900-\ufaff"
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b"
)
HAN_RUN = re.compile(f"[{HAN_CLASS}]+")
# Mirrors PinyinAnnotation: "(" + up to 7 lowercase pinyin letters with a tone mark + ")" after Han.
TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_DEBRIS = re.compile(f"(?<=[{HAN_CLASS}])[(（](?=[a-zü{TONE}]*[{TONE}])[a-zü{TONE}]{{1,7}}[)）]")


class Normalizer:
    """NFKC_Casefold + per-code-point Traditional→Simplified, as in ipsearch (PyICU)."""

    def __init__(self):
        import icu  # Debian python3-icu, the same system ICU that ipsearch links

        self._nfkc_cf = icu.Normalizer2.getInstance(None, "nfkc_cf", icu.UNormalizationMode2.COMPOSE)
        self._t2s = icu.Transliterator.createInstance("Traditional-Simplified")
        self._table = {}  # code point -> replacement, only for characters that change
        self._seen = set()

    def _extend_table(self, text):
        for ch in set(text) - self._seen:
            self._seen.add(ch)
            if ord(ch) >= 0x2E80:
                folded = self._t2s.transliterate(ch)
                if folded != ch:
                    self._table[ord(ch)] = folded

    def __call__(self, text):
        text = PINYIN_DEBRIS.sub("", text)
        text = self._nfkc_cf.normalize(text)
        self._extend_table(text)
        return text.translate(self._table)


class Corpus:
    """Documents of one corpus folder: ids, sizes, raw and normalized texts."""

    def __init__(self, name, root, ids, sizes, normalized):
        self.name, self.root, self.ids, self.sizes, self.normalized = name, root, ids, sizes, normalized

    @property
    def bytes(self):
        return sum(self.sizes)

    def path(self, i):
        return os.path.join(self.root, self.ids[i])

    @classmethod
    def load(cls, name, root, cache_dir):
        files = list_documents(root)
        sig = signature(files)
        cache = os.path.join(cache_dir, f"norm-{name}-{sig}.pkl")
        ids = [f[0] for f in files]
        sizes = [f[1] for f in files]
        if os.path.exists(cache):
            with open(cache, "rb") as fh:
                normalized = pickle.load(fh)
        else:
            norm = Normalizer()
            normalized = [norm(read_text(os.path.join(root, i))) for i in ids]
            os.makedirs(cache_dir, exist_ok=True)
            for old in os.listdir(cache_dir):  # one cache per corpus name
                if old.startswith(f"norm-{name}-"):
                    os.remove(os.path.join(cache_dir, old))
            with open(cache + ".tmp", "wb") as fh:
                pickle.dump(normalized, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(cache + ".tmp", cache)
        corpus = cls(name, root, ids, sizes, normalized)
        corpus.signature = sig
        return corpus


def list_documents(root):
    """[(relative id, size, mtime_ns)] of the .txt/.md files below root, sorted by id."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for f in filenames:
            if f.startswith(".") or not f.endswith(DOC_EXTENSIONS):
                continue
            full = os.path.join(dirpath, f)
            st = os.stat(full)
            out.append((os.path.relpath(full, root).replace(os.sep, "/"), st.st_size, st.st_mtime_ns))
    out.sort()
    return out


def signature(files):
    h = hashlib.sha1(NORMALIZER_VERSION.encode())
    for f in files:
        h.update(f"{f[0]}\0{f[1]}\0{f[2]}\n".encode())
    return h.hexdigest()[:16]


def read_text(path):
    with open(path, "rb") as fh:
        data = fh.read()
    return data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------
# Queries


def random_han_substring(rng, text, length):
    """A random substring of `length` Han characters of `text`, or None if it has no such run."""
    runs = [m for m in HAN_RUN.finditer(text) if m.end() - m.start() >= length]
    if not runs:
        return None
    m = rng.choice(runs)
    start = rng.randrange(m.start(), m.end() - length + 1)
    return text[start:start + length]


def make_queries(corpus, n_single, n_multi, seed, min_len=2, max_len=6):
    """Deterministic query list: n_single substrings, then n_multi 'a b' AND queries."""
    rng = random.Random(seed)
    singles, multis, seen = [], [], set()
    budget = 50 * (n_single + n_multi) + 100
    while len(singles) < n_single and budget > 0:
        budget -= 1
        q = random_han_substring(rng, rng.choice(corpus.normalized), rng.randint(min_len, max_len))
        if q and q not in seen:
            seen.add(q)
            singles.append(q)
    while len(multis) < n_multi and budget > 0:
        budget -= 1
        text = rng.choice(corpus.normalized)
        a = random_han_substring(rng, text, rng.randint(2, 4))
        b = random_han_substring(rng, text, rng.randint(2, 4))
        if a and b and a != b and a not in b and b not in a:
            q = f"{a} {b}"
            if q not in seen:
                seen.add(q)
                multis.append(q)
    return singles + multis


def write_queries(path, queries):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(queries) + "\n")


def query_parts(q):
    return [p for p in q.split(" ") if p]


# ---------------------------------------------------------------------------------------------
# Ground truth


class SubstringIndex:
    """All normalized texts joined by NUL; finds the documents containing a substring."""

    def __init__(self, texts):
        self.starts, pos = [], 0
        for t in texts:
            self.starts.append(pos)
            pos += len(t) + 1
        self.blob = "\0".join(texts)

    def docs_containing(self, needle):
        found, pos, starts = [], 0, self.starts
        while True:
            pos = self.blob.find(needle, pos)
            if pos < 0:
                return found
            doc = bisect_right(starts, pos) - 1
            found.append(doc)
            pos = starts[doc + 1] if doc + 1 < len(starts) else len(self.blob)


def ground_truth(corpus, queries, cache_dir):
    """{query: sorted doc indices whose normalized text contains every part}."""
    key = hashlib.sha1(("\n".join(queries) + corpus.signature).encode()).hexdigest()[:16]
    cache = os.path.join(cache_dir, f"truth-{corpus.name}-{key}.pkl")
    if os.path.exists(cache):
        with open(cache, "rb") as fh:
            return pickle.load(fh)
    index = SubstringIndex(corpus.normalized)
    truth = {}
    for q in queries:
        sets = [set(index.docs_containing(p)) for p in query_parts(q)]
        truth[q] = sorted(set.intersection(*sets))
    for old in os.listdir(cache_dir):
        if old.startswith(f"truth-{corpus.name}-"):
            os.remove(os.path.join(cache_dir, old))
    with open(cache, "wb") as fh:
        pickle.dump(truth, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return truth
