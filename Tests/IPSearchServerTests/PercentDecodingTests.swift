@testable import IPSearchServer
import IPSearchTestSupport
import Testing

@Suite struct PercentDecodingTests {
    @Test func decodesEscapesAndPlus() throws {
        #expect(try PercentDecoding.decode("%E5%9C%B0%E7%90%86+%e6%a0%87%E5%BF%97", plusAsSpace: true) == "地理 标志")
        #expect(try PercentDecoding.decode("a+b%2Bc", plusAsSpace: true) == "a b+c")
        #expect(try PercentDecoding.decode("a+b", plusAsSpace: false) == "a+b")
        #expect(try PercentDecoding.decode("sub%2Fdir/中.txt", plusAsSpace: false) == "sub/dir/中.txt")
        #expect(try PercentDecoding.decode("", plusAsSpace: true) == "")
    }

    @Test func refusesBadEscapesAndBadUTF8() {
        #expect(throws: PercentDecoding.Failure.badEscape(offset: 1)) { try PercentDecoding.decode("a%g1", plusAsSpace: true) }
        #expect(throws: PercentDecoding.Failure.badEscape(offset: 3)) { try PercentDecoding.decode("abc%", plusAsSpace: true) }
        #expect(throws: PercentDecoding.Failure.badEscape(offset: 0)) { try PercentDecoding.decode("%4", plusAsSpace: true) }
        #expect(throws: PercentDecoding.Failure.invalidUTF8) { try PercentDecoding.decode("%FF", plusAsSpace: true) }
        #expect(throws: PercentDecoding.Failure.invalidUTF8) { try PercentDecoding.decode("%E4%B8", plusAsSpace: true) }
        // What a non-UTF-8 byte on the wire has become by the time it reaches us.
        #expect(throws: PercentDecoding.Failure.invalidUTF8) { try PercentDecoding.decode("a\u{FFFD}", plusAsSpace: true) }
    }

    @Test func queryParameters() throws {
        let p = try QueryParameters("q=%E4%B8%93%E5%88%A9&limit=5&explain&&offset=")
        #expect(try p.single("q") == "专利")
        #expect(try p.integer("limit", in: 1...100, default: 10) == 5)
        #expect(try p.integer("snippets", in: 0...10, default: 2) == 2)
        #expect(try p.boolean("explain", default: false) == true)
        #expect(throws: APIError.invalidParameter("offset must be an integer between 0 and 100000, not \"\"")) {
            try p.integer("offset", in: 0...100_000, default: 0)
        }
        #expect(throws: APIError.invalidParameter("q is given 2 times; give it once")) { try QueryParameters("q=a&q=b").single("q") }
        #expect(try QueryParameters(nil).single("q") == nil)
    }

    @Test func endpointsByPath() {
        #expect(Endpoint(path: "/search") == .search)
        #expect(Endpoint(path: "/search/") == .search)
        #expect(Endpoint(path: "/documents/a/b.txt") == .document)
        #expect(Endpoint(path: "/documents") == nil)
        #expect(Endpoint(path: "/openapi.json") == .openAPI)
        #expect(Endpoint(path: "/") == .searchPage)
    }
}
