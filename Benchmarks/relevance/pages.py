"""The relevance corpus: Debian's Chinese HTML documentation as visible text, and known-item queries.

* `extract(html)` turns one DocBook HTML page into (title, visible text, headings) with Python's own
  `html.parser`: `<head>`, `<script>`, `<style>` and DocBook's navigation bars (`div.navheader`,
  `div.navfooter`: the prev/next/up links around every page) are dropped, block elements end lines,
  whitespace runs collapse to one space (inside `<pre>` lines are kept). Everything else a browser
  shows stays, tables of contents included.
* `build_corpus(sources, out)` writes one `.txt` per page: the `<title>` as first line, then the
  visible text; ids are `<source>/<page>.txt`.
* `make_queries(...)` draws the known-item queries (seeded): titles, headings, pasted sentences.
"""
import html
import os
import random
import re
from html.parser import HTMLParser

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
SKIP_TAGS = {"head", "script", "style", "noscript", "template"}
NAV_CLASSES = {"navheader", "navfooter"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
SPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def han_count(s):
    return len(HAN.findall(s))


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []          # finished lines of visible text
        self.cur = []            # pieces of the current line
        self.skip = 0            # depth inside skipped elements (head, script, style)
        self.nav_depth = 0       # >0: inside a DocBook navigation div (counts nested divs)
        self.pre = 0
        self.title = []
        self.in_title = False
        self.heading = None      # (level, [pieces]) while inside h1..h6
        self.headings = []       # (level, text)

    def _break(self):
        text = "".join(self.cur)
        self.cur = []
        if self.pre:
            for line in text.split("\n"):
                line = SPACE.sub(" ", line).strip()
                if line:
                    self.lines.append(line)
        else:
            text = SPACE.sub(" ", text).strip()
            if text:
                self.lines.append(text)

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if self.nav_depth:
            if tag == "div":
                self.nav_depth += 1
            return
        if tag in SKIP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "div":
            classes = set((dict(attrs).get("class") or "").split())
            if classes & NAV_CLASSES:
                self.nav_depth = 1
                self._break()
                return
        if tag in BLOCK_TAGS:
            self._break()
        if tag == "pre":
            self.pre += 1
        if tag in HEADINGS:
            self.heading = (HEADINGS[tag], [])

    def handle_startendtag(self, tag, attrs):
        if not self.skip and not self.nav_depth and tag in BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if self.nav_depth:
            if tag == "div":
                self.nav_depth -= 1
            return
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in HEADINGS and self.heading:
            text = SPACE.sub(" ", "".join(self.heading[1])).strip()
            if text:
                self.headings.append((self.heading[0], text))
            self.heading = None
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if self.skip or self.nav_depth:
            return
        self.cur.append(data)
        if self.heading:
            self.heading[1].append(data)

    def close(self):
        super().close()
        self._break()


def extract(markup):
    """(title, visible lines, [(level, heading text)]) of one HTML page."""
    p = _Visible()
    p.feed(markup)
    p.close()
    title = SPACE.sub(" ", html.unescape("".join(p.title))).strip()
    return title, p.lines, p.headings


# ---------------------------------------------------------------------------------------------
# Corpus

# Where each Debian package puts its HTML pages, and the id prefix of its documents.
SOURCES = {
    "gimp-help-zh-cn": ("usr/share/gimp/2.0/help/zh_CN", "gimp"),
    "debian-reference-zh-cn": ("usr/share/debian-reference", "debian-reference"),
    "debian-reference-zh-tw": ("usr/share/debian-reference", "debian-reference"),
}
PAGE_FILTER = {
    "debian-reference-zh-cn": re.compile(r"\.zh-cn\.html$"),
    "debian-reference-zh-tw": re.compile(r"\.zh-tw\.html$"),
}


class Page:
    __slots__ = ("id", "title", "lines", "headings", "group", "source", "html_path")

    def __init__(self, id, title, lines, headings, group, source, html_path):
        self.id, self.title, self.lines, self.headings = id, title, lines, headings
        self.group, self.source, self.html_path = group, source, html_path

    @property
    def text(self):
        return self.title + "\n" + "\n".join(self.lines) + "\n"


def load_pages(extracted_root, packages):
    """Pages of the given packages (unpacked below extracted_root), sorted by id.

    `group` names the known item: the page itself, except that debian-reference's zh-cn and zh-tw
    translations of one chapter (ch01.zh-cn.html, ch01.zh-tw.html) are one item in two scripts.
    """
    pages = []
    for pkg in packages:
        sub, prefix = SOURCES[pkg]
        folder = os.path.join(extracted_root, pkg, sub)
        only = PAGE_FILTER.get(pkg)
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".html") or (only and not only.search(name)):
                continue
            with open(os.path.join(folder, name), "rb") as fh:
                markup = fh.read().decode("utf-8", errors="replace")
            title, lines, headings = extract(markup)
            stem = name[:-5]
            group = f"{prefix}/{re.sub(r'[.]zh-(cn|tw)$', '', stem)}"
            pages.append(Page(f"{prefix}/{stem}.txt", title, lines, headings, group, pkg,
                              os.path.join(folder, name)))
    pages.sort(key=lambda p: p.id)
    return pages


def write_corpus(pages, out_dir, html=False):
    """One .txt per page (title line + visible text), or with html=True the page's original HTML as
    `<id stem>.html`; files whose content is unchanged are not touched, stale files are removed."""
    wanted = set()
    for p in pages:
        path = os.path.join(out_dir, p.id[:-4] + ".html" if html else p.id)
        wanted.add(os.path.normpath(path))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if html:
            with open(p.html_path, "rb") as fh:
                data = fh.read()
        else:
            data = p.text.encode("utf-8")
        try:
            with open(path, "rb") as fh:
                if fh.read() == data:
                    continue
        except OSError:
            pass
        with open(path, "wb") as fh:
            fh.write(data)
    for root, _, files in os.walk(out_dir):
        for f in files:
            path = os.path.normpath(os.path.join(root, f))
            if path not in wanted:
                os.remove(path)


# ---------------------------------------------------------------------------------------------
# Queries

# Section numbers a reader would not type: "3.2.", "第 17 章", "章 1.", "部分 II.", "附录 A.", "A.1.",
# and caption numbers "表 12.14.", "图 17.2.".
NUMBERING = re.compile(
    r"^(?:第\s*[0-9一二三四五六七八九十百]+\s*[章部节節篇]\s*"
    r"|(?:章|部分|附录|附錄|Chapter|Part|Appendix)\s*[0-9A-Z]+[.．]?\s+"
    r"|(?:表|图|圖|例|范例|範例|Table|Figure|Example)\s*[0-9A-Z]+(?:[.．][0-9]+)*[.．]?\s+"
    r"|[0-9A-Z]+(?:[.．][0-9]+)*[.．]\s*"
    r"|[0-9]+(?:[.．][0-9]+)+\s+)"
)


def strip_numbering(s):
    prev = None
    while prev != s:
        prev, s = s, NUMBERING.sub("", s, count=1).strip()
    return s


def clean_query(q):
    """The same query text for every engine: `"` removed (it is syntax in ipsearch and FTS5), spaces
    collapsed, no leading `-` (a command line would read it as an option)."""
    return SPACE.sub(" ", q.replace('"', " ")).strip().lstrip("-").strip()


SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


def sentences(line):
    return [s.strip() for s in SENTENCE_END.split(line) if s.strip()]


def make_queries(pages, fold, seed, max_headings=8, max_sentences=3, min_han=2):
    """Known-item queries: [{type, query, relevant: [ids], source: id}].

    fold(text) is the normalization used to compare texts (Traditional→Simplified, case, width).

    title     one query per distinct (folded) page title, section number stripped, >= min_han Han
              characters. Relevant: every page with that title (and the page's other-script twin).
    heading   up to max_headings per page (seeded) of its h2–h6 headings, section number stripped,
              >= 4 characters with >= min_han Han, that are the heading or title of no other item
              (a heading such as 选项 that stands on fifty filter pages names no page). Relevant: the page
              and its twin.
    sentence  up to max_sentences per page (seeded): a sentence (split at 。！？!?；;) of the page's
              visible text, title line excluded, 20–60 characters with >= 6 Han characters and at least
              30% Han, not starting with a section number (headings, table-of-contents lines), and
              without `"` (query syntax for ipsearch and FTS5: quoting it would favour no engine).
              Relevant: the page, its twin, and any page whose folded text contains the folded
              sentence (boilerplate repeated on many pages names all of them).
    """
    rng = random.Random(seed)
    by_group = {}
    for p in pages:
        by_group.setdefault(p.group, []).append(p)
    folded_text = {p.id: fold(p.text) for p in pages}

    def twins(p):
        return [q.id for q in by_group[p.group]]

    queries = []

    # Titles.
    title_pages = {}
    for p in pages:
        t = strip_numbering(p.title)
        if han_count(t) >= min_han:
            title_pages.setdefault(fold(clean_query(t)), []).append((p, clean_query(t)))
    all_title_keys = {fold(clean_query(strip_numbering(p.title))) for p in pages}
    for key in sorted(title_pages):
        entries = title_pages[key]
        rel = sorted({i for p, _ in entries for i in twins(p)})
        queries.append({"type": "title", "query": entries[0][1], "relevant": rel, "source": entries[0][0].id})

    # Headings.
    heading_groups = {}
    for p in pages:
        for level, h in p.headings:
            key = fold(clean_query(strip_numbering(h)))
            heading_groups.setdefault(key, set()).add(p.group)
    for p in pages:
        own_title = fold(clean_query(strip_numbering(p.title)))
        cands, seen = [], set()
        for level, h in p.headings:
            q = clean_query(strip_numbering(h))
            key = fold(q)
            if level < 2 or key in seen or key == own_title or key in all_title_keys:
                continue
            seen.add(key)
            if len(q) >= 4 and han_count(q) >= min_han and heading_groups.get(key) == {p.group}:
                cands.append(q)
        for q in rng.sample(cands, min(max_headings, len(cands))):
            queries.append({"type": "heading", "query": q, "relevant": twins(p), "source": p.id})

    # Pasted sentences.
    for p in pages:
        cands, seen = [], set()
        for line in p.lines:
            for s in sentences(line):
                if '"' in s:  # `"` is query syntax in ipsearch and FTS5: such sentences are not drawn
                    continue
                s = clean_query(s)
                n = han_count(s)
                if strip_numbering(s) != s:  # a numbered heading or a table-of-contents line
                    continue
                if 20 <= len(s) <= 60 and n >= 6 and n >= 0.3 * len(s) and s not in seen:
                    seen.add(s)
                    cands.append(s)
        for s in rng.sample(cands, min(max_sentences, len(cands))):
            key = fold(s)
            rel = set(twins(p)) | {i for i, t in folded_text.items() if key in t}
            queries.append({"type": "sentence", "query": s, "relevant": sorted(rel), "source": p.id})
    return queries
