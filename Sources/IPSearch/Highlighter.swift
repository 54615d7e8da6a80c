import IPSearchAnalysis
import IPSearchIndex

/// A window of a document's original text with the matched characters marked.
public struct Snippet: Sendable, Equatable, Codable {
    /// The quoted original text; `…` marks where it was cut. Line breaks and tabs are shown as spaces
    /// (one for one, so nothing shifts).
    public var text: String
    /// `[start, end)` ranges of matched text, in Unicode scalars of `text`.
    public var highlights: [[Int]]
}

public struct SnippetOptions: Sendable, Hashable {
    /// Window length in characters (Unicode scalars) of the original text.
    public var length: Int = 80
    /// At most this many windows per hit.
    public var count: Int = 2

    public init(length: Int = 80, count: Int = 2) {
        self.length = length
        self.count = count
    }
}

/// Finds the query parts in a document's original text and cuts the best windows around them.
///
/// Three small stages, as in Bleve: locate matches (normalize the stored original with its offset
/// map and find each part's normalized text; map the normalized range back, so a match of 产权 in
/// `產(chǎn)權(quán)` covers all of `產(chǎn)權(quán)`), score candidate windows by how many distinct parts they
/// show (then by how many matches), take the best non-overlapping ones in text order.
public struct Highlighter: Sendable {
    public var options: SnippetOptions
    let normalizer = Normalizer()

    public init(options: SnippetOptions = SnippetOptions()) {
        self.options = options
    }

    struct Match {
        var part: Int
        /// Matches in boilerplate make worse windows than matches in the title or body.
        var boilerplate: Bool = false
        /// Unicode scalar range in the original text.
        var start: Int
        var end: Int
    }

    /// Windows of `text` showing `parts`; with `zones` (normalized offsets, from the index), windows
    /// in the body or title win over windows in boilerplate.
    /// `removed` are the spam spans indexing left out (UTF-16 ranges of `text`): matches are found
    /// in the text without them, and windows never show them as text of their own.
    /// A leading front matter block is never shown: windows start after it, and matches in it (its
    /// `title:` line) do not count.
    public func snippets(text: String, parts: [QueryPart], zones: ZoneMap = ZoneMap(), removed: [Range<Int>] = []) -> [Snippet] {
        var text = text
        return text.withUTF8 { snippets(utf8: $0, parts: parts, zones: zones, removed: removed) }
    }

    /// `snippets(text:…)` of a text given as UTF-8 bytes (a search hands the stored text over as
    /// decompressed, without making a `String` of it). Invalid bytes read as U+FFFD.
    public func snippets(utf8: UnsafeBufferPointer<UInt8>, parts: [QueryPart], zones: ZoneMap = ZoneMap(),
                         removed: [Range<Int>] = []) -> [Snippet] {
        let located = locate(utf8: utf8, parts: parts, zones: zones, removed: removed)
        return windows(scalars: located.scalars, matches: located.matches.filter { $0.start >= located.bodyStart },
                       removed: located.removedScalars, from: located.bodyStart)
    }

    /// Every match of `parts` in `text` as `[start, end)` in Unicode scalars (merged where they
    /// overlap): the document view marks them all.
    public func highlights(text: String, parts: [QueryPart], removed: [Range<Int>] = []) -> [[Int]] {
        var result: [[Int]] = []
        var text = text
        let located = text.withUTF8 { locate(utf8: $0, parts: parts, zones: ZoneMap(), removed: removed) }
        for m in located.matches {
            if let last = result.last, m.start <= last[1] {
                result[result.count - 1][1] = max(last[1], m.end)
            } else {
                result.append([m.start, m.end])
            }
        }
        return result
    }

    /// The original text's scalars, every match in it in text order, the scalar offset where the
    /// text after a front matter block starts (0 without one), and `removed` (UTF-16 ranges) as
    /// scalar ranges.
    func locate(utf8: UnsafeBufferPointer<UInt8>, parts: [QueryPart], zones: ZoneMap, removed: [Range<Int>])
        -> (scalars: [Unicode.Scalar], matches: [Match], bodyStart: Int, removedScalars: [Range<Int>]) {
        // One decoding pass: the scalars, the UTF-16 units the normalizer reads, and for every unit
        // the scalar it belongs to.
        // Each of the three holds at most one element per UTF-8 byte (plus the end for `scalarAt`).
        let capacity = utf8.count
        var source: [UInt16] = [], scalarAt: [Int32] = []
        let scalars = [Unicode.Scalar](unsafeUninitializedCapacity: capacity) { scalarBuffer, scalarCount in
            source = [UInt16](unsafeUninitializedCapacity: capacity) { sourceBuffer, sourceCount in
                scalarAt = [Int32](unsafeUninitializedCapacity: capacity + 1) { atBuffer, atCount in
                    var s = 0, u = 0, i = 0
                    while i < utf8.count {
                        let scalar = Highlighter.decodeScalar(utf8, at: &i)
                        scalarBuffer.initializeElement(at: s, to: scalar)
                        if scalar.value >= 0x10000 {
                            let v = scalar.value - 0x10000
                            sourceBuffer.initializeElement(at: u, to: UInt16(0xD800 + (v >> 10)))
                            sourceBuffer.initializeElement(at: u + 1, to: UInt16(0xDC00 + (v & 0x3FF)))
                            atBuffer.initializeElement(at: u, to: Int32(s))
                            atBuffer.initializeElement(at: u + 1, to: Int32(s))
                            u += 2
                        } else {
                            sourceBuffer.initializeElement(at: u, to: UInt16(scalar.value))
                            atBuffer.initializeElement(at: u, to: Int32(s))
                            u += 1
                        }
                        s += 1
                    }
                    atBuffer.initializeElement(at: u, to: Int32(s))
                    scalarCount = s
                    sourceCount = u
                    atCount = u + 1
                }
            }
        }
        let norm = normalizer.normalize(source, removing: removed)

        var matches: [Match] = []
        for (p, part) in parts.enumerated() {
            for r in occurrences(of: part, in: norm.units) {
                let orig = norm.sourceRange(of: r)
                matches.append(Match(part: p, boilerplate: zones.kind(at: Int32(r.lowerBound)) == .boilerplate,
                                     start: Int(scalarAt[orig.lowerBound]), end: Int(scalarAt[orig.upperBound])))
            }
        }
        matches.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        // A removed range covers the scalars that start inside it.
        func scalar(atOrAfter unit: Int) -> Int {
            guard unit < source.count else { return scalars.count }
            let k = Int(scalarAt[max(0, unit)])
            return unit > 0 && Int(scalarAt[unit - 1]) == k ? k + 1 : k
        }
        var removedScalars: [Range<Int>] = []
        for r in removed {
            let lo = scalar(atOrAfter: r.lowerBound), hi = scalar(atOrAfter: r.upperBound)
            if lo < hi { removedScalars.append(lo..<hi) }
        }
        return (scalars, matches, Zones.frontMatterEnd(source).map { Int(scalarAt[$0]) } ?? 0, removedScalars)
    }

    /// The scalar at `i` in `utf8`, moving `i` past it. Stored texts are valid UTF-8 (they were
    /// `String`s, and their records are checksummed); should a byte not start a valid sequence
    /// anyway, it reads as U+FFFD and decoding goes on with the next byte.
    @inline(__always)
    static func decodeScalar(_ utf8: UnsafeBufferPointer<UInt8>, at i: inout Int) -> Unicode.Scalar {
        let b0 = UInt32(utf8[i])
        if b0 < 0x80 {
            i += 1
            return Unicode.Scalar(UInt8(b0))
        }
        let n = utf8.count
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard k < n, utf8[k] & 0xC0 == 0x80 else { return nil }
            return UInt32(utf8[k] & 0x3F)
        }
        var value: UInt32 = 0, length = 0
        if b0 >= 0xC2 && b0 < 0xE0, let c1 = cont(i + 1) {
            value = (b0 & 0x1F) << 6 | c1
            length = 2
        } else if b0 >= 0xE0 && b0 < 0xF0, let c1 = cont(i + 1), let c2 = cont(i + 2) {
            value = (b0 & 0x0F) << 12 | c1 << 6 | c2
            length = value >= 0x800 && !(0xD800...0xDFFF).contains(value) ? 3 : 0
        } else if b0 >= 0xF0 && b0 < 0xF5, let c1 = cont(i + 1), let c2 = cont(i + 2), let c3 = cont(i + 3) {
            value = (b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
            length = value >= 0x10000 && value <= 0x10FFFF ? 4 : 0
        }
        guard length > 0, let scalar = Unicode.Scalar(value) else {
            i += 1
            return "\u{FFFD}"
        }
        i += length
        return scalar
    }

    /// Normalized ranges where `part` occurs (its runs and marks at their relative offsets).
    func occurrences(of part: QueryPart, in units: [UInt16], limit: Int = 10_000) -> [Range<Int>] {
        // The part's first unit is a run's or a mark's (the part is trimmed to them).
        guard let head = part.normalized.first else { return [] }
        var result: [Range<Int>] = []
        let total = part.normalized.count
        guard units.count >= total else { return [] }
        let marks = part.marks.map { ($0.offset, $0.units) }
        units.withUnsafeBufferPointer { hay in
            var i = 0
            let lastStart = hay.count - total
            while i <= lastStart, result.count < limit {
                if hay[i] == head, matchesAt(hay, i, part, marks) {
                    result.append(i..<(i + total))
                    i += total
                } else {
                    i += 1
                }
            }
        }
        return result
    }

    private func matchesAt(_ hay: UnsafeBufferPointer<UInt16>, _ start: Int, _ part: QueryPart,
                           _ marks: [(Int, [UInt16])]) -> Bool {
        for run in part.runs {
            let at = start + run.offset
            for (k, unit) in run.units.enumerated() where hay[at + k] != unit { return false }
            // Before a space of a quoted phrase the document's word must end (see `QueryRun`).
            if run.endsBeforeSpace, at + run.units.count < hay.count,
               let next = Unicode.Scalar(hay[at + run.units.count]), next.properties.isAlphabetic || next.properties.numericType != nil {
                return false
            }
        }
        for (offset, markUnits) in marks {
            for (k, unit) in markUnits.enumerated() where hay[start + offset + k] != unit { return false }
        }
        return true
    }

    /// Windows of `scalars` from `from` on.
    func windows(scalars: [Unicode.Scalar], matches: [Match], removed: [Range<Int>] = [], from: Int = 0) -> [Snippet] {
        let n = scalars.count
        let length = max(10, options.length)
        let from = min(max(0, from), n)
        if matches.isEmpty {
            return n == from ? [] : [render(scalars, from, min(n, from + length), [], removed)]
        }
        // One candidate window per match, starting a little before it.
        struct Candidate { var start: Int; var end: Int; var inBody: Int; var parts: Int; var hits: Int }
        var candidates: [Candidate] = []
        var seenStarts = Set<Int>()
        // `matches` are sorted by start: the ones inside a window follow the first that starts in it.
        func firstStarting(atOrAfter start: Int) -> Int {
            var lo = 0, hi = matches.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if matches[mid].start < start { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        for m in matches {
            let lead = max(0, min(length / 4, length - (m.end - m.start)))
            var start = max(from, m.start - lead)
            let end = min(n, start + length)
            start = max(from, min(start, end - length))
            if !seenStarts.insert(start).inserted { continue }
            var parts = PartSet(), hits = 0
            var i = firstStarting(atOrAfter: start)
            while i < matches.count, matches[i].start < end {
                if matches[i].end <= end {
                    parts.insert(matches[i].part)
                    hits += 1
                }
                i += 1
            }
            candidates.append(Candidate(start: start, end: end, inBody: m.boilerplate ? 0 : 1, parts: parts.count, hits: hits))
        }
        candidates.sort { ($0.inBody, $0.parts, $0.hits, -$0.start) > ($1.inBody, $1.parts, $1.hits, -$1.start) }
        var chosen: [Candidate] = []
        for c in candidates where chosen.count < options.count {
            if chosen.contains(where: { c.start < $0.end && $0.start < c.end }) { continue }
            let parts = Set(matches.filter { $0.start >= c.start && $0.end <= c.end }.map(\.part))
            // A second window is only worth it if it shows something, preferably something new.
            if !chosen.isEmpty && parts.isEmpty { continue }
            // Once the body has given a window, boilerplate gives none.
            if c.inBody == 0, chosen.contains(where: { $0.inBody == 1 }) { continue }
            chosen.append(c)
        }
        chosen.sort { $0.start < $1.start }
        return chosen.map { c in
            render(scalars, c.start, c.end, matches.filter { $0.start >= c.start && $0.end <= c.end }, removed)
        }
    }

    /// The distinct parts a window shows: a bit each for parts 0–63, a set for any beyond.
    struct PartSet {
        private var bits: UInt64 = 0
        private var more: Set<Int> = []

        mutating func insert(_ part: Int) {
            if part < 64 { bits |= 1 << UInt64(part) } else { more.insert(part) }
        }

        var count: Int { bits.nonzeroBitCount + more.count }
    }

    /// The window `start..<end` as a snippet; scalars inside `removed` (injected spam) are left out
    /// and the highlights shifted accordingly, so a match interrupted by spam is marked as one.
    private func render(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int, _ matches: [Match],
                        _ removed: [Range<Int>]) -> Snippet {
        var s = start, e = end
        // Never start on a combining mark or end before one (keep characters whole); trim spaces.
        while s > 0, s < e, scalars[s].properties.generalCategory == .nonspacingMark { s -= 1 }
        while e < scalars.count, scalars[e].properties.generalCategory == .nonspacingMark { e += 1 }
        let firstMatch = matches.first?.start ?? e
        while s < e, s < firstMatch, scalars[s].properties.isWhitespace { s += 1 }
        let lastMatch = matches.map(\.end).max() ?? s
        while e > s, e > lastMatch, scalars[e - 1].properties.isWhitespace { e -= 1 }
        var text: [UInt8] = []
        text.reserveCapacity((e - s) * 3 + 6)
        func put(_ c: Unicode.Scalar) { text.append(contentsOf: UTF8.encode(c)!) }
        let prefix = s > 0
        if prefix { put("…") }
        // Output offset of every scalar of the window (kept scalars count, removed ones do not).
        var out = [Int](repeating: 0, count: e - s + 1)
        var r = removed.firstIndex { $0.upperBound > s } ?? removed.count
        var j = prefix ? 1 : 0
        for k in s..<e {
            out[k - s] = j
            while r < removed.count, removed[r].upperBound <= k { r += 1 }
            if r < removed.count, removed[r].contains(k) { continue }
            let c = scalars[k]
            put(c == "\n" || c == "\r" || c == "\t" ? " " : c)
            j += 1
        }
        out[e - s] = j
        if e < scalars.count { put("…") }
        var highlights: [[Int]] = []
        for m in matches {
            let a = out[max(0, min(m.start, e) - s)], b = out[max(0, min(m.end, e) - s)]
            if a >= b { continue }
            if let last = highlights.last, a <= last[1] {
                highlights[highlights.count - 1][1] = max(last[1], b)
            } else {
                highlights.append([a, b])
            }
        }
        return Snippet(text: String(decoding: text, as: UTF8.self), highlights: highlights)
    }
}
