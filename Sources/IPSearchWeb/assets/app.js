// ipsearch search page: search as you type, filters, facets, timeline, document view.
// The server renders every page (it works without this script); this script takes over from there.
// Text from documents is only ever set with textContent / text nodes, never parsed as HTML.
// <html> carries the page's state for people's tools and for Tests/browser: data-state (home, loading,
// ready, error), data-input (idle, waiting = a search is scheduled, composing = the input method is
// open) and data-shown (the URL whose results are on screen).
'use strict';
(() => {
  const PAGE_SIZE = 10;
  const MAX_PAGE = 10001;
  const DEBOUNCE_MS = 200;
  const SORTS = ['relevance', 'newest', 'oldest'];
  const root = document.documentElement;
  const $ = (id) => document.getElementById(id);

  // ---- small DOM helpers -------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v; else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    for (const c of children) e.append(c);
    return e;
  }
  const str = (v) => (typeof v === 'string' ? v : '');
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

  // Appends `text` to `parent` with <mark> around each [start, end) highlight (Unicode scalars).
  function appendHighlighted(parent, text, highlights) {
    const chars = Array.from(text);
    let pos = 0;
    const marks = [];
    for (const [a, b] of mergedRanges(highlights, chars.length)) {
      if (a > pos) parent.append(chars.slice(pos, a).join(''));
      const m = h('mark', null, chars.slice(a, b).join(''));
      parent.append(m);
      marks.push(m);
      pos = b;
    }
    if (pos < chars.length) parent.append(chars.slice(pos).join(''));
    return marks;
  }
  function mergedRanges(highlights, n) {
    const ranges = [];
    for (const r of Array.isArray(highlights) ? highlights : []) {
      if (!Array.isArray(r) || r.length !== 2) continue;
      const a = Math.max(0, Math.min(Math.trunc(r[0]), n)), b = Math.max(0, Math.min(Math.trunc(r[1]), n));
      if (a < b) ranges.push([a, b]);
    }
    ranges.sort((x, y) => x[0] - y[0]);
    const out = [];
    for (const r of ranges) {
      const last = out[out.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else out.push(r);
    }
    return out;
  }

  // ---- state <-> URL -----------------------------------------------------------------------
  function stateFromQuery(search) {
    const p = new URLSearchParams(search);
    const trim = (v) => (v || '').trim();
    const sources = [];
    for (const v of p.getAll('source')) { const t = trim(v); if (t && !sources.includes(t)) sources.push(t); }
    const sort = trim(p.get('sort'));
    const page = parseInt(p.get('page'), 10);
    return {
      q: trim(p.get('q')), since: trim(p.get('since')), until: trim(p.get('until')), sources,
      sort: SORTS.includes(sort) ? sort : 'relevance',
      page: Number.isFinite(page) ? Math.min(Math.max(page, 1), MAX_PAGE) : 1,
    };
  }
  function params(st) {
    const p = new URLSearchParams();
    if (st.q) p.append('q', st.q);
    if (st.since) p.append('since', st.since);
    if (st.until) p.append('until', st.until);
    for (const x of st.sources) p.append('source', x);
    if (st.sort !== 'relevance') p.append('sort', st.sort);
    return p;
  }
  function pageURL(st) {
    const p = params(st);
    if (st.page > 1) p.append('page', String(st.page));
    const qs = p.toString();
    return qs ? '/?' + qs : '/';
  }
  function apiURL(st) {
    const p = params(st);
    p.append('limit', String(PAGE_SIZE));
    p.append('offset', String((st.page - 1) * PAGE_SIZE));
    p.append('facets', 'true');
    return '/search?' + p.toString();
  }
  const idPath = (id) => id.split('/').map(encodeURIComponent).join('/');
  function viewURL(id, q) { return '/view/' + idPath(id) + (q ? '?q=' + encodeURIComponent(q) : ''); }

  // ==== the search page =====================================================================
  function initSearch() {
    const form = $('search'), input = $('q');
    let current = stateFromQuery(location.search);
    let seq = 0, controller = null, timer = 0, composing = false, typingEntry = false;

    const setInputState = (v) => { root.dataset.input = v; };
    setInputState('idle');

    function stateFromForm() {
      const fd = new FormData(form);
      const trim = (v) => (typeof v === 'string' ? v.trim() : '');
      const sources = [];
      for (const v of fd.getAll('source')) { const t = trim(v); if (t && !sources.includes(t)) sources.push(t); }
      const sort = trim(fd.get('sort'));
      return { q: trim(fd.get('q')), since: trim(fd.get('since')), until: trim(fd.get('until')), sources,
        sort: SORTS.includes(sort) ? sort : 'relevance', page: 1 };
    }

    function syncForm(st, keepQuery) {
      if (!keepQuery && input.value.trim() !== st.q) input.value = st.q;
      $('since').value = st.since;
      $('until').value = st.until;
      $('sort').value = st.sort;
      $('source').value = '';
      const chosen = $('chosen');
      chosen.replaceChildren(...st.sources.map((x) =>
        h('label', { class: 'chip' }, h('input', { type: 'checkbox', name: 'source', form: 'search', value: x, checked: true }), x)));
    }

    // mode: 'push' (a new history entry), 'replace', or 'none' (popstate, first load).
    async function go(st, mode, keepQuery) {
      const url = pageURL(st);
      if (mode === 'push' && url !== location.pathname + location.search) history.pushState(null, '', url);
      else if (mode !== 'none') history.replaceState(null, '', url);
      current = st;
      syncForm(st, keepQuery);
      document.title = st.q ? st.q + ' · ipsearch' : 'ipsearch · 新闻稿检索';
      const my = ++seq;
      if (controller) controller.abort();
      controller = null;
      if (!st.q) { renderHome(); root.dataset.state = 'home'; root.dataset.shown = url; return; }
      controller = new AbortController();
      root.dataset.state = 'loading';
      $('results').setAttribute('aria-busy', 'true');
      let res = null, body = null;
      try {
        res = await fetch(apiURL(st), { signal: controller.signal, headers: { Accept: 'application/json' } });
        body = await res.json().catch(() => null);
      } catch (e) {
        if (my !== seq) return;
        renderFailure('无法连接 ipsearch 服务器（' + (e && e.message ? e.message : e) + '）');
        finish(url, 'error');
        return;
      }
      if (my !== seq) return;
      if (!res.ok || !body || typeof body !== 'object') {
        const msg = body && body.error && typeof body.error.message === 'string' ? body.error.message : 'HTTP ' + res.status;
        renderFailure(msg, st);
        finish(url, 'error');
        return;
      }
      render(st, body);
      finish(url, 'ready');
    }
    function finish(url, state) {
      $('results').removeAttribute('aria-busy');
      root.dataset.shown = url;
      root.dataset.state = state;
    }

    // ---- rendering ----
    function clearResults() {
      $('summary').textContent = '';
      $('notices').replaceChildren();
      $('hits').replaceChildren();
      for (const id of ['home', 'empty']) { const e = $(id); if (e) e.remove(); }
      const pages = $('pages'); if (pages) pages.replaceChildren();
      $('timeline').hidden = true;
      $('facets').hidden = true;
    }
    function renderHome() {
      clearResults();
      const examples = ['地理标志', '知识产权', '专利 浙江', '商标 OR 著作权'];
      const links = [];
      for (const q of examples) links.push(h('a', { href: pageURL({ ...blank(), q }), 'data-nav': '' }, q), ' ');
      const home = h('div', { id: 'home', class: 'home' },
        h('p', null, '输入关键词搜索知识产权新闻稿：简体、繁体互通，任意字串都能找到。'),
        h('p', null, '试试：', ...links));
      $('hits').before(home);
      fetch('/health').then((r) => r.json()).then((b) => {
        if (b && num(b.documents) !== null && $('home')) $('home').append(h('p', { class: 'tips' }, '索引中共 ' + b.documents + ' 篇文档。'));
      }).catch(() => {});
    }
    function renderFailure(message, st) {
      clearResults();
      const box = h('div', { id: 'empty', class: 'empty error' }, h('p', null, '无法搜索：' + message));
      if (st && hasFilters(st)) box.append(h('p', null, h('a', { href: pageURL({ ...blank(), q: st.q }), 'data-nav': '' }, '清除筛选条件')));
      $('hits').before(box);
    }
    function hasFilters(st) { return !!(st.since || st.until || st.sources.length || st.sort !== 'relevance'); }
    function blank() { return { q: '', since: '', until: '', sources: [], sort: 'relevance', page: 1 }; }

    function render(st, r) {
      clearResults();
      const hits = Array.isArray(r.hits) ? r.hits : [];
      const total = num(r.total) ?? hits.length;
      const summary = $('summary');
      summary.append('找到 ', h('strong', null, String(total)), ' 条结果');
      const docs = num(r.total_documents);
      if (docs !== null && docs !== total) summary.append('（含相似副本共 ' + docs + ' 篇）');
      const ms = num(r.took_ms);
      if (ms !== null) summary.append(' · 用时 ' + (ms >= 100 ? Math.round(ms) : ms.toFixed(1)) + ' 毫秒');

      const notices = $('notices');
      if (r.partial === true && hits.length) notices.append(h('p', { class: 'notice' }, '没有文档包含所有词，以下是包含部分词的结果。'));
      const exps = Array.isArray(r.expansions) ? r.expansions.filter((e) => e && typeof e.part === 'string' && Array.isArray(e.with) && e.with.length) : [];
      if (exps.length) {
        const p = h('p', { class: 'notice expansions' }, '同时搜索了：');
        exps.forEach((e, i) => {
          if (i) p.append('；');
          p.append(e.part + ' → ' + e.with.filter((w) => typeof w === 'string').join('、') + (e.kind === 'pinyin' ? '（拼音）' : e.kind === 'synonym' ? '（同义词）' : ''));
        });
        notices.append(p);
      }

      if (!hits.length) {
        const box = h('div', { id: 'empty', class: 'empty' }, h('p', null, '没有找到包含「' + st.q + '」的文档' + (hasFilters(st) ? '（在当前筛选条件下）' : '') + '。'));
        const sugg = Array.isArray(r.suggestions) ? r.suggestions.find((x) => x && typeof x.text === 'string' && x.text) : null;
        if (sugg) {
          box.append(h('p', null, '你是不是要找：', h('a', { class: 'suggestion', href: pageURL({ ...st, q: sugg.text, page: 1 }), 'data-nav': '' }, sugg.text),
            num(sugg.documents) !== null ? '（' + sugg.documents + ' 篇）' : '', '？'));
        }
        if (hasFilters(st)) box.append(h('p', null, h('a', { href: pageURL({ ...blank(), q: st.q }), 'data-nav': '' }, '清除筛选条件后再搜')));
        else if (st.page > 1 && total > 0) box.append(h('p', null, h('a', { href: pageURL({ ...st, page: 1 }), 'data-nav': '' }, '回到第 1 页')));
        $('hits').before(box);
      }
      const ol = $('hits');
      ol.setAttribute('start', String((num(r.offset) ?? (st.page - 1) * PAGE_SIZE) + 1));
      for (const hit of hits) if (hit && typeof hit.id === 'string') ol.append(renderHit(hit, st.q));
      renderPages(st, total, num(r.limit) || PAGE_SIZE);
      renderFacets(st, r.facets);
    }

    function meta(date, source) {
      const p = h('p', { class: 'hit-meta' });
      if (str(date)) p.append(h('time', { datetime: date }, date)); else p.append(h('span', { class: 'undated' }, '日期不详'));
      if (str(source)) p.append(' ', h('span', { class: 'source' }, source));
      return p;
    }
    function renderHit(hit, q) {
      const li = h('li', { class: 'hit', 'data-id': hit.id });
      li.append(h('h2', { class: 'hit-title' }, h('a', { href: viewURL(hit.id, q) }, str(hit.title) || hit.id)));
      li.append(meta(hit.date, hit.source));
      for (const sn of Array.isArray(hit.snippets) ? hit.snippets : []) {
        if (!sn || typeof sn.text !== 'string') continue;
        const p = h('p', { class: 'snippet' });
        appendHighlighted(p, sn.text, sn.highlights);
        li.append(p);
      }
      const copies = Array.isArray(hit.copies) ? hit.copies.filter((c) => c && typeof c.id === 'string') : [];
      if (copies.length) li.append(h('details', { class: 'copies' }, h('summary', null, '另有 ' + copies.length + ' 篇相似'), copyList(copies, q)));
      return li;
    }
    function copyList(copies, q) {
      const ul = h('ul');
      for (const c of copies) {
        const m = meta(c.date, c.source);
        ul.append(h('li', { 'data-id': c.id }, h('a', { href: viewURL(c.id, q) }, str(c.title) || c.id), ' ', h('span', { class: 'hit-meta' }, ...m.childNodes)));
      }
      return ul;
    }

    function renderPages(st, total, limit) {
      let nav = $('pages');
      if (!nav) { nav = h('nav', { id: 'pages', class: 'pages', 'aria-label': '分页' }); $('hits').after(nav); }
      nav.replaceChildren();
      const count = Math.min(MAX_PAGE, Math.ceil(total / Math.max(1, limit)));
      if (count <= 1) return;
      const link = (n, label, rel) => h('a', { href: pageURL({ ...st, page: n }), 'data-page': n, 'data-nav': '', rel }, label);
      if (st.page > 1) nav.append(link(st.page - 1, '上一页', 'prev'));
      const shown = [...new Set([1, st.page - 2, st.page - 1, st.page, st.page + 1, st.page + 2, count])].filter((n) => n >= 1 && n <= count).sort((a, b) => a - b);
      let last = 0;
      for (const n of shown) {
        if (last && n - last === 2) nav.append(link(n - 1, String(n - 1)));
        else if (last && n - last > 2) nav.append(h('span', { class: 'gap' }, '…'));
        nav.append(n === st.page ? h('span', { 'aria-current': 'page' }, String(n)) : link(n, String(n)));
        last = n;
      }
      if (st.page < count) nav.append(link(st.page + 1, '下一页', 'next'));
    }

    // ---- facets and timeline ----
    function counts(obj) {
      if (!obj || typeof obj !== 'object') return [];
      return Object.entries(obj).filter(([, v]) => num(v) !== null);
    }
    function renderFacets(st, facets) {
      const box = $('facets');
      box.replaceChildren();
      const sources = counts(facets && facets.source).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      for (const chosen of st.sources) if (!sources.some(([k]) => k === chosen)) sources.push([chosen, 0]);
      const years = counts(facets && facets.year).filter(([k]) => /^\d{4}$/.test(k)).sort((a, b) => b[0].localeCompare(a[0]));
      if (sources.length) {
        const ul = h('ul', { class: 'facet-list' });
        for (const [name, n] of sources) {
          ul.append(h('li', null, h('button', { type: 'button', class: 'facet', 'data-facet': 'source', 'data-value': name,
            'aria-pressed': st.sources.includes(name) ? 'true' : 'false' }, h('span', null, name), h('span', { class: 'count' }, String(n)))));
        }
        box.append(h('h2', null, '来源'), ul);
      }
      if (years.length) {
        const ul = h('ul', { class: 'facet-list' });
        for (const [year, n] of years) {
          ul.append(h('li', null, h('button', { type: 'button', class: 'facet', 'data-facet': 'period', 'data-value': year,
            'aria-pressed': st.since === year && st.until === year ? 'true' : 'false' }, h('span', null, year + ' 年'), h('span', { class: 'count' }, String(n)))));
        }
        box.append(h('h2', null, '年份'), ul);
      }
      box.hidden = !box.childNodes.length;
      renderTimeline(st, facets);
    }

    // Bars per year, or per month when the matches span two years or less; gaps are zero bars.
    function renderTimeline(st, facets) {
      const box = $('timeline');
      box.replaceChildren();
      const years = counts(facets && facets.year).filter(([k]) => /^\d{4}$/.test(k));
      if (!years.length) { box.hidden = true; return; }
      const ys = years.map(([k]) => +k);
      const minY = Math.min(...ys), maxY = Math.max(...ys);
      const months = counts(facets && facets.month).filter(([k]) => /^\d{4}-\d{2}$/.test(k));
      let buckets = [], unit = 'year';
      if (maxY - minY <= 1 && months.length) {
        unit = 'month';
        const map = new Map(months);
        const keys = months.map(([k]) => k).sort();
        let [y, m] = keys[0].split('-').map(Number);
        const [ey, em] = keys[keys.length - 1].split('-').map(Number);
        while ((y < ey || (y === ey && m <= em)) && buckets.length < 36) {
          const k = y + '-' + String(m).padStart(2, '0');
          buckets.push([k, map.get(k) || 0]);
          if (++m > 12) { m = 1; y++; }
        }
      } else {
        const map = new Map(years);
        if (maxY - minY < 80) for (let y = minY; y <= maxY; y++) buckets.push([String(y), map.get(String(y)) || 0]);
        else buckets = years.sort((a, b) => a[0].localeCompare(b[0]));
      }
      const max = Math.max(1, ...buckets.map(([, n]) => n));
      // About the panel's width in pixels, so the labels keep their size; bars share it.
      const W = 260, top = 14, chartH = 80, rows = unit === 'year' ? 1 : 2, H = top + chartH + 14 * rows + 2;
      const slot = W / buckets.length;
      const labelWidth = (unit === 'year' ? 4 : 2) * 6 + 4;
      const every = Math.max(1, Math.ceil(labelWidth / slot));
      const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-label': unit === 'year' ? '每年的匹配文档数' : '每月的匹配文档数' });
      buckets.forEach(([k, n], i) => {
        const x = i * slot, bh = n ? Math.max(2, Math.round((n / max) * chartH)) : 0, name = unit === 'year' ? k + ' 年' : k;
        const g = s('g', { class: 'bar', tabindex: 0, role: 'button', 'data-period': k,
          'aria-pressed': st.since === k && st.until === k ? 'true' : 'false', 'aria-label': name + '：' + n + ' 篇' },
          s('title', null, name + '：' + n + ' 篇'),
          s('rect', { class: 'hit', x: x + 0.5, y: 0, width: Math.max(1, slot - 1), height: top + chartH }),
          s('rect', { class: 'fill', x: x + slot * 0.15, y: top + chartH - bh, width: slot * 0.7, height: bh, rx: 2 }));
        if (n && slot >= 18) g.append(s('text', { x: x + slot / 2, y: top + chartH - bh - 3 }, String(n)));
        const cx = x + slot / 2, row1 = top + chartH + 12;
        if (unit === 'year') {
          if (i % every === 0) g.append(s('text', { x: cx, y: row1 }, k));
        } else {
          if (i % every === 0) g.append(s('text', { x: cx, y: row1 }, String(+k.slice(5))));
          if (i === 0 || k.endsWith('-01')) g.append(s('text', { x: Math.max(cx, 14), y: row1 + 14 }, k.slice(0, 4)));
        }
        svg.append(g);
      });
      box.append(h('h2', null, unit === 'year' ? '时间分布（按年）' : '时间分布（按月）'), svg);
      box.hidden = false;
    }

    // ---- events ----
    function schedule() {
      clearTimeout(timer);
      setInputState('waiting');
      timer = setTimeout(() => { setInputState('idle'); typed(); }, DEBOUNCE_MS);
    }
    function typed() {
      const q = input.value.trim();
      if (q === current.q) return;
      const st = { ...current, q, page: 1 };
      go(st, typingEntry ? 'replace' : 'push', true);
      typingEntry = true;
    }
    input.addEventListener('compositionstart', () => { composing = true; clearTimeout(timer); setInputState('composing'); });
    input.addEventListener('compositionend', () => { composing = false; schedule(); });
    input.addEventListener('input', (e) => {
      if (composing || e.isComposing) { setInputState('composing'); return; }
      schedule();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (composing) return;
      clearTimeout(timer);
      setInputState('idle');
      typingEntry = false;
      go(stateFromForm(), 'push');
    });
    for (const id of ['since', 'until', 'sort']) {
      $(id).addEventListener('change', (e) => {
        if (e.target.validity && !e.target.validity.valid) return;
        typingEntry = false;
        go({ ...stateFromForm(), q: current.q }, 'push');
      });
    }
    $('chosen').addEventListener('change', () => { typingEntry = false; go({ ...stateFromForm(), q: current.q }, 'push'); });

    function applyFacet(kind, value) {
      typingEntry = false;
      const st = { ...current, page: 1 };
      if (kind === 'source') {
        st.sources = current.sources.includes(value) ? current.sources.filter((x) => x !== value) : [...current.sources, value];
      } else if (current.since === value && current.until === value) {
        st.since = ''; st.until = '';
      } else {
        st.since = value; st.until = value;
      }
      go(st, 'push');
    }
    document.addEventListener('click', (e) => {
      const facet = e.target.closest && e.target.closest('[data-facet]');
      if (facet) { applyFacet(facet.dataset.facet === 'source' ? 'source' : 'period', facet.dataset.value); return; }
      const bar = e.target.closest && e.target.closest('[data-period]');
      if (bar) { applyFacet('period', bar.dataset.period); return; }
      const a = e.target.closest && e.target.closest('a[data-nav]');
      if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || url.pathname !== '/') return;
      e.preventDefault();
      typingEntry = false;
      go(stateFromQuery(url.search), 'push');
      if (a.dataset.page) $('results').scrollIntoView({ block: 'start' });
    });
    $('timeline').addEventListener('keydown', (e) => {
      const bar = e.target.closest && e.target.closest('[data-period]');
      if (bar && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); applyFacet('period', bar.dataset.period); }
    });
    window.addEventListener('popstate', () => {
      typingEntry = false;
      clearTimeout(timer);
      setInputState('idle');
      go(stateFromQuery(location.search), 'none');
    });
    // Server-rendered pages already show the results; the API adds facets and the timeline.
    const phone = window.matchMedia('(max-width: 760px)');
    if (phone.matches && !hasFilters(current)) $('panel').open = false;
    const canonical = pageURL(current);
    if (canonical !== location.pathname + location.search) history.replaceState(null, '', canonical);
    go(current, 'none');
  }

  // ==== the document view ===================================================================
  function initView() {
    const doc = $('doc');
    const textBox = $('doc-text');
    if (!doc || !textBox) return;
    const id = doc.dataset.id || '';
    const q = new URLSearchParams(location.search).get('q') || '';
    let marks = [], index = -1;
    root.dataset.state = 'ready';

    function show(i) {
      if (!marks.length) return;
      if (index >= 0) marks[index].classList.remove('current');
      index = (i + marks.length) % marks.length;
      const m = marks[index];
      m.classList.add('current');
      m.scrollIntoView({ block: 'center' });
      $('match-pos').textContent = '第 ' + (index + 1) + ' / ' + marks.length + ' 处';
    }
    function setMarks(list) {
      marks = list;
      index = -1;
      marks.forEach((m, i) => { m.id = 'match-' + (i + 1); });
      $('match-nav').hidden = !marks.length;
      if (marks.length) show(0);
    }
    setMarks(Array.from(textBox.querySelectorAll('mark')));
    $('next-match').addEventListener('click', () => show(index + 1));
    $('prev-match').addEventListener('click', () => show(index - 1));
    document.addEventListener('keydown', (e) => {
      if (e.target.closest('input, textarea, select, [contenteditable]') || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'n' || e.key === 'j') { e.preventDefault(); show(index + 1); }
      if (e.key === 'p' || e.key === 'k') { e.preventDefault(); show(index - 1); }
    });
    // Back to the results the reader came from, where they were.
    const back = $('back');
    if (back && document.referrer) {
      try {
        const from = new URL(document.referrer);
        if (from.origin === location.origin && from.pathname === '/' && history.length > 1) {
          back.addEventListener('click', (e) => { if (e.button === 0 && !e.metaKey && !e.ctrlKey) { e.preventDefault(); history.back(); } });
        }
      } catch (_) { /* no referrer URL */ }
    }
    if (!id) return;
    const url = '/documents/' + idPath(id) + (q ? '?q=' + encodeURIComponent(q) : '');
    fetch(url, { headers: { Accept: 'application/json' } }).then((r) => (r.ok ? r.json() : null)).then((d) => {
      if (!d || typeof d !== 'object') return;
      if (typeof d.text === 'string' && Array.isArray(d.highlights)) {
        textBox.replaceChildren();
        setMarks(appendHighlighted(textBox, d.text, d.highlights));
        if (q && !marks.length) textBox.before(h('p', { class: 'notice', id: 'no-match' }, '本文没有「' + q + '」的匹配位置。'));
      }
      if (str(d.url) && /^https?:\/\/\S+$/i.test(d.url) && !doc.querySelector('#doc-meta a')) {
        $('doc-meta').append(h('div', null, h('dt', null, '原文'), h('dd', null, h('a', { href: d.url, rel: 'noopener noreferrer nofollow' }, d.url))));
      }
      const copies = Array.isArray(d.copies) ? d.copies.filter((c) => c && typeof c.id === 'string') : [];
      if (copies.length) {
        const box = $('copies');
        const ul = h('ul');
        for (const c of copies) {
          const bits = [str(c.source), str(c.date)].filter(Boolean).join(' · ');
          ul.append(h('li', { 'data-id': c.id }, h('a', { href: viewURL(c.id, q) }, str(c.title) || c.id), bits ? ' ' : '', bits ? h('span', { class: 'hit-meta' }, bits) : ''));
        }
        box.replaceChildren(h('h2', null, '相似副本（' + copies.length + '）'), ul);
        box.hidden = false;
      }
    }).catch(() => {});
  }

  // ==== everywhere ==========================================================================
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.target.closest && e.target.closest('input, textarea, select, [contenteditable]')) return;
    e.preventDefault();
    const input = $('q');
    input.focus();
    input.select();
  });
  if (root.dataset.page === 'view') initView(); else initSearch();
})();
