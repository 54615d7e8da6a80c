import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

/// Title, body and boilerplate zones of the real press releases.
@Suite struct ZoneTests {
    /// The kind of the zone holding original offset `at`.
    static func kind(_ zones: [Zone], at offset: Int) -> ZoneKind? {
        zones.first { $0.range.contains(offset) }?.kind
    }

    /// Original UTF-16 offsets of the lines of `doc` that satisfy `where`.
    static func lineOffsets(_ doc: Corpus.Document, where keep: (String) -> Bool) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var offset = 0
        for line in doc.text.split(separator: "\n", omittingEmptySubsequences: false) {
            let s = String(line)
            if keep(s) { result.append((offset, s)) }
            offset += s.utf16.count + 1
        }
        return result
    }

    @Test(arguments: try Corpus.documents)
    func zonesCoverTheTextExactly(_ doc: Corpus.Document) throws {
        let d = try Analyzer().analyzeDocument(doc.text, spamFilter: SpamFilter())
        let zones = d.zones
        #expect(zones.first?.range.lowerBound == 0)
        #expect(zones.last?.range.upperBound == doc.utf16.count)
        for k in zones.indices {
            #expect(!zones[k].range.isEmpty)
            if k > 0 {
                #expect(zones[k].range.lowerBound == zones[k - 1].range.upperBound)
                #expect(zones[k].kind != zones[k - 1].kind)
            }
        }
        // Every document has a title and most of its text is body.
        #expect(d.title != nil)
        let body = zones.filter { $0.kind == .body }.reduce(0) { $0 + $1.range.count }
        #expect(body * 2 > doc.utf16.count, "\(doc.name): body is \(body) of \(doc.utf16.count)")
        // Normalized zone starts: sorted, from 0, one per change of kind, consistent with the
        // original zones for every normalized unit.
        #expect(d.zoneStarts.first == 0)
        #expect(zip(d.zoneStarts, d.zoneStarts.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(d.zoneKinds, d.zoneKinds.dropFirst()).allSatisfy { $0 != $1 })
        let n = d.analysis.normalized
        var mismatches = 0
        for i in 0..<n.count where d.zoneKind(at: i) != ZoneTests.kind(zones, at: Int(n.sourceStart[i])) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }

    /// 004: crumbs on top, the headline, the body, then a source line, share bar, related reading,
    /// comment box and a More>> list of thirty unrelated headlines.
    @Test func pressRelease004() throws {
        let doc = try Corpus.document("004")
        let d = try Analyzer().analyzeDocument(doc.text, spamFilter: SpamFilter())
        #expect(d.title == "加快打造知识产权强国建设先行省 浙江召开全省知识产权保护和发展大会")
        let r = try #require(d.titleRange)
        #expect(ZoneTests.kind(d.zones, at: r.lowerBound) == .title)

        func kindOfLine(_ prefix: String) -> [ZoneKind?] {
            ZoneTests.lineOffsets(doc) { $0.hasPrefix(prefix) }.map { ZoneTests.kind(d.zones, at: $0.0) }
        }
        #expect(kindOfLine("消费资讯") == [.boilerplate, .boilerplate])
        #expect(kindOfLine("2022-09-21 10:11:37") == [.boilerplate])
        #expect(kindOfLine("中国消费者报报道") == [.body])
        #expect(kindOfLine("知识产权保护全链条集成改革深入实施") == [.body])
        for marker in ["来源:", "分享到:", "『相关阅读』", "我也来说两句", "会员登录名", "More>>"] {
            #expect(kindOfLine(marker) == [.boilerplate], "\(marker)")
        }
        let headlines = ZoneTests.lineOffsets(doc) { $0.hasPrefix("·") }
        #expect(headlines.count >= 30)
        for (offset, line) in headlines {
            #expect(ZoneTests.kind(d.zones, at: offset) == .boilerplate, "\(line)")
        }

        // Ranking sees the same through normalized positions.
        let a = d.analysis
        let list = try #require(a.occurrences(of: "打击整治养老诈骗").first)
        #expect(d.zoneKind(at: list) == .boilerplate)
        let body = try #require(a.occurrences(of: "浙江省召开全省知识产权保护和发展大会").first)
        #expect(d.zoneKind(at: body) == .body)
        let title = try #require(a.occurrences(of: "加快打造知识产权强国建设先行省").first)
        #expect(d.zoneKind(at: title) == .title)
    }

    /// 002: the title line without spam and site suffix; the suffix and the empty fields are
    /// boilerplate; the comment form at the end is boilerplate; the Q&A is body.
    @Test func pressRelease002() throws {
        let doc = try Corpus.document("002")
        let d = try Analyzer().analyzeDocument(doc.text, spamFilter: SpamFilter())
        let r = try #require(d.titleRange)
        #expect(ZoneTests.kind(d.zones, at: r.lowerBound) == .title)
        #expect(ZoneTests.kind(d.zones, at: r.upperBound) == .boilerplate)  // _中國網
        #expect(d.zoneKind(at: 0) == .title)
        for line in ["作者:", "分類:", "requestId:", "留言", "發佈留言"] {
            let offsets = ZoneTests.lineOffsets(doc) { $0.hasPrefix(line) }
            #expect(!offsets.isEmpty)
            for (o, _) in offsets { #expect(ZoneTests.kind(d.zones, at: o) == .boilerplate, "\(line)") }
        }
        for line in ["國務院新聞辦公室定于", "謝謝主持人", "中央廣播電視總臺央視記者:"] {
            for (o, _) in ZoneTests.lineOffsets(doc, where: { $0.hasPrefix(line) }) {
                #expect(ZoneTests.kind(d.zones, at: o) == .body, "\(line)")
            }
        }
    }

    /// 000 (a wire story: dateline, no headline line), 001 (crumbs, a source line, a footer with
    /// a disclaimer and copyright), 003 (a headline before `|`, a disclaimer at the end).
    @Test func otherDocuments() throws {
        let analyzer = try Analyzer()
        let d0 = analyzer.analyzeDocument(try Corpus.document("000").text, spamFilter: SpamFilter())
        // The lead paragraph has no headline; the `本文鏈接:` line names it (pinyin and URL dropped).
        #expect(d0.title == "國家知識產權局:前三季度知識產權使用費進出口額創新高")
        let doc0 = try Corpus.document("000")
        #expect(ZoneTests.kind(d0.zones, at: 0) == .body)  // the dateline and lead are body
        #expect(ZoneTests.kind(d0.zones, at: try #require(d0.titleRange).lowerBound) == .title)
        #expect(d0.zoneKinds.contains(.title))
        for (o, line) in ZoneTests.lineOffsets(doc0, where: { $0.hasPrefix("本文鏈接") || $0.hasPrefix("聲明") }) {
            #expect(ZoneTests.kind(d0.zones, at: o) == .boilerplate, "\(line.prefix(10))")
        }

        let doc1 = try Corpus.document("001")
        let d1 = analyzer.analyzeDocument(doc1.text, spamFilter: SpamFilter())
        #expect(d1.title == "答好“两张卷” 奋进新征程")
        for prefix in ["检索方式", "开发者中心", "2022-08-09", "本类热点条目", "润桐资讯", "版权所有"] {
            for (o, _) in ZoneTests.lineOffsets(doc1, where: { $0.hasPrefix(prefix) }) {
                #expect(ZoneTests.kind(d1.zones, at: o) == .boilerplate, "\(prefix)")
            }
        }
        for (o, _) in ZoneTests.lineOffsets(doc1, where: { $0.contains("北京市深入学习十九届六中全会精神") }) {
            #expect(ZoneTests.kind(d1.zones, at: o) == .body)
        }

        let doc3 = try Corpus.document("003")
        let d3 = analyzer.analyzeDocument(doc3.text, spamFilter: SpamFilter())
        #expect(d3.title == "專利轉化運用在行動")
        #expect(ZoneTests.kind(d3.zones, at: 0) == .title)
        // The rest of the first paragraph is body.
        #expect(ZoneTests.kind(d3.zones, at: "專利轉化運用在行動|".utf16.count) == .body)
        for (o, _) in ZoneTests.lineOffsets(doc3, where: { $0.hasPrefix("免責聲明") }) {
            #expect(ZoneTests.kind(d3.zones, at: o) == .boilerplate)
        }
    }

    /// A manual page's short title repeated as its heading is the title; a section name repeated
    /// above a press release's headline (004's `消费资讯` twice) is not.
    @Test func shortTitleRepeatedAsHeading() throws {
        let analyzer = try Analyzer()
        func title(_ text: String) -> String? { analyzer.analyzeDocument(text, spamFilter: SpamFilter()).title }
        #expect(title("索引\n索引\n符号\n.gif，Export Image as GIF\n") == "索引")
        #expect(title("术语表\n术语表\nAlpha\nAn Alpha value indicates the transparency of a pixel.\n") == "术语表")
        #expect(title("文件\n名称\n文件 — Key reference for the File menu\n文件\nCtrl + N\n") == "文件")
        #expect(title("编辑\n名称\n编辑 — Key reference for Edit menu\n编辑\n撤销/重做\n") == "编辑")  // reads like a field name
        #expect(title("消费资讯\n消费资讯\n浙江召开全省知识产权保护和发展大会\n2022-09-21 杭州网\n") == "浙江召开全省知识产权保护和发展大会")
        // Without the repeat, a short first line is still a crumb.
        #expect(title("消费资讯\n浙江召开全省知识产权保护和发展大会\n") == "浙江召开全省知识产权保护和发展大会")
    }

    /// The letters a query must cover to be the title: a section number does not count.
    @Test func titleLettersLeaveOutTheSectionNumber() {
        #expect(TitleCleaner.letterCount("第 16 章 菜单") == 2)
        #expect(TitleCleaner.letterCount("第3节 专利") == 2)
        #expect(TitleCleaner.letterCount("章 10. 資料管理") == 4)
        #expect(TitleCleaner.letterCount("12. “帮助”菜单") == 4)
        #expect(TitleCleaner.letterCount("3.1. Menu") == 4)
        #expect(TitleCleaner.letterCount("附录 A. 附录") == 2)
        #expect(TitleCleaner.letterCount("A.1. Debian 迷宫") == 8)
        // No section number: every letter; a title that is only a number keeps its own.
        #expect(TitleCleaner.letterCount("2024年中国知识产权") == 7)
        #expect(TitleCleaner.letterCount("第一章") == 3)
        #expect(TitleCleaner.letterCount("国新办就2024年知识产权") == 9)
    }

    /// Front matter is boilerplate except its title value; a heading repeating it is title too.
    @Test func frontMatter() throws {
        let text = """
            ---
            title: "国家知识产权局举行新闻发布会_中国网"
            date: 2025-04-24
            source: https://example.org/press/1
            ---
            # 国家知识产权局举行新闻发布会

            国家知识产权局今天举行新闻发布会，介绍2024年知识产权工作情况，并回答记者提问。

            相关新闻
            ·第一条新闻标题
            ·第二条新闻标题

            """
        let d = try Analyzer().analyzeDocument(text, spamFilter: SpamFilter())
        #expect(d.title == "国家知识产权局举行新闻发布会")
        let units = Array(text.utf16)
        let r = try #require(d.titleRange)
        #expect(substring(units, r) == "国家知识产权局举行新闻发布会")
        let titleZones = d.zones.filter { $0.kind == .title }.map { substring(units, $0.range) }
        #expect(titleZones == ["国家知识产权局举行新闻发布会", "国家知识产权局举行新闻发布会"])
        func at(_ s: String) -> Int {
            let needle = Array(s.utf16)
            return (0...(units.count - needle.count)).first { Array(units[$0..<($0 + needle.count)]) == needle } ?? -1
        }
        #expect(ZoneTests.kind(d.zones, at: at("date:")) == .boilerplate)
        #expect(ZoneTests.kind(d.zones, at: at("国家知识产权局今天")) == .body)
        #expect(ZoneTests.kind(d.zones, at: at("·第二条")) == .boilerplate)
    }

    @Test func degenerateInputs() throws {
        let analyzer = try Analyzer()
        for text in ["", "\n\n", "短", "---\n---\n", "---\ntitle:\n---", "·a\n·b", "\u{FEFF}"] {
            let d = analyzer.analyzeDocument(text, spamFilter: SpamFilter())
            let n = text.utf16.count
            #expect((d.zones.first?.range.lowerBound ?? 0) == 0)
            #expect((d.zones.last?.range.upperBound ?? 0) == n)
            #expect(d.zones.map(\.range.count).reduce(0, +) == n)
        }
    }
}

/// No input traps the document analysis, and its invariants hold on any text: random mixes of
/// spam keywords, affixes, boilerplate markers, bullets, front-matter rules, pinyin, surrogates
/// and line breaks.
@Suite struct DocumentAnalysisRobustnessTests {
    static let pieces: [String] = [
        "包養", "包养", "網", "甜心", "VIP", "ptt", "一", "統", "先", "生", "20", "25", "-", "“", "”", "「", "」",
        "來源:", "分享到:", "More>>", "·", "•", "...", "…", "免責聲明", "版权所有", "---", "title: ", "\n", "\n\n",
        " ", "\u{00A0}", "\u{3000}", "。", "，", "產(chǎn)", "(", ")", "𠀀", "e\u{301}", "ＡＢＣ", "2024-01-02",
        "國新辦", "知识产权", "承包养殖", "#", "_中國網", "\r\n", "\u{FEFF}",
    ]

    @Test func randomDocuments() throws {
        let analyzer = try Analyzer()
        let filter = SpamFilter()
        var rng = SplitMix64(seed: 0x5A4D)
        var failures: [String] = []
        for _ in 0..<400 {
            var units: [UInt16] = []
            for _ in 0..<Int.random(in: 0...60, using: &rng) {
                let k = Int.random(in: 0...DocumentAnalysisRobustnessTests.pieces.count, using: &rng)
                if k == DocumentAnalysisRobustnessTests.pieces.count {
                    units.append(Bool.random(using: &rng) ? 0xD83D : 0xDC00)  // a lone surrogate
                } else {
                    units += DocumentAnalysisRobustnessTests.pieces[k].utf16
                }
            }
            let text = String(decoding: units, as: UTF16.self)
            let d = analyzer.analyzeDocument(utf16: units, spamFilter: filter)
            let covered = d.zones.map(\.range.count).reduce(0, +)
            if covered != units.count || (d.zones.first.map { $0.range.lowerBound != 0 } ?? false) {
                failures.append("zones do not cover \(text.debugDescription)")
            }
            for k in d.zones.indices.dropFirst() where d.zones[k].range.lowerBound != d.zones[k - 1].range.upperBound {
                failures.append("zones not contiguous in \(text.debugDescription)")
            }
            let n = d.analysis.normalized
            for i in 0..<n.count where n.sourceStart[i] >= n.sourceEnd[i] || Int(n.sourceEnd[i]) > units.count {
                failures.append("bad source range at \(i) in \(text.debugDescription)")
                break
            }
            for r in d.spamSpans where r.isEmpty || r.upperBound > units.count {
                failures.append("bad span \(r) in \(text.debugDescription)")
            }
            if let r = d.titleRange, r.upperBound > units.count || r.isEmpty {
                failures.append("bad title range in \(text.debugDescription)")
            }
            if let t = d.title, t.isEmpty { failures.append("empty title for \(text.debugDescription)") }
            if filter.spans(in: units) != d.spamSpans
                || analyzer.normalizer.normalize(units, removing: d.spamSpans).units != n.units {
                failures.append("the two-step API disagrees on \(text.debugDescription)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(5))")
    }
}
