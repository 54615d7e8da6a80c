/// Recognises the inline pinyin that a bad Traditional/Simplified converter leaves after characters:
/// `產(chǎn)權(quán)` is 產權 with each character's reading in parentheses.
///
/// Only a parenthesised, lowercase, tone-marked pinyin syllable *directly after a Han character* is
/// debris. Real parentheticals survive because they fail one of those tests: `(PCT)` is uppercase,
/// `(試行)` and `(2023―2025年)` are not pinyin, `(shi)` has no tone mark (and never occurs as debris in
/// practice: the converter always writes the tone).
public enum PinyinAnnotation {
    /// Longest syllable: "zhuàng", "chuáng" are 6 letters.
    static let maxLetters = 6

    /// If an annotation starts at `start` in `text`, returns the index just past its closing
    /// parenthesis; otherwise nil. ASCII and full-width parentheses are both accepted.
    @inline(__always)
    static func end(in text: UnsafeBufferPointer<UInt16>, at start: Int) -> Int? {
        guard start < text.count, text[start] == 0x28 || text[start] == 0xFF08 else { return nil }
        var i = start + 1
        var hasTone = false
        while i < text.count, i - start - 1 < maxLetters + 1 {
            let c = text[i]
            if c == 0x29 || c == 0xFF09 {
                let letters = i - start - 1
                return letters > 0 && hasTone ? i + 1 : nil
            }
            guard Script.isPinyinLetter(c) else { return nil }
            if c > 0x7F { hasTone = hasTone || Script.toneMarked.contains(c) }
            i += 1
        }
        return nil
    }
}

extension PinyinAnnotation {
    /// `text` with converter pinyin removed (for display: titles), everything else untouched.
    public static func strip(_ text: String) -> String {
        // Most titles hold no parenthesis, ASCII `(` or full-width `（` (EF BC 88): nothing to strip.
        var open = false
        var utf8 = text.utf8.makeIterator()
        var before: (UInt8, UInt8) = (0, 0)
        while let b = utf8.next() {
            if b == 0x28 || (b == 0x88 && before == (0xEF, 0xBC)) { open = true; break }
            before = (before.1, b)
        }
        guard open else { return text }
        // Appended one by one: `Array(text.utf16)` counts the UTF-16 view first, which is slower
        // than the copy itself for a non-ASCII string.
        var units: [UInt16] = []
        units.reserveCapacity(text.utf8.count)
        for u in text.utf16 { units.append(u) }
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var stripped = false
        units.withUnsafeBufferPointer { src in
            var i = 0
            while i < src.count {
                let (c, len) = Analysis.scalar(src, at: i, limit: src.count)
                out.append(src[i])
                if len == 2 { out.append(src[i + 1]) }
                i += len
                if Script.isHan(c), let end = end(in: src, at: i) { i = end; stripped = true }
            }
        }
        // A parenthesis that held no pinyin: the text as it was, not decoded again.
        return stripped ? String(decoding: out, as: UTF16.self) : text
    }
}
