import IPSearchWeb
import IPSearchTestSupport
import Testing

@Suite struct HTMLTests {
    @Test func escapingTurnsMarkupIntoText() {
        #expect(HTML.escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        #expect(HTML.escape("\"><img src=x onerror=alert(1)>") == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        #expect(HTML.escape("A&B 地理標志") == "A&amp;B 地理標志")
        // Already-escaped text is escaped again (shown literally), never decoded.
        #expect(HTML.escape("&lt;") == "&amp;lt;")
    }

    @Test func highlightsAreUnicodeScalarRangesOfTheText() {
        // 𠀀 is one scalar (two UTF-16 units): offsets after it must not shift.
        let text = "𠀀地理標志與<商標>"
        #expect(HTML.highlighted(text, [[1, 5]]) == "𠀀<mark>地理標志</mark>與&lt;商標&gt;")
        #expect(HTML.highlighted(text, [[7, 9], [1, 3]]) == "𠀀<mark>地理</mark>標志與&lt;<mark>商標</mark>&gt;")
        #expect(HTML.highlighted(text, []) == "𠀀地理標志與&lt;商標&gt;")
    }

    @Test func malformedHighlightsNeverTrapOrNest() {
        let text = "知识产权"
        // Overlapping and touching ranges merge; reversed, empty, short and out-of-range ones are dropped or clamped.
        #expect(HTML.highlighted(text, [[0, 2], [1, 3]]) == "<mark>知识产</mark>权")
        #expect(HTML.highlighted(text, [[0, 1], [1, 2]]) == "<mark>知识</mark>产权")
        #expect(HTML.highlighted(text, [[3, 1], [2, 2], [5], [-4, 1], [3, 99]]) == "<mark>知</mark>识产<mark>权</mark>")
        #expect(HTML.highlighted("", [[0, 3]]) == "")
        #expect(HTML.highlighted(text, [[Int.min, Int.max]]) == "<mark>知识产权</mark>")
    }
}
