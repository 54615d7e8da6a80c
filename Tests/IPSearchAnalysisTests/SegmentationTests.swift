import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

/// Runs of adjacent words across scripts: digits + Han, Latin inside Han text.
@Suite struct SegmentationTests {
    /// `達(dá)3072億元` in document 000: the number and the Han words after it are separate words of one
    /// run, so grams cross the digit/Han boundary. (ICU 72's dictionary cuts 亿|元; a dictionary
    /// with 亿元 would give one word. Both are accepted.)
    @Test func numberFollowedByHan() throws {
        let doc = try Corpus.document("000")
        #expect(occurrences(of: "達(dá)3072億元", in: doc.text) == 2)
        let a = try Analyzer().analyze(doc.text)
        let words = a.words
        #expect(words.contains("3072"))
        let hits = a.occurrences(of: "3072亿元")
        #expect(hits.count == 2)
        let p = try #require(hits.first)
        let k = try #require(a.wordStarts.firstIndex(of: Int32(p)))
        #expect(words[k] == "3072")
        #expect(words[k + 1] == "亿元" || (words[k + 1] == "亿" && words[k + 2] == "元"))
        #expect(a.wordEnds[k] == a.wordStarts[k + 1])
        let run = try #require(a.runs.first { $0.contains(p) })
        #expect(run.contains(p - 1) && run.upperBound == p + 6)  // 达3072亿元 then a comma
        let index = GramIndex(a)
        let analyzer = try Analyzer()
        #expect(index.matchPositions(analyzer.analyze("3072亿元")) == hits)
        #expect(index.matchPositions(analyzer.analyze("3072億元")) == hits)
        #expect(index.matchPositions(analyzer.analyze("2亿")) == a.occurrences(of: "2亿"))
        let has2yi = index.contains(gram: Gram(0x32, 0x4EBF).key, at: p + 3)  // 2亿
        let hasYiyuan = index.contains(gram: Gram(0x4EBF, 0x5143).key, at: p + 4)  // 亿元
        let hasYuanEnd = index.contains(gram: Gram(0x5143, 0).key, at: p + 5)  // 元 ends the run
        #expect(has2yi && hasYiyuan && hasYuanEnd)
    }

    @Test func shortMixedText() throws {
        let a = try Analyzer().analyze("總額達3072億元,同比增長7.2%")
        // ICU 72: 总额|达|3072|亿|元|同|比|增长|7.2 (a richer dictionary may join 亿元, 同比).
        let words = a.words.joined(separator: "|")
        #expect(words.hasPrefix("总额|达|3072|") && words.hasSuffix("|增长|7.2"))
        #expect(words.contains("亿元") || words.contains("亿|元"))
        #expect(a.runs == [0..<9, 10..<17])
        #expect(a.gramTerms == ["总额", "额达", "达3", "30", "07", "72", "2亿", "亿元", "元",
                                "同比", "比增", "增长", "长7", "7.", ".2", "2"])
    }

    /// `“DeepSeek”` in document 002 and `(PCT)` in documents 001 and 002.
    @Test func latinInsideHanText() throws {
        let analyzer = try Analyzer()
        let d2 = try Corpus.document("002")
        let original = d2.utf16
        let a = analyzer.analyze(utf16: original)
        let deepseek = a.tokens.filter { $0.kind == .word && $0.term == "deepseek" }
        #expect(deepseek.count == 1)
        #expect(deepseek.map { substring(original, $0.source) } == ["DeepSeek"])
        let pct = a.tokens.filter { $0.kind == .word && $0.term == "pct" }
        #expect(pct.map { substring(original, $0.source) } == ["PCT"])
        #expect(a.words.filter { $0 == "pct" }.count == 1)

        let d1 = analyzer.analyze(try Corpus.document("001").text)
        #expect(d1.words.filter { $0 == "pct" }.count == 1)
        #expect(!d1.words.contains("PCT"))
    }

    @Test func wordsAreNeverSpacesOrPunctuation() throws {
        let analyzer = try Analyzer()
        for doc in try Corpus.documents {
            let a = analyzer.analyze(doc.text)
            // ICU 72 gives "@" letter status (its e-mail rule): `?qū)@麑` in document 000 has the word @.
            let bad = a.words.filter { w in
                w != "@" && w.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.properties.generalCategory.isPunctuation }
            }
            #expect(bad.isEmpty, "\(doc.name): \(bad.prefix(5))")
            // Runs are disjoint, ordered, and made of words.
            #expect(zip(a.runs, a.runs.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound })
            #expect(a.runs.first?.lowerBound == Int(a.wordStarts.first ?? -1))
            #expect(a.runs.last?.upperBound == Int(a.wordEnds.last ?? -1))
        }
    }
}

private extension Unicode.GeneralCategory {
    var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
