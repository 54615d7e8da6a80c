import IPSearchAnalysis
import IPSearchIndex

public struct SearchOptions: Sendable, Hashable {
    public var limit = 10
    public var offset = 0
    public var snippets = SnippetOptions()
    public var explain = false

    public static let maxLimit = 1_000_000

    public init(limit: Int = 10, offset: Int = 0, snippets: SnippetOptions = SnippetOptions(), explain: Bool = false) {
        self.limit = limit
        self.offset = offset
        self.snippets = snippets
        self.explain = explain
    }
}

public struct SearchHit: Sendable, Equatable {
    public var id: String
    public var title: String
    public var date: String?
    public var score: Double
    public var snippets: [Snippet]
    /// Per-part BM25 factors (filled with `explain`).
    public var explanation: [BM25.Explanation]
}

public struct SearchResult: Sendable, Equatable {
    public var query: String
    /// Documents that matched (all of them, not just this page).
    public var total: Int
    public var offset: Int
    public var limit: Int
    /// True when no document matched every part and these hits match only some.
    public var partial: Bool
    public var hits: [SearchHit]
    public var tookMilliseconds: Double
}

/// Runs queries against one index snapshot: match parts with gram postings, score with BM25, keep the
/// top `offset + limit` (ties broken by id), then load and highlight only the returned documents.
/// Thread-safe: a `Searcher` holds no mutable state.
public final class Searcher: Sendable {
    public let reader: IndexReader
    public let bm25: BM25

    public init(reader: IndexReader, bm25: BM25 = BM25()) {
        self.reader = reader
        self.bm25 = bm25
    }

    struct Candidate {
        var segment: Int32
        var doc: Int32
        var score: Double
        /// Where this candidate's occurrence counts (one per positive part) start in the flat array.
        var tfStart: Int32
    }

    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws(IndexError) -> SearchResult {
        let started = System.now()
        var parts: [QueryPart] = []
        for p in query.positiveParts where !parts.contains(p) { parts.append(p) }
        // Group membership by index into `parts`.
        let groups = query.groups.map { g in g.map { p in parts.firstIndex(of: p)! } }

        var perSegment: [[PartMatcher.Matches]] = []
        var excludedPerSegment: [Set<Int32>] = []
        var df = [Int](repeating: 0, count: parts.count)
        for segment in reader.segments {
            var matches: [PartMatcher.Matches] = []
            for (p, part) in parts.enumerated() {
                let m = try PartMatcher.match(part, in: segment)
                df[p] += m.docs.count
                matches.append(m)
            }
            var excluded = Set<Int32>()
            for part in query.excluded { excluded.formUnion(try PartMatcher.match(part, in: segment).docs) }
            perSegment.append(matches)
            excludedPerSegment.append(excluded)
        }

        // Gather candidates: documents with at least one part, minus exclusions. Each part's
        // matches are sorted by document, so one merge pass visits every candidate once.
        let n = reader.documentCount
        let avgdl = reader.averageWordCount
        let idf = df.map { bm25.idf(documents: n, containing: $0) }
        var full: [Candidate] = [], fullTF: [Int32] = []
        var some: [Candidate] = [], someTF: [Int32] = []
        let most = perSegment.reduce(0) { $0 + ($1.map(\.docs.count).max() ?? 0) }
        full.reserveCapacity(most)
        fullTF.reserveCapacity(most * parts.count)
        var cursor = [Int](repeating: 0, count: parts.count)
        var tf = [Int32](repeating: 0, count: parts.count)
        for (s, matches) in perSegment.enumerated() {
            let segment = reader.segments[s]
            let excluded = excludedPerSegment[s]
            for p in cursor.indices { cursor[p] = 0 }
            while true {
                var doc = Int32.max
                for p in parts.indices where cursor[p] < matches[p].docs.count {
                    doc = min(doc, matches[p].docs[cursor[p]])
                }
                if doc == Int32.max { break }
                for p in parts.indices {
                    if cursor[p] < matches[p].docs.count, matches[p].docs[cursor[p]] == doc {
                        tf[p] = matches[p].counts[cursor[p]]
                        cursor[p] += 1
                    } else {
                        tf[p] = 0
                    }
                }
                if !excluded.isEmpty && excluded.contains(doc) { continue }
                let dl = segment.wordCount(Int(doc))
                var score = 0.0
                for p in parts.indices where tf[p] > 0 {
                    score += bm25.score(tf: Int(tf[p]), documentLength: dl, averageLength: avgdl, idf: idf[p])
                }
                var matchesAll = true
                for g in groups {
                    var any = false
                    for p in g where tf[p] > 0 { any = true; break }
                    if !any { matchesAll = false; break }
                }
                if matchesAll {
                    full.append(Candidate(segment: Int32(s), doc: doc, score: score, tfStart: Int32(fullTF.count)))
                    fullTF.append(contentsOf: tf)
                } else if full.isEmpty {
                    some.append(Candidate(segment: Int32(s), doc: doc, score: score, tfStart: Int32(someTF.count)))
                    someTF.append(contentsOf: tf)
                }
            }
        }
        let partial = full.isEmpty && !some.isEmpty
        let candidates = partial ? some : full
        let tfs = partial ? someTF : fullTF

        let page = try topK(candidates, k: options.offset.addingReportingOverflow(options.limit).overflow ? Int.max : options.offset + options.limit)
        var hits: [SearchHit] = []
        let highlighter = Highlighter(options: options.snippets)
        for c in page.dropFirst(options.offset) {
            let segment = reader.segments[Int(c.segment)]
            let stored = try segment.storedDocument(Int(c.doc))
            let ctf = tfs[Int(c.tfStart)..<(Int(c.tfStart) + parts.count)]
            let matched = parts.indices.filter { ctf[ctf.startIndex + $0] > 0 }.map { parts[$0] }
            var explanation: [BM25.Explanation] = []
            if options.explain {
                let dl = segment.wordCount(Int(c.doc))
                for p in parts.indices where ctf[ctf.startIndex + p] > 0 {
                    let t = Int(ctf[ctf.startIndex + p])
                    explanation.append(BM25.Explanation(
                        part: parts[p].displayText, tf: t, df: df[p], documents: n, documentLength: dl,
                        averageLength: avgdl, idf: idf[p],
                        score: bm25.score(tf: t, documentLength: dl, averageLength: avgdl, idf: idf[p])))
                }
            }
            hits.append(SearchHit(id: stored.id, title: stored.title, date: stored.date, score: c.score,
                                  snippets: highlighter.snippets(text: stored.text, parts: matched),
                                  explanation: explanation))
        }
        return SearchResult(query: query.text, total: candidates.count, offset: options.offset, limit: options.limit,
                            partial: partial, hits: hits, tookMilliseconds: (System.now() - started) * 1000)
    }

    /// The best `k` candidates by score, ties broken by document id (deterministic across segments
    /// and merges). Only candidates scoring at least the k-th best score have their ids read.
    func topK(_ candidates: [Candidate], k: Int) throws(IndexError) -> [Candidate] {
        guard k > 0, !candidates.isEmpty else { return [] }
        var pool = candidates
        if candidates.count > k {
            var scores = candidates.map(\.score)
            let threshold = Searcher.kthLargest(&scores, k)
            pool = candidates.filter { $0.score >= threshold }
        }
        var ids: [String] = []
        ids.reserveCapacity(pool.count)
        for c in pool { ids.append(try reader.segments[Int(c.segment)].storedID(Int(c.doc))) }
        let order = pool.indices.sorted { a, b in
            pool[a].score != pool[b].score ? pool[a].score > pool[b].score : ids[a] < ids[b]
        }
        return order.prefix(k).map { pool[$0] }
    }

    /// The k-th largest value (1-based), by quickselect; reorders `values`.
    static func kthLargest(_ values: inout [Double], _ k: Int) -> Double {
        var lo = 0, hi = values.count - 1
        let target = k - 1
        while lo < hi {
            let pivot = values[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { break }
        }
        return values[target]
    }
}
