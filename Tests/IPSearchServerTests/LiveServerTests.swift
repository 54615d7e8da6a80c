import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import IPSearch
import IPSearchIndex
@testable import IPSearchServer
import IPSearchTestSupport
import Testing

/// Over a real socket on loopback (`.live`): what the router tests cannot show.
@Suite struct LiveServerTests {
    @Test func announcesItsURLOnceBound() async throws {
        let index = try TestIndex()
        let collector = OutputCollector()
        let port = try await makeApp(index: index.index, collector: collector).test(.live) { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            return try #require(client.port)
        }
        // The test framework binds "localhost": either loopback address.
        #expect(collector.urls == ["http://127.0.0.1:\(port)"] || collector.urls == ["http://[::1]:\(port)"])
    }

    @Test func listeningURLFormat() {
        #expect(listeningURL(host: "127.0.0.1", port: 43817) == "http://127.0.0.1:43817")
        #expect(listeningURL(host: "::1", port: 8080) == "http://[::1]:8080")
    }

    @Test func percentEncodedIDsOverTheWire() async throws {
        let index = try TestIndex()
        let want = DocumentResponse(DocumentView(document: try #require(try index.reader().document(id: TestIndex.nestedID))))
        try await makeApp(index: index.index).test(.live) { client in
            // (curl sends /documents/sub/dir/中.txt as the second form.)
            for uri in ["/documents/sub%2Fdir%2F%E4%B8%AD.txt", "/documents/sub/dir/%E4%B8%AD.txt", "/documents/sub/dir/%e4%b8%ad.txt"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(try response.decode(DocumentResponse.self) == want, "\(uri)")
            }
            let search = try await client.execute(uri: "/search?q=" + percentEncode("地理标志"), method: .get)
            #expect(try search.decode(SearchResponse.self).hits.map(\.id).contains(TestIndex.nestedID))
        }
    }

    @Test func errorsOverTheWire() async throws {
        let index = try TestIndex()
        try await makeApp(index: index.index).test(.live) { client in
            let big = try await client.execute(uri: "/search?q=x", method: .get, body: ByteBuffer(repeating: 0x78, count: 64 * 1024))
            #expect(big.status == .contentTooLarge)
            #expect(big.errorCode == "body_too_large")

            let post = try await client.execute(uri: "/search?q=x", method: .post, body: ByteBuffer(string: "q=x"))
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "GET, HEAD")

            let missing = try await client.execute(uri: "/missing", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")

            // The connection is still usable after the refusals.
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }
}

/// Requests written byte by byte on a socket.
@Suite struct RawRequestTests {
    func withServer(_ body: @Sendable (Int) async throws -> Void) async throws {
        let index = try TestIndex()
        try await makeApp(index: index.index).test(.live) { client in try await body(try #require(client.port)) }
    }

    func statusLine(_ answer: String) -> String { String(answer.split(separator: "\r\n").first ?? "") }
    func body(_ answer: String) -> String {
        let bytes = Array(answer.utf8)
        for i in 0..<max(0, bytes.count - 3) where bytes[i...(i + 3)].elementsEqual([13, 10, 13, 10]) {
            return String(decoding: bytes[(i + 4)...], as: UTF8.self)
        }
        return ""
    }

    @Test func declaredLargeBodyIsRefusedWithoutReadingIt() async throws {
        try await withServer { port in
            // Announces 10 MB, sends 10 bytes: the 413 comes without the body (a server waiting for
            // it would send nothing before `rawExchange` gives up, and the status check fails).
            let answer = try await rawExchange(port: port, Array("GET /search?q=x HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n0123456789".utf8))
            #expect(statusLine(answer) == "HTTP/1.1 413 Payload Too Large")
            #expect(body(answer).contains(#""code":"body_too_large""#))
        }
    }

    @Test func chunkedBodyOverTheLimitIsRefused() async throws {
        try await withServer { port in
            let chunk = String(repeating: "x", count: 800)
            let request = "GET /health HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
            let answer = try await rawExchange(port: port, Array(request.utf8))
            #expect(statusLine(answer) == "HTTP/1.1 413 Payload Too Large")
            #expect(body(answer).contains(#""code":"body_too_large""#))
        }
    }

    @Test func rawUTF8IsRejectedByTheHTTPParser() async throws {
        // Non-ASCII bytes in a request target are not HTTP (RFC 9112): NIO's parser answers 400 and
        // closes before any handler runs, so this 400 has no JSON body. Clients percent-encode.
        try await withServer { port in
            let answer = try await rawExchange(port: port, Array("GET /search?q=".utf8) + [0xE4, 0xB8, 0xAD] + Array(" HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
            #expect(statusLine(answer) == "HTTP/1.1 400 Bad Request")
        }
    }

    @Test func percentEncodedQueryOverTheWire() async throws {
        try await withServer { port in
            let answer = try await rawExchange(port: port, Array("GET /search?q=%E5%9C%B0%E7%90%86%E6%A0%87%E5%BF%97&limit=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".utf8))
            #expect(statusLine(answer) == "HTTP/1.1 200 OK")
            #expect(answer.contains("Content-Type: application/json; charset=utf-8"))
            let response = try JSONDecoder().decode(SearchResponse.self, from: Data(body(answer).utf8))
            #expect(response.query == "地理标志")
            #expect(response.hits.count == 1)
        }
    }
}

/// /openapi.json describes what the server really answers.
@Suite struct OpenAPITests {
    func spec() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(OpenAPI.json.utf8))
    }

    func schema(_ name: String) throws -> JSONValue {
        try #require(try spec()["components"]?["schemas"]?[name], "no schema \(name)")
    }

    /// The object's keys are the schema's properties, and include every required one.
    func check(_ value: JSONValue?, against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try check(value, against: try schema(name), name: name, sourceLocation: sourceLocation)
    }

    func check(_ value: JSONValue?, against s: JSONValue, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let value = try #require(value, sourceLocation: sourceLocation)
        let properties = s["properties"]?.keys ?? []
        let required = Set(s["required"]?.array?.compactMap(\.string) ?? [])
        #expect(value.keys.isSubset(of: properties), "\(name): unexpected \(value.keys.subtracting(properties))", sourceLocation: sourceLocation)
        #expect(required.isSubset(of: value.keys), "\(name): missing \(required.subtracting(value.keys))", sourceLocation: sourceLocation)
    }

    @Test func servedAsIsAndValid() async throws {
        let spec = try spec()
        #expect(spec["openapi"] == .string("3.0.3"))
        #expect(spec["paths"]?.keys == Set(Endpoint.api.compactMap(\.openAPIPath)))
        let index = try TestIndex()
        try await makeApp(index: index.index).test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.text == OpenAPI.json)
        }
    }

    @Test func schemasMatchTheAnswers() async throws {
        let index = try TestIndex()
        try await makeApp(index: index.index).test(.router) { client in
            func get(_ uri: String) async throws -> JSONValue {
                try await client.execute(uri: uri, method: .get).decode(JSONValue.self)
            }
            let search = try await get("/search?explain=true&q=" + percentEncode("知识产权"))
            try check(search, against: "SearchResponse")
            let hit = try #require(search["hits"]?.array?.first)
            try check(hit, against: "Hit")
            #expect(hit.keys.contains("explanation"))
            try check(hit["snippets"]?.array?.first, against: "Snippet")
            try check(hit["explanation"], against: "Explanation")
            try check(hit["explanation"]?["parts"]?.array?.first, against: "PartFactors")
            try check(search["parsed"], against: "QueryReading")
            let plainHit = try #require(try await get("/search?q=" + percentEncode("知识产权"))["hits"]?.array?.first)
            try check(plainHit, against: "Hit")

            try check(try await get("/documents/a.txt"), against: "Document")
            try check(try await get("/health"), against: "Health")
            try check(try await get("/stats"), against: "IndexStatistics")
            try check(try await get("/search"), against: "Error")
            let errorDetail = try #require(try schema("Error")["properties"]?["error"])
            try check(try await get("/search")["error"], against: errorDetail, name: "Error.error")
        }
        let unavailable = try TestIndex(build: false)
        try await makeApp(index: unavailable.index).test(.router) { client in
            try check(try await client.execute(uri: "/health", method: .get).decode(JSONValue.self), against: "HealthUnavailable")
        }
    }

    @Test func everyErrorCodeIsDocumented() throws {
        let codes = try schema("Error")["properties"]?["error"]?["properties"]?["code"]?["enum"]?.array?.compactMap(\.string) ?? []
        let used = Set(BadRequestTests.cases.map(\.code) + ["index_unavailable"])
        #expect(used.isSubset(of: Set(codes)), "undocumented: \(used.subtracting(codes))")
    }
}
