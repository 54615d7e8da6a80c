import Foundation
import Testing
@testable import IPSearch

/// Query assistance through the search service: expansions are ORed in below the typed text,
/// abbreviations match whole words only, suggestions appear only when they help.
@Suite struct AssistedSearchTests {
    @Test func pinyinFindsTheHanTextAndHighlightsIt() throws {
        let fixture = try Fixture.pressReleases()
        let pinyin = try fixture.search("dilibiaozhi")
        let han = try fixture.search("地理标志")
        #expect(Set(pinyin.hits.map(\.id)) == Set(han.hits.map(\.id)))
        #expect(pinyin.expansions.contains { $0.kind == .pinyin && $0.with.contains("地理标志") })
        let marked = pinyin.hits.flatMap { $0.snippets }.flatMap { s in
            s.highlights.map { h in String(String.UnicodeScalarView(Array(s.text.unicodeScalars)[h[0]..<h[1]])) }
        }
        #expect(!marked.isEmpty)
        #expect(marked.allSatisfy { !$0.contains("dili") })
        let off = try fixture.service.search("dilibiaozhi", options: { var o = SearchOptions(); o.expand = false; return o }())
        #expect(off.total == 0 && off.expansions.isEmpty)
    }

    @Test func literalMatchesRankAboveAlternatives() throws {
        // "pct" is literal in one document and a pinyin reading (批次) in another.
        let fixture = try Fixture(files: [
            "literal.txt": "专利合作条约简称pct，国际申请。",
            "reading.txt": "第三批次产品抽检结果公布，批次合格。批次。批次。",
        ])
        let result = try fixture.search("pc")  // two letters: never expanded
        #expect(result.expansions.isEmpty)
        let synonym = try fixture.search("专利合作条约")
        #expect(synonym.hits.first?.id == "literal.txt")
        let abbreviation = try fixture.search("PCT")
        #expect(abbreviation.hits.first?.id == "literal.txt")
    }

    @Test func abbreviationsMatchWholeWordsOnly() throws {
        let fixture = try Fixture(files: [
            "inside.txt": "人工智能的认知产生了新的问题。",
            "word.txt": "各地加强知产保护工作。",
            "full.txt": "知识产权保护工作会议召开。",
        ])
        // A user rule makes the abbreviation an alternative of the full form.
        try "知识产权, 知产\n".write(to: fixture.corpus.appendingPathComponent("synonyms.txt"), atomically: true, encoding: .utf8)
        let service = SearchService(indexDirectory: fixture.index.path, corpusDirectory: fixture.corpus.path)
        let result = try service.search("知识产权")
        #expect(result.expansions.contains { $0.kind == .synonym && $0.with.contains("知产") })
        let ids = Set(result.hits.map(\.id))
        #expect(ids == ["full.txt", "word.txt"])  // not 认知产生
        #expect(result.hits.first?.id == "full.txt")  // the typed text first
    }

    @Test func suggestionsOnlyWhenNothingMatches() throws {
        let fixture = try Fixture.pressReleases()
        let typo = try fixture.search("地里标志")
        #expect(typo.total == 0)
        let s = try #require(typo.suggestions.first)
        #expect(s.text == "地理标志")
        #expect(s.documents == (try fixture.search("地理标志")).totalDocuments)
        let fine = try fixture.search("地理标志")
        #expect(fine.suggestions.isEmpty)
    }

    @Test func synonymsFileAppliesToTheNextQueryAndReportsBadLines() throws {
        let fixture = try Fixture(files: ["a.txt": "商标局发布通知。", "b.txt": "其他内容。"])
        let service = SearchService(indexDirectory: fixture.index.path, corpusDirectory: fixture.corpus.path)
        #expect(try service.search("甲乙丙局").total == 0)
        let file = fixture.corpus.appendingPathComponent("synonyms.txt")
        try "# 测试\n甲乙丙局, 商标局\n这一行没有逗号也没有箭头\n".write(to: file, atomically: true, encoding: .utf8)
        let after = try service.search("甲乙丙局")
        #expect(after.hits.map(\.id) == ["a.txt"])
        #expect(after.warnings.count == 1)
        #expect(after.warnings.first?.contains(":3") == true)
    }
}
