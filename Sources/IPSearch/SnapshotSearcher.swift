import IPSearchAnalysis
import IPSearchIndex

public enum SortOrder: String, Sendable, Hashable, CaseIterable {
    case relevance, newest, oldest
}

public struct SearchOptions: Sendable, Hashable {
    public var limit = 10
    public var offset = 0
    public var snippets = SnippetOptions()
    public var explain = false
    /// Inclusive day numbers (see `DayNumber`); with either set, undated documents are left out.
    public var since: Int32?
    public var until: Int32?
    /// Outlets to keep, folded like `DocumentPipeline.sourceKey` (empty: all).
    public var sources: [String] = []
    public var sort: SortOrder = .relevance
    /// Count matches by year, month and source.
    public var facets = false
    /// Count matches for a timeline (every month with matches).
    public var timeline = false
    /// One hit per near-duplicate group (the best copy), the others listed under it.
    public var collapse = true
    /// Pinyin readings, synonyms and "did you mean" (query assistance).
    public var expand = true

    /// Score every candidate even when a page by relevance could skip those that cannot reach it
    /// (tests compare the two ways; see `rankWithBounds`).
    var scoreEveryCandidate = false
    /// Match an AND's later groups only within the documents of the groups before them (tests
    /// compare with matching every part everywhere; see `narrowedMatches`).
    var narrowConjunctions = true
    /// Internal: how the search may use idle cores (tests force splits on small indexes).
    var parallel = Parallel()

    public static let maxLimit = 1_000_000
    /// The deepest page anyone can ask for (`offset + limit`): keeps a request from turning into a
    /// sort of the whole index.
    public static let maxOffset = 100_000

    public init(limit: Int = 10, offset: Int = 0, snippets: SnippetOptions = SnippetOptions(), explain: Bool = false) {
        self.limit = limit
        self.offset = offset
        self.snippets = snippets
        self.explain = explain
    }
}

/// Another copy of a hit's document (same near-duplicate group).
public struct DocumentCopy: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var date: String?
    public var source: String?

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(date, forKey: .date)
        try c.encode(source, forKey: .source)
    }

    /// What `encode(to:)` writes, directly (`SearchResponse.write(to:)`).
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("date"); w.string(date)
            w.key("id"); w.string(id)
            w.key("source"); w.string(source)
            w.key("title"); w.string(title)
        }
    }
}

/// One result; its JSON is a hit of `SearchResponse` (`date`, `source` and `url` written as null
/// when unknown, `explanation` only when asked for).
public struct SearchHit: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var date: String?
    public var source: String?
    public var url: String?
    public var score: Double
    public var snippets: [Snippet]
    /// The other documents of its near-duplicate group (when results are collapsed).
    public var copies: [DocumentCopy]
    /// Filled with `explain`.
    public var explanation: Explanation?

    enum CodingKeys: String, CodingKey { case id, title, date, source, url, score, snippets, copies, explanation }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(date, forKey: .date)  // null, not absent
        try c.encode(source, forKey: .source)
        try c.encode(url, forKey: .url)
        try c.encode(score, forKey: .score)
        try c.encode(snippets, forKey: .snippets)
        try c.encode(copies, forKey: .copies)
        try c.encodeIfPresent(explanation, forKey: .explanation)
    }

    /// What `encode(to:)` writes, directly, keys sorted (`SearchResponse.write(to:)`).
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("copies"); w.array(copies) { w, c in c.write(to: &w) }
            w.key("date"); w.string(date)
            if let explanation { w.key("explanation"); explanation.write(to: &w) }
            w.key("id"); w.string(id)
            w.key("score"); w.double(score)
            w.key("snippets")
            w.array(snippets) { w, s in
                w.object { w in
                    w.key("highlights"); w.array(s.highlights) { w, h in w.array(h) { w, v in w.int(v) } }
                    w.key("text"); w.string(s.text)
                }
            }
            w.key("source"); w.string(source)
            w.key("title"); w.string(title)
            w.key("url"); w.string(url)
        }
    }
}

public struct SearchResult: Sendable, Equatable {
    public var query: String
    public var reading: QueryReading
    /// Hits that matched (groups when collapsed; all of them, not just this page).
    public var total: Int
    /// Documents that matched (every copy counted).
    public var totalDocuments: Int
    public var offset: Int
    public var limit: Int
    /// True when no document matched enough parts and these hits match only some.
    public var partial: Bool
    public var hits: [SearchHit]
    /// Counts over all matching documents (groups, when collapsed), with `facets`.
    public var facets: Facets?
    /// Bars per year, or per month when the matches span two years or less (with `timeline`).
    public var timeline: [TimelineChart.Bar]?
    /// How query assistance expanded the query.
    public var expansions: [Expansion] = []
    /// Corrections that have hits, for a query with none (or only partial ones).
    public var suggestions: [Suggestion] = []
    /// Problems the user should fix that did not stop the search (e.g. bad lines in synonyms.txt).
    public var warnings: [String] = []
    public var tookMilliseconds: Double
}

/// Runs queries against one index snapshot, one commit that never changes (Lucene's `IndexSearcher`): match parts with gram
/// postings, keep the documents that pass filters and match enough groups, score them (`Relevance`),
/// collapse near-duplicates, sort, and load and highlight only the returned page. Thread-safe: a
/// `SnapshotSearcher` holds no mutable state. `SearchService` (the manager) hands out the current one and replaces it after a commit.
public final class SnapshotSearcher: Sendable {
    public let reader: IndexReader
    public let relevance: Relevance
    /// What the first query that needs it derives from the snapshot, once: the outlets of every
    /// segment as one list, and each segment's members of near-duplicate groups as a bitset.
    private let derivedOnce = Lock()
    nonisolated(unsafe) private var outletMap: FacetTally.Outlets?
    nonisolated(unsafe) private var groupedMap: [[UInt64]]?

    public init(reader: IndexReader, relevance: Relevance = Relevance()) {
        self.reader = reader
        self.relevance = relevance
    }

    /// An empty facet count over this snapshot's outlets.
    func facetTally() -> FacetTally {
        let outlets = derivedOnce.withLock {
            if let outletMap { return outletMap }
            let made = FacetTally.Outlets(reader)
            outletMap = made
            return made
        }
        return FacetTally(outlets)
    }

    /// Per segment, bit `doc & 63` of word `doc >> 6` is set when `doc` is in a near-duplicate group.
    func groupedDocuments() -> [[UInt64]] {
        derivedOnce.withLock {
            if let groupedMap { return groupedMap }
            let made = reader.groups.groups.map { groupOf in
                var bits = [UInt64](repeating: 0, count: (groupOf.count + 63) / 64)
                for (d, g) in groupOf.enumerated() where g != GroupTable.alone { bits[d >> 6] |= 1 << UInt64(d & 63) }
                return bits
            }
            groupedMap = made
            return made
        }
    }

    struct Candidate {
        var segment: Int32
        var doc: Int32
        var coord: Int32
        /// Groups matched by the text the user typed (not only by an alternative).
        var literal: Int32
        var score: Double
        var date: Int32
        var group: UInt32
    }

    /// The per-query state every document's scoring reads.
    struct Plan {
        var parts: [QueryPart]
        /// Group of each part, and the parts of each group.
        var groupOf: [Int]
        var groups: [[Int]]
        var minimumGroups: Int
        /// Score factor of each part: 1 for typed text, less for alternatives.
        var factor: [Double]
        var literal: [Bool]
        /// Letters and Han characters of each part (what it covers of a title).
        var letters: [Int]
        var df: [Int]
        var idf: [Double]
        var documents: Int
        var averageLength: Double
        /// Every group is one part (no alternatives from query assistance): a part matches its
        /// group, and groups are counted by counting parts.
        var partsAreGroups: Bool
    }

    /// Score factors of alternatives added by query assistance: below the typed text, pinyin
    /// readings below synonyms. (Documents matching more typed groups rank first anyway.)
    public static let synonymFactor = 0.9
    public static let pinyinFactor = 0.8
    /// Synonym alternatives up to this many characters (abbreviations) must be whole words.
    public static let wholeWordLimit = 3

    /// `analyzer` checks that short synonym alternatives occur as whole words (documents are
    /// re-segmented for that); without it they are not checked.
    public func search(_ query: Query, options: SearchOptions = SearchOptions(), analyzer: Analyzer? = nil) throws(IndexError) -> SearchResult {
        let started = System.now()
        // Counted, so that a long part borrows a spare core only while one is idle (`SpareCores`).
        options.parallel.cores.searchStarted()
        defer { options.parallel.cores.searchEnded() }
        var parts: [QueryPart] = []
        for p in query.positiveParts where !parts.contains(p) { parts.append(p) }
        let groups = query.groups.map { g in g.compactMap { p in parts.firstIndex(of: p) } }
        var groupOf = [Int](repeating: 0, count: parts.count)
        for (g, members) in groups.enumerated() { for p in members { groupOf[p] = g } }

        let (offset, limit) = (max(0, options.offset), max(0, options.limit))
        let (sum, overflow) = offset.addingReportingOverflow(limit)
        let k = overflow ? Int.max : sum
        // Ranked by relevance for one page: candidates whose score cannot reach the page are
        // counted but not scored (`rankWithBounds`), and single-gram parts leave their positions
        // unread until a candidate is scored. Facets and the timeline need the best document of
        // every near-duplicate group, so grouped documents are scored: a common character keeps
        // their positions as `match` reads its lists, instead of gathering them one by one.
        let bounded = !options.scoreEveryCandidate && options.sort == .relevance && !options.explain
            && k <= SnapshotSearcher.boundedDepth && relevance.allowsScoreBounds
        let counted = options.facets || options.timeline

        let grouped = bounded && counted && options.collapse && parts.contains { PartMatcher.loneCodePoint($0) != nil }
            ? groupedDocuments() : nil
        // One part in one segment: in every document, or only in `within`.
        func match(_ p: Int, in segment: SegmentReader, keep: [UInt64]?, within: [Int32]?) throws(IndexError) -> PartMatcher.Matches {
            let part = parts[p]
            if part.origin == .synonym, let analyzer, part.normalized.count <= SnapshotSearcher.wholeWordLimit {
                let m = if let within {
                    try PartMatcher.match(part, in: segment, within: within, lazyPositions: false)
                } else {
                    try PartMatcher.match(part, in: segment)
                }
                return try SnapshotSearcher.wholeWords(m, part: part, segment: segment, analyzer: analyzer)
            }
            if let within { return try PartMatcher.match(part, in: segment, within: within, lazyPositions: bounded) }
            return try PartMatcher.match(part, in: segment, lazyPositions: bounded, keepingPositionsOf: keep, parallel: options.parallel)
        }
        // An AND of groups weighs each part of two characters or more by its grams' statistics
        // (`PartMatcher.frequencyBound`), so that every page of it ranks alike. Its cheapest group
        // is matched in every document and the others only within its documents
        // (`narrowedMatches`), as Lucene verifies a phrase only where the rest of a conjunction
        // stands: the hits, their facets and every order need only the documents that hold every
        // group. When there are none, the partial hits need every part's matches everywhere: the
        // parts are matched again without narrowing.
        let conjunction = groups.count >= 2 && query.minimumGroups == groups.count
            ? try conjunctionPlan(parts: parts, groups: groups) : nil
        var narrowing = options.narrowConjunctions && conjunction?.narrows == true ? conjunction : nil
        var perSegment: [[PartMatcher.Matches]] = []
        var excludedPerSegment: [Set<Int32>] = []
        var df = [Int](repeating: 0, count: parts.count)
        while true {
            perSegment.removeAll()
            df = [Int](repeating: 0, count: parts.count)
            var full = 0
            for (s, segment) in reader.segments.enumerated() {
                let keep = grouped?[s]
                var matches: [PartMatcher.Matches] = []
                if let narrowing {
                    let (narrowed, candidates) = try narrowedMatches(narrowing, groups: groups, count: parts.count) { (p, within) throws(IndexError) in
                        try match(p, in: segment, keep: keep, within: within)
                    }
                    matches = narrowed
                    full += candidates
                } else {
                    for p in parts.indices { matches.append(try match(p, in: segment, keep: keep, within: nil)) }
                }
                for p in parts.indices { df[p] += matches[p].docs.count }
                perSegment.append(matches)
            }
            if narrowing != nil && full == 0 {
                narrowing = nil
                continue
            }
            break
        }
        // The parts of an AND weighed by their bounds (a lone character's union keeps its exact count).
        if let conjunction { for p in parts.indices { if let bound = conjunction.bound[p] { df[p] = bound } } }
        for segment in reader.segments {
            var excluded = Set<Int32>()
            for part in query.excluded { excluded.formUnion(try PartMatcher.match(part, in: segment, lazyPositions: true).docs) }
            excludedPerSegment.append(excluded)
        }
        let n = reader.documentCount
        let bm25 = relevance.bm25
        let factor = parts.map { $0.origin == .literal ? 1 : ($0.origin == .synonym ? SnapshotSearcher.synonymFactor : SnapshotSearcher.pinyinFactor) }
        let plan = Plan(parts: parts, groupOf: groupOf, groups: groups, minimumGroups: query.minimumGroups,
                        factor: factor, literal: parts.map { $0.origin == .literal },
                        letters: parts.map { p in p.displayText.unicodeScalars.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) } },
                        df: df,
                        idf: df.map { bm25.idf(documents: n, containing: $0) }, documents: n,
                        averageLength: reader.averageWordCount, partsAreGroups: groups.count == parts.count && groups.allSatisfy { $0.count == 1 })
        let filters = Filters(options)
        var ids = IDCache(reader: reader)
        let ranked = bounded
            ? try rankWithBounds(plan, perSegment: perSegment, excluded: excludedPerSegment, filters: filters, k: k,
                                 collapse: options.collapse, facets: counted, parallel: options.parallel, ids: &ids)
            : try rankAll(plan, perSegment: perSegment, excluded: excludedPerSegment, filters: filters, k: k,
                          options: options, ids: &ids)
        let shown = Array(ranked.page.dropFirst(offset))
        let highlighter = Highlighter(options: options.snippets)
        // One hit of the page: its display fields, snippets, explanation and copies.
        func hit(_ c: Candidate) throws(IndexError) -> SearchHit {
            let segment = reader.segments[Int(c.segment)]
            let meta = try segment.meta(Int(c.doc))
            var slotsHere = [Int](repeating: -1, count: parts.count)
            for p in parts.indices {
                slotsHere[p] = PartMatcher.index(of: c.doc, in: perSegment[Int(c.segment)][p])
            }
            let matchedParts = parts.indices.filter { slotsHere[$0] >= 0 }.map { parts[$0] }
            var snippets: [Snippet] = []
            if options.snippets.count > 0 {
                let text = try segment.storedText(Int(c.doc))
                snippets = text.withUnsafeBufferPointer {
                    highlighter.snippets(utf8: $0, parts: matchedParts, zones: segment.columns.zones(Int(c.doc)), removed: meta.spamSpans)
                }
            }
            var explanation: Explanation?
            if options.explain {
                _ = try score(plan, segment: segment, doc: c.doc, matches: perSegment[Int(c.segment)], slots: slotsHere,
                          explain: true, explanation: &explanation)
            }
            let copies = options.collapse ? try copies(segment: Int(c.segment), doc: Int(c.doc)) : []
            return SearchHit(id: meta.id, title: meta.title, date: meta.date, source: meta.source, url: meta.url,
                             score: c.score, snippets: snippets, copies: copies, explanation: explanation)
        }
        func makeHits(_ candidates: ArraySlice<Candidate>) throws(IndexError) -> [SearchHit] {
            var result: [SearchHit] = []
            result.reserveCapacity(candidates.count)
            for c in candidates { result.append(try hit(c)) }
            return result
        }
        // Snippets normalize each hit's whole stored text again: with several, the second half of
        // the page is made on a spare core when one is idle (`SpareCores`).
        var hits: [SearchHit]
        let half = shown.count / 2
        if options.snippets.count > 0, shown.count >= Parallel.snippetHitsFrom,
           let upper = options.parallel.cores.fork({ Result { () throws(IndexError) in try makeHits(shown[half...]) } }) {
            let lower = Result { () throws(IndexError) in try makeHits(shown[..<half]) }
            let second = upper.join()
            hits = try lower.get()
            hits.append(contentsOf: try second.get())
        } else {
            hits = try makeHits(shown[...])
        }
        let counts = counted ? (ranked.facets ?? facetTally(ranked.shown)).counts : nil
        let facets = options.facets ? counts?.facets : nil
        let timeline = options.timeline ? counts.map { TimelineChart.bars(monthly: $0.monthly) } : nil
        return SearchResult(query: query.text, reading: QueryReading(query), total: ranked.total,
                            totalDocuments: ranked.totalDocuments, offset: offset,
                            limit: limit, partial: ranked.partial, hits: hits, facets: facets, timeline: timeline,
                            tookMilliseconds: (System.now() - started) * 1000)
    }

    /// How an AND of groups is weighed and matched (`search`): for each part that can be matched
    /// within candidates (`PartMatcher.matchesWithin`) its document frequency bound summed over
    /// the segments, and the groups in the order they are matched, cheapest first.
    struct Conjunction {
        var order: [Int]
        var bound: [Int?]
        /// Some group after the first has a part to match within candidates.
        var narrows: Bool
    }

    /// The parts' bounds, and the order of `groups` by what their parts may cost (a group's
    /// parts' bounds summed; a lone character counts as every document).
    func conjunctionPlan(parts: [QueryPart], groups: [[Int]]) throws(IndexError) -> Conjunction {
        var bound = [Int?](repeating: nil, count: parts.count)
        for p in parts.indices where PartMatcher.matchesWithin(parts[p]) {
            var sum = 0
            for segment in reader.segments { sum += try PartMatcher.frequencyBound(of: parts[p], in: segment) }
            bound[p] = sum
        }
        let cost = groups.map { g in g.reduce(0) { $0 + (bound[$1] ?? reader.documentCount) } }
        let order = groups.indices.sorted { (cost[$0], $0) < (cost[$1], $1) }
        let narrows = order.dropFirst().contains { g in groups[g].contains { bound[$0] != nil } }
        return Conjunction(order: order, bound: bound, narrows: narrows)
    }

    /// One segment's matches of `count` parts for an AND of `groups`, in `plan.order`: the first
    /// group's parts in every document, each later part that can be within the documents every
    /// group before it matched (`match(p, within)`, nil: every document). Also returns how many
    /// documents match every group.
    func narrowedMatches(_ plan: Conjunction, groups: [[Int]], count: Int,
                         match: (Int, [Int32]?) throws(IndexError) -> PartMatcher.Matches) throws(IndexError)
        -> (matches: [PartMatcher.Matches], full: Int) {
        var matches = [PartMatcher.Matches](repeating: PartMatcher.Matches(), count: count)
        var done = [Bool](repeating: false, count: count)
        var candidates: [Int32]?
        for g in plan.order {
            var union: [Int32] = []
            for p in groups[g] {
                if !done[p] {
                    matches[p] = try match(p, plan.bound[p] != nil ? candidates : nil)
                    done[p] = true
                }
                union = union.isEmpty ? matches[p].docs : Self.sortedUnion(union, matches[p].docs)
            }
            candidates = candidates.map { Self.sortedIntersection($0, union) } ?? union
        }
        return (matches, candidates?.count ?? 0)
    }

    /// The documents in `a` or `b` (each ascending, without repeats), ascending.
    static func sortedUnion(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] < b[j] { result.append(a[i]); i += 1 }
            else if b[j] < a[i] { result.append(b[j]); j += 1 }
            else { result.append(a[i]); i += 1; j += 1 }
        }
        result.append(contentsOf: a[i...])
        result.append(contentsOf: b[j...])
        return result
    }

    /// The documents in both `a` and `b` (each ascending), ascending.
    static func sortedIntersection(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var result: [Int32] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] < b[j] { i += 1 } else if b[j] < a[i] { j += 1 } else { result.append(a[i]); i += 1; j += 1 }
        }
        return result
    }

    /// The document with this id, its copies, and (for a query) every match in its text.
    public func document(id: String, query: Query? = nil) throws(IndexError) -> DocumentView? {
        guard let (s, doc) = try reader.locate(id: id) else { return nil }
        let segment = reader.segments[s]
        let stored = try segment.storedDocument(doc)
        let copies = try copies(segment: s, doc: doc)
        let highlights = query.map {
            Highlighter().highlights(text: stored.text, parts: $0.positiveParts, removed: stored.meta.spamSpans)
        }
        return DocumentView(document: stored, copies: copies, highlights: highlights)
    }

    /// The other documents of `doc`'s near-duplicate group, oldest first (then by id).
    func copies(segment s: Int, doc: Int) throws(IndexError) -> [DocumentCopy] {
        guard let g = reader.group(segment: s, doc: doc), let members = reader.groupMembers[g] else { return [] }
        var copies: [DocumentCopy] = []
        for m in members where !(m.segment == s && m.doc == doc) {
            let other = try reader.segments[m.segment].meta(m.doc)
            copies.append(DocumentCopy(id: other.id, title: other.title, date: other.date, source: other.source))
        }
        copies.sort { ($0.date ?? "", $0.id) < ($1.date ?? "", $1.id) }
        return copies
    }

    // MARK: Scoring

    /// Groups with at least one matched part (typed parts only, with `literalOnly`).
    @inline(__always)
    func matchedGroups(_ plan: Plan, _ slots: [Int], literalOnly: Bool = false) -> Int {
        var count = 0
        if plan.partsAreGroups {
            for p in slots.indices where slots[p] >= 0 && (!literalOnly || plan.literal[p]) { count += 1 }
            return count
        }
        for g in plan.groups {
            for p in g where slots[p] >= 0 && (!literalOnly || plan.literal[p]) { count += 1; break }
        }
        return count
    }

    /// `matches` of an abbreviation reduced to the occurrences that are whole words of the
    /// document (ICU word boundaries of its text): 知产 counts in 加强知产保护, not in 认知产生.
    static func wholeWords(_ matches: PartMatcher.Matches, part: QueryPart, segment: SegmentReader,
                           analyzer: Analyzer) throws(IndexError) -> PartMatcher.Matches {
        var kept = PartMatcher.Matches()
        let length = part.normalized.count
        for i in 0..<matches.count {
            let doc = matches.docs[i]
            let stored = try segment.storedDocument(Int(doc))
            let normalized = analyzer.normalizer.normalize(Array(stored.text.utf16), removing: stored.meta.spamSpans)
            let analysis = analyzer.analyze(normalized: normalized)
            let starts = matches.range(at: i).map { matches.positions[$0] }.filter {
                QueryAssistant.isWholeWord(occurrence: Int($0)..<(Int($0) + length), in: analysis)
            }
            kept.append(doc: doc, starts: starts)
        }
        return kept
    }

    /// The score of one document: zone-weighted BM25 per matched part, proximity of consecutive
    /// groups, and the whole-sequence bonus (see `Relevance`).
    /// `explanation` is filled only when `explain` (an out parameter, so the hot path returns one
    /// `Double` rather than a large optional for every candidate).
    func score(_ plan: Plan, segment: SegmentReader, doc: Int32, matches: [PartMatcher.Matches], slots: [Int],
               explain: Bool, explanation: inout Explanation?) throws(IndexError) -> Double {
        // Called for every candidate: no allocation and no array copies unless explaining (the
        // columns are read in place from the segment, the matches by index).
        let dl = try segment.wordCount(Int(doc))
        let bm25 = relevance.bm25
        var total = 0.0
        var partFactors: [Explanation.PartFactors] = []
        for p in plan.parts.indices where slots[p] >= 0 {
            let (inTitle, inBody, inBoilerplate) = segment.columns.zoneCounts(
                Int(doc), positions: matches[p].positions[matches[p].range(at: slots[p])])
            let weighted = Double(inTitle) * relevance.weight(.title) + Double(inBody) * relevance.weight(.body)
                + Double(inBoilerplate) * relevance.weight(.boilerplate)
            let s = plan.factor[p] * bm25.score(tf: weighted, documentLength: dl, averageLength: plan.averageLength, idf: plan.idf[p])
            total += s
            if explain {
                partFactors.append(.init(part: plan.parts[p].displayText, origin: plan.parts[p].origin.rawValue,
                                         factor: plan.factor[p], tf: Int(matches[p].counts[slots[p]]), tfTitle: inTitle,
                                         tfBody: inBody, tfBoilerplate: inBoilerplate, weightedTF: weighted, df: plan.df[p],
                                         documents: plan.documents, documentLength: dl, averageLength: plan.averageLength,
                                         idf: plan.idf[p], score: s))
            }
        }
        // Proximity: consecutive groups, each represented by its first matched part.
        var pairFactors: [Explanation.PairFactors] = []
        var sequence = plan.groups.count >= 2
        /// The first matched part of group `g`, or -1.
        func representative(_ g: Int) -> Int {
            for p in plan.groups[g] where slots[p] >= 0 { return p }
            return -1
        }
        if plan.groups.count >= 2 {
            for i in 0..<(plan.groups.count - 1) {
                let a = representative(i), b = representative(i + 1)
                guard a >= 0, b >= 0 else {
                    sequence = false
                    continue
                }
                let gap = plan.parts[a].gapAfter
                let (d, inOrder) = SnapshotSearcher.distance(matches[a], slots[a], length: plan.parts[a].normalized.count,
                                                     matches[b], slots[b], length: plan.parts[b].normalized.count)
                var s = 0.0
                if let d {
                    s = relevance.proximityWeight * min(plan.idf[a], plan.idf[b])
                        * relevance.closeness(distance: d, gap: gap, inOrder: inOrder)
                    if !(inOrder && d <= gap) { sequence = false }
                } else {
                    sequence = false
                }
                total += s
                if explain {
                    pairFactors.append(.init(first: plan.parts[a].displayText, second: plan.parts[b].displayText,
                                             distance: d, gap: gap, inOrder: inOrder, score: s))
                }
            }
        }
        var bonus = 0.0
        if sequence {
            var idfs = 0.0
            for g in plan.groups.indices { idfs += plan.idf[representative(g)] }
            bonus = relevance.sequenceWeight * idfs / Double(plan.groups.count)
            total += bonus
        }
        // Title coverage: typed parts found in the title zone, against the title's letters.
        var coverage = 0.0, titleBonus = 0.0
        let titleLength = Int(segment.columns.titleLengths[Int(doc)])
        if titleLength > 0, let zone = segment.columns.titleZone(Int(doc)) {
            var covered = 0, idfs = 0.0
            for p in plan.parts.indices where slots[p] >= 0 && plan.literal[p] {
                // Every occurrence in the title covers its letters (`附录` twice in `附录 A. 附录`).
                var inTitle = 0
                for i in matches[p].range(at: slots[p]) where zone.contains(matches[p].positions[i]) { inTitle += 1 }
                if inTitle > 0 {
                    covered += plan.letters[p] * inTitle
                    idfs += plan.idf[p]
                }
            }
            if covered > 0 {
                coverage = min(1, Double(covered) / Double(titleLength))
                titleBonus = relevance.titleCoverageWeight * coverage * coverage * idfs
                total += titleBonus
            }
        }
        if explain {
            explanation = Explanation(matchedGroups: matchedGroups(plan, slots), groups: plan.groups.count,
                                      parts: partFactors, proximity: pairFactors, sequenceBonus: bonus,
                                      titleCoverage: coverage, titleBonus: titleBonus, score: total)
        }
        return total
    }

    /// The smallest distance from the end of an occurrence of `a` to the start of one of `b` in that
    /// order (preferred), else in reverse order; nil when every pair overlaps.
    static func distance(_ a: PartMatcher.Matches, _ sa: Int, length la: Int,
                         _ b: PartMatcher.Matches, _ sb: Int, length lb: Int) -> (Int?, Bool) {
        let ra = a.range(at: sa), rb = b.range(at: sb)
        var best: Int?
        var j = rb.lowerBound
        for i in ra {
            let end = Int(a.positions[i]) + la
            while j < rb.upperBound && Int(b.positions[j]) < end { j += 1 }
            if j < rb.upperBound {
                let d = Int(b.positions[j]) - end
                if best == nil || d < best! { best = d }
            }
        }
        if best != nil { return (best, true) }
        var reverse: Int?
        var i = ra.lowerBound
        for k in rb {
            let end = Int(b.positions[k]) + lb
            while i < ra.upperBound && Int(a.positions[i]) < end { i += 1 }
            if i < ra.upperBound {
                let d = Int(a.positions[i]) - end
                if reverse == nil || d < reverse! { reverse = d }
            }
        }
        return (reverse, false)
    }

    // MARK: Ordering

    /// Document ids read on demand, for tie-breaks (ids are in `.meta`, not in memory).
    struct IDCache {
        let reader: IndexReader
        var ids: [Int64: String] = [:]

        mutating func id(_ c: Candidate) throws(IndexError) -> String {
            let key = Int64(c.segment) << 32 | Int64(c.doc)
            if let id = ids[key] { return id }
            let id = try reader.segments[Int(c.segment)].storedID(Int(c.doc))
            ids[key] = id
            return id
        }
    }

    /// The order of hits: the chosen sort, then relevance (matched groups, score), then id.
    struct Ordering {
        var sort: SortOrder

        /// Whether `a` comes before `b`.
        func precedes(_ a: Candidate, _ b: Candidate, ids: inout IDCache) throws(IndexError) -> Bool {
            switch sort {
            case .relevance: break
            case .newest, .oldest:
                let da = a.date == DayNumber.none, db = b.date == DayNumber.none
                if da != db { return db }  // dated first
                if a.date != b.date { return sort == .newest ? a.date > b.date : a.date < b.date }
            }
            if a.coord != b.coord { return a.coord > b.coord }
            if a.literal != b.literal { return a.literal > b.literal }
            if a.score != b.score { return a.score > b.score }
            return try ids.id(a) < ids.id(b)
        }

        /// Inserts `c` into `best` (in this order) at its place, then keeps the first `k`.
        func insert(_ c: Candidate, into best: inout [Candidate], keeping k: Int, ids: inout IDCache) throws(IndexError) {
            var lo = 0, hi = best.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if try precedes(c, best[mid], ids: &ids) { hi = mid } else { lo = mid + 1 }
            }
            best.insert(c, at: lo)
            if best.count > k { best.removeLast() }
        }
    }

    /// The first `k` candidates in `order`.
    func top(_ candidates: [Candidate], k: Int, order: Ordering, ids: inout IDCache) throws(IndexError) -> [Candidate] {
        guard k > 0, !candidates.isEmpty else { return [] }
        if k >= candidates.count || k > 512 {
            var all = candidates
            try SnapshotSearcher.sort(&all, order: order, ids: &ids)
            return Array(all.prefix(k))
        }
        // Keep the best k in a sorted buffer: one comparison for most candidates.
        var best: [Candidate] = []
        best.reserveCapacity(k + 1)
        for c in candidates {
            if best.count == k, !(try order.precedes(c, best[k - 1], ids: &ids)) { continue }
            try order.insert(c, into: &best, keeping: k, ids: &ids)
        }
        return best
    }

    /// Merge sort with a throwing comparator (the standard library's sort cannot throw typed errors).
    static func sort(_ a: inout [Candidate], order: Ordering, ids: inout IDCache) throws(IndexError) {
        guard a.count > 1 else { return }
        var buffer = a
        var width = 1
        while width < a.count {
            var start = 0
            while start < a.count {
                let mid = min(start + width, a.count), end = min(start + 2 * width, a.count)
                var i = start, j = mid, k = start
                while i < mid && j < end {
                    if try order.precedes(a[j], a[i], ids: &ids) { buffer[k] = a[j]; j += 1 } else { buffer[k] = a[i]; i += 1 }
                    k += 1
                }
                while i < mid { buffer[k] = a[i]; i += 1; k += 1 }
                while j < end { buffer[k] = a[j]; j += 1; k += 1 }
                start = end
            }
            swap(&a, &buffer)
            width *= 2
        }
    }

    // MARK: Facets

    /// The facet counts of `candidates`.
    func facetTally(_ candidates: [Candidate]) -> FacetTally {
        var tally = facetTally()
        for c in candidates { tally.add(reader.segments[Int(c.segment)].columns, segment: Int(c.segment), doc: c.doc) }
        return tally
    }
}

/// Counts by year, by month (the last 24 months that have matches) and by source (top 20) of the
/// hits shown, one hit at a time: a hit costs one array increment for its outlet.
struct FacetTally {
    /// Each segment's outlet numbers mapped to one list of names: outlets that fold alike are one,
    /// named as first seen (each name folded once per snapshot).
    struct Outlets: Sendable {
        let names: [String]
        /// `ids[segment][k]`: the name of the segment's outlet `k` (0: none, −1).
        let ids: [[Int]]

        init(_ reader: IndexReader) {
            var names: [String] = []
            var idOfKey: [String: Int] = [:]
            var ids: [[Int]] = []
            for segment in reader.segments {
                let columns = segment.columns
                var map = [Int](repeating: -1, count: columns.sourceNames.count + 1)
                for (i, name) in columns.sourceNames.enumerated() {
                    let key = SourceKey.fold(name)
                    if let id = idOfKey[key] { map[i + 1] = id } else {
                        idOfKey[key] = names.count
                        map[i + 1] = names.count
                        names.append(name)
                    }
                }
                ids.append(map)
            }
            self.names = names
            self.ids = ids
        }
    }

    private var counter: FacetCounter
    private let outlets: Outlets

    init(_ outlets: Outlets) {
        self.outlets = outlets
        counter = FacetCounter(sourceNames: outlets.names)
    }

    /// Counts document `doc` of segment `segment` (whose columns are `columns`).
    @inline(__always)
    mutating func add(_ columns: DocumentColumns, segment: Int, doc: Int32) {
        let date = columns.dates[Int(doc)]
        let id = outlets.ids[segment][Int(columns.sources[Int(doc)])]
        counter.add(day: date == DayNumber.none ? nil : date, sourceID: id >= 0 ? id : nil)
    }

    /// Adds the counts of another tally of the same snapshot.
    mutating func merge(_ other: FacetTally) { counter.merge(other.counter) }

    var counts: (facets: Facets, monthly: [(month: YearMonth, count: Int)]) { (counter.facets(), counter.monthly) }
}

extension PartMatcher {
    /// The slot of `doc` in `matches`, or −1.
    static func index(of doc: Int32, in matches: Matches) -> Int {
        var lo = 0, hi = matches.docs.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if matches.docs[mid] < doc { lo = mid + 1 } else { hi = mid }
        }
        return lo < matches.docs.count && matches.docs[lo] == doc ? lo : -1
    }
}
