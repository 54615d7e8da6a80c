import FoundationEssentials

/// The JSON of `ipsearch search --json` and of `GET /search`: one schema for both.
///
/// ```json
/// {"query": "地理标志", "parsed": {…}, "total": 3, "total_documents": 4, "offset": 0, "limit": 10,
///  "took_ms": 1.9, "partial": false,
///  "hits": [{"id": "002_85d345060cabbe51.txt", "title": "…", "date": "2025-04-24", "source": "中国网",
///            "url": null, "score": 2.31, "snippets": [{"text": "…地理標志…", "highlights": [[1, 5]]}],
///            "copies": [{"id": "…", "title": "…", "date": "…", "source": "…"}]}],
///  "facets": {"year": {"2024": 12}, "month": {"2024-03": 2}, "source": {"中国网": 3}},
///  "expansions": [{"part": "国知局", "with": ["国家知识产权局"], "kind": "synonym"}],
///  "suggestions": [{"text": "地理标志", "documents": 3}], "warnings": []}
/// ```
/// Highlights are `[start, end)` in Unicode scalars of the snippet's `text`. `date`, `source` and
/// `url` are null when unknown. `total` counts hits after near-duplicates are collapsed (groups),
/// `total_documents` every matching document. `facets` is present when asked for, `explanation`
/// per hit likewise.
public struct SearchResponse: Codable, Sendable, Equatable {
    public var query: String
    public var parsed: QueryReading
    public var total: Int
    public var totalDocuments: Int
    public var offset: Int
    public var limit: Int
    public var tookMs: Double
    public var partial: Bool
    public var hits: [SearchHit]
    public var facets: FacetsJSON?
    public var expansions: [ExpansionJSON]
    public var suggestions: [SuggestionJSON]
    public var warnings: [String]

    public struct ExpansionJSON: Codable, Sendable, Equatable {
        public var part: String
        public var with: [String]
        public var kind: String
    }

    public struct SuggestionJSON: Codable, Sendable, Equatable {
        public var text: String
        public var documents: Int
    }

    public struct FacetsJSON: Codable, Sendable, Equatable {
        public var year: [String: Int]
        public var month: [String: Int]
        public var source: [String: Int]
    }

    enum CodingKeys: String, CodingKey {
        case query, parsed, total, totalDocuments = "total_documents", offset, limit, tookMs = "took_ms", partial,
             hits, facets, expansions, suggestions, warnings
    }

    public init(_ result: SearchResult) {
        query = result.query
        parsed = result.reading
        total = result.total
        totalDocuments = result.totalDocuments
        offset = result.offset
        limit = result.limit
        tookMs = (result.tookMilliseconds * 1000).rounded() / 1000
        partial = result.partial
        hits = result.hits.map { hit in
            var rounded = hit
            rounded.score = (hit.score * 1_000_000).rounded() / 1_000_000
            return rounded
        }
        expansions = result.expansions.map { ExpansionJSON(part: $0.part, with: $0.with, kind: $0.kind.rawValue) }
        suggestions = result.suggestions.map { SuggestionJSON(text: $0.text, documents: $0.documents) }
        warnings = result.warnings
        facets = result.facets.map { f in
            FacetsJSON(year: Dictionary(f.years.map { ($0.label, $0.count) }, uniquingKeysWith: +),
                       month: Dictionary(f.months.map { ($0.label, $0.count) }, uniquingKeysWith: +),
                       source: Dictionary(f.sources.map { ($0.label, $0.count) }, uniquingKeysWith: +))
        }
    }

    /// Compact JSON (keys sorted), UTF-8, written directly (`write(to:)`): byte for byte what
    /// `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` makes of the `Codable` form,
    /// which stays the reference (`JSONWriterTests`) and what clients decode.
    public func jsonData() throws -> Data {
        var w = JSONWriter()
        write(to: &w)
        return Data(w.bytes)
    }

    /// The compact JSON, keys in sorted order (as `.sortedKeys` orders them).
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("expansions")
            w.array(expansions) { w, e in
                w.object { w in
                    w.key("kind"); w.string(e.kind)
                    w.key("part"); w.string(e.part)
                    w.key("with"); w.array(e.with) { w, s in w.string(s) }
                }
            }
            if let facets {
                w.key("facets")
                w.object { w in
                    for (name, counts) in [("month", facets.month), ("source", facets.source), ("year", facets.year)] {
                        w.key(name)
                        w.object { w in
                            for (label, count) in counts.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                                w.key(label)
                                w.int(count)
                            }
                        }
                    }
                }
            }
            w.key("hits"); w.array(hits) { w, hit in hit.write(to: &w) }
            w.key("limit"); w.int(limit)
            w.key("offset"); w.int(offset)
            w.key("parsed"); parsed.write(to: &w)
            w.key("partial"); w.bool(partial)
            w.key("query"); w.string(query)
            w.key("suggestions")
            w.array(suggestions) { w, s in
                w.object { w in
                    w.key("documents"); w.int(s.documents)
                    w.key("text"); w.string(s.text)
                }
            }
            w.key("took_ms"); w.double(tookMs)
            w.key("total"); w.int(total)
            w.key("total_documents"); w.int(totalDocuments)
            w.key("warnings"); w.array(warnings) { w, s in w.string(s) }
        }
    }
}

/// How a query was read (`"parsed"` in JSON, and `--explain`): the groups of parts that must match
/// (alternatives inside a group), the exclusions, and how many groups a document needs.
public struct QueryReading: Codable, Sendable, Equatable {
    public struct Part: Codable, Sendable, Equatable {
        /// As typed.
        public var text: String
        /// What is searched (normalized; spaces at the ends trimmed).
        public var searched: String
        public var quoted: Bool
    }

    public var groups: [[Part]]
    public var excluded: [Part]
    /// `all` (every group must match) or `most` (at least `minimum_groups`; more rank first).
    public var mode: String
    public var minimumGroups: Int

    enum CodingKeys: String, CodingKey { case groups, excluded, mode, minimumGroups = "minimum_groups" }

    public init(_ query: Query) {
        func part(_ p: QueryPart) -> Part { Part(text: p.text, searched: p.displayText, quoted: p.quoted) }
        groups = query.groups.map { $0.map(part) }
        excluded = query.excluded.map(part)
        minimumGroups = query.minimumGroups
        mode = query.minimumGroups == query.groups.count ? "all" : "most"
    }

    func write(to w: inout JSONWriter) {
        func part(_ w: inout JSONWriter, _ p: Part) {
            w.object { w in
                w.key("quoted"); w.bool(p.quoted)
                w.key("searched"); w.string(p.searched)
                w.key("text"); w.string(p.text)
            }
        }
        w.object { w in
            w.key("excluded"); w.array(excluded, part)
            w.key("groups"); w.array(groups) { w, g in w.array(g, part) }
            w.key("minimum_groups"); w.int(minimumGroups)
            w.key("mode"); w.string(mode)
        }
    }
}
