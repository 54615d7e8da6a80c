/// Reads a query part as pinyin: Han characters, full syllables (`dilibiaozhi`, `dì lǐ`, `di4li3`)
/// and initials (`dlbz`, `zscq`), mixed (`地理bz`, `知识chanquan`).
///
/// Latin letters are split into syllables in every way that needs the fewest initials (`xian` →
/// `xian` | `xi an`): the index then decides which reading occurs. Separators (space, `'`, `-`)
/// and tone digits end a syllable; tone marks and digits restrict the syllable to that tone.
enum PinyinParser {
    enum Token: Hashable {
        case han(UInt32)
        /// A toneless syllable (`v` for ü) and its tone (1–5) when the user gave one.
        case syllable(String, tone: Int?)
        /// An abbreviated syllable: a single letter, or zh / ch / sh.
        case initial(String)
    }

    /// Readings are capped: the product of all chunks' segmentations stops here.
    static let maxReadings = 12
    /// Longer Latin stretches are not read as pinyin (the segmentation is quadratic in them).
    static let maxLetters = 48

    /// The readings of `normalized` (a normalized query part), best first; empty when the part is not
    /// pinyin or reads as nothing worth expanding (see `isExpandable`).
    static func readings(of normalized: String) -> [[Token]] {
        guard let chunks = chunks(normalized) else { return [] }
        var result: [[Token]] = [[]]
        for chunk in chunks {
            switch chunk {
            case .han(let c):
                for k in result.indices { result[k].append(.han(c)) }
            case .latin(let letters, let tones, let endTone):
                let options = segmentations(letters, tones: tones, endTone: endTone)
                if options.isEmpty { return [] }
                var next: [[Token]] = []
                outer: for prefix in result {
                    for option in options {
                        next.append(prefix + option)
                        if next.count >= maxReadings { break outer }
                    }
                }
                result = next
            }
        }
        return result.filter { $0.count <= maxTokens && isExpandable($0) }
    }

    /// Parts longer than this many characters and syllables are not read as pinyin.
    static let maxTokens = 24

    /// A reading worth expanding: some Latin in it, and, without Han context, at least two syllables
    /// or three initials (`bz`, `zhong`, `an` alone are too ambiguous).
    static func isExpandable(_ tokens: [Token]) -> Bool {
        var han = 0, syllables = 0, initials = 0
        for t in tokens {
            switch t {
            case .han: han += 1
            case .syllable: syllables += 1
            case .initial: initials += 1
            }
        }
        if syllables + initials == 0 { return false }
        if han > 0 { return true }
        if syllables == 0 { return initials >= 3 }
        return syllables + initials >= 2
    }

    enum Chunk {
        case han(UInt32)
        /// ASCII letters, the tone marked on each letter (0: none), and a tone digit after them.
        case latin([UInt8], tones: [UInt8], endTone: Int?)
    }

    /// Splits the text into Han characters and runs of Latin letters; nil if anything else occurs.
    static func chunks(_ text: String) -> [Chunk]? {
        var chunks: [Chunk] = []
        var letters: [UInt8] = []
        var tones: [UInt8] = []
        func flush(tone: Int?) {
            if !letters.isEmpty { chunks.append(.latin(letters, tones: tones, endTone: tone)) }
            letters = []
            tones = []
        }
        for s in text.unicodeScalars {
            let v = s.value
            if v >= 0x61 && v <= 0x7A {
                letters.append(UInt8(v))
                tones.append(0)
            } else if v >= 0x41 && v <= 0x5A {
                letters.append(UInt8(v + 0x20))
                tones.append(0)
            } else if let (base, tone) = toneMarked[v] {
                letters.append(base)
                tones.append(tone)
            } else if v == 0xFC {  // ü
                letters.append(0x76)
                tones.append(0)
            } else if v >= 0x31 && v <= 0x35 {
                guard !letters.isEmpty else { return nil }
                flush(tone: Int(v - 0x30))
            } else if v == 0x20 || v == 0x27 || v == 0x2019 || v == 0x2D || v == 0x3000 {
                flush(tone: nil)
            } else if isHan(v) {
                flush(tone: nil)
                chunks.append(.han(v))
            } else {
                return nil
            }
            if letters.count > maxLetters { return nil }
        }
        flush(tone: nil)
        return chunks
    }

    /// Every split of `letters` into syllables and initials with the fewest initials, where the
    /// initials form one block at the start or the end (`zhishicq`, `dlbiaozhi`; not `de e p se e k`),
    /// and at most one token more than the shortest split; shortest first.
    static func segmentations(_ letters: [UInt8], tones: [UInt8], endTone: Int?) -> [[Token]] {
        let n = letters.count
        guard n > 0 else { return [] }
        // Candidate tokens starting at each position: (end, token, isInitial).
        var starts: [[(end: Int, token: Token, initial: Bool)]] = Array(repeating: [], count: n)
        for i in 0..<n {
            for j in stride(from: min(n, i + PinyinTable.longestSyllable), to: i, by: -1) {
                var marked: Int? = nil
                var conflict = false
                for k in i..<j where tones[k] != 0 {
                    if marked != nil { conflict = true }
                    marked = Int(tones[k])
                }
                if conflict { continue }
                let text = String(decoding: letters[i..<j], as: UTF8.self)
                guard let syllable = canonicalSyllable(text) else { continue }
                var tone = marked
                if j == n, let endTone { if tone != nil && tone != endTone { continue }; tone = endTone }
                starts[i].append((j, .syllable(syllable, tone: tone), false))
            }
            if tones[i] == 0 {
                if i + 2 <= n, letters[i + 1] == 0x68, [0x7A, 0x63, 0x73].contains(letters[i]), tones[i + 1] == 0 {
                    starts[i].append((i + 2, .initial(String(decoding: letters[i..<(i + 2)], as: UTF8.self)), true))
                }
                let one = String(UnicodeScalar(letters[i]))
                if PinyinTable.initialLetters.contains(one) { starts[i].append((i + 1, .initial(one), true)) }
            }
        }
        // Fewest initials from each position to the end.
        let impossible = Int.max / 2
        var best = [Int](repeating: impossible, count: n + 1)
        best[n] = 0
        for i in stride(from: n - 1, through: 0, by: -1) {
            for option in starts[i] where best[option.end] < impossible {
                best[i] = min(best[i], best[option.end] + (option.initial ? 1 : 0))
            }
        }
        guard best[0] < impossible else { return [] }
        var result: [[Token]] = []
        var path: [Token] = []
        var kinds: [Bool] = []
        var budget = 20_000  // visited splits: bounds the work on pathological letter strings
        func walk(_ i: Int) {
            budget -= 1
            if result.count >= maxReadings || budget <= 0 { return }
            if i == n {
                if initialsFormOneBlock(kinds) { result.append(path) }
                return
            }
            for option in starts[i] where best[option.end] < impossible
                && best[option.end] + (option.initial ? 1 : 0) == best[i] {
                path.append(option.token)
                kinds.append(option.initial)
                walk(option.end)
                path.removeLast()
                kinds.removeLast()
            }
        }
        walk(0)
        // Splits into many more syllables than the shortest are implausible (bi a o for biao).
        let fewest = result.map(\.count).min() ?? 0
        return result.filter { $0.count <= fewest + 1 }.sorted { $0.count < $1.count }
    }

    private static func initialsFormOneBlock(_ kinds: [Bool]) -> Bool {
        guard let first = kinds.firstIndex(of: true), let last = kinds.lastIndex(of: true) else { return true }
        if kinds[first...last].contains(false) { return false }
        return first == 0 || last == kinds.count - 1
    }

    /// The table's spelling of a syllable: `lue`/`nue` are common spellings of `lve`/`nve`.
    /// Interjections without a vowel (n, ng, m, hm, hng) are not read: they would split `an` into `a n`.
    static func canonicalSyllable(_ s: String) -> String? {
        if PinyinTable.toneless[s] != nil {
            return s.utf8.contains(where: { [0x61, 0x65, 0x69, 0x6F, 0x75, 0x76].contains($0) }) ? s : nil
        }
        switch s {
        case "lue": return "lve"
        case "nue": return "nve"
        default: return nil
        }
    }

    /// Tone-marked vowels → (ASCII base letter, tone); `v` stands for ü.
    static let toneMarked: [UInt32: (UInt8, UInt8)] = {
        var table: [UInt32: (UInt8, UInt8)] = [:]
        let rows: [(String, UInt8)] = [("āáǎà", 0x61), ("ēéěè", 0x65), ("īíǐì", 0x69), ("ōóǒò", 0x6F),
                                       ("ūúǔù", 0x75), ("ǖǘǚǜ", 0x76), ("ńňǹ", 0x6E)]
        for (marks, base) in rows {
            let tones: [UInt8] = base == 0x6E ? [2, 3, 4] : [1, 2, 3, 4]
            for (k, s) in marks.unicodeScalars.enumerated() { table[s.value] = (base, tones[k]) }
        }
        return table
    }()

    /// CJK ideographs (the analyzer's own test is internal to its module).
    @inline(__always)
    static func isHan(_ c: UInt32) -> Bool {
        switch c {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x3134F, 0xF900...0xFAFF, 0x3007:
            return true
        default:
            return false
        }
    }
}
