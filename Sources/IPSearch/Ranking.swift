import IPSearchAnalysis
import IPSearchIndex

/// From each segment's part matches to the ranked page: candidates are the documents that pass the
/// filters and match at least one part (minus exclusions), one merge pass over the parts' sorted
/// document lists per segment.
///
/// Two ways with the same result:
/// - `rankAll` scores every candidate and keeps them all (facets, timelines and date sorts read
///   every collapsed hit, and explanations need every part's positions);
/// - `rankWithBounds`, for one page by relevance, counts every candidate (exact totals) but scores
///   only those whose upper bound can still reach the page, as Lucene's and Tantivy's top-k
///   collectors skip what cannot compete. The bound needs no position of a single-gram part outside
///   the title zone, so a common word's candidates cost a frequency and a few bytes of `.pos` each.
extension SnapshotSearcher {
    /// The deepest page (`offset + limit`) ranked with bounds; deeper pages score every candidate.
    static let boundedDepth = 512

    /// Date and source filters of one search.
    struct Filters {
        let byDate: Bool
        let since: Int32
        let until: Int32
        let sources: Set<String>

        init(_ options: SearchOptions) {
            byDate = options.since != nil || options.until != nil
            since = options.since ?? Int32.min + 1
            until = options.until ?? Int32.max
            sources = Set(options.sources)
        }

        /// The segment's source numbers to keep (nil: all).
        func allowedSources(_ columns: DocumentColumns) -> Set<UInt32>? {
            guard !sources.isEmpty else { return nil }
            var allowed = Set<UInt32>()
            for (i, name) in columns.sourceNames.enumerated() where sources.contains(SourceKey.fold(name)) {
                allowed.insert(UInt32(i + 1))
            }
            return allowed
        }

        @inline(__always)
        func accepts(_ columns: DocumentColumns, _ doc: Int32, allowed: Set<UInt32>?) -> Bool {
            if byDate {
                let date = columns.dates[Int(doc)]
                if date == DayNumber.none || date < since || date > until { return false }
            }
            if let allowed, !allowed.contains(columns.sources[Int(doc)]) { return false }
            return true
        }
    }

    /// The ranked page and the counts around it.
    struct Ranked {
        /// The first `offset + limit` hits in order.
        var page: [Candidate]
        /// Hits (groups, when collapsed) and documents that matched.
        var total: Int
        var totalDocuments: Int
        var partial: Bool
        /// Every hit shown, for facets and timelines (`rankAll` only).
        var shown: [Candidate] = []
        /// The facet counts of every hit shown (`rankWithBounds`, when asked for).
        var facets: FacetTally?
    }

    /// Walks the union of one segment's part matches in document order; `slots[p]` is the index of
    /// the current document in part `p`'s matches, or −1.
    struct CandidateWalk {
        var cursor: [Int]
        var slots: [Int]

        init(parts: Int) {
            cursor = [Int](repeating: 0, count: parts)
            slots = [Int](repeating: -1, count: parts)
        }

        /// A walk that starts at the first document ≥ `first`.
        init(parts: Int, from first: Int32, in matches: [PartMatcher.Matches]) {
            self.init(parts: parts)
            guard first > 0 else { return }
            for p in matches.indices {
                var lo = 0, hi = matches[p].count
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if matches[p].docs[mid] < first { lo = mid + 1 } else { hi = mid }
                }
                cursor[p] = lo
            }
        }

        @inline(__always)
        mutating func next(_ matches: [PartMatcher.Matches]) -> Int32? {
            var doc = Int32.max
            for p in matches.indices where cursor[p] < matches[p].count {
                doc = min(doc, matches[p].docs[cursor[p]])
            }
            if doc == Int32.max { return nil }
            for p in matches.indices {
                if cursor[p] < matches[p].count, matches[p].docs[cursor[p]] == doc {
                    slots[p] = cursor[p]
                    cursor[p] += 1
                } else {
                    slots[p] = -1
                }
            }
            return doc
        }
    }

    /// Scores every candidate, collapses near-duplicates (each group by its best document) and
    /// sorts the first `k`.
    func rankAll(_ plan: Plan, perSegment: [[PartMatcher.Matches]], excluded: [Set<Int32>], filters: Filters, k: Int,
                 options: SearchOptions, ids: inout IDCache) throws(IndexError) -> Ranked {
        var full: [Candidate] = [], some: [Candidate] = []
        var noExplanation: Explanation?
        for (s, matches) in perSegment.enumerated() {
            let segment = reader.segments[s]
            let columns = segment.columns
            let allowed = filters.allowedSources(columns)
            var walk = CandidateWalk(parts: plan.parts.count)
            while let doc = walk.next(matches) {
                if !excluded[s].isEmpty && excluded[s].contains(doc) { continue }
                if !filters.accepts(columns, doc, allowed: allowed) { continue }
                let coord = matchedGroups(plan, walk.slots)
                if coord >= plan.minimumGroups || full.isEmpty {
                    let score = try self.score(plan, segment: segment, doc: doc, matches: matches, slots: walk.slots,
                                           explain: false, explanation: &noExplanation)
                    let c = Candidate(segment: Int32(s), doc: doc, coord: Int32(coord),
                                      literal: Int32(matchedGroups(plan, walk.slots, literalOnly: true)), score: score,
                                      date: columns.dates[Int(doc)], group: reader.groups.groups[s][Int(doc)])
                    if coord >= plan.minimumGroups { full.append(c) } else { some.append(c) }
                }
            }
        }
        let partial = full.isEmpty && !some.isEmpty
        let matched = partial ? some : full
        let order = Ordering(sort: options.sort)
        var shown = matched
        if options.collapse {
            var best: [UInt32: Int] = [:]
            var kept: [Candidate] = []
            kept.reserveCapacity(matched.count)
            for c in matched {
                if c.group == GroupTable.alone { kept.append(c); continue }
                if let i = best[c.group] {
                    if try order.precedes(c, kept[i], ids: &ids) { kept[i] = c }
                } else {
                    best[c.group] = kept.count
                    kept.append(c)
                }
            }
            shown = kept
        }
        let page = try top(shown, k: k, order: order, ids: &ids)
        return Ranked(page: page, total: shown.count, totalDocuments: matched.count, partial: partial, shown: shown)
    }

    /// The best `k` hits by relevance with exact totals, scoring only candidates whose upper bound
    /// reaches the current k-th hit. A candidate's bound uses the same terms as `score` with each
    /// one at its most: every occurrence outside the title zone at the larger of the body and
    /// boilerplate weights, proximity at closeness 1, and the title bonus as if every occurrence in
    /// the title span were in the title zone; a single-gram part reads its positions only up to the
    /// end of the title span for it, and a common character's were counted by `match`
    /// (`Matches.titleCounts`).
    ///
    /// With `facets`, `Ranked.facets` counts every hit shown (those of `rankAll`'s `shown`): a
    /// document alone as it is walked, and a near-duplicate group by its best document, so a member
    /// of a group is scored unless its bound is below both the page and the best member scored so
    /// far, while documents alone are pruned as without facets.
    func rankWithBounds(_ plan: Plan, perSegment: [[PartMatcher.Matches]], excluded: [Set<Int32>], filters: Filters,
                        k: Int, collapse: Bool, facets: Bool = false, parallel: Parallel = Parallel(),
                        ids: inout IDCache) throws(IndexError) -> Ranked {
        let order = Ordering(sort: .relevance)
        let documents = reader.groups.groups.reduce(0) { $0 + $1.count }
        let tally = facets ? facetTally() : nil
        var state = BoundedWalk(k: k, documents: documents, tally: tally)
        for (s, matches) in perSegment.enumerated() {
            // A segment with many candidates is walked in two document ranges, the upper one on a
            // spare core when one is idle; the two walks' pages, counts and facets are merged.
            if let cut = Self.rankingCut(matches, from: parallel.rankFrom),
               let upper = parallel.cores.fork({ [self] () -> Result<BoundedWalk, IndexError> in
                   var other = BoundedWalk(k: k, documents: documents, tally: tally)
                   var otherIDs = IDCache(reader: reader)
                   return Result { () throws(IndexError) in
                       try walkWithBounds(plan, segment: s, matches: matches, documents: cut..<Int32.max, excluded: excluded[s],
                                          filters: filters, collapse: collapse, facets: facets, into: &other, ids: &otherIDs)
                       return other
                   }
               }) {
                let lower = Result { () throws(IndexError) in
                    try walkWithBounds(plan, segment: s, matches: matches, documents: 0..<cut, excluded: excluded[s],
                                       filters: filters, collapse: collapse, facets: facets, into: &state, ids: &ids)
                }
                let other = upper.join()
                try lower.get()
                try state.merge(try other.get(), order: order, ids: &ids)
            } else {
                try walkWithBounds(plan, segment: s, matches: matches, documents: 0..<Int32.max, excluded: excluded[s],
                                   filters: filters, collapse: collapse, facets: facets, into: &state, ids: &ids)
            }
        }
        let partial = state.tops[0].documents == 0 && state.tops[1].documents > 0
        let t = partial ? 1 : 0
        let top = state.tops[t]
        var facetCounts = partial ? state.partialTally : state.fullTally
        for c in state.groupBest[t].values { facetCounts?.add(reader.segments[Int(c.segment)].columns, segment: Int(c.segment), doc: c.doc) }
        return Ranked(page: top.best, total: top.total, totalDocuments: top.documents, partial: partial, facets: facetCounts)
    }

    /// Where to cut a segment's walk in two: the middle document of its largest part's matches, or
    /// nil when it has fewer than `from`.
    static func rankingCut(_ matches: [PartMatcher.Matches], from: Int) -> Int32? {
        guard let largest = matches.max(by: { $0.count < $1.count }), largest.count >= max(from, 2) else { return nil }
        return largest.docs[largest.count / 2]
    }

    /// What `rankWithBounds` gathers as it walks: per kind of hit (full, partial) the page and the
    /// counts, the facets of documents alone, and each group's best member. Two walks over
    /// different documents merge into what one walk over both would have gathered.
    struct BoundedWalk {
        /// Hits that match enough groups, and (while there are none) hits that match fewer.
        var tops: [TopGroups]
        var fullTally: FacetTally?
        var partialTally: FacetTally?
        var groupBest: [[UInt32: Candidate]] = [[:], [:]]

        init(k: Int, documents: Int, tally: FacetTally?) {
            tops = [TopGroups(k: k, documents: documents), TopGroups(k: k, documents: 0)]
            fullTally = tally
            partialTally = tally
        }

        mutating func merge(_ other: BoundedWalk, order: Ordering, ids: inout IDCache) throws(IndexError) {
            for t in 0..<2 {
                try tops[t].merge(other.tops[t], order: order, ids: &ids)
                for (group, c) in other.groupBest[t] {
                    if let mine = groupBest[t][group], !(try order.precedes(c, mine, ids: &ids)) { continue }
                    groupBest[t][group] = c
                }
            }
            if let o = other.fullTally { fullTally?.merge(o) }
            if let o = other.partialTally { partialTally?.merge(o) }
        }
    }

    /// The bounded walk over segment `s`'s candidates in `documents` (see `rankWithBounds`).
    func walkWithBounds(_ plan: Plan, segment s: Int, matches: [PartMatcher.Matches], documents: Range<Int32>,
                        excluded: Set<Int32>, filters: Filters, collapse: Bool, facets: Bool,
                        into state: inout BoundedWalk, ids: inout IDCache) throws(IndexError) {
        let order = Ordering(sort: .relevance)
        let batch = BM25.Batch(relevance.bm25, averageLength: plan.averageLength)
        let titleWeight = relevance.weight(.title)
        let otherWeight = max(relevance.weight(.body), relevance.weight(.boilerplate))
        let partCount = plan.parts.count
        // One document's matches, for exact scoring (scratch reused across candidates).
        var one = [PartMatcher.Matches](repeating: PartMatcher.Matches(), count: partCount)
        var oneSlots = [Int](repeating: -1, count: partCount)
        var inTitle = [Int](repeating: 0, count: partCount)
        var titled = [Bool](repeating: false, count: partCount)
        var noExplanation: Explanation?
        let segment = reader.segments[s]
        let columns = segment.columns
        let allowed = filters.allowedSources(columns)
        let groupOf = reader.groups.groups[s]
        // Cursors of the parts whose positions `match` left unread (`lazyOf[p]`, or −1).
        var lazy: [PostingCursor] = []
        var lazyOf = [Int](repeating: -1, count: partCount)
        // Cursors on every gram of the common characters whose positions `match` left unread
        // (`unionOf[p]`, or −1); a cursor is dropped when its list ends.
        var unions: [[PostingCursor]] = []
        var unionOf = [Int](repeating: -1, count: partCount)
        var lazyBits = [TitleGrams](repeating: TitleGrams(), count: partCount)
        for (p, m) in matches.enumerated() {
            if let info = m.lazyTerm {
                lazyBits[p] = TitleGrams(key: info.key)
                lazyOf[p] = lazy.count
                lazy.append(try segment.cursor(info))
            } else if !m.lazyUnion.isEmpty {
                unionOf[p] = unions.count
                var cursors: [PostingCursor] = []
                cursors.reserveCapacity(m.lazyUnion.count)
                for info in m.lazyUnion { cursors.append(try segment.cursor(info)) }
                unions.append(cursors)
            }
        }
        // Where each union part's kept positions (`Matches.kept`) stand in the walk.
        var keptAt = [Int](repeating: 0, count: partCount)
        var walk = CandidateWalk(parts: partCount, from: documents.lowerBound, in: matches)
        // The pages, out of `state` while the walk updates them (no check of `state`'s array on
        // every candidate).
        var tops: [TopGroups] = []
        swap(&tops, &state.tops)
        defer { swap(&tops, &state.tops) }
        while let doc = walk.next(matches), doc < documents.upperBound {
            if !excluded.isEmpty && excluded.contains(doc) { continue }
            if !filters.accepts(columns, doc, allowed: allowed) { continue }
            let coord = matchedGroups(plan, walk.slots)
            let isFull = coord >= plan.minimumGroups
            if !isFull && tops[0].documents > 0 { continue }  // partial hits only count when nothing matches fully
            let t = isFull ? 0 : 1
            let group = collapse ? groupOf[Int(doc)] : GroupTable.alone
            tops[t].count(group)
            let literal = matchedGroups(plan, walk.slots, literalOnly: true)
            // A group's best member stands for it in the facets: a member is scored unless its
            // bound is below the best member scored so far (`rival`) as well as below the page.
            let scoreAnyway = facets && group != GroupTable.alone
            let rival = scoreAnyway ? state.groupBest[t][group] : nil
            if facets && !scoreAnyway {
                if t == 0 { state.fullTally?.add(columns, segment: s, doc: doc) } else { state.partialTally?.add(columns, segment: s, doc: doc) }
            }
            if !scoreAnyway && !tops[t].admits(coord: coord, literal: literal) { continue }

            // Upper bounds, cheapest first; each with a margin for sums rounded in another order
            // than `score`'s, far above the rounding. The proximity and sequence terms need no
            // positions.
            var rest = 0.0
            if plan.groups.count >= 2 {
                var all = true, idfs = 0.0
                for i in 0..<(plan.groups.count - 1) {
                    let a = representative(plan, i, walk.slots), b = representative(plan, i + 1, walk.slots)
                    guard a >= 0, b >= 0 else { all = false; continue }
                    rest += relevance.proximityWeight * min(plan.idf[a], plan.idf[b])
                }
                if all {
                    for g in plan.groups.indices { idfs += plan.idf[representative(plan, g, walk.slots)] }
                    rest += relevance.sequenceWeight * idfs / Double(plan.groups.count)
                }
            }
            // Without reading a position: as if every occurrence stood in the title, weighted and
            // covering it (a title holds at most `tf` occurrences of a part). Most documents of a
            // common term stop here, before their positions are counted in the title.
            let span = segment.titleSpan(Int(doc))
            let titleLength = Int(columns.titleLengths[Int(doc)])
            let lengthTerm = batch.lengthTerm(try segment.wordCount(Int(doc)))
            var loose = rest, coverable = 0, coverableIDFs = 0.0
            for p in 0..<partCount where walk.slots[p] >= 0 {
                let tf = Int(matches[p].counts[walk.slots[p]])
                // A part whose positions are unread may stand in the title only if the title's terms
                // signature has its gram (`TitleGrams`: no false negatives).
                titled[p] = span != nil && (lazyOf[p] < 0 || columns.titleMayHold(Int(doc), lazyBits[p]))
                let weighted = Double(tf) * (titled[p] ? max(titleWeight, otherWeight) : otherWeight)
                loose += plan.factor[p] * batch.score(tf: weighted, lengthTerm: lengthTerm, idf: plan.idf[p])
                if plan.literal[p] && titled[p] {
                    coverable += plan.letters[p] * tf
                    coverableIDFs += plan.idf[p]
                }
            }
            if titleLength > 0, span != nil, coverable > 0 {
                let coverage = min(1, Double(coverable) / Double(titleLength))
                loose += relevance.titleCoverageWeight * coverage * coverage * coverableIDFs
            }
            loose = loose * (1 + 1e-9) + 1e-12
            if !tops[t].admits(coord: coord, literal: literal, bound: loose)
                && !(scoreAnyway && Self.mayPrecede(coord, literal, bound: loose, rival)) { continue }

            // With the title counts.
            for p in 0..<partCount where walk.slots[p] >= 0 {
                var tt = 0
                if let span, titled[p] {
                    let l = lazyOf[p]
                    if l >= 0 {
                        _ = try lazy[l].advance(to: doc)
                        tt = try lazy[l].countPositions(in: span)
                    } else if unionOf[p] >= 0 {
                        tt = Int(matches[p].titleCounts[walk.slots[p]])
                    } else {
                        let slot = walk.slots[p]
                        for i in matches[p].range(at: slot) where span.contains(matches[p].positions[i]) { tt += 1 }
                    }
                }
                inTitle[p] = tt
            }
            if titleLength > 0, span != nil {
                var covered = 0, idfs = 0.0
                for p in 0..<partCount where walk.slots[p] >= 0 && plan.literal[p] && inTitle[p] > 0 {
                    covered += plan.letters[p] * inTitle[p]
                    idfs += plan.idf[p]
                }
                if covered > 0 {
                    let coverage = min(1, Double(covered) / Double(titleLength))
                    rest += relevance.titleCoverageWeight * coverage * coverage * idfs
                }
            }
            var bound = 0.0
            for p in 0..<partCount where walk.slots[p] >= 0 {
                let tf = Int(matches[p].counts[walk.slots[p]]), tt = inTitle[p]
                let weighted = Double(tt) * max(titleWeight, otherWeight) + Double(tf - tt) * otherWeight
                bound += plan.factor[p] * batch.score(tf: weighted, lengthTerm: lengthTerm, idf: plan.idf[p])
            }
            if !tops[t].admits(coord: coord, literal: literal, bound: (bound + rest) * (1 + 1e-9) + 1e-12)
                && !(scoreAnyway && Self.mayPrecede(coord, literal, bound: (bound + rest) * (1 + 1e-9) + 1e-12, rival)) { continue }

            // Exact score from this document's positions alone.
            for p in 0..<partCount {
                one[p].docs.removeAll(keepingCapacity: true)
                one[p].counts.removeAll(keepingCapacity: true)
                one[p].positionStart.removeAll(keepingCapacity: true)
                one[p].positionStart.append(0)
                one[p].positions.removeAll(keepingCapacity: true)
                oneSlots[p] = -1
                let slot = walk.slots[p]
                guard slot >= 0 else { continue }
                let l = lazyOf[p]
                if l >= 0 {
                    _ = try lazy[l].advance(to: doc)
                    try lazy[l].forEachPosition { one[p].positions.append($0) }
                } else if unionOf[p] >= 0 {
                    try Self.unionPositions(doc, kept: matches[p].kept, at: &keptAt[p], from: &unions[unionOf[p]],
                                            into: &one[p].positions)
                } else {
                    one[p].positions.append(contentsOf: matches[p].positions[matches[p].range(at: slot)])
                }
                one[p].close(doc: doc, from: 0)
                oneSlots[p] = one[p].count - 1
            }
            let score = try self.score(plan, segment: segment, doc: doc, matches: one, slots: oneSlots, explain: false,
                                   explanation: &noExplanation)
            let c = Candidate(segment: Int32(s), doc: doc, coord: Int32(coord), literal: Int32(literal),
                              score: score, date: columns.dates[Int(doc)], group: group)
            if scoreAnyway {
                if let rival {
                    if try order.precedes(c, rival, ids: &ids) { state.groupBest[t][group] = c }
                } else {
                    state.groupBest[t][group] = c
                }
            }
            try tops[t].insert(c, order: order, ids: &ids)
        }
    }

    /// Appends `doc`'s positions of a common character (`Matches.lazyUnion`): those `match` kept
    /// (`kept`, read from `at` on as documents ascend), or else gathered from `cursors`.
    @inline(never)
    static func unionPositions(_ doc: Int32, kept: PostingList, at: inout Int, from cursors: inout [PostingCursor],
                               into positions: inout [Int32]) throws(IndexError) {
        var i = at
        while i < kept.count && kept.docs[i] < doc { i += 1 }
        at = i
        if i < kept.count && kept.docs[i] == doc {
            positions.append(contentsOf: kept.positions(at: i))
        } else {
            try gather(doc, from: &cursors, into: &positions)
        }
    }

    /// Appends `doc`'s positions in every list of `cursors` (a union's grams, each list holding
    /// distinct positions), ascending. Documents are asked for in ascending order, so each cursor
    /// only moves forward, and one whose list has ended is dropped.
    static func gather(_ doc: Int32, from cursors: inout [PostingCursor], into positions: inout [Int32]) throws(IndexError) {
        let before = positions.count
        var i = 0
        while i < cursors.count {
            let d = try cursors[i].advance(to: doc)
            if d == PostingCursor.end {
                cursors.swapAt(i, cursors.count - 1)
                cursors.removeLast()
                continue
            }
            if d == doc { try cursors[i].forEachPosition { positions.append($0) } }
            i += 1
        }
        positions[before...].sort()
    }

    /// Whether a hit with these matched groups and a score up to `bound` could precede `rival` (or
    /// there is none), by relevance; equal scores are ordered by id, so they may.
    @inline(__always)
    static func mayPrecede(_ coord: Int, _ literal: Int, bound: Double, _ rival: Candidate?) -> Bool {
        guard let rival else { return true }
        if coord != Int(rival.coord) { return coord > Int(rival.coord) }
        if literal != Int(rival.literal) { return literal > Int(rival.literal) }
        return bound >= rival.score
    }

    /// The first matched part of group `g`, or −1 (the part that stands for the group in proximity).
    @inline(__always)
    func representative(_ plan: Plan, _ g: Int, _ slots: [Int]) -> Int {
        for p in plan.groups[g] where slots[p] >= 0 { return p }
        return -1
    }

    /// The best `k` hits seen so far, at most one per near-duplicate group, best first; and the
    /// count of every hit and document offered.
    struct TopGroups {
        let k: Int
        private(set) var best: [Candidate] = []
        private(set) var documents = 0
        /// Documents alone plus distinct groups.
        private(set) var total = 0
        private var seen: [UInt64]

        /// `documents`: how many documents the index holds (group numbers are below it).
        init(k: Int, documents: Int) {
            self.k = k
            seen = [UInt64](repeating: 0, count: (documents + 63) / 64)
            best.reserveCapacity(min(k, 1024) + 1)
        }

        @inline(__always)
        mutating func count(_ group: UInt32) {
            documents += 1
            if group == GroupTable.alone { total += 1; return }
            let g = Int(group)
            if g >= seen.count * 64 { seen.append(contentsOf: repeatElement(0, count: g / 64 + 1 - seen.count)) }
            let bit = UInt64(1) << UInt64(g & 63)
            if seen[g >> 6] & bit == 0 {
                seen[g >> 6] |= bit
                total += 1
            }
        }

        /// Whether a hit with these matched groups and a score up to `bound` could enter the page.
        @inline(__always)
        func admits(coord: Int, literal: Int, bound: Double = .infinity) -> Bool {
            guard k > 0 else { return false }
            guard best.count == k else { return true }
            let worst = best[k - 1]
            if coord != Int(worst.coord) { return coord > Int(worst.coord) }
            if literal != Int(worst.literal) { return literal > Int(worst.literal) }
            return bound >= worst.score  // equal scores are ordered by id
        }

        /// Adds the hits and counts of a walk over other documents: each group counted once, and
        /// the page the best `k` of both pages (a group by its better member).
        mutating func merge(_ other: TopGroups, order: Ordering, ids: inout IDCache) throws(IndexError) {
            documents += other.documents
            total += other.total
            if other.seen.count > seen.count { seen.append(contentsOf: repeatElement(0, count: other.seen.count - seen.count)) }
            for (i, word) in other.seen.enumerated() where word != 0 {
                total -= (seen[i] & word).nonzeroBitCount  // groups both walks met
                seen[i] |= word
            }
            for c in other.best { try insert(c, order: order, ids: &ids) }
        }

        mutating func insert(_ c: Candidate, order: Ordering, ids: inout IDCache) throws(IndexError) {
            guard k > 0 else { return }
            if c.group != GroupTable.alone, let i = best.firstIndex(where: { $0.group == c.group }) {
                guard try order.precedes(c, best[i], ids: &ids) else { return }
                best.remove(at: i)
            } else if best.count == k, !(try order.precedes(c, best[k - 1], ids: &ids)) {
                return
            }
            try order.insert(c, into: &best, keeping: k, ids: &ids)
        }
    }
}
