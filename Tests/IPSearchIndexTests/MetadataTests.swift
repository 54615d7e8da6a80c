import Foundation
import IPSearchTestSupport
import Testing
import IPSearchAnalysis
@testable import IPSearchIndex

@Suite struct MetadataTests {
    struct Expected: Sendable, CustomStringConvertible {
        var prefix: String
        var title: String
        var date: String?
        var source: String?
        var description: String { prefix }
    }

    /// Titles, dates and sources of the five real press releases, as read from the files:
    /// - 000 has no headline: its first line is the lead paragraph (with converter pinyin such as
    ///   `經(jīng)緯`) starting with the dateline `中新經緯11月29日電 29日,`; the title is that paragraph
    ///   without pinyin and dateline, cut to 60 characters. It has no full date; the dateline's year is
    ///   the only year it states on its own (`《2024年全球創新指數》`; `(2023―2025年)` is a range), and
    ///   its agency is the source.
    /// - 001 starts with navigation crumbs (`检索方式`, `特色专利数据`, …) before the headline, then
    ///   `2022-08-09     来源:中国知识产权报`.
    /// - 002's headline carries the site suffix `_中國網`; its first full date is `2025年4月24日`.
    /// - 003's first line is `專利轉化運用在行動|` + the lead paragraph; no full date (`2023年10月`), no
    ///   source field, no dateline.
    /// - 004 starts with the crumb `消费资讯` (twice), then the headline, then `2022-09-21 10:11:37 杭州网`;
    ///   after the body `来源:中国消费者报•中国消费网     作者:…`, then `『相关阅读』` and a `More>>` list.
    static let expected: [Expected] = [
        Expected(prefix: "000",
                 title: "國家知識產權局新聞發言人、辦公室主任衡付在11月例行新聞發布會上披露,前三季度,知識產權使用費進出口總額達3072億元…",
                 date: "2024-11-29", source: "中新经纬"),
        Expected(prefix: "001", title: "答好“两张卷” 奋进新征程", date: "2022-08-09", source: "中国知识产权报"),
        Expected(prefix: "002", title: "國一包養經驗新辦就2024年中國知識產權強國建設有關情況舉行新聞發布會", date: "2025-04-24", source: "中国网"),
        Expected(prefix: "003", title: "專利轉化運用在行動", date: nil, source: nil),
        Expected(prefix: "004", title: "加快打造知识产权强国建设先行省 浙江召开全省知识产权保护和发展大会", date: "2022-09-21", source: "中国消费者报"),
    ]

    @Test(arguments: expected)
    func corpusTitleAndDate(_ e: Expected) throws {
        let name = try Fixtures.name(e.prefix)
        let decoded = try TextDecoder.decode(Fixtures.bytes(name))
        let meta = DocumentMetadata.extract(from: decoded.text, fallbackTitle: String(name.dropLast(4)))
        print("\(name): title «\(meta.title)» date \(meta.date ?? "nil") source \(meta.source ?? "nil")")
        #expect(meta.title == e.title)
        #expect(meta.date == e.date)
        #expect(meta.source == e.source)
        #expect(meta.url == nil)
        // Sensible: no crumbs, no suffix, no pinyin debris, not too long.
        #expect(!meta.title.isEmpty && meta.title.count <= DocumentMetadata.maxTitleLength)
        #expect(!meta.title.contains("检索方式") && !meta.title.contains("消费资讯") && !meta.title.hasSuffix("_中國網"))
        #expect(!meta.title.contains("(jīng)") && !meta.title.contains("(chǎn)"))
    }

    /// The same documents in Traditional script (GB18030 bytes would decode to the same text; here the
    /// script itself changes): the source folds to the same Simplified form.
    @Test func sourceIsFoldedToSimplified() throws {
        let text = try Fixtures.text(Fixtures.name("004")).replacingOccurrences(of: "来源:中国消费者报", with: "來源:中國消費者報")
        let meta = DocumentMetadata.extract(from: text, fallbackTitle: "x")
        #expect(meta.source == "中国消费者报")
    }

    /// The index stores the same metadata the extractor finds.
    /// The headlines the index shows: the zoner's clean title (spam removed, 000's from its
    /// `本文鏈接:` line) where the text-only heuristic above falls short.
    static let indexedTitles = [
        "000": "國家知識產權局:前三季度知識產權使用費進出口額創新高",
        "002": "國新辦就2024年中國知識產權強國建設有關情況舉行新聞發布會",
    ]

    @Test func indexedMetadataMatches() throws {
        let box = try Sandbox("meta-index")
        try box.run()
        let reader = try IndexReader(directory: box.index)
        for e in Self.expected {
            let name = try Fixtures.name(e.prefix)
            let doc = try #require(try reader.document(id: name))
            #expect(doc.title == (Self.indexedTitles[e.prefix] ?? e.title), "\(name)")
            #expect(doc.date == e.date, "\(name)")
            #expect(doc.source == e.source, "\(name)")
            #expect(doc.encoding == "UTF-8")
        }
    }

    @Test func frontMatterWins() {
        let text = """
            ---
            title: 国家知识产权局举行新闻发布会
            date: 2025-04-24
            source: https://example.org/press/1
            ---
            加快打造知识产权强国建设先行省 浙江召开全省知识产权保护和发展大会
            2022-09-21 10:11:37   杭州网
            正文。
            """
        let meta = DocumentMetadata.extract(from: text, fallbackTitle: "fallback")
        #expect(meta.title == "国家知识产权局举行新闻发布会")
        #expect(meta.date == "2025-04-24")
        // A source that is a URL: its host is the source, and it is the document's URL.
        #expect(meta.source == "example.org")
        #expect(meta.url == "https://example.org/press/1")
    }

    @Test func frontMatterQuotedValuesChineseDateAndURL() {
        let text = """
            ---
            Title: "专利转化运用专项行动方案"
            date: 2022年9月21日
            url: 'https://example.org/a?b=1'
            ---
            正文第一段落写在这里,足够长的一行文字。
            """
        let meta = DocumentMetadata.extract(from: text, fallbackTitle: "fallback")
        #expect(meta.title == "专利转化运用专项行动方案")
        #expect(meta.date == "2022-09-21")
        #expect(meta.url == "https://example.org/a?b=1")
        // No source field anywhere: the URL's host.
        #expect(meta.source == "example.org")
    }

    /// Front matter with only some fields: the rest comes from the body.
    @Test func partialFrontMatterFallsBackToBody() {
        let text = "---\nsource: https://example.org/x\n---\n消费资讯\n浙江召开全省知识产权保护和发展大会\n2022年9月21日 杭州网\n"
        let meta = DocumentMetadata.extract(from: text, fallbackTitle: "fallback")
        #expect(meta.title == "浙江召开全省知识产权保护和发展大会")
        #expect(meta.date == "2022-09-21")
        #expect(meta.source == "example.org")
        #expect(meta.url == "https://example.org/x")
    }

    /// Files saved on Windows have CRLF line ends; the front matter must still be recognised.
    @Test func frontMatterWithCRLFLineEnds() {
        let text = "---\r\ntitle: 国家知识产权局举行新闻发布会\r\ndate: 2025-04-24\r\nsource: 中國網\r\nurl: https://www.china.org.cn/a/1.htm\r\n---\r\n浙江召开全省知识产权保护和发展大会\r\n来源:新华网\r\n"
        let meta = DocumentMetadata.extract(from: text, fallbackTitle: "fallback")
        #expect(meta.title == "国家知识产权局举行新闻发布会")
        #expect(meta.date == "2025-04-24")
        #expect(meta.source == "中国网")
        #expect(meta.url == "https://www.china.org.cn/a/1.htm")
    }

    @Test func unclosedFrontMatterIsBody() {
        let text = "---\ntitle: 不是前言\n浙江召开全省知识产权保护和发展大会\n"
        let meta = DocumentMetadata.extract(from: text, fallbackTitle: "fallback")
        #expect(meta.source == nil)
        #expect(meta.title != "不是前言")
    }

    @Test(arguments: [
        ("2022年9月21日", "2022-09-21"),
        ("2022年09月21日", "2022-09-21"),
        ("2022-9-21", "2022-09-21"),
        ("2022/09/21", "2022-09-21"),
        ("2022.9.1", "2022-09-01"),
        ("2022年9月21号", "2022-09-21"),
    ])
    func dateForms(_ input: String, _ expected: String) {
        #expect(DocumentMetadata.normalizeDate(input) == expected)
        let meta = DocumentMetadata.extract(from: "浙江召开全省知识产权保护和发展大会\n发布于\(input),正文。\n", fallbackTitle: "x")
        #expect(meta.date == expected)
    }

    @Test func notDates() {
        for text in ["2023年10月,国务院办公厅印发", "(2021-2035年)", "电话 20221-09-21", "2022-13-01", "11月29日電"] {
            let meta = DocumentMetadata.extract(from: "浙江召开全省知识产权保护和发展大会\n\(text)\n", fallbackTitle: "x")
            #expect(meta.date == nil, "\(text)")
        }
    }

    @Test func fallbackTitleForTextWithoutHeadline() {
        let meta = DocumentMetadata.extract(from: "短\n短行\n", fallbackTitle: "some-file")
        #expect(meta.title == "some-file")
        #expect(meta.date == nil)
    }
    /// A Markdown document's headline is its first heading, without the `#` marker.
    @Test func markdownHeadingTitle() {
        let meta = DocumentMetadata.extract(from: "# 国家知识产权局举行新闻发布会\n\n2025年4月24日,正文。\n", fallbackTitle: "x")
        #expect(meta.title == "国家知识产权局举行新闻发布会")
        #expect(meta.date == "2025-04-24")
    }

    // MARK: Dates in the text

    /// A wire dateline gives the date when the document states the year elsewhere; without a year,
    /// no date (and the agency is still the source).
    @Test func datelineNeedsAYear() {
        let lead = "中新网北京11月29日电 国家知识产权局29日举行例行新闻发布会,介绍前三季度知识产权工作进展。"
        let none = DocumentMetadata.extract(from: lead + "\n前三季度,专利转化运用成效明显。\n", fallbackTitle: "x")
        #expect(none.date == nil)
        #expect(none.source == "中新网")
        let stated = DocumentMetadata.extract(from: lead + "\n2024年前三季度,专利转化运用成效明显。\n", fallbackTitle: "x")
        #expect(stated.date == "2024-11-29")
        // A range end and a target are no year of the story.
        let plans = DocumentMetadata.extract(from: lead + "\n落实《专利转化运用专项行动方案(2023—2025年)》,到2035年建成知识产权强国。\n", fallbackTitle: "x")
        #expect(plans.date == nil)
        // A full date with the same month and day settles the year, whatever else is written.
        let dated = DocumentMetadata.extract(from: lead + "\n2023年全年……2023年……\n发布会于2024-11-29举行。\n", fallbackTitle: "x")
        #expect(dated.date == "2024-11-29")
        // Traditional dateline with converter pinyin, agency without a place.
        let trad = DocumentMetadata.extract(from: "新華社(shè)北京9月20日電 國家知識產權局發布2022年上半年數據。\n", fallbackTitle: "x")
        #expect(trad.date == "2022-09-20")
        #expect(trad.source == "新华社")
        // A place alone is no agency.
        let place = DocumentMetadata.extract(from: "北京9月20日电 国家知识产权局发布数据。\n", fallbackTitle: "x")
        #expect(place.source == nil)
    }

    /// A related-links list after the body: its dates and 来源 fields are not the document's.
    @Test func relatedLinksGiveNoDateOrSource() {
        let body = "国家知识产权局召开专利转化运用工作推进会\n会议强调,要加快推进专利产业化,促进创新成果转化为现实生产力,各地要结合实际抓好落实。\n"
        for list in [
            "『相关阅读』\n·某地召开知识产权大会 2023-05-06\n·另一条新闻 来源:人民网\n",
            "·某地召开知识产权大会 2023-05-06\n·第二条新闻标题 2023-05-01\n·第三条新闻标题 来源:人民网\n",
            "某地召开知识产权大会 2023-05-06\n第二条新闻标题 2023-05-01\n第三条新闻标题 2023-04-28\n",
            "More>>\n国家知识产权局发布新规 2023/5/6\n",
        ] {
            let meta = DocumentMetadata.extract(from: body + list, fallbackTitle: "x")
            #expect(meta.date == nil, "\(list)")
            #expect(meta.source == nil, "\(list)")
        }
        // The same dated line in the body is the document's date.
        let dated = DocumentMetadata.extract(from: body + "某地召开知识产权大会 2023-05-06\n", fallbackTitle: "x")
        #expect(dated.date == "2023-05-06")
    }

    /// Boilerplate zones passed by the caller (UTF-16 offsets): a date inside is not taken, one
    /// outside is.
    @Test func boilerplateZonesFromTheCaller() throws {
        let crumbs = "首页 > 新闻中心 > 2023-01-02 更新\n"
        let text = crumbs + "国家知识产权局召开专利转化运用工作推进会\n正文没有日期。\n来源:中国知识产权报\n"
        let zone = 0..<crumbs.utf16.count
        #expect(DocumentMetadata.extract(from: text, fallbackTitle: "x").date == "2023-01-02")
        let meta = DocumentMetadata.extract(text: text, html: nil, boilerplate: [zone], fallbackTitle: "x")
        #expect(meta.date == nil)
        // A field line the zoner counts as boilerplate still names the source; a list item does not.
        let field = try #require(text.range(of: "来源:中国知识产权报"))
        let fieldZone = text.utf16.distance(from: text.startIndex, to: field.lowerBound)..<text.utf16.count
        #expect(DocumentMetadata.extract(text: text, html: nil, boilerplate: [zone, fieldZone], fallbackTitle: "x").source == "中国知识产权报")
        let item = "国家知识产权局召开专利转化运用工作推进会\n正文。\n某地新闻 来源:人民网\n"
        let itemZone = item.utf16.count - 12..<item.utf16.count
        #expect(DocumentMetadata.extract(text: item, html: nil, boilerplate: [itemZone], fallbackTitle: "x").source == nil)
        #expect(DocumentMetadata.extract(from: item, fallbackTitle: "x").source == "人民网")
    }

    /// A publish label anywhere wins over an earlier date in the lead (a historical one).
    @Test func labelledDateWins() {
        let text = "国家知识产权局召开专利转化运用工作推进会\n2021年9月22日,中共中央、国务院印发《知识产权强国建设纲要》。\n正文。\n发布时间：2022-10-01 09:30 浏览次数:100\n"
        #expect(DocumentMetadata.extract(from: text, fallbackTitle: "x").date == "2022-10-01")
        // "会议时间" is an event's time, not a label of the page.
        let event = "国家知识产权局召开专利转化运用工作推进会\n2022年9月30日,正文。\n会议时间：2022年10月8日\n"
        #expect(DocumentMetadata.extract(from: event, fallbackTitle: "x").date == "2022-09-30")
    }

    @Test(arguments: [
        ("2025-04-24T10:00:00+08:00", "2025-04-24"),
        ("2025-04-24-10:00:46", "2025-04-24"),
        ("2025/4/24 10:00", "2025-04-24"),
        ("20250424", "2025-04-24"),
        ("20250424103000", nil),
        ("2025-02-30", nil),
        ("yesterday", nil),
    ] as [(String, String?)])
    func metaDateForms(_ input: String, _ expected: String?) {
        #expect(DocumentMetadata.normalizeDate(input) == expected)
    }

    // MARK: Sources

    @Test func sourceFieldsAndFolding() {
        let head = "国家知识产权局召开专利转化运用工作推进会\n"
        func source(_ line: String) -> String? {
            DocumentMetadata.extract(from: head + line + "\n正文。\n", fallbackTitle: "x").source
        }
        #expect(source("來源：中國網 作者：张三") == "中国网")
        #expect(source("2022-09-21 10:11  来源： 新华网   编辑：李四") == "新华网")
        #expect(source("来源:https://www.cnipa.gov.cn/art/1.html") == "cnipa.gov.cn")
        #expect(source("来源:【人民日报】") == "人民日报")
        #expect(source("来源：ＣＣＴＶ") == "CCTV")
        #expect(source("数据来源：国家统计局") == nil)
        #expect(source("来源：本站") == nil)
        #expect(source("资金来源于财政拨款") == nil)
        #expect(DocumentMetadata.sourceKey("中國網") == DocumentMetadata.sourceKey("中国网"))
        #expect(DocumentMetadata.sourceKey("ＣＣＴＶ ") == DocumentMetadata.sourceKey("cctv"))
        #expect(DocumentMetadata.sourceKey("中國網") == "中国网")
        #expect(DocumentMetadata.displaySource("中國 網 ") == "中国 网")
    }

    /// Title suffix before 来源 field before dateline agency.
    @Test func sourcePriority() {
        let text = "新华社北京9月20日电 国家知识产权局发布2022年上半年数据。\n来源:人民网\n"
        #expect(DocumentMetadata.extract(from: text, fallbackTitle: "x").source == "人民网")
        let titled = "国家知识产权局发布上半年知识产权数据_中國網\n" + text
        #expect(DocumentMetadata.extract(from: titled, fallbackTitle: "x").source == "中国网")
    }

    // MARK: Web pages

    static func page(head: String, body: String) -> String {
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\(head)</head><body>\(body)</body></html>"
    }

    @Test func htmlMetadataWins() throws {
        let html = try HTMLDocument.parse(Array(Self.page(
            head: """
                <title>国新办就2024年中国知识产权强国建设有关情况举行新闻发布会_中國網</title>
                <meta property="article:published_time" content="2025-04-24T10:00:00+08:00">
                <meta property="og:site_name" content="中國網"><link rel="canonical" href="https://www.china.org.cn/x.htm">
                """,
            body: "<h1>国新办就2024年中国知识产权强国建设有关情况举行新闻发布会</h1><p>2023年1月1日,来源:人民网</p>").utf8))
        let meta = DocumentMetadata.extract(text: html.text, html: html, boilerplate: [], fallbackTitle: "x")
        #expect(meta.title == "国新办就2024年中国知识产权强国建设有关情况举行新闻发布会")
        #expect(meta.date == "2025-04-24")
        #expect(meta.source == "中国网")
        #expect(meta.url == "https://www.china.org.cn/x.htm")
    }

    /// A page without metadata: its title suffix names the source; dates and fields come from the
    /// visible text, and never from its scripts.
    @Test func htmlWithoutMetaFallsBackToText() throws {
        let html = try HTMLDocument.parse(Array(Self.page(
            head: "<title>浙江召开全省知识产权保护和发展大会 - 杭州网</title><script>var d = '2020-01-01';</script>",
            body: """
                <div class="crumbs">消费资讯</div><h1>浙江召开全省知识产权保护和发展大会</h1>
                <div class="info">2022-09-21 10:11:37 来源:中国消费者报</div><p>正文。</p>
                <div class="related"><h3>相关阅读</h3><ul><li>某某新闻 2021-01-01</li></ul></div>
                """).utf8))
        let meta = DocumentMetadata.extract(text: html.text, html: html, boilerplate: [], fallbackTitle: "x")
        #expect(meta.title == "浙江召开全省知识产权保护和发展大会")
        #expect(meta.date == "2022-09-21")
        #expect(meta.source == "杭州网")
        #expect(meta.url == nil)
    }

    /// The real press releases saved as web pages in GB18030 with no metadata at all: the same date
    /// and source as the plain text.
    @Test(arguments: expected)
    func corpusDocumentsAsPages(_ e: Expected) throws {
        let text = try Fixtures.text(Fixtures.name(e.prefix))
        var body = ""
        for line in text.split(separator: "\n") {
            body += "<p>" + line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;") + "</p>\n"
        }
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"></head><body>\(body)</body></html>"
        let bytes = try #require(TextDecoder.encode(page, as: "GB18030"))
        let html = try HTMLDocument.parse(bytes)
        #expect(html.encoding == "GB18030")
        let meta = DocumentMetadata.extract(text: html.text, html: html, boilerplate: [], fallbackTitle: "x")
        #expect(meta.date == e.date)
        #expect(meta.source == e.source)
    }

    /// Cheap enough to run on every document: print the throughput on the corpus (no bound asserted).
    @Test func throughput() throws {
        let texts = try Fixtures.names.map { try Fixtures.text($0) }
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        let rounds = 200
        let clock = ContinuousClock()
        var sink = 0
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                for t in texts { sink &+= DocumentMetadata.extract(from: t, fallbackTitle: "x").title.utf8.count }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("DocumentMetadata.extract: \(Double(bytes * rounds) / 1e6 / max(seconds, 1e-9)) MB/s (\(sink))")
        #expect(sink > 0)
    }
}

/// Random documents built from the pieces the scanners look for, with random boilerplate ranges
/// (some out of bounds): extraction never traps, and what it returns is well-formed.
@Suite struct MetadataRobustnessTests {
    static let pieces = ["2025", "2024", "12", "4", "31", "年", "月", "日", "号", "电", "電", "讯", "来源", "來源", ":", "：",
                         "\n", "\r\n", "·", "相关阅读", "More>>", "-", "/", ".", " ", "  ", "\u{3000}", "中國網", "_", "新华社",
                         "北京", "发布时间", "日期", "(jīng)", "產", "---", "title:", "source:", "https://www.x.org/a",
                         "—", "《", "》", "到", "数据", "本站", "𠀀", "\u{301}", "\t"]

    @Test func randomDocuments() {
        var rng = SplitMix64(seed: 20_251_126)
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...60, using: &rng) { text += Self.pieces.randomElement(using: &rng)! }
            let n = text.utf16.count
            var zones: [Range<Int>] = []
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let a = Int.random(in: -3...(n + 3), using: &rng)
                zones.append(a..<(a + Int.random(in: 0...20, using: &rng)))
            }
            let meta = DocumentMetadata.extract(text: text, html: nil, boilerplate: zones, fallbackTitle: "x")
            if let date = meta.date {
                #expect(date.utf8.count == 10 && DocumentMetadata.normalizeDate(date) == date, "\(text.debugDescription)")
            }
            if let source = meta.source {
                #expect(!source.isEmpty && DocumentMetadata.displaySource(source) == source, "\(text.debugDescription)")
            }
            #expect(!meta.title.isEmpty)
        }
    }
}
