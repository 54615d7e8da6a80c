import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

/// The exact recall guarantee (see `Analyzer`): any substring of a run of a document, used as a query,
/// finds the document at that offset through grams, wherever ICU put the word boundaries.
@Suite struct RecallTests {
    @Test(arguments: try Corpus.documents)
    func randomSubstringsOfRunsAreFoundAtTheirOffset(_ doc: Corpus.Document) throws {
        let analyzer = try Analyzer()
        let a = analyzer.analyze(utf16: doc.utf16)
        let index = GramIndex(a)
        let units = a.normalized.units
        #expect(index.duplicatePositions.isEmpty)
        #expect(a.runs.count > 50)

        // Every code point of every run starts exactly one gram.
        var codePointsInRuns = 0
        for run in a.runs {
            codePointsInRuns += String(decoding: units[run], as: UTF16.self).unicodeScalars.count
        }
        #expect(a.grams.count == codePointsInRuns)

        var rng = SplitMix64(seed: 0x1950_0000 ^ UInt64(doc.name.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xFFFF))
        var checked = 0, withoutGrams = 0
        var failures: [String] = []
        for run in a.runs {
            // Offsets of the run's code points.
            var offsets: [Int] = []
            var i = run.lowerBound
            while i < run.upperBound {
                offsets.append(i)
                i += UTF16.isLeadSurrogate(units[i]) && i + 1 < run.upperBound ? 2 : 1
            }
            offsets.append(run.upperBound)
            let cps = offsets.count - 1
            // Up to 300 random substrings per run (a run of n code points has at most 6n distinct
            // ones of length 1–6, so short runs get about that many draws).
            for _ in 0..<min(300, 6 * cps + 6) {
                let length = Int.random(in: 1...6, using: &rng)
                let start = Int.random(in: 0..<cps, using: &rng)
                let end = min(cps, start + length)
                let p = offsets[start]
                let queryUnits = Array(units[p..<offsets[end]])
                let query = analyzer.analyze(utf16: queryUnits)
                checked += 1
                // The query folds to itself, so its offsets are offsets into the document.
                guard query.normalized.units == queryUnits else {
                    failures.append("\(substring(queryUnits, 0..<queryUnits.count)) renormalizes to \(query.normalized.string)")
                    continue
                }
                switch index.matches(query, at: p) {
                case nil: withoutGrams += 1
                case false?:
                    failures.append("\(query.normalized.string)@\(p) grams \(query.gramTerms)@\(query.gramPositions) not found")
                case true?: break
                }
            }
        }
        #expect(checked >= 12 * a.runs.count && checked > 3000)
        #expect(withoutGrams * 100 < checked)  // only lone punctuation inside a word, like the "." of 7.2
        #expect(failures.isEmpty, "\(failures.count) of \(checked) substrings of \(doc.name) not found: \(failures.prefix(10))")
    }

    /// 标志 inside 地理标志 is found exactly where it is, whether or not ICU cuts 地理|标志 (ICU 72 does).
    @Test(arguments: ["001", "002"])
    func biaozhiInsideDiliBiaozhi(_ prefix: String) throws {
        let doc = try Corpus.document(prefix)
        let analyzer = try Analyzer()
        let a = analyzer.analyze(doc.text)
        let index = GramIndex(a)
        let phrase = a.occurrences(of: "地理标志")
        #expect(phrase.count == (prefix == "001" ? 3 : 38))
        let found = index.matchPositions(analyzer.analyze("标志"))
        #expect(found == a.occurrences(of: "标志"))
        #expect(Set(phrase.map { $0 + 2 }).isSubset(of: Set(found)))
        // Traditional queries fold the same way.
        #expect(index.matchPositions(analyzer.analyze("標誌")) == found)
        #expect(index.matchPositions(analyzer.analyze("地理標志")) == phrase)
        // Words, for the record: 地理标志 or 地理 + 标志, in one run either way.
        let p = try #require(phrase.first)
        let k = try #require(a.wordStarts.firstIndex(of: Int32(p)))
        #expect(a.words[k] == "地理标志" || (a.words[k] == "地理" && a.words[k + 1] == "标志"))
        #expect(a.runs.contains { $0.contains(p) && $0.contains(p + 3) })
    }

    /// 押融 straddles ICU's cut 质押|融资, yet it is found.
    @Test(arguments: ["001", "002", "004"])
    func yarongInsideZhiyaRongzi(_ prefix: String) throws {
        let doc = try Corpus.document(prefix)
        let analyzer = try Analyzer()
        let a = analyzer.analyze(doc.text)
        let index = GramIndex(a)
        let phrase = a.occurrences(of: "质押融资")
        #expect(phrase.count == ["001": 4, "002": 1, "004": 1][prefix])
        let found = index.matchPositions(analyzer.analyze("押融"))
        #expect(found == a.occurrences(of: "押融"))
        #expect(found == phrase.map { $0 + 1 })
        #expect(index.matchPositions(analyzer.analyze("質押融資")) == phrase)
        // No word contains 押融: ICU cuts between 押 and 融 (质|押|融资 or 质押|融资), so only grams find it.
        #expect(!a.words.contains { $0.contains("押融") })
    }

    /// A single character matches wherever a gram starts with it.
    @Test func singleCharacterZhe() throws {
        let analyzer = try Analyzer()
        for (prefix, expected) in [("000", 0), ("001", 15), ("002", 2), ("004", 21)] {
            let doc = try Corpus.document(prefix)
            #expect(occurrences(of: "浙", in: doc.text) == expected)
            let a = analyzer.analyze(doc.text)
            let found = GramIndex(a).matchPositions(analyzer.analyze("浙"))
            #expect(found.count == expected, "\(prefix)")
            #expect(found == a.occurrences(of: "浙"), "\(prefix)")
        }
    }

    /// Phrases never match where they are not: every match of a multi-character query spells it.
    @Test func noFalseMatches() throws {
        let doc = try Corpus.document("004")
        let analyzer = try Analyzer()
        let a = analyzer.analyze(doc.text)
        let index = GramIndex(a)
        for q in ["知识产权", "浙江省", "强国", "先行省建设", "产权保护", "2022", "杭州网", "权强"] {
            let found = index.matchPositions(analyzer.analyze(q))
            #expect(found == a.occurrences(of: q), "\(q)")
            #expect(q == "权强" || !found.isEmpty, "\(q)")
        }
        #expect(index.matchPositions(analyzer.analyze("浙江知识")).isEmpty == a.occurrences(of: "浙江知识").isEmpty)
        #expect(index.matchPositions(analyzer.analyze("北京")).isEmpty)
    }
}
