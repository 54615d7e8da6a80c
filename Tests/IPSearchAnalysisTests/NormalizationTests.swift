import Testing
@testable import IPSearchAnalysis

@Suite struct NormalizationTests {
    /// Real parentheticals of the corpus are not converter pinyin and must stay.
    @Test func corpusParentheticalsSurvive() throws {
        let analyzer = try Analyzer()
        let d0 = analyzer.analyze(try Corpus.document("000").text).normalized.string
        let d1 = analyzer.analyze(try Corpus.document("001").text).normalized.string
        let d2 = analyzer.analyze(try Corpus.document("002").text).normalized.string
        let d3 = analyzer.analyze(try Corpus.document("003").text).normalized.string
        #expect(d0.contains("行动方案(2023―2025年)"))
        #expect(d1.contains("《专利合作条约》(pct)途径"))
        #expect(d1.contains("(以下简称知识产权强国建设纲要)"))
        #expect(d1.contains("(以下简称“十四五”知识产权规划)"))
        #expect(d1.contains("(摘编)"))
        #expect(d2.contains("指引(试行)》"))
        #expect(d2.contains("规定(试行)》"))
        #expect(d2.contains("(星期四)"))
        #expect(d2.contains("《专利合作条约》(pct)国际专利申请"))
        #expect(d3.contains("(2023—2025年)"))
    }

    /// Document 000 has 354 opening parentheses: 352 converter annotations and two real
    /// parentheticals, `(2023―2025年)` and `(中新經(jīng)緯APP)`. Only those two are left. (It also has a
    /// mojibake `領(lǐng)域?qū)@麑…` with an unmatched `)`: `?qū)` is not after a Han character and stays.)
    @Test func allPinyinDebrisOfDocument000IsStripped() throws {
        let doc = try Corpus.document("000")
        #expect(count("(", in: doc.text) == 354)
        #expect(count(")", in: doc.text) == 355)
        let n = try Analyzer().analyze(doc.text).normalized.string
        #expect(count("(", in: n) == 2)
        #expect(count(")", in: n) == 3)
        #expect(n.contains("方案(2023―2025年)》"))
        #expect(n.contains("贡献。(中新经纬app)\n本文链接"))
        #expect(n.contains("领域?qū)@"))
        #expect(PinyinAnnotation.strip(doc.text).count == n.count)
    }

    @Test(arguments: [
        ("產(chǎn)權(quán)", "产权"),
        ("產（chǎn）權（quán）", "产权"),          // full-width parentheses
        ("綠(lǜ)色", "绿色"),                     // ǜ
        ("專利(PCT)", "专利(pct)"),              // uppercase: not pinyin
        ("中(zhong)", "中(zhong)"),              // no tone mark
        ("中(zhōngguó)", "中(zhōngguó)"),        // longer than a syllable
        ("規定(試行)", "规定(试行)"),
        ("方案(2023―2025年)", "方案(2023―2025年)"),
        ("2023(nián)", "2023(nián)"),            // not after a Han character
        ("(chǎn)", "(chǎn)"),
        ("ＡＢＣ１２３", "abc123"),
        ("DeepSeek PCT WIPO", "deepseek pct wipo"),
        ("Ｄｅｅｐ　Ｓｅｅｋ", "deep seek"),       // ideographic space → space
        ("e\u{301}", "é"),                       // combining sequence composes
        ("\u{F9B5}", "例"),                      // compatibility ideograph → unified
        ("\u{F900}", "岂"),                      // compatibility 豈 → 豈 → Simplified 岂
        ("\u{FA11}", "\u{FA11}"),                // 﨑 is a unified ideograph despite its block
    ])
    func normalizes(_ input: String, _ expected: String) {
        #expect(Normalizer().normalize(Array(input.utf16)).string == expected)
    }

    @Test func fullWidthAndUppercaseWords() throws {
        let analyzer = try Analyzer()
        let a = analyzer.analyze("ＡＢＣ１２３")
        #expect(a.words == ["abc123"])
        #expect(a.tokens.first?.source == 0..<6)
        #expect(analyzer.analyze("DeepSeek").words == ["deepseek"])
        #expect(analyzer.analyze("PCT").words == ["pct"])
        #expect(analyzer.analyze("WIPO和PCT").words == ["wipo", "和", "pct"])
    }

    /// Normalizing normalized text changes nothing, so a query copied from a result (or a substring of
    /// a document's normalized text) folds to itself.
    @Test(arguments: Corpus.documents)
    func normalizationIsIdempotent(_ doc: Corpus.Document) {
        let n = Normalizer()
        let once = n.normalize(doc.utf16)
        let twice = n.normalize(once.units)
        #expect(twice.units == once.units)
    }
}
