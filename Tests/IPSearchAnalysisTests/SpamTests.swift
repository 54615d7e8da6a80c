import Foundation
import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

/// Injected spam (`SpamFilter`) leaves the searchable text and the title, phrases it interrupts are
/// found again, and ordinary sentences about the same subject survive.
@Suite struct SpamTests {
    /// Every injection in 002 is a 包養 string or 甜心花園, each on its own.
    @Test func everyInjectionOf002IsRemoved() throws {
        let doc = try Corpus.document("002")
        let d = try Analyzer().analyzeDocument(doc.text, spamFilter: SpamFilter())
        let text = d.analysis.normalized.string
        for word in ["包养", "甜心", "俱乐部", "车马费", "站长", "vip", "ptt", "心得"] {
            #expect(occurrences(of: word, in: text) == 0, "\(word) left in 002")
        }
        #expect(d.spamRemoved == occurrences(of: "包養", in: doc.text) + occurrences(of: "甜心花園", in: doc.text))
        // Each removed span holds a keyword, and nothing of the real text around it: the text
        // around each span still reads (checked through the words it rejoins).
        let units = doc.utf16
        for r in d.spamSpans {
            let s = substring(units, r)
            #expect(s.contains("包養") || s.contains("甜心花園"), "\(s)")
        }
        for phrase in ["国新办就2024年", "王志成先生", "同比增长29.9%", "有效发明专利", "加强知识产权法治保障",
                       "明确提出", "典型案例", "统一认定制度", "社会共治", "执法体系", "开展过程中", "持续提高专利审查"] {
            #expect(!d.analysis.occurrences(of: phrase).isEmpty, "\(phrase) not in 002's normalized text")
        }
    }

    @Test func title002IsTheHeadlineWithoutSpamOrSite() throws {
        let doc = try Corpus.document("002")
        let d = try Analyzer().analyzeDocument(doc.text, spamFilter: SpamFilter())
        #expect(d.title == "國新辦就2024年中國知識產權強國建設有關情況舉行新聞發布會")
        let r = try #require(d.titleRange)
        #expect(substring(doc.utf16, r) == "國一包養經驗新辦就2024年中國知識產權強國建設有關情況舉行新聞發布會")
        #expect(TitleCleaner.clean(String(doc.text.prefix(while: { $0 != "\n" })), spamFilter: SpamFilter()) == d.title)
    }

    /// `科技集群數量[包養甜心網]達到26個`: the phrase is found, and its highlight covers the injection.
    @Test func interruptedPhraseIsFoundAndMapsBackOverTheInjection() throws {
        let doc = try Corpus.document("002")
        let d = try Analyzer().analyzeDocument(doc.text, spamFilter: SpamFilter())
        let phrase = "科技集群数量达到26个"
        let at = d.analysis.occurrences(of: phrase)
        #expect(at.count == 1)
        let p = try #require(at.first)
        let source = d.analysis.normalized.sourceRange(of: p..<(p + phrase.utf16.count))
        #expect(substring(doc.utf16, source) == "科技集群數量包養甜心網達到26個")

        // `20[包養]25-04-24`: the date is whole again, and maps back over the injection.
        let dates = d.analysis.occurrences(of: "2025-04-24 10:18:10")
        let q = try #require(dates.first)
        #expect(substring(doc.utf16, d.analysis.normalized.sourceRange(of: q..<(q + 4))) == "20包養25")

        // Without the filter neither is there.
        let plain = try Analyzer().analyze(doc.text)
        #expect(plain.occurrences(of: phrase).isEmpty)
        #expect(plain.occurrences(of: "2025-04-24 10:18:10").isEmpty)
    }

    /// A text about 包养 as a subject keeps every mention; the same text with an injection loses
    /// only the injection.
    @Test func ordinaryMentionsSurvive() throws {
        let article = """
            公安部部署打击包养网站的专项行动

            公安部近日部署打击包养网站的专项行动。专家指出，所谓“包养”现象违背公序良俗，\
            对包养关系中的财产纠纷，法院依法审理。另据报道，村民承包养殖场，带动就业。

            """
        let analyzer = try Analyzer()
        let filter = SpamFilter()
        let d = analyzer.analyzeDocument(article, spamFilter: filter)
        #expect(d.spamRemoved == 0)
        let text = d.analysis.normalized.string
        #expect(occurrences(of: "包养网站", in: text) == 2)
        #expect(text.contains("所谓“包养”现象"))
        #expect(text.contains("包养关系"))
        #expect(text.contains("承包养殖场"))
        #expect(d.title == "公安部部署打击包养网站的专项行动")

        let injected = article.replacingOccurrences(of: "依法审理", with: "依法審[包養網]理")
            .replacingOccurrences(of: "带动就业", with: "带动就包养价格业")
            .replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
        let e = analyzer.analyzeDocument(injected, spamFilter: filter)
        #expect(e.spamRemoved == 2)
        let cleaned = e.analysis.normalized.string
        #expect(cleaned.contains("法院依法审理"))
        #expect(cleaned.contains("带动就业"))
        #expect(occurrences(of: "包养网站", in: cleaned) == 2 && cleaned.contains("所谓“包养”现象") && cleaned.contains("承包养殖场"))
    }

    @Test func cleanRemovesSpansFromDisplayText() {
        let filter = SpamFilter()
        #expect(filter.clean("中央宣傳部版權管理局局長王志成先包養網VIP生") == "中央宣傳部版權管理局局長王志成先生")
        #expect(filter.clean("健全社包養會共治的地理標志保護體系") == "健全社會共治的地理標志保護體系")
        #expect(filter.clean("所謂「包養」現象") == "所謂「包養」現象")
        #expect(filter.clean("") == "")
    }

    /// The user's keyword file: comments, phrases, affixes, keywords.
    @Test func keywordFileExtendsTheVocabulary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipsearch-spam-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("spam-keywords.txt")
        try "# our own spam\n\n!快速上分\n+秒到账\n代刷\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try SpamFilter.loadKeywords(file: file.path) == ["!快速上分", "+秒到账", "代刷"])

        let text = "国家知识产权局快速上分发布数据。专利代刷秒到账审查周期压减。"
        #expect(SpamFilter().clean(text) == text)
        let filter = try SpamFilter(extraKeywordsFile: file.path)
        #expect(filter.clean(text) == "国家知识产权局发布数据。专利审查周期压减。")
        #expect(try SpamFilter(extraKeywordsFile: nil).clean(text) == text)
        #expect(throws: SpamFilter.KeywordFileError.self) {
            try SpamFilter(extraKeywordsFile: dir.appendingPathComponent("missing.txt").path)
        }
    }

    /// The spam-aware source map: monotone, chunks touch, covers the text; every token still
    /// renormalizes to its term when the spans inside its source are removed again.
    @Test(arguments: try Corpus.documents)
    func offsetsRoundTripWithSpansRemoved(_ doc: Corpus.Document) throws {
        let analyzer = try Analyzer()
        let original = doc.utf16
        let d = analyzer.analyzeDocument(utf16: original, spamFilter: SpamFilter())
        let n = d.analysis.normalized
        #expect(n.sourceMapIsWhole(sourceLength: original.count))
        // The public two-step API gives the same text.
        #expect(analyzer.normalizer.normalize(original, removing: SpamFilter().spans(in: original)).units == n.units)
        #expect(SpamFilter().spans(in: original) == d.spamSpans)

        var failures: [String] = []
        for t in d.analysis.tokens {
            let r = t.source
            let inside = d.spamSpans.compactMap { s -> Range<Int>? in
                let a = max(s.lowerBound, r.lowerBound), b = min(s.upperBound, r.upperBound)
                return a < b ? (a - r.lowerBound)..<(b - r.lowerBound) : nil
            }
            let renormalized = analyzer.normalizer.normalize(Array(original[r]), removing: inside).string
            if renormalized != t.term { failures.append("\(t): \(substring(original, r)) → \(renormalized)") }
        }
        #expect(failures.isEmpty, "\(failures.count) bad tokens in \(doc.name): \(failures.prefix(10))")
    }

    /// A span at the very start merges into the following unit; removing everything leaves nothing.
    @Test func spanAtTheStartAndWholeText() {
        let normalizer = Normalizer()
        let src = Array("包養網先生".utf16)
        let n = normalizer.normalize(src, removing: [0..<3])
        #expect(n.string == "先生")
        #expect(n.sourceRange(of: 0..<1) == 0..<4)
        #expect(n.sourceRange(of: 0..<2) == 0..<5)
        #expect(normalizer.normalize(src, removing: [0..<5]).count == 0)
        #expect(normalizer.normalize(src, removing: [2..<1_000]).string == "包养")
        #expect(normalizer.normalize(src, removing: []).string == "包养网先生")
    }
}
