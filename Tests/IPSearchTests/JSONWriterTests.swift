import Foundation
import Testing
@testable import IPSearch

/// `SearchResponse.jsonData()` writes its JSON directly; the `Codable` form stays the reference:
/// both must give the same bytes, for real answers and for values that need escaping.
@Suite struct JSONWriterTests {
    static func encoded(_ response: SearchResponse) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(response))
    }

    @Test func answersAreWrittenAsTheEncoderWritesThem() throws {
        let fixture = try Fixture.pressReleases()
        let archive = try Fixture(files: [
            "a.md": "---\ntitle: 商标注册新规\ndate: 2024-03-05\nsource: 中国网\n---\n商标注册新规发布。\n",
            "b.md": "---\ntitle: 商标注册新规（转载）\ndate: 2024-03-06\nsource: 人民网\n---\n商标注册新规发布。\n",
            "c.txt": "地理标志保护\t\"引号\" 与 \\ 反斜杠\n",
        ])
        var options: [SearchOptions] = []
        for limit in [0, 1, 10] {
            for explain in [false, true] {
                var o = SearchOptions(limit: limit, explain: explain)
                options.append(o)
                o.facets = true
                o.collapse = false
                options.append(o)
            }
        }
        var compared = 0
        for service in [fixture.service, archive.service] {
            for q in ["知识产权", "专利 浙江", "商标注册", "地理标志", "\"引号\"", "知识产权 OR 商标", "-北京 专利", "zscq", "知识产全", "犀鸟"] {
                for o in options {
                    let response = SearchResponse(try service.search(q, options: o))
                    let direct = Array(try response.jsonData())
                    #expect(direct == (try Self.encoded(response)), "\(q) \(o)")
                    compared += 1
                }
            }
        }
        #expect(compared == 2 * 10 * 12)
    }

    @Test func escapesAndNumbersAsTheEncoder() throws {
        let fixture = try Fixture.pressReleases()
        var response = SearchResponse(try fixture.service.search("知识产权", options: SearchOptions(limit: 3, explain: true)))
        #expect(!response.hits.isEmpty)
        let awkward = "q\"uote\\back/slash\n\r\t\u{8}\u{c}\u{1}\u{1b}\u{1f}\u{7f}\u{2028}中文😀é"
        response.query = awkward
        response.warnings = [awkward, ""]
        response.tookMs = 1.0
        for (i, score) in [0.0, -0.0, 1.0, 2.31, 1e-7, 1e21, 123_456_789_012_345_678.0, 3.000_000_000_000_000_4].enumerated()
        where i < response.hits.count * 3 {
            response.hits[i % response.hits.count].score = score
            response.hits[i % response.hits.count].title = awkward
            response.hits[i % response.hits.count].url = i % 2 == 0 ? nil : awkward
            #expect(Array(try response.jsonData()) == (try Self.encoded(response)), "\(score)")
        }
        response.facets = SearchResponse.FacetsJSON(year: ["2024": 3, "1999": 1], month: [:],
                                                    source: ["中国网": 2, "人民网": 1, "Xinhua": 4, "\"q\"": 1])
        response.suggestions = [.init(text: awkward, documents: 2)]
        response.expansions = [.init(part: "国知局", with: ["国家知识产权局", awkward], kind: "synonym")]
        #expect(Array(try response.jsonData()) == (try Self.encoded(response)))
    }
}
