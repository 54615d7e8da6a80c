/// Pinyin readings of Han characters, from the generated `PinyinTableData` (see
/// `tools/make_pinyin_table.py` for the sources: pypinyin's pinyin-data and phrase-pinyin-data, MIT,
/// ordered by jieba's word frequencies). Each section is parsed on first use only.
///
/// Syllables are lowercase ASCII with `v` for ü; a toned syllable ends in its tone digit (5: neutral).
/// Characters are Simplified: Traditional characters fold to Simplified before indexing, and their
/// readings were given to the character they fold to.
enum PinyinTable {
    /// Toneless syllable → characters seen with it, most frequent first.
    static let toneless: [String: [UInt32]] = parseLines(PinyinTableData.toneless)

    /// Initial letter (z also covers zh, c ch, s sh) → its most frequent characters.
    static let initials: [String: [UInt32]] = parseLines(PinyinTableData.initials)

    /// The syllables section as bytes, and the byte range of each toned syllable's line.
    private static let syllableBytes: [UInt8] = Array(PinyinTableData.syllables.utf8)
    private static let tonedLines: [String: Range<Int>] = {
        var result: [String: Range<Int>] = [:]
        let bytes = syllableBytes
        var lineStart = 0
        while lineStart < bytes.count {
            var end = lineStart
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            if let space = bytes[lineStart..<end].firstIndex(of: 0x20) {
                result[String(decoding: bytes[lineStart..<space], as: UTF8.self)] = (space + 1)..<end
            }
            lineStart = end + 1
        }
        return result
    }()

    /// True when `c` is read `toned` (e.g. `hang2`) by the dictionary.
    static func has(_ c: UInt32, reading toned: String) -> Bool {
        guard let range = tonedLines[toned] else { return false }
        return find(c, in: range) != nil
    }

    /// Toned readings of `c`, most frequent first (all dictionary readings, rare ones last). One
    /// scan of the table (about 170 KB) per call: only "did you mean" needs it, for a few characters,
    /// and building a reverse map for every character would cost a cold query tens of ms.
    static func readings(of c: UInt32) -> [String] {
        var found: [(String, Int)] = []
        for (syllable, range) in tonedLines {
            guard let offset = find(c, in: range) else { continue }
            let bar = syllableBytes[range].firstIndex(of: 0x7C) ?? range.upperBound
            // Rare readings (after `|`) sort after every frequent one; otherwise by rank in the line.
            found.append((syllable, offset > bar ? 1_000_000 + offset : offset - range.lowerBound))
        }
        var result = found.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.0)
        // Rank inside a line only approximates frequency across syllables: the generator names the
        // most frequent reading of every polyphone.
        if let d = defaults[c], let k = result.firstIndex(of: d), k > 0 {
            result.remove(at: k)
            result.insert(d, at: 0)
        }
        return result
    }

    /// Polyphone → its most frequent reading.
    private static let defaults: [UInt32: String] = {
        var result: [UInt32: String] = [:]
        let scalars = Array(PinyinTableData.defaults.unicodeScalars)
        var i = 0
        while i < scalars.count {
            var j = i + 1
            while j < scalars.count, scalars[j].isASCII, scalars[j] != "\n" { j += 1 }
            if !scalars[i].isASCII { result[scalars[i].value] = String(String.UnicodeScalarView(scalars[(i + 1)..<j])) }
            i = max(j, i + 1)
        }
        return result
    }()

    /// Byte offset of the character `c` inside `range` of the syllables section.
    private static func find(_ c: UInt32, in range: Range<Int>) -> Int? {
        guard let scalar = Unicode.Scalar(c) else { return nil }
        let encoded = Array(String(scalar).utf8)
        return syllableBytes.withUnsafeBufferPointer { bytes -> Int? in
            var i = range.lowerBound
            let last = range.upperBound - encoded.count
            while i <= last {
                if bytes[i] == encoded[0] {
                    var k = 1
                    while k < encoded.count, bytes[i + k] == encoded[k] { k += 1 }
                    if k == encoded.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// Words whose reading differs from their characters' default readings → toned readings.
    static let phrases: [String: [String]] = {
        var result: [String: [String]] = [:]
        for line in PinyinTableData.phrases.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2 else { continue }
            result[String(fields[0])] = fields.dropFirst().map(String.init)
        }
        return result
    }()

    /// Every toneless syllable (the ones any character is read with).
    static var syllables: Dictionary<String, [UInt32]>.Keys { toneless.keys }

    static let longestSyllable = 6  // zhuang, shuang, chuang

    /// Initials a query may abbreviate a syllable with.
    static let initialLetters: Set<String> = [
        "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh", "r", "z", "c", "s", "y", "w",
    ]

    private static func parseLines(_ text: String) -> [String: [UInt32]] {
        var result: [String: [UInt32]] = [:]
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            result[String(line[..<space])] = line[line.index(after: space)...].unicodeScalars.map(\.value)
        }
        return result
    }

    /// Toned readings of `text` read in context: words of the phrase table first (longest match from
    /// the left), otherwise each character's most frequent reading. nil for a character without one.
    static func reading(of text: String) -> [String?] {
        let scalars = Array(text.unicodeScalars)
        var result: [String?] = []
        var i = 0
        while i < scalars.count {
            var matched = false
            for length in stride(from: min(3, scalars.count - i), through: 2, by: -1) {
                let word = String(String.UnicodeScalarView(scalars[i..<(i + length)]))
                if let r = phrases[word], r.count == length {
                    result.append(contentsOf: r.map { Optional($0) })
                    i += length
                    matched = true
                    break
                }
            }
            if matched { continue }
            result.append(readings(of: scalars[i].value).first)
            i += 1
        }
        return result
    }

    /// The toneless form of a toned syllable (`hang2` → `hang`).
    static func toneless(_ syllable: String) -> String {
        guard let last = syllable.utf8.last, last >= 0x30, last <= 0x39 else { return syllable }
        return String(syllable.dropLast())
    }
}
