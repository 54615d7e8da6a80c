import IPSearchAnalysis
import IPSearchIndex

/// Finds where one query part occurs in one segment, using gram postings and positions.
///
/// A run of `n ≥ 2` code points is covered by pair grams whose spans cover every code point: per
/// segment, the cover with the smallest total document frequency (`cheapestCover`); `elements(of:)`
/// is the fixed cover by even offsets. A single code point is the union of all grams starting with
/// it. A run followed by a space (in a quoted phrase) also needs its last code point's run-end gram,
/// and the part's punctuation outside runs its marks. An occurrence at normalized offset `p` needs
/// every chosen term at `p + offset`. See `Analyzer` for why this finds every occurrence and
/// nothing else.
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
        /// Set when `match(_:in:lazyPositions:)` left the positions unread (a part that is one gram
        /// at offset 0: its positions are the gram's). `positions` is then empty, `counts` are the
        /// gram's frequencies, and ranking reads positions through a cursor on this term, only for
        /// the documents it scores.
        var lazyTerm: TermInfo?
        /// Set (non-empty) when `match(_:in:lazyPositions:)` left a common lone code point's
        /// positions unread: the grams of its union. `positions` is then empty and `counts` are the
        /// union's frequencies; ranking bounds a document's score from these and `titleCounts` and
        /// gathers positions from the grams only for the documents it scores.
        var lazyUnion: [TermInfo] = []
        /// With `lazyUnion`: each document's occurrences in its title span (`SegmentReader.titleSpan`).
        var titleCounts: [Int32] = []
        /// With `lazyUnion`: the positions of the documents `match` was asked to keep (members of
        /// near-duplicate groups, which facets score), so that ranking need not gather them.
        var kept = PostingList()

        var count: Int { docs.count }

        /// Where `docs[i]`'s occurrence starts are in `positions`.
        @inline(__always)
        func range(at i: Int) -> Range<Int> { Int(positionStart[i])..<Int(positionStart[i + 1]) }

        /// Room for `documents` documents with one occurrence each, so that an intersection's
        /// arrays do not grow by copying (its rarest list bounds its documents).
        mutating func reserve(documents: Int) {
            docs.reserveCapacity(documents)
            counts.reserveCapacity(documents)
            positionStart.reserveCapacity(documents + 1)
            positions.reserveCapacity(documents)
        }

        /// Appends `other`, whose documents all follow this one's.
        mutating func append(contentsOf other: Matches) {
            let shift = Int32(positions.count)
            docs.append(contentsOf: other.docs)
            counts.append(contentsOf: other.counts)
            positionStart.append(contentsOf: other.positionStart.dropFirst().lazy.map { $0 + shift })
            positions.append(contentsOf: other.positions)
        }

        mutating func append(doc: Int32, starts: some Sequence<Int32>) {
            let before = positions.count
            positions.append(contentsOf: starts)
            close(doc: doc, from: before)
        }

        /// Records `doc` with the starts appended to `positions` since `before` (none: nothing).
        @inline(__always)
        mutating func close(doc: Int32, from before: Int) {
            guard positions.count > before else { return }
            docs.append(doc)
            counts.append(Int32(positions.count - before))
            positionStart.append(Int32(positions.count))
        }
    }

    static func elements(of part: QueryPart) -> [Element] {
        var result: [Element] = []
        for run in part.runs {
            let offsets = run.scalarOffsets
            let n = run.scalars.count
            if n == 1 {
                // Before a space the code point ends a run of the document too: one exact gram.
                let lookup: Lookup = run.endsBeforeSpace ? .gram(Gram(run.scalars[0], 0).key) : .prefix(run.scalars[0])
                result.append(Element(offset: offsets[0], lookup: lookup))
                continue
            }
            var starts = Array(stride(from: 0, to: n - 1, by: 2))
            if n % 2 == 1 { starts.append(n - 2) }
            for i in starts {
                result.append(Element(offset: offsets[i], lookup: .gram(Gram(run.scalars[i], run.scalars[i + 1]).key)))
            }
            if run.endsBeforeSpace {
                result.append(Element(offset: offsets[n - 1], lookup: .gram(Gram(run.scalars[n - 1], 0).key)))
            }
        }
        for mark in part.marks {
            result.append(Element(offset: Int32(mark.offset), lookup: .gram(Gram.mark(mark.scalar).key)))
        }
        return result
    }

    /// One run's choice of grams: every pair gram of the run is a candidate, and the chosen ones
    /// must cover every code point (gram `i` covers code points `i` and `i + 1`). Among the covers,
    /// the one with the smallest sum of document frequencies is taken (a path edge cover, by dynamic
    /// programming): rare grams drive the intersection, common ones are skipped over.
    static func cheapestCover(_ docFreqs: [Int]) -> [Int] {
        let m = docFreqs.count
        guard m > 1 else { return Array(0..<m) }
        // cost[i][c]: cheapest choice over grams 0...i with gram i chosen (c = 1) or not (c = 0),
        // every code point ≤ i covered. Code point i + 1 is covered by gram i or gram i + 1.
        var take = [Int](repeating: 0, count: m), skip = [Int](repeating: Int.max / 2, count: m)
        var takeFrom = [Bool](repeating: true, count: m)  // gram i taken: was gram i − 1 taken?
        take[0] = docFreqs[0]
        for i in 1..<m {
            // Skip gram i: gram i − 1 must be taken (code point i needs gram i − 1 or i).
            skip[i] = take[i - 1]
            let viaTake = take[i - 1], viaSkip = skip[i - 1]
            takeFrom[i] = viaTake <= viaSkip
            take[i] = min(viaTake, viaSkip) + docFreqs[i]
        }
        // The last gram must be taken (it alone covers the last code point).
        var chosen: [Int] = []
        var i = m - 1, taken = true
        while i >= 0 {
            if taken {
                chosen.append(i)
                taken = i > 0 ? takeFrom[i] : true
            } else {
                taken = true
            }
            i -= 1
        }
        return chosen.reversed()
    }

    /// Where the postings of one element come from: a gram's cursor, or for a lone code point the
    /// union of every gram starting with it, decoded and merged. A value type, advanced in place in
    /// the `sources` array (no reference counting or dynamic exclusivity checks on the hot path).
    struct Source {
        let offset: Int32
        let cost: Int
        /// The gram's cursor; for a union, an empty cursor that is never read (not an optional: a
        /// cursor inside an optional was copied, its arrays retained and released, on every call).
        var cursor: PostingCursor
        let hasCursor: Bool
        var union = PostingList()
        var unionIndex = -1
        var doc: Int32 = -1

        init(offset: Int32, cursor: PostingCursor) {
            self.offset = offset
            cost = cursor.info.docFreq
            self.cursor = cursor
            hasCursor = true
        }

        init(offset: Int32, union: PostingList, in segment: SegmentReader) throws(IndexError) {
            self.offset = offset
            cost = union.count
            self.union = union
            cursor = try segment.cursor(TermInfo(key: 0, docFreq: 0, postingsOffset: 0, postingsLength: 0,
                                                 positionsOffset: 0, positionsLength: 0))
            hasCursor = false
        }

        @inline(__always)
        mutating func next() throws(IndexError) -> Int32 {
            if hasCursor {
                doc = try cursor.next()
            } else {
                unionIndex += 1
                doc = unionIndex < union.count ? union.docs[unionIndex] : PostingCursor.end
            }
            return doc
        }

        @inline(__always)
        mutating func advance(to target: Int32) throws(IndexError) -> Int32 {
            if doc >= target { return doc }
            if hasCursor {
                doc = try cursor.advance(to: target)
            } else {
                var i = max(0, unionIndex)
                while i < union.count && union.docs[i] < target { i += 1 }
                unionIndex = i
                doc = i < union.count ? union.docs[i] : PostingCursor.end
            }
            return doc
        }

        /// How many positions the current document has in this source.
        @inline(__always)
        var frequency: Int {
            hasCursor ? cursor.freq : Int(union.positionStart[unionIndex + 1] - union.positionStart[unionIndex])
        }

        /// Writes the current document's occurrence starts (positions minus `offset`) to `out`,
        /// which has room for `frequency` of them; with `dropNegative`, only those at offset ≥ 0.
        /// Returns how many it wrote.
        @inline(__always)
        mutating func writeStarts(into out: UnsafeMutablePointer<Int32>, dropNegative: Bool = false) throws(IndexError) -> Int {
            if hasCursor { return try cursor.writePositions(minus: offset, into: out, dropNegative: dropNegative) }
            var written = 0
            for p in union.positions(at: unionIndex) where !dropNegative || p - offset >= 0 {
                out[written] = p - offset
                written += 1
            }
            return written
        }
    }

    /// The union of every gram starting with `c`: documents ascending, positions ascending per document.
    static func union(startingWith c: UInt32, in segment: SegmentReader) throws(IndexError) -> PostingList {
        let infos = try segment.terms(in: Gram.range(startingWith: c))
        if infos.count == 1 { return try segment.postings(infos[0]) }
        let postings = infos.reduce(0) { $0 + $1.docFreq }
        return postings >= segment.documentCount / denseUnionShare
            ? try denseUnion(infos, documents: segment.documentCount, in: segment) : try sortedUnion(infos, in: segment)
    }

    /// The union of `infos`' lists by sorting every (document, position) pair: for a few lists.
    static func sortedUnion(_ infos: [TermInfo], in segment: SegmentReader) throws(IndexError) -> PostingList {
        // Every (document, position) pair packed in one integer: one sort merges the lists.
        var pairs: [UInt64] = []
        for info in infos {
            var cursor = try segment.cursor(info)
            while try cursor.next() != PostingCursor.end {
                let high = UInt64(UInt32(bitPattern: cursor.doc)) << 32
                try cursor.forEachPosition { pairs.append(high | UInt64(UInt32(bitPattern: $0))) }
            }
        }
        pairs.sort()
        var merged = PostingList()
        var last: Int32 = -1
        for v in pairs {
            let doc = Int32(truncatingIfNeeded: v >> 32)
            if doc != last {
                if last >= 0 { merged.positionStart.append(Int32(merged.positions.count)) }
                merged.docs.append(doc)
                last = doc
            }
            merged.positions.append(Int32(truncatingIfNeeded: v & 0xFFFF_FFFF))
        }
        if last >= 0 { merged.positionStart.append(Int32(merged.positions.count)) }
        return merged
    }

    /// A union of lists holding at least one posting per this many documents of the segment is
    /// merged by `denseUnion` (an array the size of the segment pays off), a smaller one by sorting.
    static let denseUnionShare = 32

    /// The union of `infos`' lists as a counting sort by document, for a character as common as 的
    /// (thousands of grams, millions of positions), where sorting every (document, position) pair
    /// took 40% of a 200 ms query: each document's position count from the frequencies alone, the
    /// documents laid out in order, then each list's positions put in their document's place and
    /// each document's few sorted. A position belongs to one gram, so no two lists share one.
    static func denseUnion(_ infos: [TermInfo], documents: Int, in segment: SegmentReader) throws(IndexError) -> PostingList {
        var next = try frequencies(infos, documents: documents, in: segment)  // positions per document, then where the next goes
        let total = next.reduce(0) { $0 + Int($1) }
        guard total < Int(Int32.max) else { throw IndexError.corrupt(path: segment.postingsPath, reason: "more than 2³¹ positions in one character's lists") }
        var merged = PostingList()
        merged.positions = [Int32](repeating: 0, count: total)
        var at: Int32 = 0
        for d in 0..<documents where next[d] > 0 {
            merged.docs.append(Int32(d))
            let count = next[d]
            next[d] = at
            at += count
            merged.positionStart.append(at)
        }
        try merged.positions.withUnsafeMutableBufferPointer { (out) throws(IndexError) in
            try next.withUnsafeMutableBufferPointer { (next) throws(IndexError) in
                for info in infos {
                    var cursor = try segment.cursor(info)
                    while try cursor.next() != PostingCursor.end {
                        let d = Int(cursor.doc)
                        var w = Int(next[d])
                        // (As many as the first pass counted: the same frequency decoded again.)
                        try cursor.forEachPosition { p in
                            if w < out.count { out[w] = p }
                            w += 1
                        }
                        next[d] = Int32(truncatingIfNeeded: w)
                    }
                }
            }
            // Each document's positions came list by list, each list's ascending: sort them.
            sortEachDocument(out, starts: merged.positionStart)
        }
        return merged
    }

    /// Each document's summed frequency in `infos`' lists (positions of a union, as no two lists
    /// share a position), in an array the size of the segment.
    static func frequencies(_ infos: [TermInfo], documents: Int, in segment: SegmentReader) throws(IndexError) -> [Int32] {
        var counts = [Int32](repeating: 0, count: documents)
        var docs: [Int32] = [], freqs: [Int32] = []
        for info in infos {
            var cursor = try segment.cursor(info)
            docs.removeAll(keepingCapacity: true)
            freqs.removeAll(keepingCapacity: true)
            try cursor.appendRemaining(docs: &docs, freqs: &freqs)
            for (d, f) in zip(docs, freqs) {
                let (sum, overflow) = counts[Int(d)].addingReportingOverflow(f)
                guard !overflow else { throw IndexError.corrupt(path: segment.postingsPath, reason: "more than 2³¹ positions in one document") }
                counts[Int(d)] = sum
            }
        }
        return counts
    }

    /// A common character's documents, frequencies and occurrences in each document's title span,
    /// without keeping a position (`Matches.lazyUnion`): a document's positions are read only up to
    /// its title span's end, the rest passed over, except for the documents set in `keep`, whose
    /// positions are kept (`Matches.kept`).
    static func lazyUnion(_ infos: [TermInfo], in segment: SegmentReader, keeping keep: [UInt64]? = nil,
                          parallel: Parallel = Parallel()) throws(IndexError) -> Matches {
        // Per document: the summed frequency, then the occurrences in the title span.
        func sum(_ lists: ArraySlice<TermInfo>) throws(IndexError) -> (sums: [Int32], pairs: [UInt64]) {
            var sums = [Int32](repeating: 0, count: 2 * segment.documentCount)
            var pairs: [UInt64] = []
            for info in lists {
                var cursor = try segment.cursor(info)
                try cursor.accumulate(into: &sums, span: { segment.titleSpan($0) }, keeping: keep, kept: &pairs)
            }
            return (sums, pairs)
        }
        // Many postings: the lists are cut in two halves of about equal postings, the second
        // summed on a spare core when one is idle, then added (each half has its own sums: a
        // quarter of a segment's postings at least, so that adding them costs little next to it).
        let postings = infos.reduce(0) { $0 + $1.docFreq }
        var cut = 0, before = 0
        while cut < infos.count && 2 * before < postings { before += infos[cut].docFreq; cut += 1 }
        var sums: [Int32], pairs: [UInt64]
        if infos.count >= 2, cut < infos.count, postings / 8 >= parallel.matchFrom, postings >= segment.documentCount / 4,
           let upper = parallel.cores.fork({ () -> Result<(sums: [Int32], pairs: [UInt64]), IndexError> in
               Result { () throws(IndexError) in try sum(infos[cut...]) }
           }) {
            let lower = Result { () throws(IndexError) in try sum(infos[..<cut]) }
            let other = upper.join()
            (sums, pairs) = try lower.get()
            let (more, morePairs) = try other.get()
            for i in sums.indices {
                let (total, overflow) = sums[i].addingReportingOverflow(more[i])
                guard !overflow else { throw IndexError.corrupt(path: segment.postingsPath, reason: "more than 2³¹ positions in one document") }
                sums[i] = total
            }
            pairs.append(contentsOf: morePairs)
        } else {
            (sums, pairs) = try sum(infos[...])
        }
        var result = Matches()
        result.lazyUnion = infos
        for d in 0..<segment.documentCount where sums[2 * d] > 0 && !segment.isDeleted(d) {
            result.docs.append(Int32(d))
            result.counts.append(sums[2 * d])
            result.titleCounts.append(sums[2 * d + 1])
        }
        if let keep, !pairs.isEmpty {
            // Each kept document's positions in its place (as many as its summed frequency).
            var at = [Int32](repeating: 0, count: segment.documentCount)
            var kept = PostingList()
            var total = 0
            for d in 0..<segment.documentCount where sums[2 * d] > 0 && d >> 6 < keep.count && keep[d >> 6] & (1 << UInt64(d & 63)) != 0 {
                kept.docs.append(Int32(d))
                at[d] = Int32(truncatingIfNeeded: total)
                total += Int(sums[2 * d])
                kept.positionStart.append(Int32(truncatingIfNeeded: total))
            }
            guard total == pairs.count, total < Int(Int32.max) else {
                throw IndexError.corrupt(path: segment.postingsPath, reason: "positions do not match their frequencies")
            }
            let starts = kept.positionStart
            kept.positions = [Int32](repeating: 0, count: total)
            kept.positions.withUnsafeMutableBufferPointer { out in
                for v in pairs {
                    let d = Int(v >> 32), w = Int(at[d])
                    if w < out.count { out[w] = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF) }
                    at[d] += 1
                }
                sortEachDocument(out, starts: starts)
            }
            result.kept = kept
        }
        return result
    }

    /// Sorts each document's run of `positions` (bounded by `starts`): a few dozen by insertion,
    /// without the standard sort's scratch buffer, more by the standard sort.
    static func sortEachDocument(_ out: UnsafeMutableBufferPointer<Int32>, starts: [Int32]) {
        for i in 0..<(starts.count - 1) {
            let range = Int(starts[i])..<Int(starts[i + 1])
            if range.count > 64 {
                var positions = UnsafeMutableBufferPointer(rebasing: out[range])
                positions.sort()
                continue
            }
            for k in range.dropFirst() {
                let v = out[k]
                var j = k
                while j > range.lowerBound, out[j - 1] > v {
                    out[j] = out[j - 1]
                    j -= 1
                }
                out[j] = v
            }
        }
    }

    /// The code point of a part that is one lone code point at offset 0 (its grams' union), or nil.
    static func loneCodePoint(_ part: QueryPart) -> UInt32? {
        guard part.marks.isEmpty, part.runs.count == 1, let run = part.runs.first, run.scalars.count == 1,
              !run.endsBeforeSpace, run.scalarOffsets.first == 0 else { return nil }
        return run.scalars[0]
    }

    /// The dictionary entries of the terms `part` needs in `segment`: per run its pair grams in
    /// order (none for a lone code point, whose grams `union(startingWith:)` reads) and its run-end
    /// gram when a space follows it, then each mark's.
    struct Terms {
        var pairs: [[TermInfo]] = []
        var runEnds: [TermInfo?] = []
        var marks: [TermInfo] = []
    }

    /// `Terms` of `part`, or nil when one of them is absent (the part cannot occur).
    static func terms(of part: QueryPart, in segment: SegmentReader) throws(IndexError) -> Terms? {
        var terms = Terms()
        for run in part.runs {
            let n = run.scalars.count
            var end: TermInfo?
            if run.endsBeforeSpace {
                guard let info = try segment.find(Gram(run.scalars[n - 1], 0).key) else { return nil }
                end = info
            }
            var pairs: [TermInfo] = []
            pairs.reserveCapacity(max(0, n - 1))
            for i in 0..<max(0, n - 1) {
                guard let info = try segment.find(Gram(run.scalars[i], run.scalars[i + 1]).key) else { return nil }
                pairs.append(info)
            }
            terms.runEnds.append(end)
            terms.pairs.append(pairs)
        }
        for mark in part.marks {
            guard let info = try segment.find(Gram.mark(mark.scalar).key) else { return nil }
            terms.marks.append(info)
        }
        return terms
    }

    /// The sources of `part` in `segment`, rarest first, or nil when some gram of it is absent (the
    /// part cannot occur).
    static func sources(of part: QueryPart, in segment: SegmentReader) throws(IndexError) -> [Source]? {
        guard let terms = try terms(of: part, in: segment) else { return nil }
        var result: [Source] = []
        var unused: [(offset: Int32, info: TermInfo)] = []  // pair grams outside the runs' covers
        for (r, run) in part.runs.enumerated() {
            let offsets = run.scalarOffsets
            let n = run.scalars.count
            if let end = terms.runEnds[r] {
                // The run's last code point ends a run of the document (a space follows it there).
                result.append(Source(offset: offsets[n - 1], cursor: try segment.cursor(end)))
                if n == 1 { continue }
            }
            if n == 1 {
                let list = try union(startingWith: run.scalars[0], in: segment)
                if list.count == 0 { return nil }
                result.append(try Source(offset: offsets[0], union: list, in: segment))
                continue
            }
            let infos = terms.pairs[r]
            let cover = cheapestCover(infos.map(\.docFreq))
            for i in cover {
                result.append(Source(offset: offsets[i], cursor: try segment.cursor(infos[i])))
            }
            var c = 0
            for i in infos.indices {
                if c < cover.count && cover[c] == i { c += 1 } else { unused.append((offsets[i], infos[i])) }
            }
        }
        for (mark, info) in zip(part.marks, terms.marks) {
            result.append(Source(offset: Int32(mark.offset), cursor: try segment.cursor(info)))
        }
        // A gram the cover does not need still narrows the candidates: `否则将使` is covered by 否则
        // and 将使 (19,341 and 5,603 documents here, 1,280 holding both), and 则将 (3,036) leaves
        // 295 to verify. Intersecting costs about the driving (rarest) list's length times the
        // number of lists, so a gram joins while it is rarer than the rarest list so far by more
        // than that factor (L lists → L + 1). Every gram of the part stands at its offset in each
        // occurrence, so the occurrences found are the same.
        if !unused.isEmpty && !result.isEmpty {
            unused.sort { $0.info.docFreq < $1.info.docFreq }
            var rarest = result.lazy.map(\.cost).min() ?? 0
            for (offset, info) in unused {
                let lists = result.count
                guard info.docFreq * (lists + 1) < rarest * lists else { break }
                result.append(Source(offset: offset, cursor: try segment.cursor(info)))
                rarest = info.docFreq
            }
        }
        result.sort { $0.cost < $1.cost }
        return result
    }

    /// Occurrences of `part` in every live document of `segment`.
    ///
    /// The grams are intersected rarest first (each list jumps to the next candidate through its
    /// skip entries, whole blocks at a time); positions are decoded only for documents every gram
    /// holds, rarest gram first, and the check stops at the first gram that rules the document out.
    ///
    /// With `lazyPositions`, a part that is one gram at offset 0, or one common code point, returns
    /// its documents and frequencies without reading a position (see `Matches.lazyTerm` and
    /// `Matches.lazyUnion`); a common code point keeps the positions of the documents set in `keep`
    /// (a bitset, bit `doc & 63` of word `doc >> 6`).
    static func match(_ part: QueryPart, in segment: SegmentReader, lazyPositions: Bool = false,
                      keepingPositionsOf keep: [UInt64]? = nil, parallel: Parallel = Parallel()) throws(IndexError) -> Matches {
        if lazyPositions, let c = loneCodePoint(part) {
            let infos = try segment.terms(in: Gram.range(startingWith: c))
            if infos.count > 1 && infos.reduce(0, { $0 + $1.docFreq }) >= segment.documentCount / denseUnionShare {
                return try lazyUnion(infos, in: segment, keeping: keep, parallel: parallel)
            }
        }
        guard var sources = try sources(of: part, in: segment), !sources.isEmpty else { return Matches() }
        var result = Matches()
        if sources.count == 1, lazyPositions, sources[0].offset == 0, sources[0].hasCursor {
            var cursor = sources[0].cursor
            result.lazyTerm = cursor.info
            result.docs.reserveCapacity(cursor.info.docFreq)
            result.counts.reserveCapacity(cursor.info.docFreq)
            try cursor.appendRemaining(docs: &result.docs, freqs: &result.counts)
            if segment.hasDeletions {
                var kept = 0
                for i in result.docs.indices where !segment.isDeleted(Int(result.docs[i])) {
                    result.docs[kept] = result.docs[i]
                    result.counts[kept] = result.counts[i]
                    kept += 1
                }
                result.docs.removeLast(result.docs.count - kept)
                result.counts.removeLast(result.counts.count - kept)
            }
            return result
        }
        if sources.count == 1 {
            var s = sources[0]
            result.docs.reserveCapacity(s.cost)
            result.counts.reserveCapacity(s.cost)
            result.positionStart.reserveCapacity(s.cost + 1)
            var starts = StartBuffer()
            defer { starts.free() }
            while try s.next() != PostingCursor.end {
                if segment.isDeleted(Int(s.doc)) { continue }
                starts.reserve(s.frequency)
                let found = try s.writeStarts(into: starts.base, dropNegative: true)
                result.positions.append(contentsOf: UnsafeBufferPointer(start: starts.base, count: found))
                result.close(doc: s.doc, from: result.positions.count - found)
            }
            return result
        }
        // A long intersection is cut in two at the rarest list's middle block: a spare core, when
        // one is idle, takes the upper documents while this thread does the lower ones.
        if let cut = splitDocument(sources, documents: segment.documentCount, from: parallel.matchFrom),
           let upper = parallel.cores.fork({ [sources] () -> Result<Matches, IndexError> in
               var sources = sources, upper = Matches()
               upper.reserve(documents: sources[0].cost / 2)
               return Result { () throws(IndexError) in
                   try intersect(&sources, documents: cut..<PostingCursor.end, in: segment, into: &upper)
                   return upper
               }
           }) {
            let lower = Result { () throws(IndexError) in
                result.reserve(documents: sources[0].cost)  // and room for the upper half's
                try intersect(&sources, documents: 0..<cut, in: segment, into: &result)
            }
            let rest = upper.join()
            try lower.get()
            result.append(contentsOf: try rest.get())
            return result
        }
        result.reserve(documents: sources[0].cost)
        try intersect(&sources, documents: 0..<PostingCursor.end, in: segment, into: &result)
        return result
    }

    /// Whether `part` can be matched within a query's candidates (`match(_:in:within:…)`): every
    /// run has two code points or more. A lone code point's union of grams is read whole.
    static func matchesWithin(_ part: QueryPart) -> Bool {
        !part.runs.isEmpty && part.runs.allSatisfy { $0.scalars.count >= 2 }
    }

    /// The least document frequency among `part`'s grams and marks in `segment` (0 when one is
    /// absent): the documents that may hold the part, from the term dictionary alone. A query
    /// that matches a part only within its other parts' candidates (`SnapshotSearcher`) weighs
    /// it by this, as Lucene and Tantivy weigh a phrase by its terms' statistics.
    static func frequencyBound(of part: QueryPart, in segment: SegmentReader) throws(IndexError) -> Int {
        guard let terms = try terms(of: part, in: segment) else { return 0 }
        let all = terms.pairs.joined().map(\.docFreq) + terms.runEnds.compactMap { $0?.docFreq } + terms.marks.map(\.docFreq)
        return all.min() ?? 0
    }

    /// Occurrences of `part` (`matchesWithin`) in the documents `candidates` of `segment`
    /// (ascending, live), as `match` finds them in every document: a query's cheapest group of
    /// parts gives the candidates, and a common phrase is then verified only where the other
    /// parts stand too. With `lazyPositions`, a part that is one gram at offset 0 returns its
    /// documents and frequencies without reading a position (`Matches.lazyTerm`).
    static func match(_ part: QueryPart, in segment: SegmentReader, within candidates: [Int32],
                      lazyPositions: Bool) throws(IndexError) -> Matches {
        var result = Matches()
        guard !candidates.isEmpty, var sources = try sources(of: part, in: segment), !sources.isEmpty else { return result }
        if sources.count == 1, lazyPositions, sources[0].offset == 0, sources[0].hasCursor {
            var cursor = sources[0].cursor
            result.lazyTerm = cursor.info
            for c in candidates {
                let d = try cursor.advance(to: c)
                if d == PostingCursor.end { break }
                if d == c {
                    result.docs.append(c)
                    result.counts.append(Int32(truncatingIfNeeded: cursor.freq))
                }
            }
            return result
        }
        try intersect(&sources, within: candidates, into: &result)
        return result
    }

    /// Where to cut the intersection of `sources` (rarest first) in two: after the last document
    /// of the rarest list's middle block (the middle of the segment for a list too short to have
    /// one); nil when the rarest list has fewer than `from` documents.
    static func splitDocument(_ sources: [Source], documents: Int, from: Int) -> Int32? {
        guard sources.count > 1, sources[0].cost >= max(1, from) else { return nil }
        if sources[0].hasCursor, let middle = sources[0].cursor.middleDocument { return middle + 1 }
        if !sources[0].hasCursor, !sources[0].union.docs.isEmpty { return sources[0].union.docs[sources[0].union.docs.count / 2] }
        return Int32(truncatingIfNeeded: documents / 2)
    }

    /// Appends the occurrences in documents `documents` (every source rarest first, positioned
    /// before the range) to `result`.
    static func intersect(_ sources: inout [Source], documents: Range<Int32>, in segment: SegmentReader,
                          into result: inout Matches) throws(IndexError) {
        var scratch = Scratch()
        defer { scratch.free() }
        var target = try sources[0].advance(to: documents.lowerBound)
        docs: while target < documents.upperBound {
            for k in 1..<sources.count {
                let d = try sources[k].advance(to: target)
                if d != target {
                    if d >= documents.upperBound { break docs }
                    target = try sources[0].advance(to: d)
                    continue docs
                }
            }
            if !segment.isDeleted(Int(target)) { try verify(target, &sources, &scratch, into: &result) }
            target = try sources[0].next()
        }
    }

    /// Appends the occurrences in the documents `candidates` (ascending, live) to `result`: the
    /// candidates drive, and every source jumps to each through its skip entries (a query's other
    /// parts narrowed them, `SnapshotSearcher.narrowedMatches`).
    static func intersect(_ sources: inout [Source], within candidates: [Int32], into result: inout Matches) throws(IndexError) {
        var scratch = Scratch()
        defer { scratch.free() }
        docs: for c in candidates {
            for k in sources.indices {
                let d = try sources[k].advance(to: c)
                if d == PostingCursor.end { break docs }
                if d != c { continue docs }
            }
            try verify(c, &sources, &scratch, into: &result)
        }
    }

    /// Two buffers of one document's occurrence starts: those every source agrees on so far, and
    /// the next source's.
    struct Scratch {
        var candidates = StartBuffer()
        var here = StartBuffer()

        func free() {
            candidates.free()
            here.free()
        }
    }

    /// Appends `doc`'s occurrences (every source positioned on it) to `result`: the rarest
    /// source's starts, kept where every other source has a position at the same start.
    @inline(__always)
    static func verify(_ doc: Int32, _ sources: inout [Source], _ scratch: inout Scratch, into result: inout Matches) throws(IndexError) {
        // Kept in place at the front of `candidates`.
        scratch.candidates.reserve(sources[0].frequency)
        var kept = try sources[0].writeStarts(into: scratch.candidates.base, dropNegative: true)
        for k in 1..<sources.count where kept > 0 {
            scratch.here.reserve(sources[k].frequency)
            let found = try sources[k].writeStarts(into: scratch.here.base)
            let c = scratch.candidates.base, h = scratch.here.base
            var j = 0, w = 0
            for r in 0..<kept {
                let v = c[r]
                while j < found && h[j] < v { j += 1 }
                if j < found && h[j] == v { c[w] = v; w += 1 }
            }
            kept = w
        }
        if kept > 0 {
            result.positions.append(contentsOf: UnsafeBufferPointer(start: scratch.candidates.base, count: kept))
            result.close(doc: doc, from: result.positions.count - kept)
        }
    }

    /// Scratch space for one document's positions, written through its pointer. `reserve` makes
    /// room by replacing the buffer (its contents are not kept: it is reserved before it is filled).
    struct StartBuffer {
        private(set) var base = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        private var capacity = 64

        @inline(__always)
        mutating func reserve(_ count: Int) {
            guard count > capacity else { return }
            base.deallocate()
            capacity = max(count, 2 * capacity)
            base = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        }

        func free() { base.deallocate() }
    }
}
