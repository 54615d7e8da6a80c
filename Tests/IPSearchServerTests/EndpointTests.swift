import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import IPSearch
import IPSearchIndex
@testable import IPSearchServer
import IPSearchTestSupport
import Testing

@Suite struct EndpointTests {
    /// The same search through SearchService directly, took_ms aside.
    func expected(_ index: TestIndex, _ q: String, _ options: SearchOptions = SearchOptions()) throws -> SearchResponse {
        SearchResponse(try SearchService(indexDirectory: index.index).search(q, options: options))
    }

    @Test func searchAnswersTheSearchResponseJSON() async throws {
        let index = try TestIndex()
        let want = try expected(index, "知识产权")
        #expect(want.total >= 2)
        try await makeApp(index: index.index).test(.router) { client in
            let response = try await client.execute(uri: "/search?q=" + percentEncode("知识产权"), method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let got = try response.decode(SearchResponse.self)
            #expect(got.tookMs >= 0)
            var same = want
            same.tookMs = got.tookMs
            #expect(got == same)
            // Byte for byte what `ipsearch search --json` prints (took_ms aside).
            #expect(response.bytes == Array(try same.jsonData()))
        }
    }

    @Test func searchPagingSnippetsAndExplain() async throws {
        let index = try TestIndex()
        let all = try expected(index, "知识产权")
        try await makeApp(index: index.index).test(.router) { client in
            let q = "/search?q=" + percentEncode("知识产权")
            let page = try await client.execute(uri: q + "&limit=1&offset=1", method: .get).decode(SearchResponse.self)
            #expect(page.limit == 1)
            #expect(page.offset == 1)
            #expect(page.total == all.total)
            #expect(page.hits.map(\.id) == [all.hits[1].id])

            let bare = try await client.execute(uri: q + "&snippets=0", method: .get).decode(SearchResponse.self)
            #expect(bare.hits.allSatisfy { $0.snippets.isEmpty })
            #expect(bare.hits.allSatisfy { $0.explanation == nil })

            let short = try await client.execute(uri: q + "&snippet_length=20&snippets=1", method: .get).decode(SearchResponse.self)
            let want = try expected(index, "知识产权", SearchOptions(snippets: SnippetOptions(length: 20, count: 1)))
            #expect(short.hits.map(\.snippets) == want.hits.map(\.snippets))
            #expect(short.hits.allSatisfy { $0.snippets.count == 1 })

            let explained = try await client.execute(uri: q + "&explain=true", method: .get).decode(SearchResponse.self)
            #expect(explained.hits.allSatisfy { $0.explanation?.parts.count == 1 })
            #expect(explained.hits.first?.explanation?.parts.first?.part == "知识产权")

            // `+` is a space in a query string: two parts, both required.
            let plus = try await client.execute(uri: "/search?q=" + percentEncode("地理标志") + "+" + percentEncode("测试"), method: .get)
                .decode(SearchResponse.self)
            #expect(plus.query == "地理标志 测试")
            #expect(plus.hits.map(\.id) == (try expected(index, "地理标志 测试")).hits.map(\.id))
            #expect(plus.hits.map(\.id).contains(TestIndex.nestedID))
        }
    }

    @Test func searchWithNoHitsIsStillOK() async throws {
        let index = try TestIndex()
        try await makeApp(index: index.index).test(.router) { client in
            let response = try await client.execute(uri: "/search?q=zzzqqqxxyy", method: .get)
            #expect(response.status == .ok)
            let body = try response.decode(SearchResponse.self)
            #expect(body.total == 0)
            #expect(body.hits.isEmpty)
        }
    }

    @Test func documentByPlainEncodedAndSlashedIDs() async throws {
        let index = try TestIndex()
        let stored = try #require(try index.reader().document(id: TestIndex.nestedID))
        let want = DocumentResponse(DocumentView(document: stored))
        #expect(want.title == "测试文档")
        #expect(want.date == "2024-05-06")
        #expect(want.source == "example.org")  // a URL in `source:` gives its host (issue 10)
        try await makeApp(index: index.index).test(.router) { client in
            for uri in ["/documents/sub%2Fdir%2F%E4%B8%AD.txt", "/documents/sub/dir/%E4%B8%AD.txt",
                        "/documents/sub%2fdir/%e4%b8%ad.txt", "/documents/sub/dir/中.txt"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(try response.decode(DocumentResponse.self) == want, "\(uri)")
                #expect(response.bytes == Array(try want.jsonData()), "\(uri)")
            }
            let plain = try await client.execute(uri: "/documents/a.txt", method: .get)
            #expect(plain.status == .ok)
            #expect(try plain.decode(DocumentResponse.self).id == "a.txt")
        }
    }

    @Test func unknownDocumentIs404() async throws {
        let index = try TestIndex()
        try await makeApp(index: index.index).test(.router) { client in
            let response = try await client.execute(uri: "/documents/sub%2Fnope.txt", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.text == #"{"error":{"code":"document_not_found","message":"no document with id sub/nope.txt in the index (ids are paths relative to the corpus, e.g. 002_85d345060cabbe51.txt)"}}"#)
        }
    }

    @Test func healthAndStats() async throws {
        let index = try TestIndex()
        let reader = try index.reader()
        try await makeApp(index: index.index).test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.headers[.contentType] == "application/json; charset=utf-8")
            #expect(health.text == #"{"documents":3,"generation":\#(reader.generation),"status":"ok"}"#)

            let stats = try await client.execute(uri: "/stats", method: .get)
            #expect(stats.status == .ok)
            #expect(try stats.decode(IndexStatistics.self) == (try IndexStatistics(reader)))
            #expect(try stats.decode(IndexStatistics.self).documents == 3)
        }
    }

    @Test func headIsAnsweredWithoutBody() async throws {
        let index = try TestIndex()
        try await makeApp(index: index.index).test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .head)
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test func requestsAreLoggedUnlessQuiet() async throws {
        let index = try TestIndex()
        let loud = OutputCollector()
        try await makeApp(index: index.index, collector: loud).test(.router) { client in
            _ = try await client.execute(uri: "/health", method: .get)
            _ = try await client.execute(uri: "/search?limit=abc", method: .get)
            _ = try await client.execute(uri: "/nope", method: .post)
        }
        let lines = loud.lines
        #expect(lines.count == 3)
        // "2025-11-22T03:41:07Z GET /health 200 0.12 ms"
        let fields = lines.map { $0.split(separator: " ").map(String.init) }
        #expect(fields.map { Array($0.dropFirst().prefix(3)) } == [
            ["GET", "/health", "200"], ["GET", "/search?limit=abc", "400"], ["POST", "/nope", "404"],
        ])
        #expect(fields.allSatisfy { $0.count == 6 && $0[5] == "ms" && Double($0[4]) != nil && $0[0].hasSuffix("Z") })

        let quiet = OutputCollector()
        try await makeApp(index: index.index, quiet: true, collector: quiet).test(.router) { client in
            _ = try await client.execute(uri: "/health", method: .get)
        }
        #expect(quiet.lines.isEmpty)
    }
}
