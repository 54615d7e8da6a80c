import Foundation
import Testing
import IPSearchAnalysis
@testable import IPSearchIndex

@Suite struct MetadataTests {
    struct Expected: Sendable, CustomStringConvertible {
        var prefix: String
        var title: String
        var date: String?
        var description: String { prefix }
    }

    /// Titles and dates of the five real press releases, as read from the files:
    /// - 000 has no headline line at the top: its first line is the lead paragraph (dateline
    ///   `中新經緯11月29日電`); the headline is taken from its `本文鏈接:` line. No full date.
    /// - 001 starts with navigation crumbs (`检索方式`, `特色专利数据`, …) before the headline.
    /// - 002's headline carries the site suffix `_中國網` and injected spam (`國一包養經驗新辦`);
    ///   its first full date is `2025年4月24日`.
    /// - 003's first line is `專利轉化運用在行動|` + the lead paragraph; no full date (`2023年10月`).
    /// - 004 starts with the crumb `消费资讯` (twice), then the headline, then `2022-09-21 10:11:37 杭州网`.
    static let expected: [Expected] = [
        Expected(prefix: "000",
                 title: "國家知識產權局:前三季度知識產權使用費進出口額創新高",
                 date: nil),
        Expected(prefix: "001", title: "答好“两张卷” 奋进新征程", date: "2022-08-09"),
        Expected(prefix: "002", title: "國新辦就2024年中國知識產權強國建設有關情況舉行新聞發布會", date: "2025-04-24"),
        Expected(prefix: "003", title: "專利轉化運用在行動", date: nil),
        Expected(prefix: "004", title: "加快打造知识产权强国建设先行省 浙江召开全省知识产权保护和发展大会", date: "2022-09-21"),
    ]

    @Test(arguments: expected)
    func corpusTitleAndDate(_ e: Expected) throws {
        let name = try Fixtures.name(e.prefix)
        let decoded = try TextDecoder.decode(Fixtures.bytes(name))
        let meta = DocumentMetadata.extract(from: decoded.text, fallbackTitle: String(name.dropLast(4)))
        print("\(name): title «\(meta.title)» date \(meta.date ?? "nil") source \(meta.source ?? "nil")")
        #expect(meta.title == e.title)
        #expect(meta.date == e.date)
        #expect(meta.source == nil)
        // Sensible: no crumbs, no suffix, no pinyin debris, not too long.
        #expect(!meta.title.isEmpty && meta.title.count <= DocumentMetadata.maxTitleLength)
        #expect(!meta.title.contains("检索方式") && !meta.title.contains("消费资讯") && !meta.title.hasSuffix("_中國網"))
        #expect(!meta.title.contains("(jīng)") && !meta.title.contains("(chǎn)"))
    }

    /// The index stores the same metadata the extractor finds.
    @Test func indexedMetadataMatches() throws {
        let box = try Sandbox("meta-index")
        try box.run()
        let reader = try IndexReader(directory: box.index)
        for e in Self.expected {
            let name = try Fixtures.name(e.prefix)
            let doc = try #require(try reader.document(id: name))
            #expect(doc.title == e.title, "\(name)")
            #expect(doc.date == e.date, "\(name)")
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
        #expect(meta.source == "https://example.org/press/1")
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
        #expect(meta.source == "https://example.org/a?b=1")
    }

    /// Front matter with only some fields: the rest comes from the body.
    @Test func partialFrontMatterFallsBackToBody() {
        let text = "---\nsource: https://example.org/x\n---\n消费资讯\n浙江召开全省知识产权保护和发展大会\n2022年9月21日 杭州网\n"
        let meta = DocumentMetadata.extract(from: text, fallbackTitle: "fallback")
        #expect(meta.title == "浙江召开全省知识产权保护和发展大会")
        #expect(meta.date == "2022-09-21")
        #expect(meta.source == "https://example.org/x")
    }

    /// Files saved on Windows have CRLF line ends; the front matter must still be recognised.
    @Test func frontMatterWithCRLFLineEnds() {
        let text = "---\r\ntitle: 国家知识产权局举行新闻发布会\r\ndate: 2025-04-24\r\nsource: https://example.org/press/1\r\n---\r\n浙江召开全省知识产权保护和发展大会\r\n正文。\r\n"
        let meta = DocumentMetadata.extract(from: text, fallbackTitle: "fallback")
        #expect(meta.title == "国家知识产权局举行新闻发布会")
        #expect(meta.date == "2025-04-24")
        #expect(meta.source == "https://example.org/press/1")
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
}
