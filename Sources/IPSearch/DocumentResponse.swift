import FoundationEssentials
import IPSearchIndex

/// The JSON of a stored document (`ipsearch show --json`, `GET /documents/{id}`):
/// `{"id", "title", "date", "source", "url", "encoding", "spam_removed", "copies", "text"}`, null for
/// an unknown date, source or url; with a query, `"highlights"`: `[start, end)` of every match in
/// Unicode scalars of `text`.
public struct DocumentResponse: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var date: String?
    public var source: String?
    public var url: String?
    public var encoding: String
    public var spamRemoved: Int
    public var copies: [DocumentCopy]
    public var text: String
    public var highlights: [[Int]]?

    public init(_ view: DocumentView) {
        let d = view.document
        id = d.id; title = d.title; date = d.date; source = d.source; url = d.url; encoding = d.encoding
        spamRemoved = d.meta.spamRemoved; copies = view.copies; text = d.text; highlights = view.highlights
    }

    enum CodingKeys: String, CodingKey {
        case id, title, date, source, url, encoding, spamRemoved = "spam_removed", copies, text, highlights
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(date, forKey: .date)
        try c.encode(source, forKey: .source)
        try c.encode(url, forKey: .url)
        try c.encode(encoding, forKey: .encoding)
        try c.encode(spamRemoved, forKey: .spamRemoved)
        try c.encode(copies, forKey: .copies)
        try c.encode(text, forKey: .text)
        try c.encodeIfPresent(highlights, forKey: .highlights)
    }

    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }
}

/// A stored document with its near-duplicate copies and, for a query, where it matches.
public struct DocumentView: Sendable, Equatable {
    public var document: StoredDocument
    public var copies: [DocumentCopy]
    public var highlights: [[Int]]?

    public init(document: StoredDocument, copies: [DocumentCopy] = [], highlights: [[Int]]? = nil) {
        self.document = document
        self.copies = copies
        self.highlights = highlights
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
    /// Near-duplicate groups with more than one live document, and the documents in them.
    public var groupsWithCopies: Int
    public var documentsInGroups: Int
    /// Injected spam spans removed from the searchable text, and the documents they were in.
    public var spamSpansRemoved: Int
    public var documentsWithSpam: Int
    public var segmentList: [Segment]

    public struct Segment: Codable, Sendable, Equatable {
        public var name: String
        public var documents: Int
        public var terms: Int
        public var bytes: Int
    }

    enum CodingKeys: String, CodingKey {
        case generation, committedAt = "committed_at", documents, deletedDocuments = "deleted_documents", words,
             averageWords = "average_words", terms, segments, indexBytes = "index_bytes", storedBytes = "stored_bytes",
             groupsWithCopies = "groups_with_copies", documentsInGroups = "documents_in_groups",
             spamSpansRemoved = "spam_spans_removed", documentsWithSpam = "documents_with_spam", segmentList = "segment_list"
    }

    /// Reads every live document's meta record for the spam counts (not a query path).
    public init(_ reader: IndexReader) throws(IndexError) {
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
        let groups = reader.groupMembers.values.filter { $0.count > 1 }
        groupsWithCopies = groups.count
        documentsInGroups = groups.reduce(0) { $0 + $1.count }
        var spans = 0, withSpam = 0
        for segment in reader.segments {
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                let n = try segment.meta(doc).spamRemoved
                spans += n
                if n > 0 { withSpam += 1 }
            }
        }
        spamSpansRemoved = spans
        documentsWithSpam = withSpam
        segmentList = m.segments.map { Segment(name: $0.name, documents: $0.documents - $0.deleted, terms: $0.terms, bytes: $0.bytes) }
    }
}
