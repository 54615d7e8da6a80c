import Testing
import IPSearchAnalysis
@testable import IPSearch

@Suite struct HighlighterTests {
    let analyzer = try! Analyzer()

    func parts(_ q: String) throws -> [QueryPart] { try Query.parse(q, analyzer: analyzer).positiveParts }

    @Test func shortTextIsQuotedWholeWithExactHighlights() throws {
        // 產(chǎn) is 7 scalars and 權(quán) 6: the highlight of 知识产权 is [2, 18).
        let text = "國家知識產(chǎn)權(quán)局發布\n地理標志保護成果"
        let snippets = Highlighter().snippets(text: text, parts: try parts("知识产权 地理标志"))
        #expect(snippets == [Snippet(text: "國家知識產(chǎn)權(quán)局發布 地理標志保護成果", highlights: [[2, 18], [22, 26]])])
    }

    @Test func longTextIsCutIntoWindowsWithEllipses() throws {
        let filler = String(repeating: "甲", count: 200)
        let text = filler + "专利转化" + filler + "商标注册" + filler
        let snippets = Highlighter(options: SnippetOptions(length: 20, count: 2)).snippets(text: text, parts: try parts("专利 商标"))
        #expect(snippets.count == 2)
        #expect(snippets[0].text == "…甲甲甲甲甲专利转化甲甲甲甲甲甲甲甲甲甲甲…")
        #expect(snippets[0].highlights == [[6, 8]])  // a quarter of the window leads the match
        #expect(snippets[1].text == "…甲甲甲甲甲商标注册甲甲甲甲甲甲甲甲甲甲甲…")
        #expect(snippets[1].highlights == [[6, 8]])
    }

    @Test func windowShowingMoreDistinctPartsWins() throws {
        let filler = String(repeating: "乙", count: 100)
        let text = "专利" + filler + "专利与商标" + filler
        let snippets = Highlighter(options: SnippetOptions(length: 20, count: 1)).snippets(text: text, parts: try parts("专利 商标"))
        #expect(snippets.count == 1)
        #expect(snippets[0].highlights.count == 2)
    }

    /// The archive's releases start with front matter whose `title:` repeats the headline: a
    /// snippet shows the headline in the text, never `--- title: … date: … source: … ---`.
    @Test func frontMatterIsNeverShown() throws {
        let text = "---\ntitle: 在知識產權保護方面,一是持續加強知識產權法治保障。\ndate: 2016-10-01\nsource: 杭州网\n---\n"
            + "当前位置：首页 » 要闻\n在知識產權保護方面,一是持續加強知識產權法治保障。居闲始自遣，临感忽难收。\n"
        for count in [1, 2] {
            let snippets = Highlighter(options: SnippetOptions(length: 40, count: count))
                .snippets(text: text, parts: try parts("知识产权"))
            #expect(!snippets.isEmpty)
            for s in snippets {
                #expect(!s.text.contains("title:") && !s.text.contains("---") && !s.text.contains("source:"), "\(s.text)")
                #expect(!s.highlights.isEmpty)
            }
        }
        // Without a match, the text after the front matter.
        let none = Highlighter(options: SnippetOptions(length: 10, count: 1)).snippets(text: text, parts: try parts("商标"))
        #expect(none.first?.text.hasPrefix("…当前位置") == true, "\(none)")
        // A line of dashes later in a text is not front matter.
        let plain = "专利\n---\n专利"
        #expect(Highlighter().snippets(text: plain, parts: try parts("专利")).first?.highlights.count == 2)
    }

    @Test func supplementaryCharactersAreCountedAsOneScalar() throws {
        let text = "𠀀𠀁专利"
        let snippets = Highlighter().snippets(text: text, parts: try parts("专利"))
        #expect(snippets == [Snippet(text: "𠀀𠀁专利", highlights: [[2, 4]])])
    }
}
