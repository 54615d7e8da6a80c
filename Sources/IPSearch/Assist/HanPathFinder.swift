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

    /// A step with more pairs than this reads the successors of each path's last character (cached
    /// per segment) instead of looking up each pair (about 1 µs a lookup per segment).
    static let lookupLimit = 96

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

    /// Second characters of the grams starting with `a` in each walked segment, with their document
    /// frequencies. Reading them costs one checked dictionary entry per gram (thousands for 的 in a
    /// large segment), so they are kept per segment for the life of the segment (`SuccessorCache`):
    /// warm queries only pay for characters no query has walked yet.
    func successors(of a: UInt32) -> [[(UInt32, Int)]] {
        segments.map { SuccessorCache.shared.successors(of: a, in: $0) }
    }

    /// The best paths through `positions` (each a list of candidate characters, most likely first),
    /// highest score first; ties keep the candidates' order.
    func paths(through positions: [[UInt32]], beam: Int, limit: Int) -> [Path] {
        guard let first = positions.first, !first.isEmpty else { return [] }
        var paths = first.map { Path(scalars: [$0], score: Int.max) }
        for next in positions.dropFirst() {
            guard !next.isEmpty else { return [] }
            var extended: [Path] = []
            if paths.count * next.count <= HanPathFinder.lookupLimit {
                for p in paths {
                    let a = p.scalars[p.scalars.count - 1]
                    for b in next {
                        let df = pairFrequency(a, b)
                        if df > 0 { extended.append(Path(scalars: p.scalars + [b], score: min(p.score, df))) }
                    }
                }
            } else {
                // Rank of each candidate by code point: a flat table for the BMP (every successor
                // of a common character is looked up here), a dictionary beyond.
                var rank = [Int32](repeating: -1, count: 0x10000)
                var rankBeyond: [UInt32: Int32] = [:]
                for (k, b) in next.enumerated() {
                    if b < 0x10000 { if rank[Int(b)] < 0 { rank[Int(b)] = Int32(k) } } else if rankBeyond[b] == nil { rankBeyond[b] = Int32(k) }
                }
                for p in paths {
                    let a = p.scalars[p.scalars.count - 1]
                    var found: [UInt32: (rank: Int32, df: Int)] = [:]
                    for list in successors(of: a) {
                        for (b, df) in list {
                            let r = b < 0x10000 ? rank[Int(b)] : (rankBeyond[b] ?? -1)
                            if r >= 0 { found[b, default: (r, 0)].df += df }
                        }
                    }
                    for (b, v) in found.sorted(by: { $0.value.rank < $1.value.rank }) {
                        extended.append(Path(scalars: p.scalars + [b], score: min(p.score, v.df)))
                    }
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

/// Successor lists of characters per segment, shared by all queries of the process. Segments are
/// immutable, so entries never go stale; an entry goes when its segment is released, and everything
/// goes when the cache holds more than `capacity` successors.
final class SuccessorCache: @unchecked Sendable {
    static let shared = SuccessorCache()
    static let capacity = 4_000_000

    private struct Entry {
        weak var segment: SegmentReader?
        var lists: [UInt32: [(UInt32, Int)]] = [:]
    }

    private let lock = Lock()
    private var entries: [ObjectIdentifier: Entry] = [:]
    private var size = 0

    func successors(of a: UInt32, in segment: SegmentReader) -> [(UInt32, Int)] {
        let id = ObjectIdentifier(segment)
        if let hit = lock.withLock({ entries[id]?.segment === segment ? entries[id]?.lists[a] : nil }) { return hit }
        var list: [(UInt32, Int)] = []
        if let infos = try? segment.terms(in: Gram.range(startingWith: a)) {
            for info in infos {
                let second = Gram(key: info.key).second
                if second != 0 { list.append((second, info.docFreq)) }
            }
        }
        lock.withLock {
            if size + list.count > SuccessorCache.capacity {
                entries = [:]
                size = 0
            }
            // Forget released segments (a new generation's reader replaced them).
            if entries[id] == nil || entries[id]?.segment !== segment {
                for (key, entry) in entries where entry.segment == nil {
                    size -= entry.lists.values.reduce(0) { $0 + $1.count }
                    entries[key] = nil
                }
                entries[id] = Entry(segment: segment)
            }
            entries[id]?.lists[a] = list
            size += list.count
        }
        return list
    }
}
