import FoundationEssentials
import IPSearchIndex

/// The JSON of a stored document (`ipsearch show --json`, `GET /documents/{id}`):
/// `{"id", "title", "date", "source", "text"}`, with null for an unknown date or source.
public struct DocumentResponse: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var date: String?
    public var source: String?
    public var text: String

    public init(_ d: StoredDocument) {
        id = d.id; title = d.title; date = d.date; source = d.source; text = d.text
    }

    enum CodingKeys: String, CodingKey { case id, title, date, source, text }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(date, forKey: .date)
        try c.encode(source, forKey: .source)
        try c.encode(text, forKey: .text)
    }

    public func jsonData() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(self)) ?? Data()
    }
}

/// Counts and sizes of one index generation (`ipsearch stats`, `GET /stats`).
public struct IndexStatistics: Codable, Sendable, Equatable {
    public var generation: Int
    /// Seconds since 1970.
    public var committedAt: Double
    public var documents: Int
    public var deletedDocuments: Int
    public var words: Int
    public var averageWords: Double
    public var terms: Int
    public var segments: Int
    public var indexBytes: Int
    public var storedBytes: Int

    enum CodingKeys: String, CodingKey {
        case generation, committedAt = "committed_at", documents, deletedDocuments = "deleted_documents", words,
             averageWords = "average_words", terms, segments, indexBytes = "index_bytes", storedBytes = "stored_bytes"
    }

    public init(_ reader: IndexReader) {
        let m = reader.manifest
        generation = m.generation
        committedAt = m.committedAt
        documents = m.documentCount
        deletedDocuments = m.segments.reduce(0) { $0 + $1.deleted }
        words = m.wordCount
        averageWords = (reader.averageWordCount * 10).rounded() / 10
        terms = m.segments.reduce(0) { $0 + $1.terms }
        segments = m.segments.count
        indexBytes = m.segments.reduce(0) { $0 + $1.bytes }
        storedBytes = m.segments.reduce(0) { $0 + $1.storedBytes }
    }
}
