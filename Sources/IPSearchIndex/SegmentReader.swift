import CICU

/// Read access to one committed segment through memory maps: nothing is loaded up front beyond the
/// deletion bitset; a query touches the term entries it searches, the postings it decodes and the
/// records of the documents it returns. Every record read is checked against its CRC.
public final class SegmentReader: @unchecked Sendable {
    public let meta: SegmentMeta
    let termsFile: MappedFile
    let postingsFile: MappedFile
    let documentsFile: MappedFile
    let storeFile: MappedFile
    let metaFile: MappedFile
    let signaturesFile: MappedFile
    let deleted: [UInt64]
    public let termCount: Int
    /// Word count of every document (BM25 lengths), read once at open.
    public let wordCounts: [UInt32]
    /// Dates, sources and zones of every document, read once at open.
    public let columns: DocumentColumns

    static let documentRecordSize = DocumentRecord.size

    init(directory: String, meta: SegmentMeta) throws(IndexError) {
        self.meta = meta
        func path(_ c: SegmentComponent) -> String { directory + "/" + c.fileName(segment: meta.name) }
        termsFile = try MappedFile(path: path(.terms), component: .terms, verifyChecksum: false)
        postingsFile = try MappedFile(path: path(.postings), component: .postings, verifyChecksum: false)
        // The document table is small (48 bytes a document) and every query reads lengths from it:
        // check it whole once and keep the lengths.
        documentsFile = try MappedFile(path: path(.documents), component: .documents, verifyChecksum: true)
        storeFile = try MappedFile(path: path(.store), component: .store, verifyChecksum: false)
        metaFile = try MappedFile(path: path(.meta), component: .meta, verifyChecksum: false)
        signaturesFile = try MappedFile(path: path(.signatures), component: .signatures, verifyChecksum: false)
        let columnsFile = try MappedFile(path: path(.columns), component: .columns, verifyChecksum: true)
        guard let columns = DocumentColumns.decode(
            UnsafeRawBufferPointer(rebasing: columnsFile.bytes[columnsFile.bodyRange]), documents: meta.documents) else {
            throw IndexError.corrupt(path: columnsFile.path, reason: "the columns do not match the segment's \(meta.documents) documents")
        }
        self.columns = columns
        if termsFile.bodyRange.count % TermInfo.entrySize != 0 {
            throw IndexError.corrupt(path: termsFile.path, reason: "size is not a whole number of entries")
        }
        termCount = termsFile.bodyRange.count / TermInfo.entrySize
        if documentsFile.bodyRange.count != meta.documents * SegmentReader.documentRecordSize {
            throw IndexError.corrupt(path: documentsFile.path, reason: "holds \(documentsFile.bodyRange.count / SegmentReader.documentRecordSize) documents, the manifest says \(meta.documents)")
        }
        var lengths = [UInt32](repeating: 0, count: meta.documents)
        let table = documentsFile.bytes.baseAddress! + documentsFile.bodyRange.lowerBound
        for doc in 0..<meta.documents {
            lengths[doc] = UInt32(littleEndian: table.loadUnaligned(fromByteOffset: doc * SegmentReader.documentRecordSize + DocumentRecord.wordCountOffset, as: UInt32.self))
        }
        wordCounts = lengths
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
    }

    public var documentCount: Int { meta.documents }

    @inline(__always)
    public func isDeleted(_ doc: Int) -> Bool {
        guard !deleted.isEmpty else { return false }
        return deleted[doc >> 6] & (1 << UInt64(doc & 63)) != 0
    }

    // MARK: Terms

    private func entry(_ i: Int) throws(IndexError) -> TermInfo {
        let offset = termsFile.bodyRange.lowerBound + i * TermInfo.entrySize
        let base = termsFile.bytes.baseAddress! + offset
        var r = ByteReader(base: base, range: 0..<TermInfo.entrySize)
        let key = r.u64()!, po = r.u64()!, pl = r.u32()!, df = r.u32()!, pcrc = r.u32()!, ecrc = r.u32()!
        if cicu_crc32(0, base, TermInfo.entrySize - 4) != ecrc {
            throw IndexError.corrupt(path: termsFile.path, reason: "term entry \(i) fails its checksum")
        }
        return TermInfo(key: key, postingsOffset: Int(po), postingsLength: Int(pl), docFreq: Int(df), postingsCRC: pcrc)
    }

    /// Index of the first entry whose key is ≥ `key`. Every probed entry's checksum is checked: a
    /// damaged key would otherwise steer the search away from good terms without an error.
    private func lowerBound(_ key: UInt64) throws(IndexError) -> Int {
        var lo = 0, hi = termCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if try entry(mid).key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public func find(_ key: UInt64) throws(IndexError) -> TermInfo? {
        let i = try lowerBound(key)
        guard i < termCount else { return nil }
        let e = try entry(i)
        return e.key == key ? e : nil
    }

    /// All entries with keys in `range` (every gram starting with one character).
    public func terms(in range: ClosedRange<UInt64>) throws(IndexError) -> [TermInfo] {
        var i = try lowerBound(range.lowerBound)
        var result: [TermInfo] = []
        while i < termCount {
            let e = try entry(i)
            if e.key > range.upperBound { break }
            result.append(e)
            i += 1
        }
        return result
    }

    // MARK: Postings

    /// Documents and term frequencies only, positions skipped (enough to count the occurrences of
    /// a one-gram part): `body(doc, tf)` is called in document order.
    public func frequencies(_ info: TermInfo, _ body: (Int32, Int32) -> Void) throws(IndexError) {
        let start = info.postingsOffset
        guard start >= postingsFile.bodyRange.lowerBound, start + info.postingsLength <= postingsFile.bodyRange.upperBound else {
            throw IndexError.corrupt(path: postingsFile.path, reason: "postings range out of bounds")
        }
        let base = postingsFile.bytes.baseAddress!
        if cicu_crc32(0, base + start, info.postingsLength) != info.postingsCRC {
            throw IndexError.corrupt(path: postingsFile.path, reason: "postings of a term fail their checksum")
        }
        var r = ByteReader(base: base, range: start..<(start + info.postingsLength))
        var doc: Int64 = 0
        for _ in 0..<info.docFreq {
            guard let code = r.varint(), let tf = code & 1 == 1 ? 1 : r.varint(), tf > 0, tf <= UInt64(r.remaining) else {
                throw IndexError.corrupt(path: postingsFile.path, reason: "malformed postings")
            }
            doc += Int64(code >> 1)
            guard doc < Int64(meta.documents) else {
                throw IndexError.corrupt(path: postingsFile.path, reason: "document number out of range")
            }
            // Skip tf position varints: count bytes without the continuation bit.
            var remaining = tf
            while remaining > 0 {
                guard r.offset < r.end else { throw IndexError.corrupt(path: postingsFile.path, reason: "malformed postings") }
                if r.base.load(fromByteOffset: r.offset, as: UInt8.self) < 0x80 { remaining -= 1 }
                r.offset += 1
            }
            body(Int32(doc), Int32(tf))
        }
    }

    public func postings(_ info: TermInfo) throws(IndexError) -> PostingList {
        let start = info.postingsOffset  // a file offset
        guard start >= postingsFile.bodyRange.lowerBound, start + info.postingsLength <= postingsFile.bodyRange.upperBound else {
            throw IndexError.corrupt(path: postingsFile.path, reason: "postings range out of bounds")
        }
        let base = postingsFile.bytes.baseAddress!
        if cicu_crc32(0, base + start, info.postingsLength) != info.postingsCRC {
            throw IndexError.corrupt(path: postingsFile.path, reason: "postings of a term fail their checksum")
        }
        // Hot loop of every multi-gram query: decode into preallocated buffers (every position takes
        // at least one byte, so the byte length bounds the position count).
        var list = PostingList()
        let df = info.docFreq
        let limit = start + info.postingsLength
        var failed = false
        var positionCount = 0
        list.positions = [Int32](unsafeUninitializedCapacity: info.postingsLength) { positions, initialized in
            list.docs = [Int32](unsafeUninitializedCapacity: df) { docs, docsInitialized in
                list.positionStart = [Int32](unsafeUninitializedCapacity: df + 1) { starts, startsInitialized in
                    var r = ByteReader(base: base, range: start..<limit)
                    var doc: Int64 = 0
                    starts[0] = 0
                    var k = 0
                    while k < df {
                        guard let code = r.varint(), let tf = code & 1 == 1 ? 1 : r.varint(), tf > 0, Int(tf) <= r.remaining else {
                            failed = true
                            break
                        }
                        doc += Int64(code >> 1)
                        if doc >= Int64(meta.documents) || positionCount + Int(tf) > positions.count {
                            failed = true
                            break
                        }
                        var position: Int64 = 0
                        for _ in 0..<tf {
                            guard let d = r.varint() else { failed = true; break }
                            position += Int64(d)
                            positions[positionCount] = Int32(truncatingIfNeeded: position)
                            positionCount += 1
                        }
                        if failed { break }
                        docs[k] = Int32(doc)
                        starts[k + 1] = Int32(positionCount)
                        k += 1
                    }
                    startsInitialized = k + 1
                    docsInitialized = k
                }
            }
            initialized = positionCount
        }
        if failed { throw IndexError.corrupt(path: postingsFile.path, reason: "malformed postings") }
        return list
    }

    // MARK: Documents

    public func record(_ doc: Int) throws(IndexError) -> DocumentRecord {
        guard doc >= 0 && doc < meta.documents else {
            throw IndexError.corrupt(path: documentsFile.path, reason: "document number \(doc) out of range")
        }
        let base = documentsFile.bytes.baseAddress! + documentsFile.bodyRange.lowerBound + doc * DocumentRecord.size
        guard let record = DocumentRecord.decode(base) else {
            throw IndexError.corrupt(path: documentsFile.path, reason: "document record \(doc) fails its checksum")
        }
        return record
    }

    /// Word count (BM25 document length) of `doc`.
    @inline(__always)
    public func wordCount(_ doc: Int) -> Int {
        Int(wordCounts[doc])
    }

    private func storedBytes(_ rec: DocumentRecord) throws(IndexError) -> UnsafeRawBufferPointer {
        guard rec.storeOffset >= FileFormat.headerSize, rec.storeOffset + rec.storeLength <= storeFile.bodyRange.upperBound else {
            throw IndexError.corrupt(path: storeFile.path, reason: "stored record out of bounds")
        }
        let bytes = UnsafeRawBufferPointer(start: storeFile.bytes.baseAddress! + rec.storeOffset, count: rec.storeLength)
        if cicu_crc32(0, bytes.baseAddress, bytes.count) != rec.storeCRC {
            throw IndexError.corrupt(path: storeFile.path, reason: "a stored document fails its checksum")
        }
        return bytes
    }

    private func metaBytes(_ rec: DocumentRecord) throws(IndexError) -> UnsafeRawBufferPointer {
        guard rec.metaOffset >= FileFormat.headerSize, rec.metaOffset + rec.metaLength <= metaFile.bodyRange.upperBound else {
            throw IndexError.corrupt(path: metaFile.path, reason: "document meta record out of bounds")
        }
        let bytes = UnsafeRawBufferPointer(start: metaFile.bytes.baseAddress! + rec.metaOffset, count: rec.metaLength)
        if cicu_crc32(0, bytes.baseAddress, bytes.count) != rec.metaCRC {
            throw IndexError.corrupt(path: metaFile.path, reason: "a document meta record fails its checksum")
        }
        return bytes
    }

    /// The display fields of `doc` (id, title, source, url, date, …), without its text.
    public func meta(_ doc: Int) throws(IndexError) -> DocumentMeta {
        guard let m = DocumentMeta.decode(try metaBytes(try record(doc))) else {
            throw IndexError.corrupt(path: metaFile.path, reason: "meta record of document \(doc) cannot be decoded")
        }
        return m
    }

    public func storedDocument(_ doc: Int) throws(IndexError) -> StoredDocument {
        let rec = try record(doc)
        guard let m = DocumentMeta.decode(try metaBytes(rec)) else {
            throw IndexError.corrupt(path: metaFile.path, reason: "meta record of document \(doc) cannot be decoded")
        }
        guard let text = StoredText.decode(try storedBytes(rec)) else {
            throw IndexError.corrupt(path: storeFile.path, reason: "stored document \(doc) cannot be decoded")
        }
        return StoredDocument(meta: m, text: text)
    }

    public func storedID(_ doc: Int) throws(IndexError) -> String {
        guard let id = DocumentMeta.decodeID(try metaBytes(try record(doc))) else {
            throw IndexError.corrupt(path: metaFile.path, reason: "meta record of document \(doc) cannot be decoded")
        }
        return id
    }

    /// Every document's near-duplicate signature (the indexer regroups with them).
    func signatures() throws(IndexError) -> [[UInt32]] {
        guard let s = SignatureTable.decode(
            UnsafeRawBufferPointer(rebasing: signaturesFile.bytes[signaturesFile.bodyRange]), documents: meta.documents) else {
            throw IndexError.corrupt(path: signaturesFile.path, reason: "signatures do not match the segment")
        }
        return s
    }

    /// Checks every file's full checksum.
    public func verify() throws(IndexError) {
        // (Spelled out: a loop over an array of files with typed throws crashes the 6.3 optimizer.)
        try termsFile.verifyChecksum()
        try postingsFile.verifyChecksum()
        try documentsFile.verifyChecksum()
        try storeFile.verifyChecksum()
        try metaFile.verifyChecksum()
        try signaturesFile.verifyChecksum()
    }

    /// Bytes of the segment's files.
    public var fileBytes: Int {
        termsFile.size + postingsFile.size + documentsFile.size + storeFile.size + metaFile.size + signaturesFile.size
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
