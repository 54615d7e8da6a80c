import IPSearchAnalysis
import IPSearchIndex

/// Finds the Han strings of an index that spell one choice per position (`[地弟第…][理里力…]…`),
/// by walking the gram dictionary: a string can only occur if each pair of neighbours is a gram.
///
/// A beam search from left to right: the paths kept after each step are the `beam` with the highest
/// score, the score being the smallest document frequency of the path's grams (an upper bound of
/// the documents that contain the whole string). Successors of a character are found either by
/// looking up each candidate pair (few candidates) or by reading every gram that starts with it
/// (many candidates: one contiguous stretch of the sorted dictionary).
struct HanPathFinder {
    let segments: [SegmentReader]
    private var successorCache: [UInt32: [UInt32: Int]] = [:]

    /// Paths wider than this many candidates read the grams of the previous character instead of
    /// looking up each pair.
    static let lookupLimit = 12

    struct Path {
        var scalars: [UInt32]
        var score: Int
        var string: String { String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init))) }
    }

    /// Uses the largest segments that together hold at least `coverage` of the documents (all
    /// segments of a small index): a string common enough to be worth proposing is in them.
    init(reader: IndexReader, coverage: Double = 0.4, smallIndex: Int = 20_000) {
        let sorted = reader.segments.sorted { $0.documentCount > $1.documentCount }
        if reader.documentCount <= smallIndex {
            segments = sorted
        } else {
            var chosen: [SegmentReader] = []
            var covered = 0
            for s in sorted {
                chosen.append(s)
                covered += s.documentCount
                if Double(covered) >= coverage * Double(reader.documentCount) { break }
            }
            segments = chosen
        }
    }

    /// Summed document frequency of the gram `a b` over the walked segments.
    func pairFrequency(_ a: UInt32, _ b: UInt32) -> Int {
        let key = Gram(a, b).key
        var df = 0
        for s in segments {
            if let info = try? s.find(key) { df += info.docFreq }
        }
        return df
    }

    /// Second characters of the grams starting with `a`, with their summed document frequencies.
    mutating func successors(of a: UInt32) -> [UInt32: Int] {
        if let cached = successorCache[a] { return cached }
        var result: [UInt32: Int] = [:]
        for s in segments {
            guard let infos = try? s.terms(in: Gram.range(startingWith: a)) else { continue }
            for info in infos {
                let second = Gram(key: info.key).second
                if second != 0 { result[second, default: 0] += info.docFreq }
            }
        }
        successorCache[a] = result
        return result
    }

    /// The best paths through `positions` (each a list of candidate characters, most likely first),
    /// highest score first; ties keep the candidates' order.
    mutating func paths(through positions: [[UInt32]], beam: Int, limit: Int) -> [Path] {
        guard let first = positions.first, !first.isEmpty else { return [] }
        var paths = first.map { Path(scalars: [$0], score: Int.max) }
        for next in positions.dropFirst() {
            guard !next.isEmpty else { return [] }
            var extended: [Path] = []
            if next.count <= HanPathFinder.lookupLimit {
                for p in paths {
                    let a = p.scalars[p.scalars.count - 1]
                    for b in next {
                        let df = pairFrequency(a, b)
                        if df > 0 { extended.append(Path(scalars: p.scalars + [b], score: min(p.score, df))) }
                    }
                }
            } else {
                var rank: [UInt32: Int] = [:]
                for (k, b) in next.enumerated() where rank[b] == nil { rank[b] = k }
                for p in paths {
                    let a = p.scalars[p.scalars.count - 1]
                    var found: [(Int, UInt32, Int)] = []
                    for (b, df) in successors(of: a) {
                        if let r = rank[b] { found.append((r, b, df)) }
                    }
                    found.sort { $0.0 < $1.0 }
                    for (_, b, df) in found { extended.append(Path(scalars: p.scalars + [b], score: min(p.score, df))) }
                }
            }
            // Stable: equal scores keep the order of the candidates.
            paths = extended.enumerated().sorted { l, r in
                l.element.score != r.element.score ? l.element.score > r.element.score : l.offset < r.offset
            }.prefix(beam).map(\.element)
            if paths.isEmpty { return [] }
        }
        return Array(paths.prefix(limit))
    }
}
