import Testing
@testable import IPSearch

/// End-to-end searches over the five real press releases.
@Suite struct CorpusSearchTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture.pressReleases() }

    @Test func simplifiedQueryRanksTheTraditionalPressConferenceFirst() throws {
        let result = try fixture.search("地理标志")
        #expect(result.hits.first?.id == "002_85d345060cabbe51.txt")
        // The file that writes it 地理標(biāo)志 is found too.
        #expect(result.hits.contains { $0.id == "000_bf973d473fa57c3a.txt" })
        #expect(!result.partial)
    }

    @Test func traditionalAndSimplifiedQueriesGiveTheSameResult() throws {
        let s = try fixture.search("地理标志")
        let t = try fixture.search("地理標誌")
        #expect(s.hits.map(\.id) == t.hits.map(\.id))
        #expect(s.hits.map(\.score) == t.hits.map(\.score))
    }

    @Test func highlightCoversConverterDebrisExactly() throws {
        let result = try fixture.search("地理标志")
        let hit = try #require(result.hits.first { $0.id == "000_bf973d473fa57c3a.txt" })
        let marked = hit.snippets.flatMap { s in
            s.highlights.map { h in String(String.UnicodeScalarView(Array(s.text.unicodeScalars)[h[0]..<h[1]])) }
        }
        #expect(!marked.isEmpty)
        #expect(marked.allSatisfy { $0 == "地理標(biāo)志" })
    }

    @Test func highlightsInTraditionalTextQuoteTheOriginal() throws {
        let result = try fixture.search("知识产权")
        for hit in result.hits {
            for s in hit.snippets {
                let scalars = Array(s.text.unicodeScalars)
                for h in s.highlights {
                    let text = String(String.UnicodeScalarView(scalars[h[0]..<h[1]]))
                    #expect(["知识产权", "知識產權", "知識產(chǎn)權(quán)"].contains(text), "\(hit.id): \(text)")
                }
            }
        }
        #expect(result.total == 5)
    }

    @Test func substringsInsideSegmentedWordsAndSingleCharactersMatch() throws {
        #expect(try fixture.search("押融").total >= 1)      // inside 质押融资
        #expect(try fixture.search("浙").hits.first?.id == "004_9aef3166641af20f.txt")
        let part = try fixture.search("标志").total
        let whole = try fixture.search("地理标志").total
        #expect(part >= whole)
    }

    @Test func andOrExclusionAndPartial() throws {
        let both = try fixture.search("地理标志 浙江")
        let zhejiang = try fixture.search("浙江")
        let geo = try fixture.search("地理标志")
        #expect(Set(both.hits.map(\.id)) == Set(zhejiang.hits.map(\.id)).intersection(geo.hits.map(\.id)))
        let either = try fixture.search("地理标志 OR 浙江")
        #expect(Set(either.hits.map(\.id)) == Set(zhejiang.hits.map(\.id)).union(geo.hits.map(\.id)))
        let excluded = try fixture.search("知识产权 -地理标志")
        #expect(Set(excluded.hits.map(\.id)) == Set(try fixture.search("知识产权").hits.map(\.id)).subtracting(geo.hits.map(\.id)))
        let partial = try fixture.search("地理标志 不存在的词语组合")
        #expect(partial.partial)
        #expect(Set(partial.hits.map(\.id)) == Set(geo.hits.map(\.id)))
    }

    @Test func quotedLatinAndCaseInsensitive() throws {
        let upper = try fixture.search("PCT")
        let lower = try fixture.search("pct")
        let fullWidth = try fixture.search("ＰＣＴ")
        #expect(upper.total >= 1)
        #expect(upper.hits.map(\.id) == lower.hits.map(\.id))
        #expect(upper.hits.map(\.id) == fullWidth.hits.map(\.id))
    }

    @Test func explainFactorsAddUpToTheScore() throws {
        let result = try fixture.search("地理标志 知识产权", explain: true)
        #expect(!result.hits.isEmpty)
        for hit in result.hits {
            let e = try #require(hit.explanation)
            let sum = e.parts.reduce(0) { $0 + $1.score } + e.proximity.reduce(0) { $0 + $1.score } + e.sequenceBonus + e.titleBonus
            #expect(abs(sum - hit.score) < 1e-9)
            #expect(abs(e.score - hit.score) < 1e-9)
            #expect(e.parts.allSatisfy { $0.documents == 5 })
            // Zone counts add up to the occurrences, and the weighted count follows the zone weights.
            for p in e.parts {
                #expect(p.tfTitle + p.tfBody + p.tfBoilerplate == p.tf)
                let r = Relevance()
                let weighted = Double(p.tfTitle) * r.titleWeight + Double(p.tfBody) * r.bodyWeight
                    + Double(p.tfBoilerplate) * r.boilerplateWeight
                #expect(abs(weighted - p.weightedTF) < 1e-9)
            }
        }
    }

    @Test func snippetsAreBoundedAndHighlightsInRange() throws {
        let result = try fixture.search("专利 转化")
        for hit in result.hits {
            #expect(hit.snippets.count <= 2)
            for s in hit.snippets {
                let n = s.text.unicodeScalars.count
                #expect(n <= 80 + 2)
                for h in s.highlights { #expect(h[0] >= 0 && h[0] < h[1] && h[1] <= n) }
            }
        }
    }

    @Test func jsonHasTheDocumentedSchema() throws {
        let result = try fixture.search("地理标志", limit: 2)
        let data = try SearchResponse(result).jsonData()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["query", "parsed", "total", "total_documents", "offset", "limit", "took_ms", "partial", "hits", "expansions", "suggestions", "warnings"])
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.count == 2)
        #expect(Set(hits[0].keys) == ["id", "title", "date", "source", "url", "score", "snippets", "copies"])
        #expect(object["limit"] as? Int == 2)
    }
}

import Foundation
