import Testing
import IPSearchAnalysis
import IPSearchTestSupport
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

    /// Removed spans (injected spam, UTF-16 ranges of the stored text) are left out of the window,
    /// also after a character outside the BMP (two UTF-16 units, one scalar), and a match they
    /// interrupt is marked as one.
    @Test func removedSpansAfterASupplementaryCharacterAreLeftOut() throws {
        let text = "𠀀专利[一包養經驗]保护"
        let spam = 4..<11  // "[一包養經驗]" in UTF-16 units
        #expect(Array(text.utf16)[spam.lowerBound] == UInt16(UInt8(ascii: "[")))
        let snippets = Highlighter().snippets(text: text, parts: try parts("专利保护"), removed: [spam])
        #expect(snippets == [Snippet(text: "𠀀专利保护", highlights: [[1, 5]])])
    }

    /// Snippets read stored texts as UTF-8 bytes: every scalar of the real press releases decodes
    /// as `String` decodes it, and bytes that are not UTF-8 read as U+FFFD, one each, never a trap.
    @Test func utf8DecodingMatchesStringAndRepairsBadBytes() throws {
        func decode(_ bytes: [UInt8]) -> [Unicode.Scalar] {
            bytes.withUnsafeBufferPointer { b in
                var i = 0, out: [Unicode.Scalar] = []
                while i < b.count { out.append(Highlighter.decodeScalar(b, at: &i)) }
                return out
            }
        }
        let names = try Repository.corpusNames()
        #expect(names.count == 5)
        for name in names {
            let text = String(decoding: try Repository.corpusBytes(name), as: UTF8.self)
            #expect(decode(Array(text.utf8)) == Array(text.unicodeScalars), "\(name)")
        }
        // A cut 3-byte sequence, a stray continuation byte, 0xFF, an emoji, an encoded surrogate.
        let bad: [UInt8] = [0x41, 0xE4, 0xB8, 0x42, 0xFF, 0xF0, 0x9F, 0x98, 0x80, 0xED, 0xA0, 0x80, 0x43, 0xE4]
        #expect(decode(bad) == ["A", "\u{FFFD}", "\u{FFFD}", "B", "\u{FFFD}", "😀", "\u{FFFD}", "\u{FFFD}", "\u{FFFD}", "C", "\u{FFFD}"])
    }
}
