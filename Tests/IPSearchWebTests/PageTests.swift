import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import IPSearch
import IPSearchIndex
@testable import IPSearchWeb
import IPSearchTestSupport
import Testing

/// The pages as the server sends them, over the five real documents and a hostile one.
@Suite struct PageTests {
    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func searchPageIsRenderedWithResultsOnTheServer() async throws {
        let index = try WebTestIndex()
        let want = try SearchService(indexDirectory: index.index).search("地理标志", options: SearchOptions(limit: 10))
        #expect(want.total >= 1)
        try await makeWebApp(index: index.index).test(.router) { client in
            let response = try await client.execute(uri: "/?q=" + FormEncoding.percentEncode("地理标志"), method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(response.headers[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
            let html = Self.body(response)
            #expect(html.hasPrefix("<!doctype html>\n<html lang=\"zh\""))
            #expect(html.contains("<label for=\"q\""))
            #expect(html.contains("<input type=\"search\" id=\"q\" name=\"q\" value=\"地理标志\""))
            // No inline script or style anywhere: the CSP would block it.
            #expect(occurrences(of: "<script", in: html) == 1)
            #expect(html.contains("<script src=\"/assets/app.js\" defer></script>"))
            #expect(!html.contains("style=") && !html.contains("<style") && !html.contains(" onclick="))
            // One result element per hit, in the searcher's order, with its snippets' marks.
            for hit in want.hits { #expect(html.contains("<li class=\"hit\" data-id=\"\(HTML.escape(hit.id))\">")) }
            let positions = want.hits.compactMap { html.range(of: "data-id=\"\(HTML.escape($0.id))\"")?.lowerBound }
            #expect(positions == positions.sorted())
            let marks = want.hits.flatMap(\.snippets).reduce(0) { $0 + HTML.mergedRanges($1.highlights, count: $1.text.unicodeScalars.count).count }
            #expect(marks > 0)
            #expect(occurrences(of: "<mark>", in: html) == marks)
            #expect(html.contains("找到 <strong>\(want.total)</strong> 条结果"))
        }
    }

    @Test func pagingAndNoResults() async throws {
        let index = try WebTestIndex()
        let all = try SearchService(indexDirectory: index.index).search("的", options: SearchOptions(limit: 100))
        try #require(all.total > 0)
        try await makeWebApp(index: index.index).test(.router) { client in
            // One page of 10 per request; a one-character query matches every document.
            let html = Self.body(try await client.execute(uri: "/?q=" + FormEncoding.percentEncode("的"), method: .get))
            #expect(occurrences(of: "<li class=\"hit\"", in: html) == min(10, all.total))

            let none = Self.body(try await client.execute(uri: "/?q=" + FormEncoding.percentEncode("没有这种文字组合喵"), method: .get))
            #expect(none.contains("找到 <strong>0</strong> 条结果"))
            #expect(none.contains("id=\"empty\""))
            #expect(occurrences(of: "<li class=\"hit\"", in: none) == 0)

            // A refused query shows why, as text.
            let bad = Self.body(try await client.execute(uri: "/?q=%22%3Cb%3E", method: .get))
            #expect(bad.contains("class=\"empty error\""))
            #expect(!bad.contains("<b>"))

            // Filters are applied by the server too (the page works without JavaScript).
            let filtered = try await client.execute(uri: "/?q=" + FormEncoding.percentEncode("知识产权") + "&since=2025", method: .get)
            #expect(filtered.status == .ok)
            let filteredBody = Self.body(filtered)
            #expect(filteredBody.contains("value=\"2025\""))
            #expect(filteredBody.contains("data-id=\"002_85d345060cabbe51.txt\""))
            #expect(!filteredBody.contains("data-id=\"001_95b0ff632a249898.txt\""))  // dated 2022
            let badDate = try await client.execute(uri: "/?q=abc&since=2024-13", method: .get)
            #expect(badDate.status == .badRequest)

            let home = Self.body(try await client.execute(uri: "/", method: .get))
            #expect(home.contains("id=\"home\""))
        }
    }

    @Test func hostileDocumentIsShownAsText() async throws {
        let index = try WebTestIndex()
        try await makeWebApp(index: index.index).test(.router) { client in
            let html = Self.body(try await client.execute(uri: "/?q=" + FormEncoding.percentEncode("注入测试"), method: .get))
            #expect(html.contains("data-id=\"\(HTML.escape(WebTestIndex.hostileID))\""))
            #expect(html.contains(HTML.escape(WebTestIndex.hostileTitle)))
            #expect(!html.contains("<img"))
            #expect(!html.contains("<script>"))
            #expect(!html.contains("alert(3)>"))

            let view = try await client.execute(uri: PageRenderer.viewURL(WebTestIndex.hostileID, query: "注入"), method: .get)
            #expect(view.status == .ok)
            #expect(view.headers[.contentSecurityPolicy] == WebController<BasicRequestContext>.contentSecurityPolicy)
            let page = Self.body(view)
            #expect(page.contains("<h1 id=\"doc-title\">\(HTML.escape(WebTestIndex.hostileTitle))</h1>"))
            #expect(page.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"))
            #expect(!page.contains("<img") && !page.contains("<script>"))
        }
    }

    @Test func documentView() async throws {
        let index = try WebTestIndex()
        let stored = try #require(try IndexReader(directory: index.index).document(id: "002_85d345060cabbe51.txt"))
        try await makeWebApp(index: index.index).test(.router) { client in
            let response = try await client.execute(uri: "/view/002_85d345060cabbe51.txt?q=" + FormEncoding.percentEncode("地理标志"), method: .get)
            #expect(response.status == .ok)
            let html = Self.body(response)
            #expect(html.contains("<article id=\"doc\" class=\"doc\" data-id=\"002_85d345060cabbe51.txt\">"))
            // The whole text, escaped, with every match marked.
            let start = try #require(html.range(of: "<div id=\"doc-text\" class=\"doc-text\">"))
            let end = try #require(html.range(of: "</div>", range: start.upperBound..<html.endIndex))
            let shown = String(html[start.upperBound..<end.lowerBound])
            #expect(shown.contains("<mark"))
            let unmarked = shown.replacingOccurrences(of: #"<mark[^>]*>"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: "</mark>", with: "")
            #expect(unmarked == HTML.escape(stored.text))
            #expect(html.contains("href=\"/?q=%E5%9C%B0%E7%90%86%E6%A0%87%E5%BF%97\""))

            let missing = try await client.execute(uri: "/view/nope.txt", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
            #expect(Self.body(missing).contains("nope.txt"))
        }
    }

    @Test func indexUnavailableIsAPageToo() async throws {
        try await makeWebApp(index: "/nonexistent/ipsearch-web-index").test(.router) { client in
            let response = try await client.execute(uri: "/?q=abc", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(Self.body(response).contains("索引不可用"))
        }
    }

    @Test func assetsAreServedWithTypesAndValidators() async throws {
        try await makeWebApp(index: "/nonexistent").test(.router) { client in
            for asset in WebAsset.all {
                let response = try await client.execute(uri: WebAsset.path(asset.name), method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == asset.contentType)
                #expect(response.headers[.eTag] == asset.etag)
                #expect(Self.body(response) == asset.text)
                let again = try await client.execute(uri: WebAsset.path(asset.name), method: .get, headers: [.ifNoneMatch: asset.etag])
                #expect(again.status == .notModified)
                #expect(again.body.readableBytes == 0)
            }
            #expect(try await client.execute(uri: "/assets/nope.js", method: .get).status == .notFound)
        }
    }

    /// The issue's budget: page, script, style and icon together under 150 KB, uncompressed.
    @Test func everythingTheBrowserLoadsIsSmall() throws {
        let assets = WebAsset.all.reduce(0) { $0 + $1.text.utf8.count }
        let shell = PageRenderer.searchPage(PageState(), outcome: .home).utf8.count
        #expect(Set(WebAsset.all.map(\.name)) == ["app.js", "app.css", "icon.svg"])
        #expect(assets + shell < 150 * 1024, "assets \(assets) B + page \(shell) B")
    }

    /// The embedded copies are the files in Sources/IPSearchWeb/assets (run scripts/generate-web-assets).
    @Test func embeddedAssetsMatchTheirFiles() throws {
        for asset in WebAsset.all {
            let file = try readBytes(WebTestIndex.repository + "/Sources/IPSearchWeb/assets/" + asset.name)
            #expect(Array(asset.text.utf8) == file, "\(asset.name) changed: run scripts/generate-web-assets")
        }
    }
}

/// The fields the archive and query-assistance work add to the API, rendered by the server as soon
/// as the JSON carries them.
@Suite struct NewerAPIFieldsTests {
    static let answer = #"""
    {"query": "国知局", "total": 1, "total_documents": 3, "offset": 0, "limit": 10, "took_ms": 2.25, "partial": false,
     "hits": [{"id": "a.txt", "title": "<i>标题</i>", "date": "2024-11-29", "source": "中新经纬", "url": "https://example.org/1",
               "score": 1.5, "snippets": [{"text": "国家知识产权局<b>", "highlights": [[0, 7]]}],
               "copies": [{"id": "b.txt", "title": "副本", "date": null, "source": "中国网"},
                          {"id": "c\"d.txt", "title": "", "date": "2024-12-01", "source": null}]}],
     "facets": {"year": {"2024": 1}}, "suggestions": [],
     "expansions": [{"part": "国知局", "with": ["国家知识产权局"], "kind": "synonym"}]}
    """#

    @Test func sourcesCopiesTotalsAndExpansions() throws {
        let results = try #require(WebResults.decode(Data(Self.answer.utf8)))
        let html = PageRenderer.searchPage(PageState(q: "国知局"), outcome: .results(results))
        #expect(html.contains("找到 <strong>1</strong> 条结果（含相似副本共 3 篇） · 用时 2.3 毫秒"))
        #expect(html.contains("<p class=\"hit-meta\"><time datetime=\"2024-11-29\">2024-11-29</time> <span class=\"source\">中新经纬</span></p>"))
        #expect(html.contains(">&lt;i&gt;标题&lt;/i&gt;</a>"))
        #expect(html.contains("<p class=\"snippet\"><mark>国家知识产权局</mark>&lt;b&gt;</p>"))
        #expect(html.contains("<details class=\"copies\"><summary>另有 2 篇相似</summary>"))
        #expect(html.contains("<li data-id=\"c&quot;d.txt\"><a href=\"/view/c%22d.txt?q=%E5%9B%BD%E7%9F%A5%E5%B1%80\">c&quot;d.txt</a>"))
        #expect(html.contains("同时搜索了：国知局 → 国家知识产权局（同义词）"))
    }

    @Test func noResultsWithASuggestion() throws {
        let json = #"{"query": "地里标志", "total": 0, "hits": [], "suggestions": [{"text": "地理标志", "documents": 3}]}"#
        let results = try #require(WebResults.decode(Data(json.utf8)))
        let html = PageRenderer.searchPage(PageState(q: "地里标志"), outcome: .results(results))
        #expect(html.contains("没有找到包含「地里标志」的文档。"))
        #expect(html.contains("你是不是要找：<a class=\"suggestion\" href=\"/?q=%E5%9C%B0%E7%90%86%E6%A0%87%E5%BF%97\">地理标志</a>（3 篇）？"))
    }

    @Test func documentWithURLCopiesAndHighlights() throws {
        let json = #"{"id": "a.txt", "title": "T", "date": null, "source": null, "url": "javascript:alert(1)", "text": "地理标志与地理标志", "copies": [{"id": "b.txt"}], "highlights": [[0, 4], [5, 9]]}"#
        let document = try #require(WebDocument.decode(Data(json.utf8)))
        let html = PageRenderer.documentPage(id: "a.txt", query: "地理标志", document: document)
        #expect(html.contains("<div id=\"doc-text\" class=\"doc-text\"><mark>地理标志</mark>与<mark>地理标志</mark></div>"))
        #expect(!html.contains("javascript:"))  // only http(s) URLs become links
        #expect(html.contains("<section id=\"copies\" class=\"copy-list\"><h2>相似副本</h2><ul><li data-id=\"b.txt\">"))
        var https = document
        https.url = "https://example.org/x?a=1&b=2"
        #expect(PageRenderer.documentPage(id: "a.txt", query: "", document: https)
            .contains("<a href=\"https://example.org/x?a=1&amp;b=2\" rel=\"noopener noreferrer nofollow\">"))
    }
}
