#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds spam strings injected into a page (`國[一包養經驗]新辦`, `先[包養網VIP]生`, `20[包養]25-04-24`,
/// `科技集群數量[包養甜心網]達到26個`), so the analyzer can drop them from the searchable text the way
/// it drops converter pinyin, and titles and snippets never show them.
///
/// ## The rule
/// Detection runs on the folded text (Traditional → Simplified, NFKC, lowercase: `包養` = `包养`), with
/// ICU's dictionary word segmentation of the few characters around each candidate:
/// 1. **Hit.** A keyword or spam phrase (`SpamKeywords`, plus the user's file) that ICU does not read
///    as the inside of other words: in `承包养殖` the 包养 straddles 承包|养殖 on both sides and is no hit.
/// 2. **Span.** The hit grows over adjacent affixes (`網`, `甜心`, `俱樂部`, `價格`, `經驗`, `車馬費` …),
///    further keywords, Latin letters (`VIP`, `ptt`) and a leading filler (`一`), each taken only where
///    its outer edge is a word boundary of the context: `包养网站` keeps 网 in 网站, `統一包養站長` keeps
///    一 in 統一, while `國一包養經驗新辦` loses `一包養經驗` whole.
/// 3. **Injection or mention.** A span is removed when it is not quoted (`“包养”`, `「包養網」`, `(…)`)
///    and the text shows an injection:
///    - it splits a number (`20|25-04-24`) or a word: the characters left and right of it join into a
///      word ICU's dictionary knows (`先|生`, `社|會`, `法|治`, `典|型`); or
///    - it is a spam compound (a keyword with an affix, a Latin tail or a filler, or several keywords:
///      `包養甜心網`, `包養網VIP`) or a spam phrase (`甜心花園`): the vocabulary of spam links, which
///      news prose about the subject does not use.
///    A keyword on its own that joins nothing (`打击包养网站的专项行动`: 打击|网站 is no word; `所谓“包养”
///    现象`: quoted) is an ordinary mention and stays.
///
/// A filter is cheap to keep and share (`Sendable`, immutable): a text without any keyword costs one
/// pass over its UTF-16 units with a bitmap test.
public struct SpamFilter: Sendable {
    struct Entry: Sendable {
        let units: [UInt16]
        /// A spam phrase (spam as a word of its own) rather than a keyword (needs evidence).
        let phrase: Bool
    }

    /// Keywords and phrases, folded, longest first.
    let entries: [Entry]
    /// Affixes and fillers, folded, longest first.
    let affixes: [[UInt16]]
    let fillers: [[UInt16]]
    /// Bit `u` set when some entry starts with UTF-16 unit `u`.
    let firstUnits: [UInt64]

    /// Longest run of Latin letters taken into a span (`vip`, `ptt`, `dcard`).
    static let maxLatinRun = 12
    /// Characters of context on each side that ICU segments to judge boundaries.
    static let contextWidth = 8

    /// The built-in vocabulary plus `extraKeywords`, in the syntax of the keyword file (`word`
    /// keyword, `!phrase`, `+affix`; see `SpamKeywords`).
    public init(extraKeywords: [String] = []) {
        var keywords = SpamKeywords.keywords
        var phrases = SpamKeywords.phrases
        var affixes = SpamKeywords.affixes
        for raw in extraKeywords {
            let line = SpamFilter.trim(raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("!") {
                phrases.append(SpamFilter.trim(String(line.dropFirst())))
            } else if line.hasPrefix("+") {
                affixes.append(SpamFilter.trim(String(line.dropFirst())))
            } else {
                keywords.append(line)
            }
        }
        let normalizer = Normalizer()
        func fold(_ s: String) -> [UInt16] { normalizer.normalize(Array(s.utf16)).units }
        var seen = Set<[UInt16]>()
        var entries: [Entry] = []
        for (list, phrase) in [(phrases, true), (keywords, false)] {
            for word in list {
                let u = fold(word)
                if u.isEmpty || !seen.insert(u).inserted { continue }
                entries.append(Entry(units: u, phrase: phrase))
            }
        }
        entries.sort { $0.units.count > $1.units.count }
        self.entries = entries
        self.affixes = Array(Set(affixes.map(fold).filter { !$0.isEmpty })).sorted { $0.count > $1.count }
        self.fillers = Array(Set(SpamKeywords.fillers.map(fold).filter { !$0.isEmpty })).sorted { $0.count > $1.count }
        var bits = [UInt64](repeating: 0, count: 1024)
        for e in entries { bits[Int(e.units[0] >> 6)] |= 1 << UInt64(e.units[0] & 63) }
        firstUnits = bits
    }

    /// The user's keyword file, at the top of the corpus folder (not indexed as a document).
    public static let keywordFileName = "spam-keywords.txt"

    /// The built-in vocabulary plus the entries of the keyword file at `path` (nil: none).
    public init(extraKeywordsFile path: String?) throws(KeywordFileError) {
        self.init(extraKeywords: try path.map { p throws(KeywordFileError) in try SpamFilter.loadKeywords(file: p) } ?? [])
    }

    /// The entries of a keyword file: one a line, blank lines and `#` comments skipped. UTF-8.
    public static func loadKeywords(file: String) throws(KeywordFileError) -> [String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw KeywordFileError(path: file, reason: "cannot be read")
        }
        guard var text = String(validating: Array(data), as: UTF8.self) else {
            throw KeywordFileError(path: file, reason: "is not UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text.split(whereSeparator: \.isNewline).map { trim(String($0)) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    public struct KeywordFileError: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public var description: String { "spam keyword file \(path) \(reason)" }
    }

    // MARK: Public API

    /// The injected spans of `text` (UTF-16 of the original), as sorted, disjoint ranges of the
    /// original.
    public func spans(in text: [UInt16]) -> [Range<Int>] {
        let normalized = Normalizer().normalize(text)
        let found = normalizedSpans(in: normalized, segmenter: nil)
        return found.map { normalized.sourceRange(of: $0) }
    }

    /// `s` without its injected spans (for titles and display).
    public func clean(_ s: String) -> String {
        let units = Array(s.utf16)
        let found = spans(in: units)
        if found.isEmpty { return s }
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var at = 0
        for r in found {
            out.append(contentsOf: units[at..<r.lowerBound])
            at = r.upperBound
        }
        out.append(contentsOf: units[at...])
        return String(decoding: out, as: UTF16.self)
    }

    // MARK: Detection

    /// Whether `units` contains any keyword start at all (the fast path: most texts have none).
    func mayContainSpam(_ units: UnsafeBufferPointer<UInt16>) -> Bool {
        firstUnits.withUnsafeBufferPointer { bits in
            for u in units where bits[Int(u >> 6)] & (1 << UInt64(u & 63)) != 0 { return true }
            return false
        }
    }

    /// The injected spans of `text`, as sorted, disjoint ranges of normalized offsets aligned to
    /// whole chunks (a unit range never splits the units of one source character). `segmenter` is
    /// used for the context checks; nil opens one when a candidate needs it.
    func normalizedSpans(in text: NormalizedText, segmenter: Segmenter?) -> [Range<Int>] {
        text.units.withUnsafeBufferPointer { units -> [Range<Int>] in
            guard mayContainSpam(units) else { return [] }
            var seg = segmenter
            var result: [Range<Int>] = []
            var i = 0
            let n = units.count
            while i < n {
                guard let hit = entry(at: i, units) else { i += 1; continue }
                if seg == nil { seg = try? Segmenter() }
                if let span = judge(hit: i..<(i + entries[hit].units.count), phrase: entries[hit].phrase,
                                    units, segmenter: seg) {
                    let aligned = align(span, text)
                    if let last = result.last, last.upperBound >= aligned.lowerBound {
                        result[result.count - 1] = last.lowerBound..<max(last.upperBound, aligned.upperBound)
                    } else {
                        result.append(aligned)
                    }
                    i = max(i + 1, aligned.upperBound)
                } else {
                    i += 1
                }
            }
            return result
        }
    }

    /// The longest entry starting at `i`, by index.
    @inline(__always)
    private func entry(at i: Int, _ units: UnsafeBufferPointer<UInt16>) -> Int? {
        let u = units[i]
        guard firstUnits[Int(u >> 6)] & (1 << UInt64(u & 63)) != 0 else { return nil }
        for (k, e) in entries.enumerated() where SpamFilter.matches(e.units, units, at: i) { return k }
        return nil
    }

    /// The longest entry ending at `end`.
    private func entry(endingAt end: Int, _ units: UnsafeBufferPointer<UInt16>) -> Int? {
        for (k, e) in entries.enumerated() where e.units.count <= end && SpamFilter.matches(e.units, units, at: end - e.units.count) {
            return k
        }
        return nil
    }

    @inline(__always)
    static func matches(_ word: [UInt16], _ units: UnsafeBufferPointer<UInt16>, at i: Int) -> Bool {
        guard i >= 0, i + word.count <= units.count else { return false }
        for k in word.indices where units[i + k] != word[k] { return false }
        return true
    }

    private enum PieceKind { case entry, affix }

    /// Grows the hit at `core` into a candidate span and decides whether it is an injection; the
    /// span when it is, nil when the keyword is an ordinary mention (or no word at all).
    private func judge(
        hit core: Range<Int>, phrase: Bool, _ units: UnsafeBufferPointer<UInt16>, segmenter: Segmenter?
    ) -> Range<Int>? {
        let n = units.count
        // Pieces outside the core, innermost first: (outer edge, kind).
        var right: [(Int, PieceKind)] = []
        var left: [(Int, PieceKind)] = []
        var phraseSeen = phrase
        var e = core.upperBound
        grow: while e < n, right.count < 8 {
            if let k = entry(at: e, units) {
                e += entries[k].units.count; phraseSeen = phraseSeen || entries[k].phrase
                right.append((e, .entry)); continue grow
            }
            for a in affixes where SpamFilter.matches(a, units, at: e) {
                e += a.count; right.append((e, .affix)); continue grow
            }
            let latin = SpamFilter.latinRun(units, from: e, step: 1)
            if latin > 0 { e += latin; right.append((e, .affix)); continue grow }
            break
        }
        var s = core.lowerBound
        growLeft: while s > 0, left.count < 8 {
            if let k = entry(endingAt: s, units) {
                s -= entries[k].units.count; phraseSeen = phraseSeen || entries[k].phrase
                left.append((s, .entry)); continue growLeft
            }
            for a in affixes where SpamFilter.matches(a, units, at: s - a.count) {
                s -= a.count; left.append((s, .affix)); continue growLeft
            }
            let latin = SpamFilter.latinRun(units, from: s - 1, step: -1)
            if latin > 0 { s -= latin; left.append((s, .affix)); continue growLeft }
            break
        }
        if let f = fillers.first(where: { SpamFilter.matches($0, units, at: s - $0.count) }) {
            s -= f.count; left.append((s, .affix))
        }

        // ICU's words of the context around the candidate.
        let ctx = max(0, s - SpamFilter.contextWidth)..<min(n, e + SpamFilter.contextWidth)
        let words = SpamFilter.words(Array(units[ctx]), segmenter)
        func straddled(_ p: Int) -> Bool {
            let q = Int32(p - ctx.lowerBound)
            for k in words.starts.indices where words.starts[k] < q && q < words.ends[k] { return true }
            return false
        }
        // A keyword inside other words is no hit (承包|养殖).
        if words.ok, straddled(core.lowerBound), straddled(core.upperBound) { return nil }
        // Affixes and fillers end at a word boundary, or are not part of the span.
        if words.ok {
            while let last = right.last, last.1 == .affix, straddled(last.0) {
                right.removeLast()
                e = right.last?.0 ?? core.upperBound
            }
            while let last = left.last, last.1 == .affix, straddled(last.0) {
                left.removeLast()
                s = left.last?.0 ?? core.lowerBound
            }
        }

        // Quoted: a mention.
        if s > 0, e < n, SpamFilter.openers.contains(units[s - 1]), SpamFilter.closers.contains(units[e]) { return nil }
        // A compound or a phrase: spam.
        if phraseSeen || !left.isEmpty || !right.isEmpty { return s..<e }
        guard s > 0, e < n else { return nil }
        let l = units[s - 1], r = units[e]
        // Splits a number.
        if SpamFilter.isDigit(l), SpamFilter.isDigit(r) { return s..<e }
        // Splits a word: the two sides join into one word of ICU's dictionary.
        guard SpamFilter.isWordUnit(l), SpamFilter.isWordUnit(r) else { return nil }
        let lc = max(0, s - 4)..<s, rc = e..<min(n, e + 4)
        let joined = Array(units[lc]) + Array(units[rc])
        let joint = Int32(lc.count)
        let jw = SpamFilter.words(joined, segmenter)
        for k in jw.starts.indices where jw.starts[k] < joint && joint < jw.ends[k] { return s..<e }
        return nil
    }

    /// Extends `r` so it does not split the units of one source chunk.
    private func align(_ r: Range<Int>, _ text: NormalizedText) -> Range<Int> {
        var s = r.lowerBound, e = r.upperBound
        while s > 0, text.sourceStart[s - 1] == text.sourceStart[s] { s -= 1 }
        while e < text.count, e > 0, text.sourceStart[e] == text.sourceStart[e - 1] { e += 1 }
        return s..<e
    }

    static func words(_ units: [UInt16], _ segmenter: Segmenter?) -> (starts: [Int32], ends: [Int32], ok: Bool) {
        guard let segmenter, !units.isEmpty else { return ([], [], false) }
        return units.withUnsafeBufferPointer { b in
            guard let (s, e) = segmenter.words(b) else { return ([], [], false) }
            return (Array(s), Array(e), true)
        }
    }

    /// Number of ASCII letters (folded: lowercase) starting at `from` going in `step` direction,
    /// 0 when more than `maxLatinRun` (a real word, not a tag).
    static func latinRun(_ units: UnsafeBufferPointer<UInt16>, from: Int, step: Int) -> Int {
        var i = from, count = 0
        while i >= 0, i < units.count, units[i] >= 0x61, units[i] <= 0x7A {
            count += 1; i += step
            if count > maxLatinRun { return 0 }
        }
        return count
    }

    @inline(__always) static func isDigit(_ u: UInt16) -> Bool { u >= 0x30 && u <= 0x39 }

    /// Letters and digits that can be part of a word (Han, Latin, digits, kana, Hangul).
    static func isWordUnit(_ u: UInt16) -> Bool {
        if isDigit(u) || (u >= 0x61 && u <= 0x7A) { return true }
        if u < 0x80 { return false }
        if UTF16.isLeadSurrogate(u) { return true }
        guard let scalar = Unicode.Scalar(u) else { return false }
        return scalar.properties.isAlphabetic
    }

    static let openers: Set<UInt16> = Set("“‘「『《〈【〔(（[\"'".utf16)
    static let closers: Set<UInt16> = Set("”’」』》〉】〕)）]\"'".utf16)

    static func trim(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f.isWhitespace { sub.removeFirst() }
        while let l = sub.last, l.isWhitespace { sub.removeLast() }
        return String(sub)
    }
}

extension NormalizedText {
    /// The text without the units of `ranges` (sorted, disjoint normalized ranges aligned to
    /// chunks). A removed stretch's source is merged into the preceding kept chunk (at the start of
    /// the text: into the following one), like converter pinyin, so every normalized range still
    /// maps back to one contiguous range of the original, removed text included.
    func removing(_ ranges: [Range<Int>]) -> NormalizedText {
        guard !ranges.isEmpty else { return self }
        var out = NormalizedText()
        out.reserve(count)
        var pendingStart: Int32?
        var pendingChunk: Int32 = -1
        var r = 0
        var i = 0
        while i < count {
            if r < ranges.count, i >= ranges[r].lowerBound {
                let end = min(count, max(i, ranges[r].upperBound))
                r += 1
                guard end > i else { continue }
                let srcStart = sourceStart[i], srcEnd = sourceEnd[end - 1]
                if let last = out.sourceStart.last {
                    var k = out.count - 1
                    while k >= 0, out.sourceStart[k] == last {
                        out.sourceEnd[k] = max(out.sourceEnd[k], srcEnd)
                        k -= 1
                    }
                } else if pendingStart == nil {
                    pendingStart = srcStart
                }
                i = end
                continue
            }
            var start = sourceStart[i]
            if let p = pendingStart {
                if out.count == 0 { pendingChunk = start }
                if start == pendingChunk { start = p } else { pendingStart = nil }
            }
            out.units.append(units[i])
            out.sourceStart.append(start)
            out.sourceEnd.append(sourceEnd[i])
            i += 1
        }
        return out
    }

    /// The normalized ranges whose units come entirely from inside `spans` (sorted or not, original
    /// UTF-16 offsets).
    func ranges(coveredBy spans: [Range<Int>]) -> [Range<Int>] {
        let sorted = spans.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        guard !sorted.isEmpty else { return [] }
        var result: [Range<Int>] = []
        var s = 0
        var runStart = -1
        for i in 0..<count {
            let a = Int(sourceStart[i]), b = Int(sourceEnd[i])
            while s < sorted.count, sorted[s].upperBound <= a { s += 1 }
            var covered = false
            var t = s
            // Overlapping spans: any one containing the unit's source.
            while t < sorted.count, sorted[t].lowerBound <= a {
                if sorted[t].upperBound >= b { covered = true; break }
                t += 1
            }
            if covered {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                result.append(runStart..<i); runStart = -1
            }
        }
        if runStart >= 0 { result.append(runStart..<count) }
        return result
    }
}
