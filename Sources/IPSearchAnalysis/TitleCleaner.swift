/// Turns a headline line into a clean title, and says which characters of the original it is.
///
/// In order: injected spam (`SpamFilter` spans) and converter pinyin (`產(chǎn)`) are left out; a
/// Markdown heading marker goes; a wire-story dateline (`中新經緯11月29日電 29日,`) is dropped; a short
/// site suffix (`…發布會_中國網`, `… - 中国知识产权网`) is dropped; a long paragraph is cut at its first
/// sentence; what remains longer than `maxLength` characters ends in `…`. Script and wording are the
/// document's own (no folding).
public enum TitleCleaner {
    public static let maxLength = 60

    /// Letters (alphabetic code points: Han, Latin …) of `title` after a leading section number
    /// (`第 16 章`, `第3节`, `章 10.`, `12.`, `3.1.`, `附录 A.`, `Appendix B.`): what a query has to cover to
    /// *be* the title, so `菜单` is all of `第 16 章 菜单`. The whole title's letters when nothing is
    /// left after the number.
    public static func letterCount(_ title: String) -> Int {
        let scalars = Array(title.unicodeScalars)
        func letters(_ s: ArraySlice<Unicode.Scalar>) -> Int { s.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) } }
        let rest = scalars[sectionNumberEnd(scalars)...]
        let n = letters(rest)
        return n > 0 ? n : letters(scalars[...])
    }

    /// Where the text after a leading section number starts (0 when there is none).
    static func sectionNumberEnd(_ s: [Unicode.Scalar]) -> Int {
        var i = 0
        func skipSpaces() { while i < s.count, s[i].properties.isWhitespace { i += 1 } }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
        func isHanNumeral(_ c: Unicode.Scalar) -> Bool { "〇零一二三四五六七八九十百千两".unicodeScalars.contains(c) }
        func skipNumber() -> Bool {
            let start = i
            while i < s.count, isDigit(s[i]) || isHanNumeral(s[i]) { i += 1 }
            return i > start
        }
        // `1.`, `3.1.`, `A.1.`, `12` followed by a space: dotted numbers (a letter only as the first item).
        func skipDotted() -> Bool {
            let start = i
            if i + 1 < s.count, s[i].value >= 0x41 && s[i].value <= 0x5A, s[i + 1] == "." { i += 2 }
            while i < s.count, isDigit(s[i]) {
                while i < s.count, isDigit(s[i]) { i += 1 }
                if i < s.count, s[i] == "." { i += 1 } else { break }
            }
            if i > start, i < s.count, s[i].properties.isWhitespace { return true }
            i = start
            return false
        }
        if s.first == "第" {
            i = 1; skipSpaces()
            if skipNumber() {
                skipSpaces()
                if i < s.count, "章节節篇部条條卷".unicodeScalars.contains(s[i]) { i += 1; skipSpaces(); return i }
            }
            return 0
        }
        for word in ["章", "附录", "附錄", "appendix", "Appendix", "Chapter", "chapter"] {
            let w = Array(word.unicodeScalars)
            if s.count > w.count, Array(s[0..<w.count]) == w {
                i = w.count; skipSpaces()
                let afterWord = i
                if i < s.count, (s[i].value >= 0x41 && s[i].value <= 0x5A) || isDigit(s[i]) {
                    i += 1
                    while i < s.count, isDigit(s[i]) { i += 1 }
                    if i < s.count, s[i] == "." { i += 1 }
                    if i < s.count, s[i].properties.isWhitespace { skipSpaces(); return i }
                }
                i = afterWord
                return 0
            }
        }
        if skipDotted() { skipSpaces(); return i }
        return 0
    }
    /// What ends a title's first sentence (a headline cut from a paragraph ends there).
    @inline(__always)
    public static func isSentenceEnd(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "。", "|", "｜", "!", "！", "?", "？", ";", "；": return true
        default: return false
        }
    }
    /// What stands between a headline and the site name after it: "…发布会_中國網", "… - 中国知识产权网".
    /// Where the text after a wire-story dateline starts in `range` of a line (`中新經緯11月29日電
    /// 29日,` or `新华社北京9月20日电`: a `日` then `電`, `电`, `讯` or `訊` among its first 24
    /// scalars, then a repeated `29日,` if any), or nil when the line has none or little follows it.
    /// Titles of documents (`DocumentMetadata`) and of headlines both start after it.
    public static func datelineEnd(in range: Range<Int>, scalar: (Int) -> Unicode.Scalar) -> Int? {
        let (lo, hi) = (range.lowerBound, range.upperBound)
        func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace || c == "\u{FEFF}" }
        guard let dian = (lo..<min(hi, lo + 24)).first(where: { ["電", "电", "讯", "訊"].contains(scalar($0)) }),
              dian >= lo + 2, scalar(dian - 1) == "日" else { return nil }
        var i = dian + 1
        while i < hi, isSpace(scalar(i)) || scalar(i) == "(" || scalar(i) == "（" { i += 1 }
        // "29日," repeated after the dateline.
        var j = i
        while j < hi, scalar(j).properties.numericType == .decimal { j += 1 }
        if j > i, j < hi, scalar(j) == "日" {
            j += 1
            while j < hi, scalar(j) == "," || scalar(j) == "，" || isSpace(scalar(j)) { j += 1 }
            i = j
        }
        return i < hi - 4 ? i : nil
    }

    public static let siteSeparators: [[Unicode.Scalar]] = [["_"], [" ", "-", " "], ["－"], ["—"]]

    /// Where the last `separator` starts within the last 8 + its length scalars of `range` (only a
    /// short tail can be a site name), nil when it is not there; `scalar(i)` is the i-th scalar.
    public static func lastSeparator(_ separator: [Unicode.Scalar], in range: Range<Int>, scalar: (Int) -> Unicode.Scalar) -> Int? {
        var k = range.upperBound - separator.count
        while k >= max(range.lowerBound, range.upperBound - 8 - separator.count) {
            if (0..<separator.count).allSatisfy({ scalar(k + $0) == separator[$0] }) { return k }
            k -= 1
        }
        return nil
    }

    /// The clean title of one line of text (e.g. an HTML `<title>`), nil when nothing is left.
    public static func clean(_ line: String, spamFilter: SpamFilter? = nil) -> String? {
        let units = Array(line.utf16)
        let spans = spamFilter?.spans(in: units) ?? []
        return extract(units, 0..<units.count, spamSpans: spans)?.title
    }

    struct Extracted {
        var title: String
        /// The original characters the title shows (up to a `…` truncation).
        var range: Range<Int>
        /// Characters before `range` were a dateline (text, not decoration).
        var datelineDropped: Bool
        /// Characters after `range` are the rest of a paragraph (text, not a site suffix).
        var sentenceCut: Bool
    }

    private struct Char {
        var scalar: Unicode.Scalar
        var start: Int
        var end: Int
    }

    /// The title in `units[range]`, skipping `spamSpans` (sorted original ranges).
    static func extract(_ units: [UInt16], _ range: Range<Int>, spamSpans: [Range<Int>]) -> Extracted? {
        var chars: [Char] = []
        units.withUnsafeBufferPointer { src in
            var i = range.lowerBound
            var s = spamSpans.firstIndex { $0.upperBound > i } ?? spamSpans.count
            // Only the head of a line can hold a title: 400 characters decide it.
            while i < range.upperBound, chars.count < 400 {
                while s < spamSpans.count, spamSpans[s].upperBound <= i { s += 1 }
                if s < spamSpans.count, spamSpans[s].contains(i) { i = spamSpans[s].upperBound; continue }
                let (c, len) = Analysis.scalar(src, at: i, limit: range.upperBound)
                var end = i + len
                if Script.isHan(c), let a = PinyinAnnotation.end(in: src, at: end), a <= range.upperBound { end = a }
                chars.append(Char(scalar: Unicode.Scalar(c) ?? "\u{FFFD}", start: i, end: end))
                i = end
            }
        }
        func isSpace(_ c: Char) -> Bool { c.scalar.properties.isWhitespace || c.scalar == "\u{FEFF}" }
        var lo = 0, hi = chars.count
        func trim() {
            while lo < hi, isSpace(chars[lo]) { lo += 1 }
            while hi > lo, isSpace(chars[hi - 1]) { hi -= 1 }
        }
        trim()
        // Markdown heading marker.
        if lo < hi, chars[lo].scalar == "#" {
            while lo < hi, chars[lo].scalar == "#" { lo += 1 }
            trim()
        }
        // Dateline: "中新經緯11月29日電 29日," / "新华社北京9月20日电".
        var datelineDropped = false
        if let end = datelineEnd(in: lo..<hi, scalar: { chars[$0].scalar }) {
            lo = end
            datelineDropped = true
        }
        // Site suffix: a separator in the last few characters, a short tail after it.
        for sep in siteSeparators {
            if let k = lastSeparator(sep, in: lo..<hi, scalar: { chars[$0].scalar }) {
                let suffix = hi - (k + sep.count)
                if suffix > 0, suffix <= 8, k - lo >= 8 { hi = k }
            }
        }
        // A paragraph, not a headline: its first sentence.
        var sentenceCut = false
        if hi - lo > maxLength || (lo..<hi).contains(where: { isSentenceEnd(chars[$0].scalar) }) {
            if let end = (lo..<hi).first(where: { isSentenceEnd(chars[$0].scalar) }), end - lo >= 6 {
                hi = end
                sentenceCut = true
            }
        }
        trim()
        guard lo < hi else { return nil }
        // Truncated by the 400-character view: the rest of the line is text too.
        if hi == chars.count, chars.count == 400 { sentenceCut = true }
        var scalars = String.UnicodeScalarView()
        let shown = hi - lo > maxLength ? maxLength - 1 : hi - lo
        for k in lo..<(lo + shown) { scalars.append(chars[k].scalar) }
        var title = String(scalars)
        if shown < hi - lo { title += "…" }
        return Extracted(title: title, range: chars[lo].start..<chars[lo + shown - 1].end,
                         datelineDropped: datelineDropped, sentenceCut: sentenceCut || hi - lo > maxLength)
    }
}
