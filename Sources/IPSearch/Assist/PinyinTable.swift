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

    /// Character → toned readings, most frequent first (all dictionary readings, rare ones last).
    static let readings: [UInt32: [String]] = {
        var result: [UInt32: [(String, Int)]] = [:]
        for line in PinyinTableData.syllables.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let syllable = String(line[..<space])
            var rank = 0
            var rare = false
            for s in line[line.index(after: space)...].unicodeScalars {
                if s == "|" { rare = true; continue }
                // Rare readings sort after every frequent one.
                result[s.value, default: []].append((syllable, rare ? 1_000_000 + rank : rank))
                rank += 1
            }
        }
        // Rank inside a syllable's line only approximates frequency across syllables: the
        // generator names the most frequent reading of every polyphone.
        var sorted = result.mapValues { $0.sorted { $0.1 < $1.1 }.map(\.0) }
        let scalars = Array(PinyinTableData.defaults.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i].value
            var j = i + 1
            while j < scalars.count, scalars[j].isASCII, scalars[j] != "\n" { j += 1 }
            let syllable = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
            if var list = sorted[c], let k = list.firstIndex(of: syllable), k > 0 {
                list.remove(at: k)
                list.insert(syllable, at: 0)
                sorted[c] = list
            }
            i = j
        }
        return sorted
    }()

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
            result.append(readings[scalars[i].value]?.first)
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
