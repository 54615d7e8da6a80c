import Foundation
import IPSearchAnalysis
import IPSearchIndex
import Testing
@testable import IPSearch

/// Pinyin readings and how a part is read as pinyin (no index needed).
@Suite struct PinyinReadingTests {
    @Test func polyphonesAreReadInContext() {
        #expect(PinyinTable.reading(of: "银行") == ["yin2", "hang2"])
        #expect(PinyinTable.reading(of: "长期") == ["chang2", "qi1"])
        #expect(PinyinTable.reading(of: "重新") == ["chong2", "xin1"])
        #expect(PinyinTable.reading(of: "会计") == ["kuai4", "ji4"])
        // Alone, each takes its most frequent reading.
        #expect(PinyinTable.reading(of: "行") == ["xing2"])
        #expect(PinyinTable.reading(of: "会") == ["hui4"])
        // Every common reading of a polyphone is known.
        for (c, r) in [("行", "hang2"), ("长", "chang2"), ("重", "chong2"), ("会", "kuai4"), ("干", "qian2")] {
            #expect(PinyinTable.readings(of: c.unicodeScalars.first!.value).contains(r), "\(c) \(r)")
        }
    }

    private func syllables(_ text: String) -> [[String]] {
        PinyinParser.readings(of: text).map { tokens in
            tokens.map {
                switch $0 {
                case .han(let c): return String(UnicodeScalar(c)!)
                case .syllable(let s, let tone): return tone.map { s + String($0) } ?? s
                case .initial(let i): return i + "-"
                }
            }
        }
    }

    @Test func fullSyllablesToneMarksAndDigits() {
        #expect(syllables("dilibiaozhi").first == ["di", "li", "biao", "zhi"])
        #expect(syllables("zhishichanquan").first == ["zhi", "shi", "chan", "quan"])
        #expect(syllables("di4li3biao1zhi4").first == ["di4", "li3", "biao1", "zhi4"])
        #expect(syllables("dì lǐ biāo zhì").first == ["di4", "li3", "biao1", "zhi4"])
        #expect(syllables("di li biao zhi").first == ["di", "li", "biao", "zhi"])
        #expect(syllables("lüe4 lve").first == ["lve4", "lve"])
        // Other splits are tried too, but not ones much longer than the shortest (bi a o for biao).
        #expect(syllables("di li biao zhi").contains(["di", "li", "bi", "ao", "zhi"]))
        #expect(!syllables("di li biao zhi").contains(["di", "li", "bi", "a", "o", "zhi"]))
    }

    @Test func ambiguousSplitsAreAllTried() {
        let xian = syllables("xiandai")
        #expect(xian.contains(["xian", "dai"]))
        #expect(xian.contains(["xi", "an", "dai"]))
        #expect(syllables("xi'an") == [["xi", "an"]])
    }

    @Test func initialsAndMixedParts() {
        #expect(syllables("dlbz") == [["d-", "l-", "b-", "z-"]])
        #expect(syllables("zscq") == [["z-", "s-", "c-", "q-"]])
        #expect(syllables("地理bz") == [["地", "理", "b-", "z-"]])
        #expect(syllables("知识chanquan").first == ["知", "识", "chan", "quan"])
        #expect(syllables("zhishicq") == [["zhi", "shi", "c-", "q-"]])
    }

    @Test func tooAmbiguousOrNotPinyinIsNotRead() {
        #expect(syllables("bz").isEmpty)        // two initials
        #expect(syllables("d").isEmpty)
        #expect(syllables("zhong").isEmpty)     // one syllable
        #expect(syllables("地理").isEmpty)       // no Latin
        #expect(syllables("deepseek").isEmpty)  // initials scattered between syllables
        #expect(syllables("wipo").isEmpty)
        #expect(syllables("5g").isEmpty)
        // Long or odd input is bounded, never a trap.
        #expect(PinyinParser.readings(of: String(repeating: "bzbzhan", count: 20)).count <= PinyinParser.maxReadings)
        #expect(PinyinParser.readings(of: String(repeating: "地", count: 40) + "bz").isEmpty)
        #expect(syllables("ǹg ḿ \u{0}").isEmpty)
    }

    @Test func nearReadings() {
        #expect(Set(QueryAssistant.nearReadings("zhi")) == ["zi"])
        #expect(Set(QueryAssistant.nearReadings("lan")).isSuperset(of: ["nan", "lang", "nang"]))
        #expect(Set(QueryAssistant.nearReadings("shen")).isSuperset(of: ["sen", "sheng", "seng"]))
        #expect(QueryAssistant.nearReadings("xing").contains("xin"))
    }
}

/// Pinyin expansions and "did you mean" over the five real press releases.
@Suite struct CorpusAssistTests {
    let fixture: Fixture
    let assistant: QueryAssistant
    init() throws {
        fixture = try Fixture.pressReleases()
        assistant = QueryAssistant(reader: try fixture.service.current().reader)
    }

    @Test(arguments: ["dilibiaozhi", "dlbz", "地理bz", "di li biao zhi", "di4li3biao1zhi4", "dì lǐ biāo zhì", "DiLiBiaoZhi"])
    func geographicalIndicationFromPinyin(_ part: String) {
        let expansions = assistant.expansions(of: part)
        #expect(expansions.count == 1)
        #expect(expansions.first?.kind == .pinyin)
        #expect(expansions.first?.part == part)
        #expect(expansions.first?.with.first == "地理标志", "\(expansions)")
    }

    @Test(arguments: ["zhishichanquan", "zscq", "知识chanquan", "zhishicq"])
    func intellectualPropertyFromPinyin(_ part: String) {
        #expect(assistant.pinyinAlternatives(of: part).first == "知识产权")
    }

    @Test func polyphonesFindTheirWords() {
        #expect(assistant.pinyinAlternatives(of: "yinhang").contains("银行"))
        // The corpus writes 長期: folded to 长期 and read cháng.
        #expect(assistant.pinyinAlternatives(of: "changqi").contains("长期"))
    }

    @Test func everyAlternativeOccursInTheCorpus() throws {
        for part in ["dlbz", "zscq", "zhuanli", "shangbiao", "gjzscqj", "pct"] {
            for alternative in assistant.pinyinAlternatives(of: part) {
                #expect(try fixture.search(alternative).total > 0, "\(part) → \(alternative)")
                #expect(!alternative.unicodeScalars.contains { $0.isASCII })
            }
        }
        #expect(assistant.pinyinAlternatives(of: "gjzscqj").first == "国家知识产权局")
    }

    @Test func shortInitialsAndPlainWordsAreNotExpanded() {
        #expect(assistant.expansions(of: "bz").isEmpty)
        #expect(assistant.expansions(of: "zh").isEmpty)
        #expect(assistant.expansions(of: "地理标志").isEmpty)
        #expect(assistant.expansions(of: "deepseek").isEmpty)
        #expect(assistant.expansions(of: "2024").isEmpty)
    }

    @Test(arguments: [("地里标志", "地理标志"), ("知识产全", "知识产权"), ("专力", "专利"), ("商表", "商标")])
    func didYouMeanSameReading(_ typo: String, _ intended: String) throws {
        #expect(try fixture.search(typo).total == 0 || (try fixture.search(typo).partial))
        let suggestions = assistant.suggestions(for: [typo])
        let first = try #require(suggestions.first)
        #expect(first.text == intended)
        #expect(first.documents == (try fixture.search(intended).total))
    }

    @Test func didYouMeanKeepsTheOtherPartsAndCountsTheWholeQuery() throws {
        let suggestions = assistant.suggestions(for: ["地里标志", "浙江"])
        let first = try #require(suggestions.first)
        #expect(first.text == "地理标志 浙江")
        let result = try fixture.search("地理标志 浙江")
        #expect(!result.partial)
        #expect(first.documents == result.total)
    }

    @Test func didYouMeanNearReading() throws {
        // 知识 read zi shi (z for zh): only the near reading finds 知识.
        let suggestions = assistant.suggestions(for: ["自识产权"])
        #expect(suggestions.first?.text == "知识产权")
    }

    @Test func noSuggestionForAFineQuery() {
        #expect(assistant.suggestions(for: ["地理标志"]).isEmpty)
        #expect(assistant.suggestions(for: ["知识产权", "专利"]).isEmpty)
        #expect(assistant.suggestions(for: ["pct"]).isEmpty)
    }

    @Test func everySuggestionHasHits() throws {
        for typo in [["地里标志"], ["商表", "专力"], ["国加知识产权局"], ["知识产全", "不存在的词"]] {
            for s in assistant.suggestions(for: typo) {
                #expect(s.documents > 0)
                let result = try fixture.search(s.text)
                #expect(!result.partial && result.total == s.documents, "\(typo) → \(s)")
            }
        }
    }

    @Test func synonymsOfTheBuiltInSet() {
        let e = assistant.expansions(of: "国知局")
        #expect(e == [Expansion(part: "国知局", with: ["国家知识产权局", "CNIPA"], kind: .synonym)])
        #expect(assistant.expansions(of: "國知局").first?.with.first == "国家知识产权局")
        #expect(assistant.expansions(of: "wipo").first?.with == ["世界知识产权组织"])
        #expect(assistant.expansions(of: "ＷＩＰＯ").first?.with == ["世界知识产权组织"])
        #expect(assistant.expansions(of: "世界知识产权组织").first?.with == ["WIPO"])
        #expect(assistant.expansions(of: "知产").first?.with == ["知识产权"])
        // One-way: the long form does not find every abbreviation.
        #expect(!(assistant.expansions(of: "知识产权").first?.with.contains("知产") ?? false))
    }
}

/// Polyphones on generated documents (the corpus has neither 重新 nor 会计).
@Suite struct GeneratedAssistTests {
    @Test func polyphonesOnGeneratedText() throws {
        let fixture = try Fixture(files: [
            "a.txt": "企业重新提交专利申请。",
            "b.txt": "会计师事务所审计了知识产权质押融资项目。",
            "c.txt": "长江流域的银行业务。",
        ])
        let assistant = QueryAssistant(reader: try fixture.service.current().reader)
        #expect(assistant.pinyinAlternatives(of: "chongxin") == ["重新"])
        #expect(assistant.pinyinAlternatives(of: "kuaiji") == ["会计"])
        #expect(assistant.pinyinAlternatives(of: "changjiang") == ["长江"])
        #expect(assistant.pinyinAlternatives(of: "yinhang") == ["银行"])
        // Every reading counts, tones restrict: 重 is also zhòng, but 重新 has no tone-1 "zhong".
        #expect(assistant.pinyinAlternatives(of: "zhongxin") == ["重新"])
        #expect(assistant.pinyinAlternatives(of: "zhong1xin1").isEmpty)
    }

    @Test func alternativesAreRankedByDocuments() throws {
        var files: [String: String] = [:]
        for i in 0..<5 { files["s\(i).txt"] = "关于实施细则的说明。" }   // shishi: 实施 ×5
        for i in 0..<2 { files["t\(i).txt"] = "这是一个事实。" }          // shishi: 事实 ×2
        files["u.txt"] = "时事评论。"                                  // shishi: 时事 ×1
        let fixture = try Fixture(files: files)
        let assistant = QueryAssistant(reader: try fixture.service.current().reader)
        #expect(assistant.pinyinAlternatives(of: "shishi") == ["实施", "事实", "时事"])
    }
}

/// Synonym rules files and the word-boundary rule.
@Suite struct SynonymsTests {
    /// The built-in set a process starts with is the table generated from `Synonyms.builtInRules`
    /// (parsing the rules through the normalizer cost a cold query 0.7 ms). This test is the
    /// generator: when the rules change, it fails and prints the table's new source file.
    @Test func builtInTableIsTheParsedRules() {
        let (parsed, problems) = Synonyms.parse(Synonyms.builtInRules, source: "built-in rules")
        #expect(problems.isEmpty)
        #expect(parsed.alternatives.count > 20)
        #expect(Synonyms.builtIn == parsed, """
            Sources/IPSearch/Assist/BuiltInSynonyms+generated.swift is out of date; replace it with:
            \(Self.generatedSource(parsed.alternatives))
            """)
    }

    /// BuiltInSynonyms+generated.swift for `alternatives` (keys sorted).
    static func generatedSource(_ alternatives: [String: [String]]) -> String {
        func literal(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = [
            "// Generated from `Synonyms.builtInRules` by the test `SynonymsTests.builtInTableIsTheParsedRules`",
            "// (Tests/IPSearchTests/AssistTests.swift), which prints this file when the rules change. Do not edit.",
            "",
            "enum BuiltInSynonyms {",
            "    /// Normalized term → the terms it also finds, in rule order.",
            "    static let alternatives: [String: [String]] = [",
        ]
        for key in alternatives.keys.sorted() {
            lines.append("        \(literal(key)): [\(alternatives[key]!.map(literal).joined(separator: ", "))],")
        }
        lines += ["    ]", "}"]
        return lines.joined(separator: "\n")
    }

    @Test func rulesFileWithBadLines() {
        let text = """
            # IP office abbreviations
            商评委, 商标评审委员会   # equivalent
            马德里 => 马德里体系
            只有一个词
            a => b => c
             => 缺左边
            专利法，中华人民共和国专利法
            """
        let (synonyms, problems) = Synonyms.parse(text, source: "synonyms.txt")
        #expect(problems.count == 3)
        #expect(problems[0].hasPrefix("synonyms.txt:4: "))
        #expect(problems[1].hasPrefix("synonyms.txt:5: "))
        #expect(problems[2].hasPrefix("synonyms.txt:6: "))
        #expect(synonyms.alternatives(for: "商评委") == ["商标评审委员会"])
        #expect(synonyms.alternatives(for: "商标评审委员会") == ["商评委"])
        #expect(synonyms.alternatives(for: "马德里") == ["马德里体系"])
        #expect(synonyms.alternatives(for: "马德里体系").isEmpty)
        #expect(synonyms.alternatives(for: "專利法") == ["中华人民共和国专利法"])
    }

    @Test func fileIsReloadedWhenItChanges() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipsearch-syn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("synonyms.txt").path
        let file = SynonymsFile(path: path)
        // Absent: the built-in rules, no problems.
        #expect(file.current().0.alternatives(for: "国知局").first == "国家知识产权局")
        #expect(file.current().problems.isEmpty)

        try "商评委, 商标评审委员会\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(file.current().0.alternatives(for: "商评委") == ["商标评审委员会"])
        #expect(file.current().0.alternatives(for: "国知局").first == "国家知识产权局")

        try "商评委 => 商标评审委员会, 评审委员会\n坏行\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (now, problems) = file.current()
        #expect(now.alternatives(for: "商评委") == ["商标评审委员会", "评审委员会"])
        #expect(now.alternatives(for: "商标评审委员会").isEmpty)
        #expect(problems.count == 1 && problems[0].contains(":2: "))

        try FileManager.default.removeItem(atPath: path)
        #expect(file.current().0.alternatives(for: "商评委").isEmpty)
    }

    @Test func unreadableFileIsOneProblem() {
        let (synonyms, problems) = Synonyms.load(file: "/nonexistent/synonyms.txt")
        #expect(synonyms.isEmpty)
        #expect(problems.count == 1)
    }

    private func occurrences(of needle: String, in text: String, analyzer: Analyzer) -> (Analysis, [Range<Int>]) {
        let analysis = analyzer.analyze(text)
        let units = analysis.normalized.units
        let n = Array(needle.utf16)
        var result: [Range<Int>] = []
        var i = 0
        while i + n.count <= units.count {
            if Array(units[i..<(i + n.count)]) == n { result.append(i..<(i + n.count)) }
            i += 1
        }
        return (analysis, result)
    }

    @Test func abbreviationsDoNotMatchInsideOtherWords() throws {
        let analyzer = try Analyzer()
        let (inside, hits) = occurrences(of: "知产", in: "这种认知产生了误解。", analyzer: analyzer)
        #expect(hits.count == 1)
        #expect(!QueryAssistant.isWholeWord(occurrence: hits[0], in: inside))

        let (alone, found) = occurrences(of: "知产", in: "加强知产保护。", analyzer: analyzer)
        #expect(found.count == 1)
        #expect(QueryAssistant.isWholeWord(occurrence: found[0], in: alone))

        let (office, o) = occurrences(of: "国知局", in: "国知局发布了新规定。", analyzer: analyzer)
        #expect(QueryAssistant.isWholeWord(occurrence: o[0], in: office))

        let (latin, l) = occurrences(of: "pct", in: "PCT申请与xpcty。", analyzer: analyzer)
        #expect(l.count == 2)
        #expect(QueryAssistant.isWholeWord(occurrence: l[0], in: latin))
        #expect(!QueryAssistant.isWholeWord(occurrence: l[1], in: latin))
    }
}
