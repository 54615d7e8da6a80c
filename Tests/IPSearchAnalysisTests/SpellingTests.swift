import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

/// Simplified, Traditional and converter-annotated (`產(chǎn)`) spellings of one phrase must index and
/// query identically: same normalized text, same words, same grams, same positions.
@Suite struct SpellingTests {
    @Test(arguments: [
        ["知识产权", "知識產權", "知識產(chǎn)權(quán)", "知識產（chǎn）權（quán）"],
        ["地理标志", "地理標志", "地理標誌", "地(dì)理(lǐ)標(biāo)誌(zhì)"],
        ["质押融资", "質押融資", "質(zhì)押融資"],
        ["国家知识产权局", "國家知識產權局", "國家知識產(chǎn)權(quán)局"],
    ])
    func spellingsGiveIdenticalTerms(_ spellings: [String]) throws {
        let analyzer = try Analyzer()
        let simplified = spellings[0]
        let expected = analyzer.analyze(simplified)
        #expect(expected.normalized.string == simplified)
        #expect(expected.words.joined() == simplified)
        // Grams of a single run: every character with its successor, the last one alone.
        let scalars = Array(simplified.unicodeScalars).map(String.init)
        let grams = scalars.indices.map { i in i + 1 < scalars.count ? scalars[i] + scalars[i + 1] : scalars[i] }
        #expect(expected.gramTerms == grams)
        #expect(expected.gramPositions == scalars.indices.map { Int32($0) })
        #expect(expected.runs == [0..<simplified.utf16.count])
        for other in spellings.dropFirst() {
            let a = analyzer.analyze(other)
            #expect(a.normalized.string == simplified, "\(other)")
            #expect(a.words == expected.words, "\(other)")
            #expect(a.terms == expected.terms, "\(other)")
        }
    }

    /// Exact tokens, with their original ranges. ICU 72's dictionary cuts 知识|产权 (older or newer
    /// dictionaries may keep 知识产权 whole: both are accepted for the words, grams are exact).
    @Test func exactTermsOfZhishiChanquan() throws {
        let analyzer = try Analyzer()
        // 知 識 產 (chǎn) 權 (quán): 產 owns [2, 9), 權 owns [9, 16).
        for (spelling, grams, words) in [
            ("知识产权", ["知识@0[0,2)", "识产@1[1,3)", "产权@2[2,4)", "权@3[3,4)"],
             [["知识产权@0[0,4)"], ["知识@0[0,2)", "产权@2[2,4)"]]),
            ("知識產(chǎn)權(quán)", ["知识@0[0,2)", "识产@1[1,9)", "产权@2[2,16)", "权@3[9,16)"],
             [["知识产权@0[0,16)"], ["知识@0[0,2)", "产权@2[2,16)"]]),
        ] {
            let tokens = analyzer.tokens(spelling)
            #expect(tokens.filter { $0.kind == .gram }.map(\.description) == grams)
            let w = tokens.filter { $0.kind == .word }.map(\.description)
            #expect(words.contains(w), "\(w)")
        }
    }

    /// The first sentence of document 000, as published (Traditional with converter pinyin), with
    /// the pinyin removed, and in Simplified.
    @Test func firstSentenceOfAnnotatedDocument() throws {
        let doc = try Corpus.document("000")
        let annotated = String(doc.text.split(separator: "\n")[0])
        let traditional = "中新經緯11月29日電 29日,國家知識產權局新聞發言人、辦公室主任衡付在11月例行新聞發布會上披露,前三季度,知識產權使用費進出口總額達3072億元,同比增長7.2%,均創歷史新高。"
        let simplified = "中新经纬11月29日电 29日,国家知识产权局新闻发言人、办公室主任衡付在11月例行新闻发布会上披露,前三季度,知识产权使用费进出口总额达3072亿元,同比增长7.2%,均创历史新高。"
        #expect(annotated.hasPrefix("中新經(jīng)緯11月29日電"))
        #expect(PinyinAnnotation.strip(annotated) == traditional)

        let analyzer = try Analyzer()
        let a = analyzer.analyze(annotated), t = analyzer.analyze(traditional), s = analyzer.analyze(simplified)
        #expect(s.normalized.string == simplified)
        #expect(t.normalized.string == simplified)
        #expect(a.normalized.string == simplified)
        #expect(t.terms == s.terms)
        #expect(a.terms == s.terms)
        #expect(s.words.contains("3072") && s.words.contains("7.2"))
        #expect(s.words.joined() == s.runs.map { String(decoding: s.normalized.units[$0], as: UTF16.self) }.joined())
        #expect(s.gramTerms.filter { $0 == "产权" }.count == 2)
    }

    /// A Traditional sentence of document 002 with 地理標志 twice.
    @Test func traditionalSentenceWithDiliBiaozhi() throws {
        let doc = try Corpus.document("002")
        let traditional = "認定地理標志產品36個,核準地理標志作為集體商標、證明商標注冊125件"
        let simplified = "认定地理标志产品36个,核准地理标志作为集体商标、证明商标注册125件"
        #expect(doc.text.contains(traditional))
        let analyzer = try Analyzer()
        let t = analyzer.analyze(traditional), s = analyzer.analyze(simplified)
        #expect(t.normalized.string == simplified)
        #expect(t.terms == s.terms)
        #expect(t.occurrences(of: "地理标志") == [2, 14])
        #expect(s.gramTerms.filter { $0 == "标志" }.count == 2)
        // 誌 and 志 are the same term too.
        let variant = analyzer.analyze(traditional.replacingOccurrences(of: "標志", with: "標誌"))
        #expect(variant.terms == s.terms)
    }
}
