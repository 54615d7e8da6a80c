/// A consistent snapshot of one committed generation of the index.
///
/// Opening reads `manifest.json` and maps the segment files it names (headers and footers checked,
/// nothing else read). A writer that commits later never changes what this snapshot sees: segment
/// files are immutable and a replaced generation's files stay readable while mapped.
public final class IndexReader: @unchecked Sendable {
    public let directory: String
    public let manifest: Manifest
    public let segments: [SegmentReader]

    public init(directory: String) throws(IndexError) {
        self.directory = directory
        // A commit may delete the previous generation's files between our reading the manifest and
        // mapping them: then the manifest has changed, and we open the new one.
        var attempt = 0
        while true {
            let manifest = try Manifest.read(directory: directory)
            do {
                var segments: [SegmentReader] = []
                for meta in manifest.segments { segments.append(try SegmentReader(directory: directory, meta: meta)) }
                self.manifest = manifest
                self.segments = segments
                return
            } catch {
                attempt += 1
                if case .missingFile = error, attempt < 5,
                   let now = try? Manifest.read(directory: directory), now.generation != manifest.generation {
                    continue
                }
                throw error
            }
        }
    }

    public var generation: Int { manifest.generation }
    public var documentCount: Int { manifest.documentCount }

    /// Average document length in words over live documents (BM25's avgdl).
    public var averageWordCount: Double {
        let n = documentCount
        return n == 0 ? 0 : Double(manifest.wordCount) / Double(n)
    }

    /// Finds the live document with this id. The first call reads every stored id into a map
    /// (kept for this snapshot), later ones are a lookup.
    public func document(id: String) throws(IndexError) -> StoredDocument? {
        let location = try idLock.withLock { () throws(IndexError) -> (segment: Int, doc: Int)? in
            if idMap == nil {
                var map: [String: (segment: Int, doc: Int)] = [:]
                for (s, segment) in segments.enumerated() {
                    for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                        map[try segment.storedID(doc)] = (s, doc)
                    }
                }
                idMap = map
            }
            return idMap![id]
        }
        guard let location else { return nil }
        return try segments[location.segment].storedDocument(location.doc)
    }

    private let idLock = Lock()
    private var idMap: [String: (segment: Int, doc: Int)]?

    /// Checks every file's full checksum (slow: reads the whole index).
    public func verify() throws(IndexError) {
        var i = 0
        while i < segments.count {
            try segments[i].verify()
            i += 1
        }
    }
}
