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
        let (scalars, matches, bodyStart) = locate(text: text, parts: parts, zones: zones, removed: removed)
        return windows(scalars: scalars, matches: matches.filter { $0.start >= bodyStart }, removed: scalarRanges(removed, in: text),
                       from: bodyStart)
    }

    /// UTF-16 ranges of `text` as Unicode scalar ranges.
    func scalarRanges(_ ranges: [Range<Int>], in text: String) -> [Range<Int>] {
        guard !ranges.isEmpty else { return [] }
        var result: [Range<Int>] = []
        var u = 0, s = 0
        var k = 0
        var start: Int?
        for scalar in text.unicodeScalars {
            while k < ranges.count, u >= ranges[k].upperBound {
                if let st = start { result.append(st..<s); start = nil }
                k += 1
            }
            if k < ranges.count, start == nil, u >= ranges[k].lowerBound { start = s }
            u += scalar.value >= 0x10000 ? 2 : 1
            s += 1
        }
        if let st = start { result.append(st..<s) }
        return result
    }

    /// Every match of `parts` in `text` as `[start, end)` in Unicode scalars (merged where they
    /// overlap): the document view marks them all.
    public func highlights(text: String, parts: [QueryPart], removed: [Range<Int>] = []) -> [[Int]] {
        var result: [[Int]] = []
        for m in locate(text: text, parts: parts, zones: ZoneMap(), removed: removed).matches {
            if let last = result.last, m.start <= last[1] {
                result[result.count - 1][1] = max(last[1], m.end)
            } else {
                result.append([m.start, m.end])
            }
        }
        return result
    }

    /// The original text's scalars, every match in it in text order, and the scalar offset where the
    /// text after a front matter block starts (0 without one).
    func locate(text: String, parts: [QueryPart], zones: ZoneMap, removed: [Range<Int>])
        -> (scalars: [Unicode.Scalar], matches: [Match], bodyStart: Int) {
        // One decoding pass: the scalars, the UTF-16 units the normalizer reads, and for every unit
        // the scalar it belongs to.
        // Each of the three holds at most one element per UTF-8 byte (plus the end for `scalarAt`).
        let capacity = text.utf8.count
        var source: [UInt16] = [], scalarAt: [Int32] = []
        let scalars = [Unicode.Scalar](unsafeUninitializedCapacity: capacity) { scalarBuffer, scalarCount in
            source = [UInt16](unsafeUninitializedCapacity: capacity) { sourceBuffer, sourceCount in
                scalarAt = [Int32](unsafeUninitializedCapacity: capacity + 1) { atBuffer, atCount in
                    var s = 0, u = 0
                    for scalar in text.unicodeScalars {
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
        return (scalars, matches, Zones.frontMatterEnd(source).map { Int(scalarAt[$0]) } ?? 0)
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
        for m in matches {
            let lead = max(0, min(length / 4, length - (m.end - m.start)))
            var start = max(from, m.start - lead)
            let end = min(n, start + length)
            start = max(from, min(start, end - length))
            if !seenStarts.insert(start).inserted { continue }
            var parts = Set<Int>(), hits = 0
            for x in matches where x.start >= start && x.end <= end {
                parts.insert(x.part)
                hits += 1
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
