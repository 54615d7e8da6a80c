import FoundationEssentials

/// The JSON of `ipsearch search --json` and of `GET /search`: one schema for both.
///
/// ```json
/// {"query": "地理标志", "total": 3, "offset": 0, "limit": 10, "took_ms": 1.9, "partial": false,
///  "hits": [{"id": "002_85d345060cabbe51.txt", "title": "…", "date": "2025-04-24", "score": 2.31,
///            "snippets": [{"text": "…地理標志…", "highlights": [[1, 5]]}]}]}
/// ```
/// Highlights are `[start, end)` in Unicode scalars of the snippet's `text`. `date` is null when unknown.
/// `explanation` is present only when asked for.
public struct SearchResponse: Codable, Sendable, Equatable {
    public var query: String
    public var total: Int
    public var offset: Int
    public var limit: Int
    public var tookMs: Double
    public var partial: Bool
    public var hits: [Hit]

    public struct Hit: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var date: String?
        public var score: Double
        public var snippets: [Snippet]
        public var explanation: [BM25.Explanation]?

        enum CodingKeys: String, CodingKey { case id, title, date, score, snippets, explanation }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(title, forKey: .title)
            try c.encode(date, forKey: .date)  // null, not absent
            try c.encode(score, forKey: .score)
            try c.encode(snippets, forKey: .snippets)
            try c.encodeIfPresent(explanation, forKey: .explanation)
        }
    }

    enum CodingKeys: String, CodingKey {
        case query, total, offset, limit, tookMs = "took_ms", partial, hits
    }

    public init(_ result: SearchResult) {
        query = result.query
        total = result.total
        offset = result.offset
        limit = result.limit
        tookMs = (result.tookMilliseconds * 1000).rounded() / 1000
        partial = result.partial
        hits = result.hits.map {
            Hit(id: $0.id, title: $0.title, date: $0.date, score: ($0.score * 1_000_000).rounded() / 1_000_000,
                snippets: $0.snippets, explanation: $0.explanation.isEmpty ? nil : $0.explanation)
        }
    }

    /// Compact JSON (keys in schema order), UTF-8.
    public func jsonData(pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}
