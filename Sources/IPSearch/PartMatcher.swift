import IPSearchAnalysis
import IPSearchIndex

/// Finds where one query part occurs in one segment, using gram postings and positions.
///
/// A run of `n ≥ 2` code points is covered by the grams starting at its even code points (plus the
/// one starting at `n − 2` when `n` is odd); a single code point by the union of all grams starting
/// with it. An occurrence at normalized offset `p` needs every element's gram at `p + offset`.
/// See `Analyzer` for why this finds every occurrence and nothing else.
struct PartMatcher {
    /// What to look up, and where relative to the part's start.
    enum Lookup: Hashable {
        case gram(UInt64)
        case prefix(UInt32)
    }

    struct Element {
        var offset: Int32
        var lookup: Lookup
    }

    /// Occurrences per document of a segment, ascending by document: `counts[i]` occurrences of the
    /// part in `docs[i]`, starting at the normalized offsets `positions[positionStart[i] ..<
    /// positionStart[i + 1]]` (ascending), which ranking maps to zones and distances.
    struct Matches {
        var docs: [Int32] = []
        var counts: [Int32] = []
        var positionStart: [Int32] = [0]
        var positions: [Int32] = []

        var count: Int { docs.count }

        /// Where `docs[i]`'s occurrence starts are in `positions`.
        @inline(__always)
        func range(at i: Int) -> Range<Int> { Int(positionStart[i])..<Int(positionStart[i + 1]) }

        mutating func append(doc: Int32, starts: some Sequence<Int32>) {
            let before = positions.count
            positions.append(contentsOf: starts)
            guard positions.count > before else { return }
            docs.append(doc)
            counts.append(Int32(positions.count - before))
            positionStart.append(Int32(positions.count))
        }
    }

    static func elements(of part: QueryPart) -> [Element] {
        var result: [Element] = []
        for run in part.runs {
            // UTF-16 offset of each code point in the run.
            var offsets: [Int32] = []
            var o = Int32(run.offset)
            for s in run.scalars {
                offsets.append(o)
                o += s >= 0x10000 ? 2 : 1
            }
            let n = run.scalars.count
            if n == 1 {
                result.append(Element(offset: offsets[0], lookup: .prefix(run.scalars[0])))
                continue
            }
            var starts = Array(stride(from: 0, to: n - 1, by: 2))
            if n % 2 == 1 { starts.append(n - 2) }
            for i in starts {
                result.append(Element(offset: offsets[i], lookup: .gram(Gram(run.scalars[i], run.scalars[i + 1]).key)))
            }
        }
        return result
    }

    /// Postings of one lookup: a single gram's list, or the union of all grams with that first code point.
    static func postings(_ lookup: Lookup, in segment: SegmentReader) throws(IndexError) -> PostingList {
        switch lookup {
        case .gram(let key):
            guard let info = try segment.find(key) else { return PostingList() }
            return try segment.postings(info)
        case .prefix(let c):
            let infos = try segment.terms(in: Gram.range(startingWith: c))
            if infos.count == 1 { return try segment.postings(infos[0]) }
            var byDoc: [Int32: [Int32]] = [:]
            for info in infos {
                let list = try segment.postings(info)
                for i in 0..<list.count { byDoc[list.docs[i], default: []].append(contentsOf: list.positions(at: i)) }
            }
            var merged = PostingList()
            for doc in byDoc.keys.sorted() {
                merged.docs.append(doc)
                merged.positions.append(contentsOf: byDoc[doc]!.sorted())
                merged.positionStart.append(Int32(merged.positions.count))
            }
            return merged
        }
    }

    /// Occurrences of `part` in every live document of `segment`.
    static func match(_ part: QueryPart, in segment: SegmentReader) throws(IndexError) -> Matches {
        let elements = elements(of: part)
        if elements.count == 1 {
            let list = try postings(elements[0].lookup, in: segment)
            var result = Matches()
            result.docs.reserveCapacity(list.count)
            let base = elements[0].offset
            for i in 0..<list.count where !segment.isDeleted(Int(list.docs[i])) {
                result.append(doc: list.docs[i], starts: list.positions(at: i).lazy.map { $0 - base })
            }
            return result
        }
        var lists: [PostingList] = []
        for e in elements {
            let list = try postings(e.lookup, in: segment)
            if list.count == 0 { return Matches() }
            lists.append(list)
        }
        // Drive with the rarest list; check the others by walking their doc ids forward. Raw
        // buffers: this loop runs for every document of a common multi-gram part.
        let driver = lists.indices.min { lists[$0].count < lists[$1].count }!
        let views = lists.map(PostingView.init)
        defer { withExtendedLifetime(lists) {} }
        let offsets = elements.map(\.offset)
        var cursor = [Int](repeating: 0, count: lists.count)
        var slot = [Int](repeating: 0, count: lists.count)
        var result = Matches()
        let d = views[driver]
        docs: for i in 0..<d.count {
            let doc = d.docs[i]
            if segment.isDeleted(Int(doc)) { continue }
            for k in views.indices where k != driver {
                let docsK = views[k].docs
                var c = cursor[k]
                while c < views[k].count && docsK[c] < doc { c += 1 }
                cursor[k] = c
                if c == views[k].count { break docs }
                if docsK[c] != doc { continue docs }
                slot[k] = c
            }
            // Start positions p where every element sits at p + offset.
            let before = result.positions.count
            let base = offsets[driver]
            outer: for j in Int(d.starts[i])..<Int(d.starts[i + 1]) {
                let start = d.positions[j] - base
                if start < 0 { continue }
                for k in views.indices where k != driver {
                    let v = views[k]
                    if !contains(v.positions, Int(v.starts[slot[k]]), Int(v.starts[slot[k] + 1]), start + offsets[k]) { continue outer }
                }
                result.positions.append(start)
            }
            if result.positions.count > before {
                result.docs.append(doc)
                result.counts.append(Int32(result.positions.count - before))
                result.positionStart.append(Int32(result.positions.count))
            }
        }
        return result
    }

    /// Unretained pointers into a `PostingList` that outlives the view.
    struct PostingView {
        let docs: UnsafePointer<Int32>
        let starts: UnsafePointer<Int32>
        let positions: UnsafePointer<Int32>
        let count: Int

        init(_ list: PostingList) {
            docs = list.docs.withUnsafeBufferPointer { $0.baseAddress ?? UnsafePointer(bitPattern: 4)! }
            starts = list.positionStart.withUnsafeBufferPointer { $0.baseAddress! }
            positions = list.positions.withUnsafeBufferPointer { $0.baseAddress ?? UnsafePointer(bitPattern: 4)! }
            count = list.docs.count
        }
    }

    @inline(__always)
    static func contains(_ p: UnsafePointer<Int32>, _ from: Int, _ to: Int, _ value: Int32) -> Bool {
        var lo = from, hi = to
        while lo < hi {
            let mid = (lo + hi) >> 1
            if p[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < to && p[lo] == value
    }
}
