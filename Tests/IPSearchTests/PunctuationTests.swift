import IPSearchAnalysis
import IPSearchTestSupport
import Testing
@testable import IPSearch

/// Punctuation in queries counts: a part matches exactly where its normalized text (punctuation
/// included) stands in a document's normalized text. Checked by hand on the cases that used to go
/// wrong, and against a brute-force scan for random queries cut from the documents.
@Suite struct PunctuationTests {
    /// Lines that differ only in punctuation, beside the five press releases.
    static let lines: [String: String] = [
        "p1.txt": "今年收入137.2亿元，比去年多。",
        "p2.txt": "同比增长7.2%，创历史新高。",
        "p3.txt": "申请人;PCT国际申请数量上升。",
        "p4.txt": "通过《专利合作条约》(PCT)途径提交申请。",
        "p5.txt": "Layer deep seek model notes.",
        "p6.txt": "Layer deep-seek model notes.",
        "p7.txt": "Layer deepxseek model notes.",
        "p8.txt": "显示机器的体系结构（等价于 uname -m）与 C++ 编译器版本 1,234.5 。",
        "p9.txt": "版本 1.2.3 与 v1.2 发布；e.g. 某些情况 …… 结束",
    ]

    let fixture: Fixture
    init() throws {
        var files = PunctuationTests.lines
        for name in try Repository.corpusNames() { files[name] = try readText(Repository.corpus + "/" + name) }
        fixture = try Fixture(files: files)
    }

    func ids(_ q: String) throws -> Set<String> {
        var options = SearchOptions(limit: 1000)
        options.collapse = false
        options.expand = false
        options.snippets.count = 0
        return Set(try fixture.service.search(q, options: options).hits.map(\.id))
    }

    @Test func percentAfterADecimalMustBeThere() throws {
        #expect(try ids("7.2%").contains("p2.txt"))
        #expect(try !ids("7.2%").contains("p1.txt"))   // 137.2亿元 has no %
        #expect(try ids("7.2").isSuperset(of: ["p1.txt", "p2.txt"]))  // substrings still match
        #expect(try ids("\"7.2%\"") == ids("7.2%"))
    }

    @Test func bracketsInAQuotedPhraseMustBeThere() throws {
        let found = try ids("\"(PCT)\"")
        #expect(found.contains("p4.txt"))
        #expect(!found.contains("p3.txt"))              // ;PCT国
        #expect(try ids("PCT").isSuperset(of: ["p3.txt", "p4.txt"]))
        #expect(try ids("（PCT）") == found)             // full-width brackets fold to ASCII
        #expect(try ids(";PCT") == ["p3.txt", "004_9aef3166641af20f.txt"])  // 8.2%;PCT国际 in 004
    }

    @Test func aSpaceInAQuotedPhraseIsASpaceOrPunctuationNotALetter() throws {
        let found = try ids("\"deep seek\"")
        #expect(found.isSuperset(of: ["p5.txt", "p6.txt"]))
        #expect(!found.contains("p7.txt"))
        #expect(try ids("deep-seek") == ["p6.txt"])
        #expect(try ids("\"deep-seek\"") == ["p6.txt"])
    }

    @Test func pastedLinesWithPunctuationStillFindTheirDocument() throws {
        #expect(try ids("显示机器的体系结构（等价于 uname -m）").contains("p8.txt"))
        #expect(try ids("C++").contains("p8.txt"))
        #expect(try ids("C++ 编译器") == ["p8.txt"])
        #expect(try !ids("C#").contains("p8.txt"))
        #expect(try ids("1,234.5") == ["p8.txt"])
        #expect(try ids("1.2.3") == ["p9.txt"])
        #expect(try ids("e.g.").contains("p9.txt"))
    }

    @Test func aPieceThatIsOnlyPunctuationDropsOutUnlessQuoted() throws {
        // A dash between the words of a pasted line does not constrain anything…
        #expect(try ids("专利 — 商标") == ids("专利 商标"))
        // …but in quotes it is searched for.
        #expect(try ids("\"……\"") == ["p9.txt"])
        #expect(throws: QueryError.self) { try Query.parse("，。！", analyzer: Analyzer()) }
    }

    @Test func highlightCoversThePunctuation() throws {
        var options = SearchOptions(limit: 10)
        options.expand = false
        let hit = try #require(try fixture.service.search("7.2%", options: options).hits.first { $0.id == "p2.txt" })
        let marked = hit.snippets.flatMap { s in
            s.highlights.map { h in String(String.UnicodeScalarView(Array(s.text.unicodeScalars)[h[0]..<h[1]])) }
        }
        #expect(marked == ["7.2%"])
    }

    /// Random queries with punctuation, cut from the documents' normalized text (and with one
    /// punctuation mark swapped for another), against a scan of every document's normalized text.
    @Test func randomQueriesWithPunctuationAgreeWithABruteForceScan() throws {
        let analyzer = Analyzer()
        let spamFilter = SpamFilter()
        var texts: [String: [UInt16]] = [:]
        for (name, text) in try allFiles() {
            texts[name] = analyzer.analyzeDocument(text, spamFilter: spamFilter).analysis.normalized.units
        }
        let names = texts.keys.sorted()
        let swaps: [Character] = [".", ",", "%", "(", ")", "-", ":", ";", "、", "。", "“", "”", "《", "》", "·", "/"]
        var random = SplitMix64(seed: 0x9E3779B9)
        var checked = 0, withHits = 0, mutated = 0
        while checked < 400 {
            let name = names[Int(random.next() % UInt64(names.count))]
            let scalars = Array(String(decoding: texts[name]!, as: UTF16.self).unicodeScalars)
            guard scalars.count > 10 else { continue }
            let length = 2 + Int(random.next() % 7)
            let start = Int(random.next() % UInt64(scalars.count - length))
            var piece = Array(scalars[start..<(start + length)])
            // Pieces with punctuation, without spaces, controls or the quote operator.
            guard piece.contains(where: { Analysis.isMark($0.value) }),
                  !piece.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control
                                           || $0.properties.generalCategory == .format || $0 == "\"" }) else { continue }
            if random.next() % 3 == 0, let k = piece.indices.filter({ Analysis.isMark(piece[$0].value) }).randomElement(using: &random) {
                piece[k] = swaps[Int(random.next() % UInt64(swaps.count))].unicodeScalars.first!
                mutated += 1
            }
            let text = String(String.UnicodeScalarView(piece))
            let needle = analyzer.normalizer.normalize(Array(text.utf16)).units
            let expected = Set(names.filter { contains(texts[$0]!, needle) })
            // Unquoted when the piece reads as one plain part; quoted otherwise.
            let plain = piece.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
                && !"-－".unicodeScalars.contains(piece[0])
            let query = plain ? text : "\"" + text + "\""
            let found = try ids(query)
            #expect(found == expected, "query \(query): found \(found.sorted()), expected \(expected.sorted())")
            checked += 1
            if !expected.isEmpty { withHits += 1 }
        }
        // The check is not vacuous: most queries hit, and swapped marks were tried.
        #expect(withHits > 200)
        #expect(mutated > 50)
    }

    private func allFiles() throws -> [String: String] {
        var files = PunctuationTests.lines
        for name in try Repository.corpusNames() { files[name] = try readText(Repository.corpus + "/" + name) }
        return files
    }

    private func contains(_ hay: [UInt16], _ needle: [UInt16]) -> Bool {
        guard !needle.isEmpty, hay.count >= needle.count else { return false }
        var i = 0
        while i <= hay.count - needle.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return true }
            i += 1
        }
        return false
    }
}
