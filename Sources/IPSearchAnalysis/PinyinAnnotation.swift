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
        let units = Array(text.utf16)
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        units.withUnsafeBufferPointer { src in
            var i = 0
            while i < src.count {
                let (c, len) = Analysis.scalar(src, at: i, limit: src.count)
                out.append(contentsOf: src[i..<(i + len)])
                i += len
                if Script.isHan(c), let end = end(in: src, at: i) { i = end }
            }
        }
        return String(decoding: out, as: UTF16.self)
    }
}
