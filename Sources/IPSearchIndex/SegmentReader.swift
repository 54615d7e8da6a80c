import CICU
#if canImport(Glibc)
import Glibc
#endif

/// Read access to one committed segment through memory maps: nothing is loaded up front beyond the
/// deletion bitset; a query touches the term entries it searches, the postings it decodes and the
/// records of the documents it returns. Every record read is checked against its CRC.
public final class SegmentReader: @unchecked Sendable {
    public let meta: SegmentMeta
    let termsFile: MappedFile
    let postingsFile: MappedFile
    let positionsFile: MappedFile
    let dictionary: TermDictionary.Reader
    let postingsData: PageChecksums.Reader
    let positionsData: PageChecksums.Reader
    let documentsFile: MappedFile
    let storeFile: MappedFile
    let metaFile: MappedFile
    let signaturesFile: MappedFile
    let deleted: [UInt64]
    public let termCount: Int
    /// Word count of every document (BM25 lengths), read once at open.
    /// The document table in the map.
    private let records: UnsafeRawPointer
    /// Word counts read so far, plus one (0: not read yet). Ranking reads them for candidates in
    /// any order: four bytes a document, not a 64-byte record. Zeroed pages cost nothing until
    /// written, so opening reads nothing; a record's checksum is checked when its count is first read.
    private let wordCounts: UnsafeMutablePointer<UInt32>
    /// Title spans decoded so far (`DocumentColumns.titleSpan`; 0: not yet; see `titleSpan`), eight
    /// bytes a document: ranking asks for every candidate's, and decoding its zones each time costs
    /// more than the lookup.
    private let titleSpans: UnsafeMutablePointer<UInt64>
    /// Dates, sources and zones of every document, read once at open.
    public let columns: DocumentColumns
    /// Records found good so far, three bits a document (its `.docs` record, its meta record, its
    /// stored record): mapped segment files never change, so a record is checked against its CRC
    /// the first time it is read, not on every query that shows the document.
    private let verifiedRecords: PageChecksums.VerifiedPages
    /// The dictionary of the stored texts (at the end of `.store`), and where the records end.
    let storeDictionary: StoreDictionary
    private let storeRecordsEnd: Int

    static let documentRecordSize = DocumentRecord.size

    init(directory: String, meta: SegmentMeta) throws(IndexError) {
        self.meta = meta
        func path(_ c: SegmentComponent) -> String { directory + "/" + c.fileName(segment: meta.name) }
        termsFile = try MappedFile(path: path(.terms), component: .terms, verifyChecksum: false)
        postingsFile = try MappedFile(path: path(.postings), component: .postings, verifyChecksum: false)
        positionsFile = try MappedFile(path: path(.positions), component: .positions, verifyChecksum: false)
        dictionary = try TermDictionary.Reader(termsFile)
        postingsData = try PageChecksums.Reader(postingsFile)
        positionsData = try PageChecksums.Reader(positionsFile)
        // The document table is not checked whole on open (a cold query must not read it all):
        // every record has its checksum, checked the first time the record is read.
        documentsFile = try MappedFile(path: path(.documents), component: .documents, verifyChecksum: false)
        storeFile = try MappedFile(path: path(.store), component: .store, verifyChecksum: false)
        guard let (storeDictionary, storeRecordsEnd) = StoreDictionary.read(from: storeFile) else {
            throw IndexError.corrupt(path: storeFile.path, reason: "its dictionary trailer does not fit the file")
        }
        self.storeDictionary = storeDictionary
        self.storeRecordsEnd = storeRecordsEnd
        metaFile = try MappedFile(path: path(.meta), component: .meta, verifyChecksum: false)
        signaturesFile = try MappedFile(path: path(.signatures), component: .signatures, verifyChecksum: false)
        let columnsFile = try MappedFile(path: path(.columns), component: .columns, verifyChecksum: true)
        guard let columns = DocumentColumns.decode(
            UnsafeRawBufferPointer(rebasing: columnsFile.bytes[columnsFile.bodyRange]), documents: meta.documents) else {
            throw IndexError.corrupt(path: columnsFile.path, reason: "the columns do not match the segment's \(meta.documents) documents")
        }
        self.columns = columns
        termCount = dictionary.termCount
        if termCount != meta.terms {
            throw IndexError.corrupt(path: termsFile.path, reason: "holds \(termCount) terms, the manifest says \(meta.terms)")
        }
        if let generation = meta.deletionGeneration {
            let file = try MappedFile(path: directory + "/" + SegmentComponent.deletions.fileName(segment: meta.name, generation: generation),
                                      component: .deletions, verifyChecksum: true)
            deleted = try Deletions.decode(file, documents: meta.documents)
        } else {
            deleted = []
        }
        if documentsFile.bodyRange.count != meta.documents * SegmentReader.documentRecordSize {
            throw IndexError.corrupt(path: documentsFile.path, reason: "holds \(documentsFile.bodyRange.count / SegmentReader.documentRecordSize) documents, the manifest says \(meta.documents)")
        }
        records = UnsafeRawPointer(documentsFile.bytes.baseAddress! + documentsFile.bodyRange.lowerBound)
        // Allocations last: `deinit` frees them only if every stored property is set (no throw after).
        guard let counts = calloc(max(1, meta.documents), MemoryLayout<UInt32>.stride) else {
            throw IndexError.io(path: documentsFile.path, operation: "allocate the word counts", errno: ENOMEM)
        }
        wordCounts = counts.bindMemory(to: UInt32.self, capacity: max(1, meta.documents))
        guard let spans = calloc(max(1, meta.documents), MemoryLayout<UInt64>.stride) else {
            free(counts)
            throw IndexError.io(path: documentsFile.path, operation: "allocate the title spans", errno: ENOMEM)
        }
        titleSpans = spans.bindMemory(to: UInt64.self, capacity: max(1, meta.documents))
        verifiedRecords = PageChecksums.VerifiedPages(count: 3 * meta.documents)
    }

    deinit {
        free(wordCounts)
        free(titleSpans)
    }

    /// `columns.titleSpan(doc)`, decoded once. A cell holds bit 63 (known), bit 62 (no span), the
    /// span's upper bound in bits 31–61 and its lower bound in bits 0–30 (positions are below 2³¹).
    public func titleSpan(_ doc: Int) -> Range<Int32>? {
        guard doc >= 0 && doc < meta.documents else { return nil }
        let cell = cicu_u64_load(titleSpans + doc)
        if cell != 0 {
            if cell & (1 << 62) != 0 { return nil }
            return Int32(truncatingIfNeeded: cell & 0x7FFF_FFFF)..<Int32(truncatingIfNeeded: (cell >> 31) & 0x7FFF_FFFF)
        }
        let span = columns.titleSpan(doc)
        var value: UInt64 = 1 << 63
        if let span, span.lowerBound >= 0 {
            value |= UInt64(span.upperBound) << 31 | UInt64(span.lowerBound)
        } else {
            value |= 1 << 62
        }
        cicu_u64_store(titleSpans + doc, value)
        return span.flatMap { $0.lowerBound >= 0 ? $0 : nil }
    }

    public var documentCount: Int { meta.documents }

    /// The segment's `.post` file (for errors about what its lists hold).
    public var postingsPath: String { postingsFile.path }

    @inline(__always)
    /// Whether any document of the segment is deleted.
    public var hasDeletions: Bool { !deleted.isEmpty }

    public func isDeleted(_ doc: Int) -> Bool {
        guard !deleted.isEmpty else { return false }
        return deleted[doc >> 6] & (1 << UInt64(doc & 63)) != 0
    }

    // MARK: Terms

    /// The term entry of `key`, or nil. Reads and checks one dictionary block.
    public func find(_ key: UInt64) throws(IndexError) -> TermInfo? {
        try dictionary.find(key)
    }

    /// All entries with keys in `range` (every gram starting with one character).
    public func terms(in range: ClosedRange<UInt64>) throws(IndexError) -> [TermInfo] {
        var result: [TermInfo] = []
        try dictionary.terms(in: range) { (info) throws(IndexError) in result.append(info) }
        return result
    }

    /// Calls `body` with every entry with a key in `range`, in key order, without collecting them.
    public func forEachTerm(in range: ClosedRange<UInt64>, _ body: (TermInfo) throws(IndexError) -> Void) throws(IndexError) {
        try dictionary.terms(in: range, body)
    }

    // MARK: Postings

    /// A cursor over `info`'s documents, frequencies and (lazily) positions.
    public func cursor(_ info: TermInfo) throws(IndexError) -> PostingCursor {
        try PostingCursor(post: postingsData, pos: positionsData, documents: meta.documents, info: info)
    }

    /// Documents and term frequencies only, positions skipped (enough to count the occurrences of
    /// a one-gram part): `body(doc, tf)` is called in document order.
    public func frequencies(_ info: TermInfo, _ body: (Int32, Int32) -> Void) throws(IndexError) {
        var c = try cursor(info)
        while try c.next() != PostingCursor.end { body(c.doc, Int32(c.freq)) }
    }

    /// The whole list decoded: documents and every position.
    public func postings(_ info: TermInfo) throws(IndexError) -> PostingList {
        var list = PostingList()
        list.docs.reserveCapacity(info.docFreq)
        list.positionStart.reserveCapacity(info.docFreq + 1)
        var c = try cursor(info)
        while try c.next() != PostingCursor.end {
            list.docs.append(c.doc)
            try c.forEachPosition { list.positions.append($0) }
            list.positionStart.append(Int32(truncatingIfNeeded: list.positions.count))
        }
        return list
    }

    // MARK: Documents

    public func record(_ doc: Int) throws(IndexError) -> DocumentRecord {
        guard doc >= 0 && doc < meta.documents else {
            throw IndexError.corrupt(path: documentsFile.path, reason: "document number \(doc) out of range")
        }
        let verified = verifiedRecords.contains(3 * doc)
        guard let record = DocumentRecord.decode(records + doc * DocumentRecord.size, checked: verified) else {
            throw IndexError.corrupt(path: documentsFile.path, reason: "document record \(doc) fails its checksum")
        }
        if !verified { verifiedRecords.insert(3 * doc) }
        return record
    }

    /// Word count (BM25 document length) of `doc`.
    @inline(__always)
    public func wordCount(_ doc: Int) throws(IndexError) -> Int {
        guard doc >= 0 && doc < meta.documents else {
            throw IndexError.corrupt(path: documentsFile.path, reason: "document number \(doc) out of range")
        }
        let known = cicu_u32_load(wordCounts + doc)
        if known != 0 { return Int(known - 1) }
        let record = records + doc * DocumentRecord.size
        guard DocumentRecord.isIntact(record) else {
            throw IndexError.corrupt(path: documentsFile.path, reason: "document record \(doc) fails its checksum")
        }
        let count = UInt32(littleEndian: record.loadUnaligned(fromByteOffset: DocumentRecord.wordCountOffset, as: UInt32.self))
        if count < UInt32.max { cicu_u32_store(wordCounts + doc, count + 1) }
        return Int(count)
    }

    private func storedBytes(_ rec: DocumentRecord, _ doc: Int) throws(IndexError) -> UnsafeRawBufferPointer {
        try checkedRecord(in: storeFile, end: storeRecordsEnd, offset: rec.storeOffset, length: rec.storeLength,
                          crc: rec.storeCRC, verifiedBit: 3 * doc + 2, what: "stored record")
    }

    private func metaBytes(_ rec: DocumentRecord, _ doc: Int) throws(IndexError) -> UnsafeRawBufferPointer {
        try checkedRecord(in: metaFile, end: metaFile.bodyRange.upperBound, offset: rec.metaOffset, length: rec.metaLength,
                          crc: rec.metaCRC, verifiedBit: 3 * doc + 1, what: "document meta record")
    }

    /// The bytes of one record of `file` (addressed by the document table), after checking that
    /// they lie in the file's records (from the body's start to `end`) and, the first time
    /// (`verifiedBit` of `verifiedRecords`), that they match their CRC-32.
    private func checkedRecord(in file: MappedFile, end: Int, offset: Int, length: Int, crc: UInt32,
                               verifiedBit: Int, what: String) throws(IndexError) -> UnsafeRawBufferPointer {
        guard offset >= FileFormat.headerSize, offset + length <= end else {
            throw IndexError.corrupt(path: file.path, reason: "a \(what) is out of bounds")
        }
        let bytes = UnsafeRawBufferPointer(start: file.bytes.baseAddress! + offset, count: length)
        if !verifiedRecords.contains(verifiedBit) {
            if cicu_crc32(0, bytes.baseAddress, bytes.count) != crc {
                throw IndexError.corrupt(path: file.path, reason: "a \(what) fails its checksum")
            }
            verifiedRecords.insert(verifiedBit)
        }
        return bytes
    }

    /// The display fields of `doc` (id, title, source, url, date, …), without its text.
    public func meta(_ doc: Int) throws(IndexError) -> DocumentMeta {
        guard let m = DocumentMeta.decode(try metaBytes(try record(doc), doc)) else {
            throw IndexError.corrupt(path: metaFile.path, reason: "meta record of document \(doc) cannot be decoded")
        }
        return m
    }

    public func storedDocument(_ doc: Int) throws(IndexError) -> StoredDocument {
        let rec = try record(doc)
        guard let m = DocumentMeta.decode(try metaBytes(rec, doc)) else {
            throw IndexError.corrupt(path: metaFile.path, reason: "meta record of document \(doc) cannot be decoded")
        }
        guard let text = StoredText.decode(try storedBytes(rec, doc), dictionary: storeDictionary) else {
            throw undecodable(doc)
        }
        return StoredDocument(meta: m, text: text)
    }

    /// The stored text of `doc` as UTF-8 bytes (snippets read it so, without making a `String`).
    public func storedText(_ doc: Int) throws(IndexError) -> [UInt8] {
        guard let text = StoredText.decodeUTF8(try storedBytes(try record(doc), doc), dictionary: storeDictionary) else {
            throw undecodable(doc)
        }
        return text
    }

    /// What a merge copies of `doc`: its record, meta record (bytes and decoded) and stored text.
    /// The stored record is copied as it is when it is as the new segment would store it: made with
    /// a dictionary the new segment `sharesDictionary` with this one, or without one for a new
    /// segment without one (`targetHasDictionary` false). Otherwise it is decompressed, to be
    /// compressed again (with the new segment's dictionary, once).
    func copyParts(_ doc: Int, sharesDictionary: Bool, targetHasDictionary: Bool) throws(IndexError)
        -> (record: DocumentRecord, meta: DocumentMeta, metaRecord: [UInt8], stored: StoredContent) {
        let rec = try record(doc)
        let bytes = try metaBytes(rec, doc)
        guard let meta = DocumentMeta.decode(bytes) else {
            throw IndexError.corrupt(path: metaFile.path, reason: "meta record of document \(doc) cannot be decoded")
        }
        let stored = try storedBytes(rec, doc)
        if let header = StoredText.header(stored), header.usesDictionary ? sharesDictionary : !targetHasDictionary {
            return (rec, meta, Array(bytes), .record(Array(stored)))
        }
        guard let text = StoredText.decode(stored, dictionary: storeDictionary) else {
            throw undecodable(doc)
        }
        return (rec, meta, Array(bytes), .text(text))
    }

    /// Why stored document `doc` could not be decoded: its record, or the dictionary it needs.
    private func undecodable(_ doc: Int) -> IndexError {
        let why = storeDictionary.isIntact ? "" : " (the store's dictionary fails its checksum)"
        return IndexError.corrupt(path: storeFile.path, reason: "stored document \(doc) cannot be decoded\(why)")
    }

    public func storedID(_ doc: Int) throws(IndexError) -> String {
        guard let id = DocumentMeta.decodeID(try metaBytes(try record(doc), doc)) else {
            throw IndexError.corrupt(path: metaFile.path, reason: "meta record of document \(doc) cannot be decoded")
        }
        return id
    }

    /// Every document's near-duplicate signature, decoded whole (rows of zeros for documents
    /// without one); the indexer reads rows in place instead (`signatureRows`).
    func signatures() throws(IndexError) -> [[UInt32]] {
        guard let s = SignatureTable.decode(
            UnsafeRawBufferPointer(rebasing: signaturesFile.bytes[signaturesFile.bodyRange]), documents: meta.documents) else {
            throw IndexError.corrupt(path: signaturesFile.path, reason: "signatures do not match the segment")
        }
        return s
    }

    /// Where each document's signature row lies in the mapped `.sig` (checked whole first), for
    /// regrouping without copying them; nil for every document when the table's width is not
    /// `NearDuplicates.hashCount` (a segment of documents too short to sign has width 0). The rows
    /// stay valid while the returned file is alive.
    func signatureRows() throws(IndexError) -> (file: MappedFile, rows: [UnsafeRawPointer?]) {
        try signaturesFile.verifyChecksum(dropping: true)
        let body = UnsafeRawBufferPointer(rebasing: signaturesFile.bytes[signaturesFile.bodyRange])
        guard let width = SignatureTable.width(body, documents: meta.documents) else {
            throw IndexError.corrupt(path: signaturesFile.path, reason: "signatures do not match the segment")
        }
        guard width == NearDuplicates.hashCount, let base = body.baseAddress else {
            return (signaturesFile, [UnsafeRawPointer?](repeating: nil, count: meta.documents))
        }
        return (signaturesFile, (0..<meta.documents).map { base + SignatureTable.headerSize + $0 * SignatureTable.rowBytes })
    }

    /// Drops the pages of the document files (store, meta, document table, signatures) from
    /// resident memory: a merge reads each input once, and must not keep it all resident.
    func dropDocumentPages() {
        storeFile.dropResidentPages()
        metaFile.dropResidentPages()
        documentsFile.dropResidentPages()
        signaturesFile.dropResidentPages()
    }

    /// The same for the term dictionary, postings and positions.
    func dropPostingsPages() {
        termsFile.dropResidentPages()
        postingsFile.dropResidentPages()
        positionsFile.dropResidentPages()
    }

    /// Checks every file's full checksum; with `dropping`, without leaving the files resident (a
    /// merge checks its inputs first).
    public func verify(dropping: Bool = false) throws(IndexError) {
        // (Spelled out: a loop over an array of files with typed throws crashes the 6.3 optimizer.)
        try termsFile.verifyChecksum(dropping: dropping)
        try postingsFile.verifyChecksum(dropping: dropping)
        try positionsFile.verifyChecksum(dropping: dropping)
        try documentsFile.verifyChecksum(dropping: dropping)
        try storeFile.verifyChecksum(dropping: dropping)
        try metaFile.verifyChecksum(dropping: dropping)
        try signaturesFile.verifyChecksum(dropping: dropping)
    }

    /// Bytes of the segment's files.
    public var fileBytes: Int {
        termsFile.size + postingsFile.size + positionsFile.size + documentsFile.size + storeFile.size + metaFile.size + signaturesFile.size
    }
}

/// Deletion bitsets: `documents u32` then ⌈documents/64⌉ little-endian u64 words.
enum Deletions {
    static func encode(_ bits: [UInt64], documents: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.appendLE(UInt32(documents))
        for w in bits { out.appendLE(w) }
        return out
    }

    static func decode(_ file: MappedFile, documents: Int) throws(IndexError) -> [UInt64] {
        var r = ByteReader(file.bytes, offset: file.bodyRange.lowerBound)
        let words = (documents + 63) / 64
        guard let n = r.u32(), Int(n) == documents, file.bodyRange.count == 4 + words * 8 else {
            throw IndexError.corrupt(path: file.path, reason: "deletion bitset does not match the segment")
        }
        var bits = [UInt64](repeating: 0, count: words)
        for i in 0..<words { bits[i] = r.u64()! }
        return bits
    }

    static func write(_ bits: [UInt64], documents: Int, path: String) throws(IndexError) {
        let w = try FileWriter(path: path, component: .deletions)
        try w.append(encode(bits, documents: documents))
        try w.finish()
    }
}
