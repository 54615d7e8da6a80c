import FoundationEssentials

/// The search API's answer as the page reads it: every field optional, so the server-rendered page
/// shows what today's `SearchResponse` has and picks up newer fields (source, url, copies, facets,
/// suggestions, expansions) as soon as the JSON carries them.
public struct WebResults: Decodable, Sendable, Equatable {
    public var query: String?
    public var total: Int?
    public var totalDocuments: Int?
    public var offset: Int?
    public var limit: Int?
    public var tookMs: Double?
    public var partial: Bool?
    public var hits: [WebHit]?
    public var suggestions: [Suggestion]?
    public var expansions: [Expansion]?

    public struct Suggestion: Decodable, Sendable, Equatable {
        public var text: String
        public var documents: Int?
    }

    /// How the query was widened: `{"part": "国知局", "with": ["国家知识产权局"], "kind": "synonym"}`.
    public struct Expansion: Decodable, Sendable, Equatable {
        public var part: String
        public var with: [String]
        public var kind: String?
    }

    enum CodingKeys: String, CodingKey {
        case query, total, totalDocuments = "total_documents", offset, limit, tookMs = "took_ms", partial, hits, suggestions, expansions
    }

    /// Decodes the JSON of `GET /search` (or of `SearchResponse.jsonData()`).
    public static func decode(_ data: Data) -> WebResults? {
        try? JSONDecoder().decode(WebResults.self, from: data)
    }
}

public struct WebHit: Decodable, Sendable, Equatable {
    public var id: String
    public var title: String?
    public var date: String?
    public var source: String?
    public var url: String?
    public var snippets: [WebSnippet]?
    public var copies: [WebCopy]?
}

public struct WebSnippet: Decodable, Sendable, Equatable {
    public var text: String
    public var highlights: [[Int]]?
}

public struct WebCopy: Decodable, Sendable, Equatable {
    public var id: String
    public var title: String?
    public var date: String?
    public var source: String?
}

/// A stored document as `GET /documents/{id}` gives it.
public struct WebDocument: Decodable, Sendable, Equatable {
    public var id: String
    public var title: String?
    public var date: String?
    public var source: String?
    public var url: String?
    public var text: String?
    public var copies: [WebCopy]?
    public var highlights: [[Int]]?

    public static func decode(_ data: Data) -> WebDocument? {
        try? JSONDecoder().decode(WebDocument.self, from: data)
    }
}
