import CICU
import IPSearchAnalysis

/// A document ready to be added to a segment: analysed and serialized off the writer's thread.
struct PreparedDocument: Sendable {
    var id: String
    var contentHash: UInt64
    var fileSize: UInt64
    var mtimeNanoseconds: Int64
    var wordCount: UInt32
    /// Distinct gram keys of the document, ascending, with their frequencies and, flattened in the
    /// same order, their positions (ascending within a key).
    var keys: [UInt64]
    var freqs: [UInt32]
    var positions: [UInt32]
    var storedRecord: [UInt8]

    init(id: String, contentHash: UInt64, fileSize: UInt64, mtimeNanoseconds: Int64,
         stored: StoredDocument, analysis: Analysis) {
        self.id = id
        self.contentHash = contentHash
        self.fileSize = fileSize
        self.mtimeNanoseconds = mtimeNanoseconds
        wordCount = UInt32(clamping: analysis.wordCount)
        storedRecord = stored.encoded()
        (keys, freqs, positions) = PreparedDocument.invert(analysis.grams, analysis.gramPositions)
    }

    /// Groups the (gram, position) stream by gram. Positions below 2²² (4 M UTF-16 units, every
    /// realistic document) are packed with the 42-bit key into one UInt64 so one integer sort does it.
    static func invert(_ grams: [UInt64], _ positions: [Int32]) -> ([UInt64], [UInt32], [UInt32]) {
        var keys: [UInt64] = [], freqs: [UInt32] = [], pos: [UInt32] = []
        keys.reserveCapacity(grams.count)
        freqs.reserveCapacity(grams.count)
        pos.reserveCapacity(grams.count)
        func emit(_ key: UInt64, _ p: UInt32) {
            if let last = keys.last, last == key { freqs[freqs.count - 1] += 1 } else { keys.append(key); freqs.append(1) }
            pos.append(p)
        }
        if (positions.last ?? 0) < 1 << 22 {
            var packed = [UInt64](repeating: 0, count: grams.count)
            for i in grams.indices { packed[i] = grams[i] << 22 | UInt64(UInt32(bitPattern: positions[i])) }
            packed.sort()
            for v in packed { emit(v >> 22, UInt32(truncatingIfNeeded: v & 0x3F_FFFF)) }
        } else {
            let order = grams.indices.sorted { (grams[$0], positions[$0]) < (grams[$1], positions[$1]) }
            for i in order { emit(grams[i], UInt32(bitPattern: positions[i])) }
        }
        return (keys, freqs, pos)
    }
}

/// Builds one immutable segment: inverts documents in memory, streams stored records to disk, and
/// on `finish()` writes the term dictionary, postings and document table.
final class SegmentWriter {
    let directory: String
    let name: String
    private var slotOfKey: [UInt64: Int32] = [:]
    private var slotKeys: [UInt64] = []
    private var slotPostings: [[UInt8]] = []
    private var slotLastDoc: [Int32] = []
    private var slotDocFreq: [UInt32] = []
    private var documentTable: [UInt8] = []
    private let store: FileWriter
    private(set) var documentCount = 0
    private(set) var totalWords = 0
    private(set) var bufferedBytes = 0

    init(directory: String, name: String) throws(IndexError) {
        self.directory = directory
        self.name = name
        store = try FileWriter(path: directory + "/" + SegmentComponent.store.fileName(segment: name), component: .store)
    }

    func add(_ doc: PreparedDocument) throws(IndexError) {
        let docID = Int32(documentCount)
        let storeOffset = UInt64(store.offset)
        let storeCRC = doc.storedRecord.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) }
        try store.append(doc.storedRecord)

        var p = 0
        for k in doc.keys.indices {
            let key = doc.keys[k]
            let slot: Int
            if let s = slotOfKey[key] {
                slot = Int(s)
            } else {
                slot = slotKeys.count
                slotOfKey[key] = Int32(slot)
                slotKeys.append(key)
                slotPostings.append([])
                slotLastDoc.append(0)
                slotDocFreq.append(0)
                bufferedBytes += 96
            }
            let tf = doc.freqs[k]
            let before = slotPostings[slot].count
            // Most grams occur once per document: the low bit of the doc delta says "tf = 1".
            let delta = UInt64(docID - slotLastDoc[slot]) << 1
            if tf == 1 {
                VarInt.append(delta | 1, to: &slotPostings[slot])
            } else {
                VarInt.append(delta, to: &slotPostings[slot])
                VarInt.append(tf, to: &slotPostings[slot])
            }
            var last: UInt32 = 0
            for _ in 0..<tf {
                let position = doc.positions[p]
                VarInt.append(position - last, to: &slotPostings[slot])
                last = position
                p += 1
            }
            bufferedBytes += slotPostings[slot].count - before
            slotLastDoc[slot] = docID
            slotDocFreq[slot] += 1
        }

        var record: [UInt8] = []
        record.reserveCapacity(48)
        record.appendLE(storeOffset)
        record.appendLE(UInt32(doc.storedRecord.count))
        record.appendLE(storeCRC)
        record.appendLE(doc.contentHash)
        record.appendLE(doc.fileSize)
        record.appendLE(UInt64(bitPattern: doc.mtimeNanoseconds))
        record.appendLE(doc.wordCount)
        record.appendLE(record.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) })
        documentTable.append(contentsOf: record)
        documentCount += 1
        totalWords += Int(doc.wordCount)
    }

    /// Writes the remaining files, fsyncs them all and returns the segment's manifest entry.
    func finish() throws(IndexError) -> SegmentMeta {
        try store.finish()
        let order = slotKeys.indices.sorted { slotKeys[$0] < slotKeys[$1] }
        let postings = try FileWriter(path: path(.postings), component: .postings)
        let terms = try FileWriter(path: path(.terms), component: .terms)
        var entry: [UInt8] = []
        entry.reserveCapacity(TermInfo.entrySize)
        for slot in order {
            let bytes = slotPostings[slot]
            let offset = UInt64(postings.offset)
            try postings.append(bytes)
            entry.removeAll(keepingCapacity: true)
            entry.appendLE(slotKeys[slot])
            entry.appendLE(offset)
            entry.appendLE(UInt32(bytes.count))
            entry.appendLE(slotDocFreq[slot])
            entry.appendLE(bytes.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) })
            entry.appendLE(entry.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) })
            try terms.append(entry)
        }
        try postings.finish()
        try terms.finish()
        let docs = try FileWriter(path: path(.documents), component: .documents)
        try docs.append(documentTable)
        try docs.finish()
        let sizes = [store.offset, postings.offset, terms.offset, docs.offset].reduce(0, +) + 4 * FileFormat.footerSize
        return SegmentMeta(name: name, documents: documentCount, words: totalWords, terms: slotKeys.count,
                           bytes: sizes, storedBytes: store.offset + FileFormat.footerSize)
    }

    /// Removes the files written so far (an aborted segment).
    func discard() {
        for c in SegmentComponent.allCases where c != .deletions { unlink(path(c)) }
    }

    private func path(_ c: SegmentComponent) -> String {
        directory + "/" + c.fileName(segment: name)
    }
}

#if canImport(Glibc)
import Glibc
#endif
