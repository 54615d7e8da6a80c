import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

@Suite struct HTMLTests {
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// The non-empty lines of a text, each with its whitespace runs collapsed to one space.
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{A0}" }).joined(separator: " ")
        }.filter { !$0.isEmpty }
    }

    /// A real press release saved as a web page: every line a `<p>`, with site chrome, scripts and
    /// styles around it. The visible text is the document's lines, in order, and nothing else.
    @Test(arguments: ["000", "002", "004"])
    func corpusDocumentAsPage(_ prefix: String) throws {
        let doc = try Corpus.document(prefix)
        let body = Self.lines(doc.text).map { "<p>\(Self.escape($0))</p>" }.joined(separator: "\n")
        let page = """
            <!DOCTYPE html>
            <html lang="zh"><head><meta charset="utf-8"><title>页面标题_中国网</title>
            <style>p { color: red } .nav { 文字样式: 1 }</style>
            <script>var 脚本变量 = "不可见的脚本文字";</script></head>
            <body><header><a href="/">首页</a> <a href="/news">站点导航栏目</a></header>
            <nav><ul><li>新闻</li><li>导航菜单项</li></ul></nav>
            <article>\(body)</article>
            <footer>版权所有 页脚文字</footer>
            <script>document.write("写入的脚本文字")</script>
            </body></html>
            """
        let html = try HTMLDocument.parse(Array(page.utf8))
        #expect(Self.lines(html.text) == Self.lines(doc.text))
        for hidden in ["不可见的脚本文字", "文字样式", "站点导航栏目", "导航菜单项", "页脚文字", "写入的脚本文字", "页面标题"] {
            #expect(!html.text.contains(hidden), "\(hidden)")
        }
        #expect(html.encoding == "UTF-8")
    }

    @Test func metadataFromHead() throws {
        let page = """
            <html><head>
            <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
            <title>国家知识产权局举行新闻发布会 - 新闻中心 - 中国网</title>
            <meta property="og:title" content="OG 标题">
            <meta property="og:site_name" content="中國網">
            <meta name="source" content="国家知识产权局">
            <meta name="PubDate" content="2025-04-25 09:00">
            <meta property="article:published_time" content="2025-04-24T10:00:00+08:00">
            <link rel="stylesheet" href="/a.css"><link rel="Canonical" href="https://www.china.org.cn/a/1.htm">
            </head><body><div class="logo"><h2>中国网</h2></div>
            <h1>国家知识产权局举行新闻发布会</h1><p>正文第一段。</p></body></html>
            """
        let html = try HTMLDocument.parse(Array(page.utf8))
        #expect(html.documentTitle == "国家知识产权局举行新闻发布会 - 新闻中心 - 中国网")
        #expect(html.titleSuffix == "中国网")
        #expect(html.h1 == "国家知识产权局举行新闻发布会")
        #expect(html.title == "国家知识产权局举行新闻发布会")
        #expect(html.ogTitle == "OG 标题")
        // article:published_time outranks PubDate, whatever their order.
        #expect(html.metaDate == "2025-04-24T10:00:00+08:00")
        #expect(html.siteName == "中國網")
        #expect(html.sourceName == "国家知识产权局")
        #expect(html.metaSource == "中國網")
        #expect(html.canonicalURL == "https://www.china.org.cn/a/1.htm")
        #expect(Self.lines(html.text) == ["中国网", "国家知识产权局举行新闻发布会", "正文第一段。"])
    }

    /// Chinese sites' own meta names, and og:url when there is no canonical link.
    @Test func chineseSiteMetaNames() throws {
        let page = """
            <html><head><title>答好“两张卷” 奋进新征程</title>
            <meta name="publishdate" content="2022-08-09"><meta name="SiteName" content="中国知识产权报">
            <meta name="ContentSource" content="中国知识产权报社"><meta property="og:url" content="https://example.org/x">
            </head><body><p>正文</p></body></html>
            """
        let html = try HTMLDocument.parse(Array(page.utf8))
        #expect(html.metaDate == "2022-08-09")
        #expect(html.siteName == "中国知识产权报")
        #expect(html.sourceName == "中国知识产权报社")
        #expect(html.canonicalURL == "https://example.org/x")
        #expect(html.title == "答好“两张卷” 奋进新征程")
        #expect(html.titleSuffix == nil)
    }

    /// A page saved in GB18030 that declares `gb2312` (as most mainland pages of that era do) and a
    /// Big5 page that declares `big5`: decoded with the declared charset, same text as the UTF-8 page.
    @Test(arguments: [("GB18030", "gb2312", "国家知识产权局发布《专利转化运用专项行动方案》"),
                      ("Big5", "big5", "國家知識產權局發布專利轉化運用專項行動方案")])
    func declaredLegacyCharset(_ charset: String, _ declared: String, _ headline: String) throws {
        let page = """
            <html><head><meta http-equiv="Content-Type" content="text/html; charset=\(declared)">
            <title>\(headline)_中國網</title></head>
            <body><h1>\(headline)</h1><p>第一段:知識產權強國建設。</p><p>第二段&nbsp;內容。</p></body></html>
            """
        let bytes = try #require(TextDecoder.encode(page, as: charset))
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        #expect(HTMLDocument.declaredCharset(bytes) == charset)
        let html = try HTMLDocument.parse(bytes)
        let utf8 = try HTMLDocument.parse(Array(page.utf8))
        #expect(html.encoding == charset)
        #expect(html.text == utf8.text)
        #expect(html.title == headline)
        #expect(html.titleSuffix == "中國網")
        #expect(Self.lines(html.text) == [headline, "第一段:知識產權強國建設。", "第二段 內容。"])
    }

    /// `<meta charset>` (HTML5 form) and no declaration at all (detected).
    @Test func metaCharsetAndDetection() throws {
        let doc = try Corpus.document("004")
        let text = Self.lines(doc.text).prefix(12).map { "<p>\(Self.escape($0))</p>" }.joined()
        for head in ["<meta charset='GBK'>", ""] {
            let page = "<html><head>\(head)</head><body>\(text)</body></html>"
            let bytes = try #require(TextDecoder.encode(page, as: "GB18030"))
            let html = try HTMLDocument.parse(bytes)
            #expect(html.encoding == "GB18030", "\(head)")
            #expect(Self.lines(html.text) == Array(Self.lines(doc.text).prefix(12)), "\(head)")
        }
    }

    /// A page that declares gb2312 but was saved as UTF-8: the bytes decide.
    @Test func wrongDeclarationUTF8Wins() throws {
        let page = "<html><head><meta charset=gb2312></head><body><p>知识产权强国建设</p></body></html>"
        let html = try HTMLDocument.parse(Array(page.utf8))
        #expect(html.encoding == "UTF-8")
        #expect(html.text == "知识产权强国建设")
    }

    /// Tag soup: unclosed paragraphs and divs, misnested inline tags, a stray `</div>`, no `<html>`,
    /// `<body>` or closing tags, an unterminated comment at the very end. All text is still there.
    @Test func brokenHTMLStillGivesText() throws {
        let page = "<title>未闭合的页面</title><div><p>第一段<b>加粗<i>斜体</b>继续</i><p>第二段</div></div><table><tr><td>单元格一<td>单元格二<tr><td>下一行<div>最后的文字 <!-- 注释"
        let html = try HTMLDocument.parse(Array(page.utf8))
        #expect(html.title == "未闭合的页面")
        for piece in ["第一段", "加粗", "斜体", "继续", "第二段", "单元格一 单元格二", "下一行", "最后的文字"] {
            #expect(html.text.contains(piece), "\(piece) in \(html.text)")
        }
        #expect(!html.text.contains("注释"))
        #expect(!html.text.contains("<"))
    }

    @Test func garbageAndEmptyInput() throws {
        #expect(throws: HTMLError.decode(.empty)) { try HTMLDocument.parse([]) }
        let odd = try HTMLDocument.parse(Array("<<<>>><!><//p></>&&&;&#xFFFFFFFF;<p".utf8))
        #expect(!odd.text.contains("<p"))
        let onlyTags = try HTMLDocument.parse(Array("<html><body></body></html>".utf8))
        #expect(onlyTags.text.isEmpty)
        #expect(onlyTags.title == nil)
    }

    /// Whitespace as a browser renders it: runs collapse, a source line break between two CJK
    /// characters disappears (between Latin words it is a space), `<br>` breaks the line, `<pre>`
    /// keeps its layout, entities are decoded.
    @Test func whitespaceLikeABrowser() throws {
        let page = """
            <body><p>  知识
              产权   强国  </p><p>hello
            world</p><div>一行<br>两行<br><br><br>三行</div><pre>  保留
              缩进</pre><p>A&amp;B &#x4E2D;&#22269; &lt;标签&gt;</p></body>
            """
        let html = try HTMLDocument.parse(Array(page.utf8))
        #expect(html.text == "知识产权 强国\n\nhello world\n\n一行\n两行\n\n三行\n  保留\n  缩进\n\nA&B 中国 <标签>")
    }

    /// What is dropped and what stays: hidden elements, noscript, template, forms' controls, landmark
    /// roles; an article's own header and footer stay, and so does an aside.
    @Test func chromeAndHiddenElements() throws {
        let page = """
            <body>
            <div role="navigation">导航一</div><div role="banner">横幅</div>
            <header><h1>网站名称</h1></header>
            <main><article><header><h1>真正的标题</h1><p>2025年4月24日</p></header>
            <p>正文。</p><p hidden>隐藏一</p><p aria-hidden="true">隐藏二</p><p style="display: none">隐藏三</p>
            <p style="visibility:hidden">隐藏四</p><noscript>无脚本</noscript><template>模板</template>
            <form><input value="输入框"><select><option>选项</option></select><button>按钮</button><textarea>文本框</textarea>表单文字</form>
            <footer>文章脚注</footer></article><aside>侧栏</aside></main>
            <footer>网站页脚</footer><div role="contentinfo">信息</div>
            </body>
            """
        let html = try HTMLDocument.parse(Array(page.utf8))
        #expect(Self.lines(html.text) == ["真正的标题", "2025年4月24日", "正文。", "表单文字", "文章脚注", "侧栏"])
        // The site's banner h1 is not the first visible h1.
        #expect(html.h1 == "真正的标题")
        #expect(html.title == "真正的标题")
    }

    /// The headline: `<h1>` when `<title>` starts with it (after folding: a Traditional title, a
    /// Simplified h1); `<title>` without its suffix when the h1 is something else (a logo).
    @Test func titleChoice() throws {
        func title(_ head: String, _ body: String) throws -> HTMLDocument {
            try HTMLDocument.parse(Array("<html><head>\(head)</head><body>\(body)</body></html>".utf8))
        }
        var d = try title("<title>國新辦舉行新聞發布會_中國網</title>", "<h1>国新办举行新闻发布会</h1>")
        #expect(d.title == "国新办举行新闻发布会")
        d = try title("<title>国新办就2024年中国知识产权强国建设有关情况举行新闻发布会_中国网</title>", "<h1>中国网</h1>")
        #expect(d.title == "国新办就2024年中国知识产权强国建设有关情况举行新闻发布会")
        #expect(d.titleSuffix == "中国网")
        d = try title("", "<h1>只有一级标题</h1>")
        #expect(d.title == "只有一级标题")
        d = try title("<meta property='og:title' content='只有OG标题 | 某网'>", "<p>x</p>")
        #expect(d.title == "只有OG标题")
        d = try title("<title>《知识产权强国建设纲要（2021—2035年）》全文</title>", "")
        #expect(d.title == "《知识产权强国建设纲要（2021—2035年）》全文")
        #expect(d.titleSuffix == nil)
    }

    @Test(arguments: [
        ("国新办举行新闻发布会_中國網", "国新办举行新闻发布会", "中國網"),
        ("标题在这里 - 新闻中心 - 新华网", "标题在这里", "新华网"),
        ("专利转化运用在行动_专利_中国政府网", "专利转化运用在行动", "中国政府网"),
        ("知识产权强国建设纲要｜国家知识产权局", "知识产权强国建设纲要", "国家知识产权局"),
        ("专利——从申请到授权", "专利——从申请到授权", nil),
        ("2023-2025年专利转化运用专项行动方案", "2023-2025年专利转化运用专项行动方案", nil),
        ("短_中国网", "短_中国网", nil),
    ] as [(String, String, String?)])
    func siteSuffix(_ input: String, _ title: String, _ site: String?) {
        let split = HTMLDocument.splitSiteSuffix(input)
        #expect(split.title == title)
        #expect(split.site == site)
    }

    @Test func looksLikeHTML() {
        #expect(HTMLDocument.looksLikeHTML(path: "a/b/page.HTML", bytes: []))
        #expect(HTMLDocument.looksLikeHTML(path: "page.htm", bytes: Array("纯文本".utf8)))
        #expect(HTMLDocument.looksLikeHTML(path: "saved.txt", bytes: [0xEF, 0xBB, 0xBF] + Array("\n  <!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">".utf8)))
        #expect(HTMLDocument.looksLikeHTML(path: "saved.txt", bytes: Array("<!-- saved from url=(0042) -->\n<html lang=zh>".utf8)))
        #expect(!HTMLDocument.looksLikeHTML(path: "note.txt", bytes: Array("国家知识产权局 <html> 标签说明".utf8)))
        #expect(!HTMLDocument.looksLikeHTML(path: "note.md", bytes: Array("<htmlfoo>".utf8)))
        #expect(!HTMLDocument.looksLikeHTML(path: "note.txt", bytes: []))
    }
}

/// Random tag soup and random bytes never trap the parser; parsing from many threads at once gives
/// the same result as one at a time (libxml2 is initialised once, its error handlers are per thread).
@Suite struct HTMLRobustnessTests {
    static let pieces = ["<p>", "</p>", "<div>", "</div>", "<br>", "<script>", "</script>", "<style>", "<!--", "-->",
                         "<meta charset=gbk>", "<meta property=og:site_name content=中国网>", "<title>", "</title>",
                         "<h1>", "</h1>", "<header>", "</header>", "<article>", "<pre>", "&amp;", "&#x0;", "&#99999999;",
                         "&nbsp;", "<", ">", "\"", "'", "=", " ", "\n", "知识", "產權", "abc", "<![CDATA[", "]]>", "<?xml ?>",
                         "<table><tr><td>", "<nav>", "<template>", "<svg><text>字</text></svg>", "\u{0}", "<html>", "<body>"]

    @Test func randomPagesAndBytes() {
        var rng = SplitMix64(seed: 7)
        for round in 0..<1_500 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                var page = ""
                for _ in 0..<Int.random(in: 0...80, using: &rng) { page += Self.pieces.randomElement(using: &rng)! }
                bytes = Array(page.utf8)
            }
            if let doc = try? HTMLDocument.parse(bytes) {
                #expect(!doc.text.contains("\u{0}"))
            }
            _ = HTMLDocument.looksLikeHTML(path: "x.txt", bytes: bytes)
        }
    }

    @Test func parallelParsesAgree() async throws {
        let doc = try Corpus.document("002")
        let page = "<html><head><title>t</title></head><body>" + HTMLTests.lines(doc.text).map { "<p>\(HTMLTests.escape($0))</p>" }.joined() + "</body></html>"
        let bytes = Array(page.utf8)
        let one = try HTMLDocument.parse(bytes)
        let all = try await withThrowingTaskGroup(of: HTMLDocument.self) { group in
            for _ in 0..<8 { group.addTask { try HTMLDocument.parse(bytes) } }
            var out: [HTMLDocument] = []
            for try await d in group { out.append(d) }
            return out
        }
        #expect(all.count == 8)
        #expect(all.allSatisfy { $0 == one })
    }
}
