import Testing
@testable import IPSearchAnalysis

@Suite struct AnalyzerSmokeTests {
    @Test func traditionalAndSimplifiedGiveTheSameTerms() throws {
        let a = try Analyzer()
        let t = a.tokens("地理標志").map(\.term)
        let s = a.tokens("地理标志").map(\.term)
        #expect(t == s)
        #expect(s.contains("标志"))
    }
}
