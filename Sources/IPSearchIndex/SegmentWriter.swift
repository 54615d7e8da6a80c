import CICU
import IPSearchAnalysis

/// A document ready to be added to a segment: analysed and serialized off the writer's thread.
struct PreparedDocument: Sendable {
    var id: String
    var contentHash: UInt64
    var fileSize: UInt64
    var mtimeNanoseconds: Int64
    var wordCount: UInt32
    /// Distinct gram and mark keys of the document, ascending, with their frequencies and, flattened in the
    /// same order, their positions (ascending within a key).
    var keys: [UInt64]
    var freqs: [UInt32]
    var positions: [UInt32]
    /// What goes to `.store`.
    var stored: StoredContent
    var metaRecord: [UInt8]
    var date: Int32?
    var sourceKey: String?
    var sourceDisplay: String?
    var zones: ZoneMap
    var signature: [UInt32]
    /// Letters and Han characters of the clean title after its section number (`TitleCleaner.letterCount`).
    var titleLength: Int
    /// The terms standing in the title span (`TitleGrams`).
    var titleGrams: TitleGrams

    init(contentHash: UInt64, fileSize: UInt64, mtimeNanoseconds: Int64, meta: DocumentMeta, text: String,
         analysis: Analysis, sourceKey: String?, zones: ZoneMap, signature: [UInt32]) {
        self.id = meta.id
        self.contentHash = contentHash
        self.fileSize = fileSize
        self.mtimeNanoseconds = mtimeNanoseconds
        wordCount = UInt32(clamping: analysis.wordCount)
        stored = .text(text)
        metaRecord = meta.encoded()
        date = meta.date.flatMap(DayNumber.from(iso:))
        self.sourceKey = sourceKey
        sourceDisplay = meta.source
        self.zones = zones
        self.signature = signature
        titleLength = TitleCleaner.letterCount(meta.title)
        let terms = analysis.grams + analysis.marks, termPositions = analysis.gramPositions + analysis.markPositions
        titleGrams = TitleGrams(keys: terms, positions: termPositions, span: zones.titleSpan)
        (keys, freqs, positions) = PreparedDocument.invert(terms, termPositions)
    }

    /// A document of another segment, as a merge copies it: everything but its postings, which
    /// the merge writes from the segments' postings (`keys` stays empty).
    init(copying record: DocumentRecord, id: String, stored: StoredContent, metaRecord: [UInt8], date: Int32?, source: String?,
         titleLength: Int, titleGrams: TitleGrams, zones: ZoneMap, signature: [UInt32]) {
        self.id = id
        contentHash = record.contentHash
        fileSize = record.fileSize
        mtimeNanoseconds = record.mtimeNanoseconds
        wordCount = UInt32(clamping: record.wordCount)
        self.stored = stored
        self.metaRecord = metaRecord
        self.date = date
        sourceKey = source.map(SourceKey.fold)
        sourceDisplay = source
        self.zones = zones
        self.signature = signature
        self.titleLength = titleLength
        self.titleGrams = titleGrams
        keys = []
        freqs = []
        positions = []
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
        if (positions.max() ?? 0) < 1 << 22 {
            var packed = [UInt64](repeating: 0, count: grams.count)
            for i in grams.indices { packed[i] = grams[i] << 22 | UInt64(UInt32(bitPattern: positions[i])) }
            PreparedDocument.sortByKey(&packed)
            for v in packed { emit(v >> 22, UInt32(truncatingIfNeeded: v & 0x3F_FFFF)) }
        } else {
            let order = grams.indices.sorted { (grams[$0], positions[$0]) < (grams[$1], positions[$1]) }
            for i in order { emit(grams[i], UInt32(bitPattern: positions[i])) }
        }
        return (keys, freqs, pos)
    }
}

/// What a segment writer stores for a document.
enum StoredContent: Sendable {
    /// The text, which the writer compresses with its dictionary.
    case text(String)
    /// A `.store` record of another segment, copied as it is: compressed without a dictionary or
    /// with the one the writer uses (a merge of segments that share a dictionary).
    case record([UInt8])
}

extension PreparedDocument {
    /// Sorts `packed` (key << 22 | position) by key, stably, with an LSD radix sort over the key's
    /// bits, 11 at a time, skipping digits every value shares. The input lists each key's positions
    /// in ascending order, so stability leaves them ascending: the result equals `packed.sort()`,
    /// which (a merge sort) took 7% of indexing CPU.
    static func sortByKey(_ packed: inout [UInt64]) {
        let n = packed.count
        if n < 64 { packed.sort(); return }
        var other = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 2048)
        var shift: UInt64 = 22
        while shift < 64 {
            let moved = packed.withUnsafeBufferPointer { src in
                other.withUnsafeMutableBufferPointer { dst in
                    counts.withUnsafeMutableBufferPointer { c in
                        for d in 0..<2048 { c[d] = 0 }
                        for v in src { c[Int((v >> shift) & 0x7FF)] += 1 }
                        if c[Int((src[0] >> shift) & 0x7FF)] == n { return false }  // one digit: nothing to do
                        var sum = 0
                        for d in 0..<2048 { let k = c[d]; c[d] = sum; sum += k }
                        for v in src {
                            let d = Int((v >> shift) & 0x7FF)
                            dst[c[d]] = v
                            c[d] += 1
                        }
                        return true
                    }
                }
            }
            if moved { swap(&packed, &other) }
            shift += 11
        }
    }
}

/// Builds one immutable segment: inverts documents in memory, streams stored records to disk, and
/// on `finish()` writes the term dictionary, postings and document table.
///
/// In memory, every (gram, document) entry is appended to one flat `UInt32` pool — `previous entry,
/// doc, tf, positions…` — chained per gram from its last entry back, and a gram's slot (its key and
/// last entry, 16 bytes) is found through an open-addressing table keyed by the gram: no per-gram
/// arrays, no per-entry allocation, and adding an entry touches the table and the slot only (a
/// forward chain would also write into the gram's previous entry, a cache miss of its own). Blocks
/// are encoded once, at `finish()`.
final class SegmentWriter {
    let directory: String
    let name: String
    /// Open addressing, linear probing: slot + 1, or 0 for empty. Capacity is a power of two.
    private var table = [Int32](repeating: 0, count: 1 << 16)
    private var slots: [Slot] = []
    private var pool: [UInt32] = []

    /// A gram in memory: its key and its last entry in `pool`.
    private struct Slot {
        var key: UInt64
        var last: UInt32
    }
    private let store: FileWriter
    private let metaFile: FileWriter
    /// The document table, a fixed-size record per document, written as documents arrive.
    private let documentsFile: FileWriter
    private var recordBytes: [UInt8] = []
    private let columns = DocumentColumns.Builder()
    /// Signature rows, `hashCount` values each (zeros: unsigned), until `finish` writes `.sig`;
    /// or, for a merge that knows the segment's size and K up front, written as documents arrive.
    private var signatureValues: [UInt32] = []
    private let streamedSignatures: (file: FileWriter, documents: Int, width: Int)?
    private var rowBytes: [UInt8] = []
    /// Stored texts are compressed with the run's shared dictionary, or without one until the
    /// run's first texts have trained it (`SharedStoreDictionary`); the dictionary ends `.store`.
    private let dictionarySource: SharedStoreDictionary
    private var runDictionary: SharedStoreDictionary.Dictionary?
    /// Made when the first text is compressed (a merge that copies records never makes one).
    private var madeCompressor: Compressor?
    private var compressor: Compressor {
        if let madeCompressor { return madeCompressor }
        let made = Compressor(shared: runDictionary?.prepared())
        madeCompressor = made
        return made
    }
    /// Whether this segment's texts may use the dictionary: its compressor's, or, before there is
    /// one, whether the run has a dictionary.
    private var usesDictionary: Bool { madeCompressor?.hasDictionary ?? (runDictionary != nil) }
    private var signatureWidth = 0
    /// Postings parts a merge writes (`postingsOutput(part:)`).
    private var partPaths: [PostingsOutput.PartPaths] = []
    private(set) var documentCount = 0
    private(set) var totalWords = 0

    static let none = UInt32.max

    /// `flushBytes`: the postings memory at which the indexer will finish this writer. The entry
    /// pool is reserved for it up front (address space only: pages are touched as entries arrive),
    /// so it never grows by doubling, which would hold the old and the new buffer at once.
    ///
    /// `signatures`: the segment's document count and signature width K when known up front (a
    /// merge): `.sig` is then written as documents are added, so a large merge holds no table.
    ///
    /// `dictionary`: the store dictionary this writer shares with the other writers of its run
    /// (by default its own, trained on its first texts).
    init(directory: String, name: String, flushBytes: Int = 1 << 22,
         signatures: (documents: Int, width: Int)? = nil,
         dictionary: SharedStoreDictionary = SharedStoreDictionary()) throws(IndexError) {
        self.directory = directory
        self.name = name
        dictionarySource = dictionary
        runDictionary = dictionary.current
        func file(_ c: SegmentComponent) throws(IndexError) -> FileWriter {
            try FileWriter(path: directory + "/" + c.fileName(segment: name), component: c)
        }
        store = try file(.store)
        metaFile = try file(.meta)
        documentsFile = try file(.documents)
        if let signatures {
            let sig = try file(.signatures)
            try sig.append(SignatureTable.header(documents: signatures.documents, width: signatures.width))
            streamedSignatures = (sig, signatures.documents, signatures.width)
            columns.reserve(documents: signatures.documents)
        } else {
            streamedSignatures = nil
        }
        pool.reserveCapacity(max(1 << 20, flushBytes / 4 + (1 << 18)))
    }

    /// Memory held by the in-memory postings (what the flush policy watches).
    var bufferedBytes: Int { pool.count * 4 + slots.count * MemoryLayout<Slot>.stride + table.count * 4 }

    @inline(__always)
    private static func hash(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    private func grow() {
        var bigger = [Int32](repeating: 0, count: table.count * 2)
        let mask = bigger.count - 1
        for (slot, s) in slots.enumerated() {
            var h = SegmentWriter.hash(s.key, mask)
            while bigger[h] != 0 { h = (h + 1) & mask }
            bigger[h] = Int32(slot + 1)
        }
        table = bigger
    }

    func add(_ doc: PreparedDocument) throws(IndexError) {
        let docID = UInt32(documentCount)
        let storeOffset = UInt64(store.offset)
        let storedRecord: [UInt8]
        switch doc.stored {
        case .text(let text):
            guard let record = StoredText.encode(text, with: compressor) else {
                throw IndexError.io(path: directory + "/" + name, operation: "compress the stored text of \(doc.id)", errno: ENOMEM)
            }
            storedRecord = record
            if runDictionary == nil, let dictionary = dictionarySource.offer(text) {
                runDictionary = dictionary
                madeCompressor = nil
            }
        case .record(let record):
            // Only a record this segment can read back: no dictionary, or this segment's (the
            // merge checks that the record's segment had the same).
            let header = record.withUnsafeBytes { StoredText.header($0) }
            guard let header, !header.usesDictionary || usesDictionary else {
                throw IndexError.io(path: directory + "/" + name, operation: "copy the stored text of \(doc.id) (compressed with a dictionary this segment lacks)", errno: EINVAL)
            }
            storedRecord = record
        }
        let storeCRC = storedRecord.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) }
        guard storedRecord.count < Int(UInt32.max), doc.metaRecord.count < Int(UInt32.max),
              metaFile.offset + doc.metaRecord.count < Int(UInt32.max) else {
            throw IndexError.io(path: directory + "/" + name, operation: "add \(doc.id) (too large for the index format)", errno: EFBIG)
        }
        try store.append(storedRecord)
        let metaOffset = metaFile.offset
        let metaCRC = doc.metaRecord.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) }
        try metaFile.append(doc.metaRecord)
        columns.add(date: doc.date, sourceKey: doc.sourceKey, sourceDisplay: doc.sourceDisplay,
                    titleLength: doc.titleLength, titleGrams: doc.titleGrams, zones: doc.zones)
        if let streamed = streamedSignatures {
            guard doc.signature.count <= streamed.width, documentCount < streamed.documents else {
                throw IndexError.io(path: streamed.file.path, operation: "add \(doc.id) (not the signature table announced)", errno: EINVAL)
            }
            rowBytes.removeAll(keepingCapacity: true)
            SignatureTable.appendRow(doc.signature[...], width: streamed.width, to: &rowBytes)
            try streamed.file.append(rowBytes)
        } else {
            signatureWidth = max(signatureWidth, doc.signature.count)
            let start = signatureValues.count
            signatureValues.append(contentsOf: doc.signature.prefix(NearDuplicates.hashCount))
            signatureValues.append(contentsOf: repeatElement(0, count: start + NearDuplicates.hashCount - signatureValues.count))
        }

        if (slots.count + doc.keys.count) * 2 > table.count {
            while (slots.count + doc.keys.count) * 2 > table.count { grow() }
        }
        // Work on local copies (moved out, so appends stay in place and skip exclusivity checks).
        var table = self.table, slots = self.slots, pool = self.pool
        self.table = []; self.slots = []; self.pool = []
        defer { self.table = table; self.slots = slots; self.pool = pool }
        let mask = table.count - 1
        var p = 0
        let keyCount = doc.keys.count
        for k in 0..<keyCount {
            // The table and slots are far larger than the caches, and a document's keys are known
            // up front: ask for the table cell of the key 8 ahead, and for the slot of the key 4
            // ahead (its cell asked for 4 keys ago), so that neither is a miss when its turn comes.
            if k + 8 < keyCount {
                table.withUnsafeBufferPointer { cicu_prefetch($0.baseAddress! + SegmentWriter.hash(doc.keys[k + 8], mask)) }
            }
            if k + 4 < keyCount {
                let v = Int(table[SegmentWriter.hash(doc.keys[k + 4], mask)])
                if v > 0 { slots.withUnsafeBufferPointer { cicu_prefetch($0.baseAddress! + (v - 1)) } }
            }
            let key = doc.keys[k]
            var h = SegmentWriter.hash(key, mask)
            var slot = -1
            while true {
                let v = table[h]
                if v == 0 {
                    slot = slots.count
                    table[h] = Int32(slot + 1)
                    slots.append(Slot(key: key, last: SegmentWriter.none))
                    break
                }
                if slots[Int(v) - 1].key == key { slot = Int(v) - 1; break }
                h = (h + 1) & mask
            }
            let tf = doc.freqs[k]
            let entry = UInt32(pool.count)
            pool.append(slots[slot].last)
            pool.append(docID)
            pool.append(tf)
            for _ in 0..<tf {
                pool.append(doc.positions[p])
                p += 1
            }
            slots[slot].last = entry
        }

        let record = DocumentRecord(
            storeOffset: Int(storeOffset), storeLength: storedRecord.count, storeCRC: storeCRC,
            contentHash: doc.contentHash, fileSize: doc.fileSize, mtimeNanoseconds: doc.mtimeNanoseconds,
            wordCount: Int(doc.wordCount), metaOffset: metaOffset, metaLength: doc.metaRecord.count, metaCRC: metaCRC)
        recordBytes.removeAll(keepingCapacity: true)
        record.append(to: &recordBytes)
        try documentsFile.append(recordBytes)
        documentCount += 1
        totalWords += Int(doc.wordCount)
    }

    /// The postings files of this segment, for a merge to write (`finish(writtenPostings:)`).
    func postingsOutput() throws(IndexError) -> PostingsOutput {
        try PostingsOutput(PostingsOutput.PartPaths(postings: path(.postings), positions: path(.positions), terms: path(.terms)))
    }

    /// Postings files for part `k` of a merge's terms, written on another thread and then added to
    /// the segment's own (`PostingsOutput.append(part:)`): `segNNNNNN.partK.post`, `.pos`,
    /// `.terms`. They are deleted once added, by `discard`, or, after a crash, as files no commit
    /// references.
    func postingsOutput(part k: Int) throws(IndexError) -> (output: PostingsOutput, paths: PostingsOutput.PartPaths) {
        func partPath(_ c: SegmentComponent) -> String { directory + "/" + name + ".part\(k)." + c.fileExtension }
        let paths = PostingsOutput.PartPaths(postings: partPath(.postings), positions: partPath(.positions), terms: partPath(.terms))
        partPaths.append(paths)
        return (try PostingsOutput(paths), paths)
    }

    /// Writes the remaining files, fsyncs them all and returns the segment's manifest entry. The
    /// postings are those of the added documents, or, for a merge, those it wrote to
    /// `writtenPostings` (`postingsOutput()`).
    func finish(writtenPostings: PostingsOutput? = nil) throws(IndexError) -> SegmentMeta {
        try store.append(StoreDictionary.trailer(usesDictionary ? runDictionary?.bytes ?? [] : []))
        try store.finish()
        try metaFile.finish()
        let cols = try FileWriter(path: path(.columns), component: .columns)
        try columns.columns.encode { (bytes) throws(IndexError) in try cols.append(bytes) }
        try cols.finish()
        let sig: FileWriter
        if let streamed = streamedSignatures {
            guard documentCount == streamed.documents else {
                throw IndexError.io(path: streamed.file.path, operation: "finish (\(documentCount) of \(streamed.documents) documents added)", errno: EINVAL)
            }
            sig = streamed.file
        } else {
            sig = try FileWriter(path: path(.signatures), component: .signatures)
            let width = min(signatureWidth, NearDuplicates.hashCount)
            var table = SignatureTable.header(documents: documentCount, width: width)
            table.reserveCapacity(SignatureTable.headerSize + documentCount * width * SignatureTable.valueSize)
            for d in 0..<documentCount {
                let row = d * NearDuplicates.hashCount
                SignatureTable.appendRow(signatureValues[row..<(row + width)], width: width, to: &table)
            }
            try sig.append(table)
        }
        try sig.finish()
        let out: PostingsOutput
        if let writtenPostings {
            out = writtenPostings
        } else {
            out = try postingsOutput()
            try writePooledPostings(to: out)
        }
        try out.finish()
        let docs = documentsFile
        try docs.finish()
        // Finished files: each offset is the file's size, footer included.
        let sizes = [store.offset, out.postings.file.offset, out.positions.file.offset, out.terms.file.offset, docs.offset,
                     metaFile.offset, cols.offset, sig.offset].reduce(0, +)
        return SegmentMeta(name: name, documents: documentCount, words: totalWords, terms: out.terms.termCount,
                           bytes: sizes, storedBytes: store.offset)
    }

    /// The in-memory postings (`add`), term by term in key order: each gram's chain is walked from
    /// its last entry back, then its entries go to the encoder in document order.
    private func writePooledPostings(to out: PostingsOutput) throws(IndexError) {
        // No gram is added after this: the table goes, and the slots are sorted in place (keys are
        // unique), so the sort needs no index array and no indirection, and the memory it takes
        // is less than the table's.
        table = []
        slots.sort { $0.key < $1.key }
        // A chain is walked one dependent load at a time, a cache miss an entry: `lanes` chains are
        // walked side by side, each next entry asked for as soon as it is known, so that their misses
        // overlap; then the lanes' lists are written in key order.
        let lanes = 8
        var entries = [[UInt32]](repeating: [], count: lanes)
        var next = [UInt32](repeating: SegmentWriter.none, count: lanes)
        try pool.withUnsafeBufferPointer { (pool) throws(IndexError) in
            var first = 0
            while first < slots.count {
                let count = min(lanes, slots.count - first)
                for l in 0..<count {
                    entries[l].removeAll(keepingCapacity: true)
                    next[l] = slots[first + l].last
                }
                var active = count
                while active > 0 {
                    active = 0
                    for l in 0..<count where next[l] != SegmentWriter.none {
                        let e = next[l]
                        entries[l].append(e)
                        let n = pool[Int(e)]
                        next[l] = n
                        if n != SegmentWriter.none {
                            cicu_prefetch(pool.baseAddress! + Int(n))
                            active += 1
                        }
                    }
                }
                for l in 0..<count {
                    try out.add(key: slots[first + l].key) { (list) throws(IndexError) in
                        for e in entries[l].reversed() {
                            let i = Int(e)
                            let tf = Int(pool[i + 2])
                            try list.add(doc: pool[i + 1], positions: UnsafeBufferPointer(rebasing: pool[(i + 3)..<(i + 3 + tf)]))
                        }
                    }
                }
                first += count
            }
        }
    }

    /// Removes the files written so far (an aborted segment).
    func discard() {
        for c in SegmentComponent.perSegment { unlink(path(c)) }
        for p in partPaths { p.remove() }
    }

    private func path(_ c: SegmentComponent) -> String {
        directory + "/" + c.fileName(segment: name)
    }
}

/// Writes a segment's postings, positions and term dictionary, one term at a time in key order.
final class PostingsOutput {
    let postings: PageChecksums.Writer
    let positions: PageChecksums.Writer
    let terms: TermDictionary.Writer
    private var postBytes: [UInt8] = []
    private var encoder: BlockPostings.ListEncoder

    init(postings: PageChecksums.Writer, positions: PageChecksums.Writer, terms: TermDictionary.Writer) {
        self.postings = postings
        self.positions = positions
        self.terms = terms
        encoder = BlockPostings.ListEncoder(positions: positions)
    }

    /// New files at `paths`.
    convenience init(_ paths: PartPaths) throws(IndexError) {
        self.init(postings: PageChecksums.Writer(try FileWriter(path: paths.postings, component: .postings)),
                  positions: PageChecksums.Writer(try FileWriter(path: paths.positions, component: .positions)),
                  terms: TermDictionary.Writer(try FileWriter(path: paths.terms, component: .terms)))
    }

    /// Term `key`'s list (keys ascending): `fill` adds its documents in order, with their positions.
    /// A term given no document is left out.
    func add(key: UInt64, _ fill: (inout BlockPostings.ListEncoder) throws(IndexError) -> Void) throws(IndexError) {
        // One access to the encoder for the whole list (`fill` gets it inout): adding a document
        // costs no exclusivity check.
        encoder.reset()
        let positionsOffset = positions.dataLength
        try fill(&encoder)
        guard encoder.documentCount > 0 else { return }
        postBytes.removeAll(keepingCapacity: true)
        try encoder.finish(into: &postBytes)
        guard postBytes.count < Int(UInt32.max), encoder.positionsLength < Int(UInt32.max) else {
            throw IndexError.io(path: postings.file.path, operation: "write a postings list too large for the index format", errno: EFBIG)
        }
        try terms.add(key: key, docFreq: encoder.documentCount, postingsOffset: postings.dataLength, postingsLength: postBytes.count,
                      positionsOffset: positionsOffset, positionsLength: encoder.positionsLength)
        try postings.append(postBytes)
    }

    func finish() throws(IndexError) {
        try postings.finish()
        try positions.finish()
        try terms.finish()
    }

    /// The three files of a segment's postings, or of a part of them (`SegmentWriter.postingsOutput(part:)`).
    struct PartPaths {
        let postings: String
        let positions: String
        let terms: String

        func remove() {
            unlink(postings)
            unlink(positions)
            unlink(terms)
        }
    }

    /// Adds the terms of a finished part, whose keys all follow this output's, with their lists
    /// (checked whole first: every file of the part, as a merge checks its inputs), then deletes
    /// the part's files.
    func append(part paths: PartPaths) throws(IndexError) {
        // (Checked and copied a megabyte at a time, each dropped from resident memory once read:
        // a part of a large merge is hundreds of megabytes.)
        let termsFile = try MappedFile(path: paths.terms, component: .terms, verifyChecksum: true)
        let postFile = try MappedFile(path: paths.postings, component: .postings, verifyChecksum: false)
        let posFile = try MappedFile(path: paths.positions, component: .positions, verifyChecksum: false)
        try postFile.verifyChecksum(dropping: true)
        try posFile.verifyChecksum(dropping: true)
        let dictionary = try TermDictionary.Reader(termsFile)
        let post = try PageChecksums.Reader(postFile), pos = try PageChecksums.Reader(posFile)
        let postBase = postings.dataLength, posBase = positions.dataLength
        try dictionary.terms(in: 0...UInt64.max) { (info) throws(IndexError) in
            try terms.add(key: info.key, docFreq: info.docFreq, postingsOffset: postBase + info.postingsOffset,
                          postingsLength: info.postingsLength, positionsOffset: posBase + info.positionsOffset,
                          positionsLength: info.positionsLength)
        }
        for (file, from, to) in [(postFile, post, postings), (posFile, pos, positions)] {
            var offset = 0
            while offset < from.length {
                let n = min(1 << 20, from.length - offset)
                try to.append([UInt8](UnsafeRawBufferPointer(start: from.pointer(offset), count: n)))
                file.dropResidentPages(from: from.pointer(offset), before: from.pointer(offset + n))
                offset += n
            }
        }
        withExtendedLifetime((termsFile, postFile, posFile)) {}
        paths.remove()
    }
}

#if canImport(Glibc)
import Glibc
#endif
