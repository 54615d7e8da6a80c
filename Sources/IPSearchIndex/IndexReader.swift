/// A consistent snapshot of one committed generation of the index.
///
/// Opening reads `manifest.json` and maps the segment files it names (headers and footers checked,
/// nothing else read). A writer that commits later never changes what this snapshot sees: segment
/// files are immutable and a replaced generation's files stay readable while mapped.
public final class IndexReader: @unchecked Sendable {
    public let directory: String
    public let manifest: Manifest
    public let segments: [SegmentReader]
    /// Near-duplicate group of every document (`GroupTable.alone` for documents without copies).
    public let groups: GroupTable

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
                self.groups = try IndexReader.readGroups(directory: directory, manifest: manifest)
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

    static func readGroups(directory: String, manifest: Manifest) throws(IndexError) -> GroupTable {
        let sizes = manifest.segments.map(\.documents)
        guard let g = manifest.groupsGeneration else {
            return GroupTable(groups: sizes.map { [UInt32](repeating: GroupTable.alone, count: $0) })
        }
        let file = try MappedFile(path: directory + "/" + GroupTable.fileName(generation: g), component: .groups, verifyChecksum: true)
        guard let table = GroupTable.decode(UnsafeRawBufferPointer(rebasing: file.bytes[file.bodyRange]), segments: sizes) else {
            throw IndexError.corrupt(path: file.path, reason: "the groups do not match the manifest's segments")
        }
        return table
    }

    /// The group number of a document, or nil when it has no copies.
    @inline(__always)
    public func group(segment: Int, doc: Int) -> UInt32? {
        let g = groups.groups[segment][doc]
        return g == GroupTable.alone ? nil : g
    }

    /// The live members of every group with copies, by group number (built once per snapshot).
    public var groupMembers: [UInt32: [(segment: Int, doc: Int)]] {
        idLock.withLock {
            if let m = _groupMembers { return m }
            var m: [UInt32: [(segment: Int, doc: Int)]] = [:]
            for (s, g) in groups.groups.enumerated() {
                for (d, v) in g.enumerated() where v != GroupTable.alone && !segments[s].isDeleted(d) {
                    m[v, default: []].append((s, d))
                }
            }
            _groupMembers = m
            return m
        }
    }
    private var _groupMembers: [UInt32: [(segment: Int, doc: Int)]]?

    /// Number of groups with more than one live document.
    public var groupsWithCopies: Int { groupMembers.values.filter { $0.count > 1 }.count }

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
        guard let location = try locate(id: id) else { return nil }
        return try segments[location.segment].storedDocument(location.doc)
    }

    /// Where the live document with this id is.
    public func locate(id: String) throws(IndexError) -> (segment: Int, doc: Int)? {
        try idLock.withLock { () throws(IndexError) -> (segment: Int, doc: Int)? in
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
    }

    /// Builds the id map and the group lists now (`SearchService` does it off the request path).
    public func prepareLookups() {
        _ = try? locate(id: "")
        _ = groupMembers
    }

    /// Whether both are built.
    public var lookupsPrepared: Bool { idLock.withLock { idMap != nil && _groupMembers != nil } }

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
