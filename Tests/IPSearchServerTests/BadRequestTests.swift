import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import IPSearch
@testable import IPSearchServer
import IPSearchTestSupport
import Testing

/// Every refused request: exact status, error code, JSON shape; never a 500. (One index, built
/// once, serves every case: none of them writes.)
@Suite struct BadRequestTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var method: HTTPRequest.Method = .get
        var uri: String
        var status: HTTPResponse.Status
        var code: String
        var body: Int = 0
        var testDescription: String { "\(method.rawValue) \(uri) → \(status.code) \(code)" }
    }

    static let tooLong = String(repeating: "专", count: Query.maxLength + 1)
    static let longest = String(repeating: "专", count: Query.maxLength)

    static let cases: [Case] = [
        // q
        Case(uri: "/search", status: .badRequest, code: "missing_query"),
        Case(uri: "/search?limit=5", status: .badRequest, code: "missing_query"),
        Case(uri: "/search?q", status: .badRequest, code: "empty_query"),
        Case(uri: "/search?q=", status: .badRequest, code: "empty_query"),
        Case(uri: "/search?q=%20+%09", status: .badRequest, code: "empty_query"),
        Case(uri: "/search?q=" + percentEncode(tooLong), status: .badRequest, code: "query_too_long"),
        Case(uri: "/search?q=!!!", status: .badRequest, code: "invalid_query"),
        Case(uri: "/search?q=" + percentEncode("，。！？"), status: .badRequest, code: "invalid_query"),
        Case(uri: "/search?q=%22unbalanced", status: .badRequest, code: "invalid_query"),
        Case(uri: "/search?q=OR", status: .badRequest, code: "invalid_query"),
        Case(uri: "/search?q=-" + percentEncode("北京"), status: .badRequest, code: "invalid_query"),
        Case(uri: "/search?q=a&q=b", status: .badRequest, code: "invalid_parameter"),
        // limit, offset and the others
        Case(uri: "/search?q=x&limit=abc", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&limit=", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&limit=0", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&limit=101", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&limit=-1", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&limit=1.5", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&limit=99999999999999999999999", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&offset=-1", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&offset=100001", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&offset=ten", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&snippet_length=5", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&snippets=11", status: .badRequest, code: "invalid_parameter"),
        Case(uri: "/search?q=x&explain=maybe", status: .badRequest, code: "invalid_parameter"),
        // encoding
        Case(uri: "/search?q=%ZZ", status: .badRequest, code: "invalid_encoding"),
        Case(uri: "/search?q=abc%", status: .badRequest, code: "invalid_encoding"),
        Case(uri: "/search?q=abc%4", status: .badRequest, code: "invalid_encoding"),
        Case(uri: "/search?q=%FF", status: .badRequest, code: "invalid_encoding"),
        Case(uri: "/search?q=%E4%B8", status: .badRequest, code: "invalid_encoding"),
        Case(uri: "/search?q=%C0%AF", status: .badRequest, code: "invalid_encoding"),
        Case(uri: "/search?q%ZZ=x", status: .badRequest, code: "invalid_encoding"),
        Case(uri: "/documents/%E4%B8", status: .badRequest, code: "invalid_encoding"),
        Case(uri: "/documents/100%.txt", status: .badRequest, code: "invalid_encoding"),
        // paths
        Case(uri: "/assets/nope.js", status: .notFound, code: "not_found"),  // `/` is the search page (IPSearchWeb)
        Case(uri: "/nope", status: .notFound, code: "not_found"),
        Case(uri: "/search/more", status: .notFound, code: "not_found"),
        Case(uri: "/documents", status: .notFound, code: "not_found"),
        Case(uri: "/documents/", status: .notFound, code: "not_found"),
        Case(uri: "/SEARCH?q=x", status: .notFound, code: "not_found"),
        Case(uri: "/documents/nope.txt", status: .notFound, code: "document_not_found"),
        // methods
        Case(method: .post, uri: "/search?q=x", status: .methodNotAllowed, code: "method_not_allowed"),
        Case(method: .put, uri: "/health", status: .methodNotAllowed, code: "method_not_allowed"),
        Case(method: .delete, uri: "/documents/a.txt", status: .methodNotAllowed, code: "method_not_allowed"),
        Case(method: .patch, uri: "/stats", status: .methodNotAllowed, code: "method_not_allowed"),
        Case(method: .options, uri: "/openapi.json", status: .methodNotAllowed, code: "method_not_allowed"),
        Case(method: .post, uri: "/nope", status: .notFound, code: "not_found"),
        // bodies
        Case(uri: "/search?q=x", status: .contentTooLarge, code: "body_too_large", body: 1025),
        Case(uri: "/health", status: .contentTooLarge, code: "body_too_large", body: 100_000),
        Case(method: .post, uri: "/search?q=x", status: .contentTooLarge, code: "body_too_large", body: 4096),
    ]

    @Test(arguments: cases)
    func refused(_ c: Case) async throws {
        let index = try TestIndex.shared()
        try await makeApp(index: index.index).test(.router) { client in
            let body = c.body > 0 ? ByteBuffer(repeating: UInt8(ascii: "x"), count: c.body) : nil
            let response = try await client.execute(uri: c.uri, method: c.method, body: body)
            #expect(response.status == c.status)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.errorCode == c.code, "\(response.text)")
            #expect(response.errorMessage?.isEmpty == false)
            // Exactly {"error": {"code", "message"}}.
            let json = try response.decode(JSONValue.self)
            #expect(json.keys == ["error"])
            #expect(json["error"]?.keys == ["code", "message"])
            if c.status == .methodNotAllowed { #expect(response.headers[.allow] == "GET, HEAD") }
        }
    }

    @Test func exactMessages() async throws {
        let index = try TestIndex.shared()
        // An explicit `throws`: a closure whose only `try`s are inside #expect is inferred non-throwing.
        try await makeApp(index: index.index).test(.router) { (client: any TestClientProtocol) async throws in
            #expect(try await client.execute(uri: "/search", method: .get).text == #"{"error":{"code":"missing_query","message":"the q parameter is missing: give the text to search for, e.g. /search?q=地理标志"}}"#)
            #expect(try await client.execute(uri: "/search?q=x&limit=abc", method: .get).text == #"{"error":{"code":"invalid_parameter","message":"limit must be an integer between 1 and 100, not \"abc\""}}"#)
            #expect(try await client.execute(uri: "/search?q=x&offset=-1", method: .get).text == #"{"error":{"code":"invalid_parameter","message":"offset must be an integer between 0 and 100000, not \"-1\""}}"#)
            #expect(try await client.execute(uri: "/search?q=" + percentEncode(Self.tooLong), method: .get).text == #"{"error":{"code":"query_too_long","message":"the query is 1001 characters long; the limit is 1000"}}"#)
            #expect(try await client.execute(uri: "/search?q=!!!", method: .get).text == #"{"error":{"code":"invalid_query","message":"the query \"!!!\" has no letters, digits or Chinese characters to search for"}}"#)
            #expect(try await client.execute(uri: "/nope", method: .get).text == #"{"error":{"code":"not_found","message":"no such endpoint: /nope (see /openapi.json)"}}"#)
            #expect(try await client.execute(uri: "/search", method: .post).text == #"{"error":{"code":"method_not_allowed","message":"POST is not allowed on /search: use GET"}}"#)
        }
    }

    @Test func boundaryValuesAreAccepted() async throws {
        let index = try TestIndex.shared()
        try await makeApp(index: index.index).test(.router) { client in
            for uri in ["/search?q=x&limit=1", "/search?q=x&limit=100", "/search?q=x&offset=0", "/search?q=x&offset=100000",
                        "/search?q=" + percentEncode(Self.longest), "/search?q=x&explain=false&snippets=0&snippet_length=2000",
                        "/search?q=x&unknown=ignored", "/search?q=x&&limit=2"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri): \(response.text)")
            }
            // A small body on a GET is tolerated (not read).
            let small = try await client.execute(uri: "/health", method: .get, body: ByteBuffer(string: String(repeating: "y", count: 1024)))
            #expect(small.status == .ok)
        }
    }
}
