#!/usr/bin/env python3
"""Browser tests of the search page: a real `ipsearch serve` on loopback, driven by headless Chromium.

    python3 Tests/browser/test_page.py --binary .build/debug/ipsearch [--artifacts DIR] [-k NAME]

Builds a temporary corpus (the repository's Corpus/, generated press releases with known dates and
sources, an exact duplicate pair and a document that tries to inject markup), indexes it with
`ipsearch index`, starts `ipsearch serve --port 0` and reads the URL it prints. Every wait is a
WebDriverWait on a DOM condition; nothing sleeps. Checks that need API fields which do not exist yet
(facets, sort, source, copies, document highlights) are skipped with a message saying what is missing.
Screenshots go to the artifacts folder (default .build/browser-tests/artifacts, ignored by git).
The last line is `N passed, N failed`; the exit status is 1 if any test failed.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WAIT = 15  # seconds, upper bound of every wait (a condition usually holds within milliseconds)

HOSTILE_TITLE = "<script>alert('标题')</script>\"><img src=x onerror=alert(1)>"
HOSTILE_ID = "xss/\"><img src=x onerror=alert(3)>注入.txt"
HOSTILE_TEXT = f"""---
title: {HOSTILE_TITLE}
date: 2024-05-06
source: 测试来源
---
注入测试：<script>document.title='pwned'</script> 以及 "><img src=x onerror=alert(2)> 都必须原样显示。
"""

SOURCES = ["中国网", "中新经纬", "人民网", "浙江日报"]
PHRASES = [
    "国家知识产权局发布年度报告", "地理标志产品保护工作稳步推进", "专利审查周期进一步压减", "商标注册便利化改革持续深化",
    "知识产权质押融资规模创新高", "海外知识产权纠纷应对指导", "数据知识产权登记试点扩大", "集成电路布图设计登记",
    "植物新品种权保护力度加大", "知识产权公共服务体系建设", "打击侵权假冒专项行动", "专利转化运用专项行动",
    "高价值发明专利拥有量增长", "中欧地理标志协定落实", "知识产权保护中心快速预审", "著作权登记数量持续增长",
    "非正常专利申请整治", "驰名商标认定与保护", "知识产权强国建设纲要实施", "农产品地理标志助力乡村振兴",
    "技术合同成交额大幅增长", "知识产权人才培养计划", "国际专利申请量位居前列", "企业知识产权合规管理",
]


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------
class Server:
    """A corpus in a temporary folder, its index, and `ipsearch serve --port 0` over it."""

    def __init__(self, binary, real_corpus_only=False):
        self.root = tempfile.mkdtemp(prefix="ipsearch-browser-")
        self.corpus = os.path.join(self.root, "corpus")
        self.index = os.path.join(self.root, "index")
        if real_corpus_only:
            shutil.copytree(os.path.join(REPO, "Corpus"), self.corpus)
        else:
            self.make_corpus()
        subprocess.run([binary, "index", "--corpus", self.corpus, "--index", self.index, "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
        self.process = subprocess.Popen(
            [binary, "serve", "--index", self.index, "--corpus", self.corpus, "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"ipsearch serve printed {line!r} instead of its URL")
        self.url = line
        self.log = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read_log, daemon=True).start()

    def make_corpus(self):
        os.makedirs(os.path.join(self.corpus, "xss"))
        for name in sorted(os.listdir(os.path.join(REPO, "Corpus"))):
            shutil.copy(os.path.join(REPO, "Corpus", name), os.path.join(self.corpus, name))
        with open(os.path.join(self.corpus, HOSTILE_ID), "w", encoding="utf-8") as f:
            f.write(HOSTILE_TEXT)
        # 30 distinct releases that all mention 地理标志: dates over 2019–2025, four sources.
        rng = random.Random(11)
        for i in range(30):
            year = 2019 + i % 7
            date = f"{year}-{1 + (i * 5) % 12:02d}-{1 + i % 28:02d}"
            body = "。".join(rng.sample(PHRASES, 10))
            with open(os.path.join(self.corpus, f"gen_{i:02d}.txt"), "w", encoding="utf-8") as f:
                f.write(f"---\ntitle: 第{i + 1}号通稿：地理标志与知识产权工作动态\ndate: {date}\nsource: {SOURCES[i % 4]}\n---\n"
                        f"批次{i + 1}。地理标志保护。{body}。\n")
        # An exact republication: one group once near-duplicates are collapsed.
        body = "重复测试：国家知识产权局今日举行新闻发布会，介绍地理标志保护与运用的最新进展。" * 3
        for name, source in (("dup_a.txt", "中国网"), ("dup_b.txt", "人民网")):
            with open(os.path.join(self.corpus, name), "w", encoding="utf-8") as f:
                f.write(f"---\ntitle: 重复测试通稿\ndate: 2024-11-29\nsource: {source}\n---\n{body}\n")

    def _read_log(self):
        for line in self.process.stderr:
            with self.lock:
                self.log.append(line.rstrip("\n"))

    def log_lines(self):
        with self.lock:
            return list(self.log)

    def api(self, path, params=None):
        """(status, JSON body) of GET path?params."""
        url = self.url + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=WAIT) as r:
                return r.status, json.loads(r.read().decode("utf-8")), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode("utf-8") or "null"), dict(e.headers)

    def search(self, **params):
        status, body, _ = self.api("/search", {"limit": 10, **params})
        assert status == 200, f"/search {params}: {status} {body}"
        return body

    def supports(self, parameter, bad_value):
        """True when /search refuses a bad value of `parameter` (so it knows the parameter)."""
        return self.api("/search", {"q": "地理标志", parameter: bad_value})[0] == 400

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------------------------
def make_driver(javascript=True):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                "--lang=zh-CN", "--no-first-run", "--disable-extensions", "--hide-scrollbars"):
        options.add_argument(arg)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


class Skip(Exception):
    """Nothing of the test could be checked (an API field it needs does not exist yet)."""


class Partly(Exception):
    """The test passed what it could check; the message names what it could not."""


class Context:
    def __init__(self, server, driver, artifacts):
        self.server = server
        self.driver = driver
        self.artifacts = artifacts

    # -- navigation and waits --
    def open(self, path):
        self.driver.get(self.server.url + path)
        self.wait_settled()

    def wait(self, condition, message):
        try:
            return WebDriverWait(self.driver, WAIT).until(lambda d: condition(d), message)
        except TimeoutException:
            raise AssertionError(f"timed out waiting for {message}") from None

    def wait_settled(self):
        """Until the page shows the state of its URL (no search pending or in flight)."""
        self.wait(lambda d: d.execute_script(
            "const r = document.documentElement;"
            "return r.dataset.page === 'view' ? r.dataset.state === 'ready' :"
            " (['ready','error','home'].includes(r.dataset.state) && r.dataset.input !== 'waiting'"
            "  && r.dataset.shown === location.pathname + location.search);"), "the page to settle")

    def wait_shown(self, **params):
        """Until the results of exactly these URL parameters are on screen."""
        want = page_url(**params)
        self.wait(lambda d: d.execute_script(
            "const r = document.documentElement; return r.dataset.shown === arguments[0] && r.dataset.state !== 'loading'"
            " && location.pathname + location.search === arguments[0];", want), f"results of {want}")

    def page_searches(self, since_line):
        """The `q` of each /search request the page sent (the page asks for facets; the tests' own
        API calls do not), from the server's request log."""
        lines = [line for line in self.server.log_lines()[since_line:] if " /search?" in line and "facets=true" in line]
        return [urllib.parse.parse_qs(urllib.parse.urlsplit(line.split()[2]).query).get("q", [""])[0] for line in lines]

    def wait_logged(self, since_line, q):
        """Until the server's log shows the page's search for `q` (it is logged before it is answered)."""
        self.wait(lambda d: q in self.page_searches(since_line), f"the server to log the search for {q!r}")

    def hit_ids(self):
        return self.driver.execute_script("return [...document.querySelectorAll('#hits > li.hit')].map(e => e.dataset.id)")

    def type_query(self, text):
        box = self.driver.find_element(By.ID, "q")
        box.clear()
        box.send_keys(text)

    def screenshot(self, name):
        path = os.path.join(self.artifacts, name)
        self.driver.save_screenshot(path)
        return path

    def no_alert(self):
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            raise AssertionError(f"an alert ran: {text!r}")
        except NoAlertPresentException:
            pass


def page_url(**params):
    """The canonical page URL the script writes: q, since, until, source…, sort, page."""
    pairs = []
    for key in ("q", "since", "until", "source", "sort", "page"):
        value = params.get(key)
        if value in (None, "", [], "relevance", 1):
            continue
        for v in value if isinstance(value, list) else [value]:
            pairs.append((key, str(v)))
    return "/?" + "&".join(form_encode(k) + "=" + form_encode(v) for k, v in pairs) if pairs else "/"


def form_encode(text):
    """As URLSearchParams writes it: alphanumerics and *-._ kept, space as +, other bytes %XX."""
    out = []
    for b in text.encode("utf-8"):
        c = chr(b)
        out.append(c if c.isascii() and (c.isalnum() or c in "*-._") else "+" if c == " " else f"%{b:02X}")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------
def test_page_is_served_with_its_headers(c):
    status, html, headers = raw_get(c.server.url + "/")
    assert status == 200
    assert headers.get("Content-Type") == "text/html; charset=utf-8", headers
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp, csp
    assert '<html lang="zh"' in html
    total = len(html.encode())
    for asset in ("app.js", "app.css", "icon.svg"):
        s, body, h = raw_get(c.server.url + "/assets/" + asset)
        assert s == 200, asset
        total += len(body.encode())
    assert total < 150 * 1024, f"page and assets weigh {total} bytes"
    print(f"    page + assets: {total / 1024:.1f} KB")
    c.open("/")
    label = c.driver.find_element(By.CSS_SELECTOR, "label[for=q]")
    box = c.driver.find_element(By.CSS_SELECTOR, "input[type=search][name=q]")
    assert label.get_attribute("textContent").strip() and box.get_attribute("id") == "q"
    # `/` focuses the box from anywhere on the page.
    c.driver.execute_script("document.activeElement.blur()")
    assert c.driver.switch_to.active_element.tag_name == "body"
    ActionChains(c.driver).send_keys("/").perform()
    c.wait(lambda d: d.switch_to.active_element.get_attribute("id") == "q", "/ to focus the search box")
    assert box.get_attribute("value") == "", "the / was typed into the box"


def test_typing_shows_highlighted_results(c):
    c.open("/")
    c.type_query("地理标志")
    c.wait_shown(q="地理标志")
    want = c.server.search(q="地理标志")
    assert c.hit_ids() == [h["id"] for h in want["hits"]], (c.hit_ids(), want["hits"])
    marks = c.driver.find_elements(By.CSS_SELECTOR, "#hits .snippet mark")
    assert marks, "no <mark> in the snippets"
    assert all(re.sub(r"\s", "", m.text) for m in marks)
    summary = c.driver.find_element(By.ID, "summary").text
    assert str(want["total"]) in summary and "毫秒" in summary, summary
    # Each mark is exactly a highlight range of the API's snippet.
    first = want["hits"][0]["snippets"][0]
    chars = list(first["text"])
    expected = ["".join(chars[a:b]) for a, b in first["highlights"]]
    shown = c.driver.execute_script("return [...document.querySelectorAll('#hits > li.hit')[0].querySelector('.snippet').querySelectorAll('mark')].map(m => m.textContent)")
    assert shown == merge_texts(chars, first["highlights"]) or shown == expected, (shown, expected)


def merge_texts(chars, ranges):
    merged = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return ["".join(chars[a:b]) for a, b in merged]


def test_ime_composition_fires_no_search_for_partial_pinyin(c):
    c.open("/")
    before = len(c.server.log_lines())
    box = c.driver.find_element(By.ID, "q")
    box.click()
    c.driver.execute_script("arguments[0].dispatchEvent(new CompositionEvent('compositionstart', {data: ''}))", box)
    for partial in ("d", "di", "dil", "dili", "dilib", "dilibiaozhi"):
        c.driver.execute_script(
            "const [box, text] = arguments; box.value = text;"
            "box.dispatchEvent(new CompositionEvent('compositionupdate', {data: text}));"
            "box.dispatchEvent(new InputEvent('input', {data: text, inputType: 'insertCompositionText', isComposing: true}));",
            box, partial)
        # While composing no search is even scheduled (a debounce timer would say 'waiting').
        state = c.driver.execute_script("return document.documentElement.dataset.input")
        assert state == "composing", f"after {partial!r} the page is {state!r}, not waiting for the input method"
    c.driver.execute_script(
        "const box = arguments[0]; box.value = '地理标志';"
        "box.dispatchEvent(new InputEvent('input', {data: '地理标志', inputType: 'insertCompositionText', isComposing: true}));"
        "box.dispatchEvent(new CompositionEvent('compositionend', {data: '地理标志'}));", box)
    c.wait_shown(q="地理标志")
    c.wait_logged(before, "地理标志")
    assert c.page_searches(before) == ["地理标志"], f"searches sent while composing: {c.page_searches(before)}"


def test_enter_searches_at_once(c):
    c.open("/")
    before = len(c.server.log_lines())
    box = c.driver.find_element(By.ID, "q")
    box.send_keys("知识产权", Keys.ENTER)
    # Enter cancels the debounce: the search is already under way or done, nothing is waiting.
    assert c.driver.execute_script("return document.documentElement.dataset.input") == "idle"
    c.wait_shown(q="知识产权")
    c.wait_logged(before, "知识产权")
    assert c.page_searches(before) == ["知识产权"], c.page_searches(before)
    assert c.hit_ids() == [h["id"] for h in c.server.search(q="知识产权")["hits"]]


def test_no_results_says_why(c):
    c.open("/")
    c.type_query("地里标志")  # a homophone typo of 地理标志
    c.wait_shown(q="地里标志")
    body = c.server.search(q="地里标志")
    if body["total"]:
        raise Skip("地里标志 has hits in this corpus")
    empty = c.driver.find_element(By.ID, "empty")
    assert "地里标志" in empty.text and "没有找到" in empty.text, empty.text
    assert c.driver.find_element(By.CSS_SELECTOR, "#summary strong").text == "0"
    suggestions = body.get("suggestions") or []
    if not suggestions:
        raise Partly("the reason is shown; /search gives no \"suggestions\" yet")
    link = empty.find_element(By.CSS_SELECTOR, "a.suggestion")
    assert link.text == suggestions[0]["text"]
    link.click()
    c.wait_shown(q=suggestions[0]["text"])
    assert c.hit_ids()


def test_paging_back_and_forward(c):
    c.open(page_url(q="地理标志"))
    want1 = [h["id"] for h in c.server.search(q="地理标志")["hits"]]
    want2 = [h["id"] for h in c.server.search(q="地理标志", offset=10)["hits"]]
    assert c.hit_ids() == want1
    c.driver.find_element(By.CSS_SELECTOR, "#pages a[data-page='2']").click()
    c.wait_shown(q="地理标志", page=2)
    assert c.hit_ids() == want2, (c.hit_ids(), want2)
    assert c.driver.find_element(By.CSS_SELECTOR, "#pages [aria-current=page]").text == "2"
    c.driver.back()
    c.wait_shown(q="地理标志")
    assert c.hit_ids() == want1
    c.driver.forward()
    c.wait_shown(q="地理标志", page=2)
    assert c.hit_ids() == want2
    # Reloading the shared URL shows the same page.
    c.driver.refresh()
    c.wait_settled()
    assert c.hit_ids() == want2


def test_filters_and_sort(c):
    c.open(page_url(q="地理标志"))
    since = c.driver.find_element(By.ID, "since")
    since.send_keys("2024", Keys.TAB)
    c.wait_shown(q="地理标志", since="2024")
    Select(c.driver.find_element(By.ID, "sort")).select_by_value("newest")
    c.wait_shown(q="地理标志", since="2024", sort="newest")
    skipped = []
    if c.server.supports("since", "not-a-date"):
        dates = c.driver.execute_script("return [...document.querySelectorAll('#hits > li.hit > .hit-meta time')].map(t => t.getAttribute('datetime'))")
        assert dates and all(d >= "2024-01-01" for d in dates), dates
    else:
        skipped.append("since")
    if c.server.supports("sort", "sideways"):
        dates = c.driver.execute_script("return [...document.querySelectorAll('#hits > li.hit > .hit-meta time')].map(t => t.getAttribute('datetime'))")
        assert dates == sorted(dates, reverse=True), dates
        want = c.server.search(q="地理标志", since="2024", sort="newest")
        assert c.hit_ids() == [h["id"] for h in want["hits"]]
    else:
        skipped.append("sort")
    # Back undoes the sort, then the filter; the form follows.
    c.driver.back()
    c.wait_shown(q="地理标志", since="2024")
    assert Select(c.driver.find_element(By.ID, "sort")).first_selected_option.get_attribute("value") == "relevance"
    c.driver.back()
    c.wait_shown(q="地理标志")
    assert c.driver.find_element(By.ID, "since").get_attribute("value") == ""
    if skipped:
        raise Partly("URL, form and history checked; results not checked: /search does not know " + ", ".join(skipped) + " yet")


def test_facet_and_timeline_clicks(c):
    c.open(page_url(q="地理标志"))
    body = c.server.search(q="地理标志", facets="true")
    if not isinstance(body.get("facets"), dict):
        raise Skip("/search?facets=true has no \"facets\" yet: facet and timeline clicks not checked")
    facets = body["facets"]
    c.wait(lambda d: d.find_element(By.ID, "timeline").is_displayed(), "the timeline")
    bars = c.driver.find_elements(By.CSS_SELECTOR, "#timeline svg [data-period]")
    assert bars, "no bars"
    # Click the bar with the most documents: it filters to that period.
    period = max(((b.get_attribute("data-period"), b) for b in bars),
                 key=lambda pb: (facets.get("month", {}) if "-" in pb[0] else facets.get("year", {})).get(pb[0], 0))[0]
    c.driver.find_element(By.CSS_SELECTOR, f"#timeline [data-period='{period}']").click()
    c.wait_shown(q="地理标志", since=period, until=period)
    dates = c.driver.execute_script("return [...document.querySelectorAll('#hits > li.hit > .hit-meta time')].map(t => t.getAttribute('datetime'))")
    assert dates and all(d.startswith(period) for d in dates), (period, dates)
    c.driver.back()
    c.wait_shown(q="地理标志")
    sources = facets.get("source") or {}
    if not sources:
        raise Partly("timeline checked; no \"source\" facet yet")
    c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#facets [data-facet=source]"), "the source facet")
    button = c.driver.find_elements(By.CSS_SELECTOR, "#facets [data-facet=source]")[0]
    name = button.get_attribute("data-value")
    count = int(button.find_element(By.CLASS_NAME, "count").text)
    button.click()
    c.wait_shown(q="地理标志", source=name)
    assert c.driver.execute_script("return document.querySelector('#summary strong').textContent") == str(count)
    shown = c.driver.execute_script("return [...document.querySelectorAll('#hits > li.hit > .hit-meta .source')].map(s => s.textContent)")
    assert shown and all(s == name for s in shown), (name, shown)


FACETS_SHIM = """
(() => {
  const facets = %s;
  const original = window.fetch;
  window.fetch = async (url, options) => {
    const response = await original(url, options);
    const u = new URL(String(url), location.href);
    if (u.pathname !== '/search' || u.searchParams.get('facets') !== 'true') return response;
    const d = await response.clone().json();
    if (d.facets) return response;
    d.facets = facets;
    return new Response(JSON.stringify(d), {status: response.status, headers: {'Content-Type': 'application/json'}});
  };
})();
"""


def test_timeline_and_facets_render_and_filter(c):
    """The page's side of facets and the timeline, with facet counts added to /search's answer by a
    DevTools script while the API has none (the results themselves are then not filtered)."""
    if isinstance(c.server.search(q="地理标志", facets="true").get("facets"), dict):
        raise Skip("/search has facets: test_facet_and_timeline_clicks checks them for real")
    years = {"2019": 5, "2020": 4, "2022": 6, "2025": 2}
    facets = {"year": years, "month": {"2025-03": 1, "2025-01": 1}, "source": {"中国网": 9, "人民网": 4}}
    shim = c.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FACETS_SHIM % json.dumps(facets)})["identifier"]
    try:
        c.open(page_url(q="地理标志"))
        c.wait(lambda d: d.find_element(By.ID, "timeline").is_displayed(), "the timeline")
        # One bar per year from the first to the last, gaps included, each as tall as its count.
        bars = c.driver.execute_script(
            "return [...document.querySelectorAll('#timeline [data-period]')].map(b => [b.dataset.period, +b.querySelector('rect.fill').getAttribute('height')])")
        assert [p for p, _ in bars] == [str(y) for y in range(2019, 2026)], bars
        heights = dict(bars)
        assert heights["2021"] == 0 and heights["2022"] > heights["2019"] > heights["2020"] > heights["2025"] > 0, heights
        c.driver.find_element(By.CSS_SELECTOR, "#timeline [data-period='2022']").click()
        c.wait_shown(q="地理标志", since="2022", until="2022")
        assert c.driver.find_element(By.CSS_SELECTOR, "#timeline [data-period='2022']").get_attribute("aria-pressed") == "true"
        assert c.driver.find_element(By.ID, "since").get_attribute("value") == "2022"
        # The keyboard works the bars too: Enter on the pressed bar clears the period.
        c.driver.execute_script("document.querySelector(\"#timeline [data-period='2022']\").focus()")
        c.driver.switch_to.active_element.send_keys(Keys.ENTER)
        c.wait_shown(q="地理标志")
        # Source facets: counts shown, a click filters, the chip unchecked removes the filter.
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#facets [data-facet=source]"), "the source facet")
        labels = c.driver.execute_script("return [...document.querySelectorAll('#facets [data-facet=source]')].map(b => b.textContent)")
        assert labels == ["中国网9", "人民网4"], labels
        c.driver.find_element(By.CSS_SELECTOR, "#facets [data-facet=source][data-value='人民网']").click()
        c.wait_shown(q="地理标志", source="人民网")
        chip = c.driver.find_element(By.CSS_SELECTOR, "#chosen input[type=checkbox]")
        assert chip.get_attribute("value") == "人民网" and chip.is_selected()
        chip.click()
        c.wait_shown(q="地理标志")
        # Year facets set the same period as the bars.
        c.driver.find_element(By.CSS_SELECTOR, "#facets [data-facet=period][data-value='2019']").click()
        c.wait_shown(q="地理标志", since="2019", until="2019")
    finally:
        c.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": shim})
    # Matches within two years: one bar per month.
    facets = {"year": {"2024": 3, "2025": 2}, "month": {"2024-11": 2, "2025-02": 2, "2024-12": 1}}
    shim = c.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FACETS_SHIM % json.dumps(facets)})["identifier"]
    try:
        c.open(page_url(q="地理标志"))
        c.wait(lambda d: d.find_element(By.ID, "timeline").is_displayed(), "the timeline")
        periods = c.driver.execute_script("return [...document.querySelectorAll('#timeline [data-period]')].map(b => b.dataset.period)")
        assert periods == ["2024-11", "2024-12", "2025-01", "2025-02"], periods
        c.driver.find_element(By.CSS_SELECTOR, "#timeline [data-period='2024-12']").click()
        c.wait_shown(q="地理标志", since="2024-12", until="2024-12")
        c.screenshot("timeline-months.png")
    finally:
        c.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": shim})
    raise Partly("/search has no facets yet: the test added facet counts to its answer")


# Until /search collapses copies, a DevTools script folds the second hit into the first one's copies.
COPIES_SHIM = """
(() => {
  const original = window.fetch;
  window.fetch = async (url, options) => {
    const response = await original(url, options);
    const u = new URL(String(url), location.href);
    if (u.pathname !== '/search') return response;
    const d = await response.clone().json();
    if (!Array.isArray(d.hits) || d.hits.length < 2 || d.hits.some(h => 'copies' in h)) return response;
    const [first, second, ...rest] = d.hits;
    first.copies = [{id: second.id, title: second.title, date: second.date, source: second.source || null}];
    d.hits = [first, ...rest];
    d.total_documents = d.total;
    d.total -= 1;
    return new Response(JSON.stringify(d), {status: response.status, headers: {'Content-Type': 'application/json'}});
  };
})();
"""


def test_copies_are_collapsed(c):
    body = c.server.search(q="重复测试")
    shim = None
    if not any("copies" in h for h in body["hits"]):
        assert len(body["hits"]) == 2, body
        shim = c.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COPIES_SHIM})["identifier"]
    try:
        c.open(page_url(q="重复测试"))
        assert len(c.hit_ids()) == 1, c.hit_ids()
        details = c.driver.find_element(By.CSS_SELECTOR, "#hits details.copies")
        assert "另有 1 篇相似" in details.text, details.text
        assert "含相似副本共 2 篇" in c.driver.find_element(By.ID, "summary").text
        copy = details.find_element(By.CSS_SELECTOR, "li[data-id]")
        assert not copy.is_displayed()
        details.find_element(By.TAG_NAME, "summary").click()
        c.wait(lambda d: copy.is_displayed(), "the copies to expand")
        copy.find_element(By.TAG_NAME, "a").click()
        c.wait(lambda d: d.execute_script("return document.documentElement.dataset.page") == "view", "the copy's view")
        assert c.driver.find_element(By.ID, "doc").get_attribute("data-id") == copy_id(body)
    finally:
        if shim is not None:
            c.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": shim})
    if shim is not None:
        raise Partly("/search hits have no \"copies\" yet: the test folded the duplicate into them")


def copy_id(body):
    """The id of the copy listed under the first hit (the second hit before collapsing)."""
    first = body["hits"][0]
    return first["copies"][0]["id"] if first.get("copies") else body["hits"][1]["id"]


def test_document_view_and_back(c):
    c.open(page_url(q="地理标志"))
    first = c.hit_ids()[0]
    c.driver.find_element(By.CSS_SELECTOR, "#hits > li.hit h2 a").click()
    c.wait(lambda d: d.execute_script("return document.documentElement.dataset.page") == "view", "the document view")
    c.wait_settled()
    assert c.driver.find_element(By.ID, "doc").get_attribute("data-id") == first
    status, doc, _ = c.server.api("/documents/" + urllib.parse.quote(first), {"q": "地理标志"})
    assert status == 200
    assert c.driver.find_element(By.ID, "doc-title").text == doc["title"].strip()
    text = c.driver.execute_script("return document.getElementById('doc-text').textContent")
    assert text == doc["text"]
    meta = c.driver.find_element(By.ID, "doc-meta").text
    assert (doc.get("date") or "不详") in meta and (doc.get("source") or "不详") in meta, meta
    if not doc.get("highlights"):
        assert not c.driver.find_element(By.ID, "match-nav").is_displayed()
    c.driver.back()
    c.wait_shown(q="地理标志")
    assert c.hit_ids()[0] == first
    # The page's own link back returns to the same results.
    c.driver.find_element(By.CSS_SELECTOR, "#hits > li.hit h2 a").click()
    c.wait(lambda d: d.execute_script("return document.documentElement.dataset.page") == "view", "the document view")
    c.wait_settled()
    c.driver.find_element(By.ID, "back").click()
    c.wait(lambda d: d.execute_script("return document.documentElement.dataset.page") == "search", "the search page")
    c.wait_shown(q="地理标志")
    assert c.hit_ids()[0] == first


# Until GET /documents/{id}?q= gives "highlights", a DevTools script (not the page) adds them to the
# response: every occurrence of the literal query in the text, as [start, end) in code points.
HIGHLIGHT_SHIM = """
(() => {
  const original = window.fetch;
  window.fetch = async (url, options) => {
    const response = await original(url, options);
    const u = new URL(String(url), location.href);
    if (!u.pathname.startsWith('/documents/') || !u.searchParams.get('q')) return response;
    const d = await response.clone().json();
    if (Array.isArray(d.highlights)) return response;
    const text = Array.from(d.text), needle = Array.from(u.searchParams.get('q')), ranges = [];
    for (let i = 0; i + needle.length <= text.length; i++)
      if (needle.every((c, j) => text[i + j] === c)) ranges.push([i, i + needle.length]);
    d.highlights = ranges;
    return new Response(JSON.stringify(d), {status: 200, headers: {'Content-Type': 'application/json'}});
  };
})();
"""


def test_document_matches_are_highlighted_and_navigable(c):
    doc_id, q = "002_85d345060cabbe51.txt", "地理標志"
    status, doc, _ = c.server.api("/documents/" + doc_id, {"q": q})
    assert status == 200
    shim = None
    if not isinstance(doc.get("highlights"), list):
        shim = c.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HIGHLIGHT_SHIM})["identifier"]
        chars, needle = list(doc["text"]), list(q)
        doc["highlights"] = [[i, i + len(needle)] for i in range(len(chars) - len(needle) + 1) if chars[i:i + len(needle)] == needle]
    try:
        c.open(PAGE_VIEW.format(urllib.parse.quote(doc_id), urllib.parse.quote(q)))
        want = merge_texts(list(doc["text"]), doc["highlights"])
        assert len(want) > 1, "the test needs a document with several matches"
        c.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#doc-text mark")) == len(want), "the matches to be marked")
        marks = c.driver.execute_script("return [...document.querySelectorAll('#doc-text mark')].map(m => m.textContent)")
        assert marks == want, (marks[:5], want[:5])
        assert c.driver.execute_script("return document.getElementById('doc-text').textContent") == doc["text"]
        assert c.driver.find_element(By.ID, "match-nav").is_displayed()
        pos = c.driver.find_element(By.ID, "match-pos")
        n = len(want)
        assert pos.text == f"第 1 / {n} 处", pos.text
        c.driver.find_element(By.ID, "next-match").click()
        assert pos.text == f"第 2 / {n} 处", pos.text
        c.driver.find_element(By.TAG_NAME, "body").send_keys("p")
        assert pos.text == f"第 1 / {n} 处", pos.text
        c.driver.find_element(By.ID, "prev-match").click()
        assert pos.text == f"第 {n} / {n} 处", pos.text
        current = c.driver.execute_script("return [...document.querySelectorAll('#doc-text mark')].findIndex(m => m.classList.contains('current'))")
        assert current == n - 1
        # The current match is on screen.
        assert c.driver.execute_script("const r = document.querySelector('#doc-text mark.current').getBoundingClientRect();"
                                       "return r.top >= 0 && r.bottom <= window.innerHeight")
    finally:
        if shim is not None:
            c.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": shim})
    if shim is not None:
        raise Partly("GET /documents/{id}?q= has no \"highlights\" yet: the test added them to the response")


PAGE_VIEW = "/view/{}?q={}"


def test_hostile_document_shows_as_text(c):
    c.open(page_url(q="注入测试"))
    assert c.hit_ids() == [HOSTILE_ID], c.hit_ids()
    title = c.driver.find_element(By.CSS_SELECTOR, "#hits > li.hit h2 a").text
    assert title == HOSTILE_TITLE, title
    assert not c.driver.find_elements(By.CSS_SELECTOR, "#main img, #main script")
    snippet = c.driver.find_element(By.CSS_SELECTOR, "#hits .snippet").text
    assert "<script>" in snippet or "<img" in snippet, snippet
    c.no_alert()
    c.driver.find_element(By.CSS_SELECTOR, "#hits > li.hit h2 a").click()
    c.wait(lambda d: d.execute_script("return document.documentElement.dataset.page") == "view", "the document view")
    c.wait_settled()
    assert c.driver.find_element(By.ID, "doc-title").text == HOSTILE_TITLE
    assert "<script>document.title='pwned'</script>" in c.driver.find_element(By.ID, "doc-text").text
    assert not c.driver.find_elements(By.CSS_SELECTOR, "#main img, #main script")
    assert c.driver.title != "pwned"
    c.no_alert()
    # Typed into the box, markup is a query like any other.
    c.open("/")
    c.type_query('"><img src=x onerror=alert(9)>')
    c.wait_settled()
    assert not c.driver.find_elements(By.CSS_SELECTOR, "#main img")
    c.no_alert()


def test_screenshots_phone_and_dark(c):
    c.driver.set_window_size(1280, 900)
    c.open(page_url(q="地理标志"))
    print("    " + c.screenshot("results-desktop.png"))
    c.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    try:
        c.open(page_url(q="地理标志"))
        width = c.driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"the page is wider than the phone: {width}"
        print("    " + c.screenshot("results-phone.png"))
    finally:
        c.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    c.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        c.open(page_url(q="地理标志"))
        rgb = [int(x) for x in re.findall(r"\d+", c.driver.execute_script("return getComputedStyle(document.documentElement).backgroundColor"))[:3]]
        assert sum(rgb) < 150, f"dark mode background is {rgb}"
        print("    " + c.screenshot("results-dark.png"))
    finally:
        c.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    # The results are in the HTML: visible as soon as it is parsed.
    timing = c.driver.execute_script("const n = performance.getEntriesByType('navigation')[0]; return n.domContentLoadedEventEnd")
    print(f"    results in the DOM {timing:.0f} ms after navigation start")


def test_without_javascript(c):
    driver = make_driver(javascript=False)
    try:
        driver.get(c.server.url + page_url(q="地理标志"))
        ids = [e.get_attribute("data-id") for e in driver.find_elements(By.CSS_SELECTOR, "#hits > li.hit")]
        assert ids == [h["id"] for h in c.server.search(q="地理标志")["hits"]], ids
        assert driver.find_elements(By.CSS_SELECTOR, "#hits .snippet mark")
        box = driver.find_element(By.ID, "q")
        box.clear()
        box.send_keys("知识产权", Keys.ENTER)
        WebDriverWait(driver, WAIT).until(lambda d: "q=%E7%9F%A5" in d.current_url, "the form to load the results page")
        ids = [e.get_attribute("data-id") for e in driver.find_elements(By.CSS_SELECTOR, "#hits > li.hit")]
        assert ids == [h["id"] for h in c.server.search(q="知识产权")["hits"]], ids
    finally:
        driver.quit()


def raw_get(url):
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


TESTS = [
    test_page_is_served_with_its_headers,
    test_typing_shows_highlighted_results,
    test_ime_composition_fires_no_search_for_partial_pinyin,
    test_enter_searches_at_once,
    test_no_results_says_why,
    test_paging_back_and_forward,
    test_filters_and_sort,
    test_facet_and_timeline_clicks,
    test_timeline_and_facets_render_and_filter,
    test_copies_are_collapsed,
    test_document_view_and_back,
    test_document_matches_are_highlighted_and_navigable,
    test_hostile_document_shows_as_text,
    test_screenshots_phone_and_dark,
    test_without_javascript,
]


def readme_screenshot(binary, path, artifacts):
    """The README's picture: the repository's five documents, searched for 地理标志 (desktop width)."""
    server = Server(binary, real_corpus_only=True)
    driver = make_driver()
    try:
        c = Context(server, driver, artifacts)
        c.open(page_url(q="地理标志"))
        driver.save_screenshot(path)
        driver.find_element(By.CSS_SELECTOR, "#hits > li.hit h2 a").click()
        c.wait(lambda d: d.execute_script("return document.documentElement.dataset.page") == "view", "the document view")
        c.wait_settled()
        print(path, c.screenshot("view-desktop.png"))
    finally:
        driver.quit()
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "debug", "ipsearch"))
    parser.add_argument("--artifacts", default=os.path.join(REPO, ".build", "browser-tests", "artifacts"))
    parser.add_argument("-k", dest="only", help="run only tests whose name contains this")
    parser.add_argument("--readme-screenshot", metavar="PNG", help="only save the README's screenshot (e.g. docs/screenshot.png)")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    if args.readme_screenshot:
        readme_screenshot(os.path.abspath(args.binary), args.readme_screenshot, args.artifacts)
        return 0
    tests = [t for t in TESTS if not args.only or args.only in t.__name__]
    passed = failed = skipped = partly = 0
    started = time.monotonic()
    server = Server(os.path.abspath(args.binary))
    driver = None
    try:
        print(f"browser tests: {server.url}, {len(tests)} tests")
        driver = make_driver()
        context = Context(server, driver, args.artifacts)
        for test in tests:
            name = test.__name__
            try:
                test(context)
                passed += 1
                print(f"PASS {name}")
            except Partly as p:
                passed += 1
                partly += 1
                print(f"PASS {name} (partly: {p})")
            except Skip as s:
                skipped += 1
                print(f"SKIP {name}: {s}")
            except Exception as e:  # noqa: BLE001 — report every failure, run the rest
                failed += 1
                print(f"FAIL {name}: {type(e).__name__}: {e}")
                traceback.print_exc(limit=3)
                try:
                    print("     screenshot: " + context.screenshot(f"failed-{name}.png"))
                except Exception:  # noqa: BLE001
                    pass
    finally:
        if driver is not None:
            driver.quit()
        server.stop()
    print(f"{skipped} skipped, {partly} passed in part (API fields missing); {time.monotonic() - started:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
