import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import IPSearch
import IPSearchIndex
@testable import IPSearchServer
import IPSearchTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The server follows `ipsearch index`: a commit is visible to the next request, and a missing or
/// damaged index is a 503 until a readable one is committed.
@Suite struct LiveReloadTests {
    static let uniqueWord = "犀鸟琉璃盏"

    /// The server checks `manifest.json` on every request: the request after the commit sees it
    /// (no time window to wait for, however loaded the machine).
    @Test func newCommitIsSeenByTheNextRequest() async throws {
        let index = try TestIndex()
        let before = try index.reader().generation
        try await makeApp(index: index.index).test(.live) { client in
            let uri = "/search?q=" + percentEncode(Self.uniqueWord)
            let miss = try await client.execute(uri: uri, method: .get).decode(SearchResponse.self)
            #expect(miss.total == 0)

            try index.addDocument("new.txt", "新闻稿：\(Self.uniqueWord)首次亮相。\n")
            let summary = try index.reindex()
            #expect(summary.added == 1)

            let hit = try await client.execute(uri: uri, method: .get).decode(SearchResponse.self)
            #expect(hit.total == 1)
            #expect(hit.hits.map(\.id) == ["new.txt"])

            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.text == #"{"documents":4,"generation":\#(before + 1),"status":"ok"}"#)
            let doc = try await client.execute(uri: "/documents/new.txt", method: .get)
            #expect(doc.status == .ok)
            #expect(try doc.decode(DocumentResponse.self).text.contains(Self.uniqueWord))
        }
    }

    @Test func missingIndexIs503UntilACommitAppears() async throws {
        let index = try TestIndex(build: false)
        try await makeApp(index: index.index).test(.router) { client in
            let search = try await client.execute(uri: "/search?q=" + percentEncode("专利"), method: .get)
            #expect(search.status == .serviceUnavailable)
            #expect(search.errorCode == "index_unavailable")
            #expect(search.errorMessage == IndexError.noIndex(directory: index.index).description)

            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .serviceUnavailable)
            #expect(health.headers[.contentType] == "application/json; charset=utf-8")
            let reason = IndexError.noIndex(directory: index.index).description
            #expect(try health.decode(JSONValue.self) == .object(["status": .string("unavailable"), "reason": .string(reason)]))

            for uri in ["/stats", "/documents/a.txt"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                #expect(response.errorCode == "index_unavailable", "\(uri)")
            }
            // Query errors are still the client's: 400 before the index is consulted.
            let bad = try await client.execute(uri: "/search?q=!!!", method: .get)
            #expect(bad.status == .badRequest)

            try index.reindex()
            let now = try await client.execute(uri: "/search?q=" + percentEncode("知识产权"), method: .get)
            #expect(now.status == .ok)
            #expect(try now.decode(SearchResponse.self).total >= 2)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func damagedIndexIs503WithTheReason() async throws {
        let index = try TestIndex()
        try writeText("{ this is not a manifest", to: index.index + "/manifest.json")
        let expected: String
        do { _ = try IndexReader(directory: index.index); Issue.record("a damaged manifest opened"); return } catch {
            expected = error.description
        }
        try await makeApp(index: index.index).test(.router) { client in
            let search = try await client.execute(uri: "/search?q=" + percentEncode("专利"), method: .get)
            #expect(search.status == .serviceUnavailable)
            #expect(search.errorCode == "index_unavailable")
            #expect(search.errorMessage == expected)
            #expect(expected.contains("manifest.json"))

            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .serviceUnavailable)
            #expect(try health.decode(JSONValue.self)["status"] == .string("unavailable"))

            // `ipsearch index --full` repairs it; the server follows.
            var options = IndexOptions(corpus: index.corpus, index: index.index)
            options.full = true
            _ = try Indexer.run(options)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }
}
