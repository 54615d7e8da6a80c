/// The HTML of the search page (`/`) and of the document view (`/view/{id}`).
///
/// The server renders the whole page, results included, so it works without JavaScript and shows the
/// first results with the HTML; `app.js` then takes over (search as you type, facets, timeline,
/// history) and writes the same markup into the same elements. Every text from a document, a query
/// or a URL is escaped with `HTML.escape`.
public enum PageRenderer {
    /// What the server could do with the page's query.
    public enum Outcome: Sendable, Equatable {
        /// No query: the start page.
        case home
        /// Results (possibly none).
        case results(WebResults)
        /// The query was refused or the index is unavailable: the message says why.
        case failure(String)
        /// The server cannot apply the state's filters itself; the script loads the results.
        case deferred
    }

    // MARK: - Search page

    public static func searchPage(_ state: PageState, outcome: Outcome) -> String {
        let title = state.q.isEmpty ? "ipsearch · 新闻稿检索" : state.q + " · ipsearch"
        var body = "<div class=\"layout\">\n"
        body += filters(state)
        body += "<section id=\"results\" class=\"results\" aria-label=\"搜索结果\">\n"
        switch outcome {
        case .home:
            body += "<p id=\"summary\" class=\"summary\" role=\"status\"></p>\n<div id=\"notices\"></div>\n"
            body += home()
            body += "<ol id=\"hits\" class=\"hits\"></ol>\n"
        case .deferred:
            body += "<p id=\"summary\" class=\"summary\" role=\"status\">正在搜索…</p>\n<div id=\"notices\"></div>\n"
            body += "<noscript><p class=\"empty\">按日期、来源或排序筛选需要启用 JavaScript。<a href=\"\(HTML.escape(PageState(q: state.q).url))\">不带筛选查看结果</a></p></noscript>\n"
            body += "<ol id=\"hits\" class=\"hits\"></ol>\n"
        case .failure(let message):
            body += "<p id=\"summary\" class=\"summary\" role=\"status\"></p>\n<div id=\"notices\"></div>\n"
            body += "<div class=\"empty error\" id=\"empty\"><p>无法搜索：\(HTML.escape(message))</p></div>\n"
            body += "<ol id=\"hits\" class=\"hits\"></ol>\n"
        case .results(let r):
            body += results(r, state: state)
        }
        body += "</section>\n</div>\n"
        return page(title: title, kind: "search", query: state.q, main: body)
    }

    static func filters(_ state: PageState) -> String {
        func option(_ value: String, _ label: String) -> String {
            "<option value=\"\(value)\"\(state.sort == value ? " selected" : "")>\(label)</option>"
        }
        let datePattern = "\\d{4}(-\\d{1,2}(-\\d{1,2})?)?|\\d+[dmy]"
        var h = "<aside class=\"side\" aria-label=\"筛选\">\n<details id=\"panel\" class=\"panel\" open>\n<summary>筛选与排序</summary>\n<div class=\"fields\">\n"
        h += "<label class=\"field\"><span>起始</span><input id=\"since\" name=\"since\" form=\"search\" value=\"\(HTML.escape(state.since))\" placeholder=\"2024 或 2024-03\" pattern=\"\(datePattern)\" title=\"YYYY、YYYY-MM、YYYY-MM-DD，或 30d、12m、2y\" autocomplete=\"off\"></label>\n"
        h += "<label class=\"field\"><span>截止</span><input id=\"until\" name=\"until\" form=\"search\" value=\"\(HTML.escape(state.until))\" placeholder=\"2025-06\" pattern=\"\(datePattern)\" title=\"YYYY、YYYY-MM 或 YYYY-MM-DD（含当期）\" autocomplete=\"off\"></label>\n"
        h += "<label class=\"field\"><span>排序</span><select id=\"sort\" name=\"sort\" form=\"search\">"
        h += option("relevance", "相关度") + option("newest", "最新") + option("oldest", "最早") + "</select></label>\n"
        h += "<div class=\"field\"><span id=\"source-label\">来源</span><div id=\"chosen\" class=\"chosen\">"
        for s in state.sources {
            h += "<label class=\"chip\"><input type=\"checkbox\" name=\"source\" form=\"search\" value=\"\(HTML.escape(s))\" checked>\(HTML.escape(s))</label>"
        }
        h += "</div><input id=\"source\" name=\"source\" form=\"search\" aria-labelledby=\"source-label\" placeholder=\"例如 中国网\" autocomplete=\"off\"></div>\n"
        h += "<button type=\"submit\" form=\"search\" class=\"apply\">应用</button>\n</div>\n"
        h += "<section id=\"timeline\" class=\"timeline\" aria-label=\"时间分布\" hidden></section>\n"
        h += "<section id=\"facets\" class=\"facets\" hidden></section>\n"
        h += "</details>\n</aside>\n"
        return h
    }

    static func home() -> String {
        var h = "<div id=\"home\" class=\"home\">\n<p>输入关键词搜索知识产权新闻稿：简体、繁体互通，任意字串都能找到。</p>\n<p>试试："
        h += ["地理标志", "知识产权", "专利 浙江", "商标 OR 著作权"].map {
            "<a href=\"\(HTML.escape(PageState(q: $0).url))\">\(HTML.escape($0))</a>"
        }.joined(separator: " ")
        h += "</p>\n<p class=\"tips\">空格分隔的词都要出现；<code>\"deep seek\"</code> 精确短语；<code>-北京</code> 排除；<code>专利 OR 商标</code> 任一。按 <kbd>/</kbd> 回到搜索框。</p>\n</div>\n"
        return h
    }

    static func results(_ r: WebResults, state: PageState) -> String {
        let hits = r.hits ?? []
        let total = r.total ?? hits.count
        var h = "<p id=\"summary\" class=\"summary\" role=\"status\">" + summary(r, total: total) + "</p>\n<div id=\"notices\">"
        if r.partial == true, !hits.isEmpty {
            h += "<p class=\"notice\">没有文档包含所有词，以下是包含部分词的结果。</p>"
        }
        let expansions = (r.expansions ?? []).filter { !$0.with.isEmpty }
        if !expansions.isEmpty {
            h += "<p class=\"notice expansions\">同时搜索了："
            h += expansions.map { e in
                let kind = e.kind == "pinyin" ? "（拼音）" : e.kind == "synonym" ? "（同义词）" : ""
                return HTML.escape(e.part + " → " + e.with.joined(separator: "、") + kind)
            }.joined(separator: "；")
            h += "</p>"
        }
        h += "</div>\n"
        if hits.isEmpty {
            h += "<div class=\"empty\" id=\"empty\"><p>没有找到包含「\(HTML.escape(state.q))」的文档。</p>"
            if let s = r.suggestions?.first {
                var hint = "<a class=\"suggestion\" href=\"\(HTML.escape(PageState(q: s.text).url))\">\(HTML.escape(s.text))</a>"
                if let n = s.documents { hint += "（\(n) 篇）" }
                h += "<p>你是不是要找：\(hint)？</p>"
            }
            h += "</div>\n"
        }
        let offset = r.offset ?? state.offset
        h += "<ol id=\"hits\" class=\"hits\" start=\"\(offset + 1)\">\n"
        for hit in hits { h += self.hit(hit, query: state.q) }
        h += "</ol>\n"
        h += pagination(state, total: total, limit: r.limit ?? PageState.pageSize)
        return h
    }

    static func summary(_ r: WebResults, total: Int) -> String {
        var s = "找到 <strong>\(total)</strong> 条结果"
        if let docs = r.totalDocuments, docs != total { s += "（含相似副本共 \(docs) 篇）" }
        if let ms = r.tookMs { s += " · 用时 \(formatMilliseconds(ms)) 毫秒" }
        return s
    }

    static func formatMilliseconds(_ ms: Double) -> String {
        guard ms.isFinite, ms >= 0 else { return "?" }
        if ms >= 100 { return String(Int(ms.rounded())) }
        let tenths = Int((ms * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// One result: the same markup `app.js` writes.
    static func hit(_ hit: WebHit, query: String) -> String {
        var h = "<li class=\"hit\" data-id=\"\(HTML.escape(hit.id))\">\n"
        let title = (hit.title?.isEmpty == false ? hit.title : nil) ?? hit.id
        h += "<h2 class=\"hit-title\"><a href=\"\(HTML.escape(viewURL(hit.id, query: query)))\">\(HTML.escape(title))</a></h2>\n"
        h += "<p class=\"hit-meta\">" + meta(date: hit.date, source: hit.source) + "</p>\n"
        for snippet in hit.snippets ?? [] {
            h += "<p class=\"snippet\">" + HTML.highlighted(snippet.text, snippet.highlights ?? []) + "</p>\n"
        }
        if let copies = hit.copies, !copies.isEmpty {
            h += "<details class=\"copies\"><summary>另有 \(copies.count) 篇相似</summary><ul>"
            for c in copies { h += copy(c, query: query) }
            h += "</ul></details>\n"
        }
        h += "</li>\n"
        return h
    }

    static func meta(date: String?, source: String?) -> String {
        var parts: [String] = []
        if let d = date, !d.isEmpty { parts.append("<time datetime=\"\(HTML.escape(d))\">\(HTML.escape(d))</time>") }
        else { parts.append("<span class=\"undated\">日期不详</span>") }
        if let s = source, !s.isEmpty { parts.append("<span class=\"source\">\(HTML.escape(s))</span>") }
        return parts.joined(separator: " ")
    }

    static func copy(_ c: WebCopy, query: String) -> String {
        let title = (c.title?.isEmpty == false ? c.title : nil) ?? c.id
        return "<li data-id=\"\(HTML.escape(c.id))\"><a href=\"\(HTML.escape(viewURL(c.id, query: query)))\">\(HTML.escape(title))</a> <span class=\"hit-meta\">\(meta(date: c.date, source: c.source))</span></li>"
    }

    /// Numbered links: first, last, and two either side of the current page.
    static func pagination(_ state: PageState, total: Int, limit: Int) -> String {
        let size = max(1, limit)
        let pages = min(PageState.maxPage, (total + size - 1) / size)
        guard pages > 1 else { return "<nav id=\"pages\" class=\"pages\" aria-label=\"分页\"></nav>\n" }
        func link(_ n: Int, _ label: String, rel: String? = nil) -> String {
            var s = state
            s.page = n
            let relAttribute = rel.map { " rel=\"\($0)\"" } ?? ""
            return "<a href=\"\(HTML.escape(s.url))\" data-page=\"\(n)\"\(relAttribute)>\(label)</a>"
        }
        var h = "<nav id=\"pages\" class=\"pages\" aria-label=\"分页\">"
        if state.page > 1 { h += link(state.page - 1, "上一页", rel: "prev") }
        for n in pageNumbers(current: state.page, count: pages) {
            if n == 0 { h += "<span class=\"gap\">…</span>" }
            else if n == state.page { h += "<span aria-current=\"page\">\(n)</span>" }
            else { h += link(n, String(n)) }
        }
        if state.page < pages { h += link(state.page + 1, "下一页", rel: "next") }
        return h + "</nav>\n"
    }

    /// The page numbers to show, 0 for a gap: `1 … 4 5 [6] 7 8 … 20`.
    public static func pageNumbers(current: Int, count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var shown: [Int] = []
        for n in [1, current - 2, current - 1, current, current + 1, current + 2, count] where n >= 1 && n <= count {
            if !shown.contains(n) { shown.append(n) }
        }
        shown.sort()
        var out: [Int] = []
        for n in shown {
            if let last = out.last, n - last == 2 { out.append(n - 1) }
            else if let last = out.last, n - last > 2 { out.append(0) }
            out.append(n)
        }
        return out
    }

    /// `/view/<id>?q=…`, the id's path segments percent-encoded.
    public static func viewURL(_ id: String, query: String) -> String {
        let path = WebRoute.documentPrefix + FormEncoding.percentEncode(id, keepSlash: true)
        return query.isEmpty ? path : path + "?" + FormEncoding.encode([("q", query)])
    }

    // MARK: - Document view

    /// The document page; `document` nil renders `message` (e.g. "no such document") instead.
    public static func documentPage(id: String, query: String, document: WebDocument?, message: String? = nil) -> String {
        let back = PageState(q: query).url
        var body = "<article id=\"doc\" class=\"doc\" data-id=\"\(HTML.escape(id))\">\n"
        body += "<p class=\"back\"><a id=\"back\" href=\"\(HTML.escape(back))\">← 返回搜索结果</a></p>\n"
        guard let document else {
            body += "<h1 id=\"doc-title\">找不到文档</h1>\n<div class=\"empty error\"><p>\(HTML.escape(message ?? "没有这篇文档：" + id))</p></div>\n</article>\n"
            return page(title: "找不到文档 · ipsearch", kind: "view", query: query, main: body)
        }
        let title = (document.title?.isEmpty == false ? document.title : nil) ?? document.id
        body += "<h1 id=\"doc-title\">\(HTML.escape(title))</h1>\n<dl id=\"doc-meta\" class=\"meta\">"
        body += "<div><dt>日期</dt><dd>\(document.date.map { "<time datetime=\"\(HTML.escape($0))\">\(HTML.escape($0))</time>" } ?? "不详")</dd></div>"
        body += "<div><dt>来源</dt><dd>\(HTML.escape(document.source ?? "不详"))</dd></div>"
        if let url = document.url, isWebURL(url) {
            body += "<div><dt>原文</dt><dd><a href=\"\(HTML.escape(url))\" rel=\"noopener noreferrer nofollow\">\(HTML.escape(url))</a></dd></div>"
        }
        body += "<div><dt>文件</dt><dd><code>\(HTML.escape(document.id))</code></dd></div></dl>\n"
        body += "<div id=\"match-nav\" class=\"match-nav\" hidden><button type=\"button\" id=\"prev-match\" title=\"上一处 (p)\">↑ 上一处</button><span id=\"match-pos\" aria-live=\"polite\"></span><button type=\"button\" id=\"next-match\" title=\"下一处 (n)\">↓ 下一处</button></div>\n"
        body += "<div id=\"doc-text\" class=\"doc-text\">" + HTML.highlighted(document.text ?? "", document.highlights ?? []) + "</div>\n"
        body += "<section id=\"copies\" class=\"copy-list\"\((document.copies ?? []).isEmpty ? " hidden" : "")><h2>相似副本</h2><ul>"
        for c in document.copies ?? [] { body += copy(c, query: query) }
        body += "</ul></section>\n</article>\n"
        return page(title: title + " · ipsearch", kind: "view", query: query, main: body)
    }

    /// Only http(s) URLs become links (never `javascript:` or `data:`).
    static func isWebURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        return (lower.hasPrefix("http://") || lower.hasPrefix("https://")) && !url.contains(where: { $0.isWhitespace })
    }

    // MARK: - Shell

    /// The document around `main`: head with the page's own CSS and script, the search form.
    static func page(title: String, kind: String, query: String, main: String) -> String {
        var h = "<!doctype html>\n<html lang=\"zh\" data-page=\"\(kind)\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n"
        h += "<title>\(HTML.escape(title))</title>\n"
        h += "<link rel=\"icon\" href=\"\(WebAsset.path("icon.svg"))\" type=\"image/svg+xml\">\n"
        h += "<link rel=\"stylesheet\" href=\"\(WebAsset.path("app.css"))\">\n"
        h += "<script src=\"\(WebAsset.path("app.js"))\" defer></script>\n</head>\n<body>\n"
        h += "<a class=\"skip\" href=\"#main\">跳到内容</a>\n"
        h += "<header class=\"top\">\n<a class=\"brand\" href=\"/\">ipsearch</a>\n"
        h += "<form id=\"search\" class=\"search\" action=\"/\" method=\"get\" role=\"search\">\n"
        h += "<label for=\"q\" class=\"vh\">搜索新闻稿</label>\n"
        h += "<input type=\"search\" id=\"q\" name=\"q\" value=\"\(HTML.escape(query))\" placeholder=\"搜索新闻稿，如 地理标志\" autocomplete=\"off\" spellcheck=\"false\" enterkeyhint=\"search\" aria-keyshortcuts=\"/\">\n"
        h += "<button type=\"submit\">搜索</button>\n</form>\n</header>\n"
        h += "<main id=\"main\">\n" + main + "</main>\n"
        h += "<footer class=\"foot\"><a href=\"/openapi.json\">JSON API</a> · <a href=\"/stats\">索引统计</a></footer>\n</body>\n</html>\n"
        return h
    }
}
