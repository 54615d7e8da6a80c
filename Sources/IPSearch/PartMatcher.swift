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

    /// Occurrence counts per document of a segment, ascending by document.
    struct Matches {
        var docs: [Int32] = []
        var counts: [Int32] = []
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
        var lists: [PostingList] = []
        for e in elements {
            let list = try postings(e.lookup, in: segment)
            if list.count == 0 { return Matches() }
            lists.append(list)
        }
        // Drive with the rarest list; check the others by galloping through their doc ids.
        let driver = lists.indices.min { lists[$0].count < lists[$1].count }!
        var cursor = [Int](repeating: 0, count: lists.count)
        var result = Matches()
        let d = lists[driver]
        docs: for i in 0..<d.count {
            let doc = d.docs[i]
            if segment.isDeleted(Int(doc)) { continue }
            var slot = [Int](repeating: 0, count: lists.count)
            for k in lists.indices where k != driver {
                let docsK = lists[k].docs
                var c = cursor[k]
                while c < docsK.count && docsK[c] < doc { c += 1 }
                cursor[k] = c
                if c == docsK.count { break docs }
                if docsK[c] != doc { continue docs }
                slot[k] = c
            }
            slot[driver] = i
            // Count start positions p where every element sits at p + offset.
            var count: Int32 = 0
            let base = elements[driver].offset
            outer: for p in d.positions(at: i) {
                let start = p - base
                if start < 0 { continue }
                for k in lists.indices where k != driver {
                    let want = start + elements[k].offset
                    if !contains(lists[k].positions(at: slot[k]), want) { continue outer }
                }
                count += 1
            }
            if count > 0 {
                result.docs.append(doc)
                result.counts.append(count)
            }
        }
        return result
    }

    @inline(__always)
    static func contains(_ sorted: ArraySlice<Int32>, _ value: Int32) -> Bool {
        var lo = sorted.startIndex, hi = sorted.endIndex
        while lo < hi {
            let mid = (lo + hi) >> 1
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.endIndex && sorted[lo] == value
    }
}
