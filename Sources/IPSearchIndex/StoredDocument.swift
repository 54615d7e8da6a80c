import CICU
#if canImport(Glibc)
import Glibc
#endif

/// A document as the index keeps it to show and quote it: its display fields (`DocumentMeta`, in
/// `.meta`) and the decoded original text (compressed in `.store`), so snippets always quote exactly
/// the text that was indexed, even after the file changed.
public struct StoredDocument: Equatable, Sendable {
    public var meta: DocumentMeta
    public var text: String

    public init(meta: DocumentMeta, text: String) {
        self.meta = meta
        self.text = text
    }

    public var id: String { meta.id }
    public var title: String { meta.title }
    public var date: String? { meta.date }
    public var source: String? { meta.source }
    public var url: String? { meta.url }
    public var encoding: String { meta.encoding }
}

/// The `.store` record of a document: `code varint | zstd frame of the text`, where
/// `code = text length (UTF-8 bytes) << 1 | 1 when the frame was compressed with the segment's
/// dictionary`.
///
/// Texts are compressed with the segment's dictionary (`StoreDictionary`) once its writer has one,
/// without one before; the code says which, so `decode` hands the dictionary only to the frames
/// made with it (a trained dictionary's id is also in the frame, and zstd refuses another one).
/// Frames carry no checksum of their own: the record's CRC-32 (in `.docs`) covers them.
enum StoredText {
    /// The record of `text`; nil when zstd fails (it cannot allocate its context).
    static func encode(_ text: String, with compressor: Compressor) -> [UInt8]? {
        var out: [UInt8] = []
        var text = text
        let written = text.withUTF8 { utf8 in
            VarInt.append(UInt64(utf8.count) << 1 | (compressor.hasDictionary ? 1 : 0), to: &out)
            let bound = cicu_compress_bound(utf8.count)
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: bound))
            let n = out.withUnsafeMutableBytes { dst in compressor.run(utf8, into: dst.baseAddress! + start, capacity: bound) }
            out.removeLast(bound - Int(max(n, 0)))
            return n
        }
        return written >= 0 ? out : nil
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, dictionary: StoreDictionary) -> String? {
        guard let (frame, count, usesDictionary) = header(bytes) else { return nil }
        let text: String? = count == 0 ? "" : String(unsafeUninitializedCapacity: count) { buffer in
            decompress(frame, usesDictionary ? dictionary : nil, into: buffer) ? count : 0
        }
        guard let text, text.utf8.count == count else { return nil }
        return text
    }

    /// The text's UTF-8 bytes, as stored (`decode` without validating them into a `String`).
    static func decodeUTF8(_ bytes: UnsafeRawBufferPointer, dictionary: StoreDictionary) -> [UInt8]? {
        guard let (frame, count, usesDictionary) = header(bytes) else { return nil }
        var ok = true
        let text = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            ok = count == 0 || decompress(frame, usesDictionary ? dictionary : nil, into: buffer)
            initialized = ok ? count : 0
        }
        return ok ? text : nil
    }

    /// The frame, the text length and whether the frame needs the segment's dictionary; nil when
    /// the record is too short to say.
    static func header(_ bytes: UnsafeRawBufferPointer) -> (frame: UnsafeRawBufferPointer, count: Int, usesDictionary: Bool)? {
        var r = ByteReader(bytes)
        guard let code = r.varint(), code >> 1 < 1 << 32, let frame = r.bytes(r.remaining) else { return nil }
        return (frame, Int(code >> 1), code & 1 == 1)
    }

    /// Decompresses `frame` into all of `buffer`; false unless it fills it exactly (or the frame
    /// needs a dictionary the segment does not have).
    private static func decompress(_ frame: UnsafeRawBufferPointer, _ dictionary: StoreDictionary?,
                                   into buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        var decoder: OpaquePointer?
        if let dictionary {
            decoder = dictionary.decoder
            if decoder == nil { return false }
        }
        let n = cicu_decompress(frame.baseAddress, frame.count, decoder, buffer.baseAddress, buffer.count)
        return n == Int64(buffer.count)
    }
}

/// One segment writer's zstd context, with the segment's dictionary once there is one.
final class Compressor {
    /// Level 7: with a dictionary of several MB, level 6 finds few of its matches (its tables are
    /// sized for less). On 3,000 files of the scale corpus, a 2 MB dictionary left 30.9, 26.5 and
    /// 25.0% of the text at levels 6, 7 and 9, and a 4 MB one 22.8% at level 7 (50 MB/s on one
    /// core) and 18.5% at level 9 (39 MB/s); level 9 made the scale corpus's build 46 s instead of
    /// 36 s (`README.md`, Performance). The dictionary is prepared with zstd's dedicated dictionary
    /// search (`CompressionDictionary`), which at level 7 leaves 19.7% instead of 22.0%.
    static let level: Int32 = 7
    private let context: OpaquePointer?
    /// The prepared dictionary the context refers to (kept alive with it).
    private let dictionary: CompressionDictionary?
    var hasDictionary: Bool { dictionary != nil }

    /// A compressor with `dictionary`, prepared once for the run and shared by every writer.
    init(shared dictionary: CompressionDictionary?) {
        var context = cicu_compressor_open(Compressor.level, dictionary?.handle)
        var dictionary = dictionary
        if context == nil && dictionary != nil {
            context = cicu_compressor_open(Compressor.level, nil)
            dictionary = nil
        }
        self.context = context
        self.dictionary = dictionary
    }

    /// A compressor with its own prepared copy of `dictionary` (empty: none; one zstd rejects,
    /// which it never made: none either).
    convenience init(dictionary: [UInt8] = []) {
        self.init(shared: CompressionDictionary(dictionary))
    }

    deinit { cicu_compressor_close(context) }

    /// Bytes written, or -1 (also when zstd could not allocate the context).
    func run(_ source: UnsafeBufferPointer<UInt8>, into destination: UnsafeMutableRawPointer, capacity: Int) -> Int64 {
        guard let context else { return -1 }
        return cicu_compressor_run(context, source.baseAddress, source.count, destination, capacity)
    }
}

/// A store dictionary prepared for compressing at `Compressor.level` (zstd's `CDict`): made once
/// per indexing run (hashing a 4 MB dictionary takes about 0.2 s) and shared, read-only, by the
/// compressors of every segment writer, on any thread.
final class CompressionDictionary: @unchecked Sendable {
    let bytes: [UInt8]
    fileprivate let handle: OpaquePointer

    /// nil for no bytes, or bytes zstd rejects.
    init?(_ bytes: [UInt8]) {
        guard !bytes.isEmpty,
              let handle = bytes.withUnsafeBytes({ cicu_compression_dict_open(Compressor.level, $0.baseAddress, $0.count) })
        else { return nil }
        self.bytes = bytes
        self.handle = handle
    }

    deinit { cicu_compression_dict_close(handle) }
}

/// The dictionary of a segment's stored texts, kept at the end of its `.store`, with its
/// decompression tables.
///
/// A dictionary is trained by zstd (FastCover, `cicu_train_dictionary`) on the first `sampleBytes` of texts a
/// build stores: press releases of one archive share outlets, boilerplate and phrasing, so the
/// releases of the 100k archive compressed against it take less than half the room they take alone
/// (`README.md`, Performance).
///
/// A reader's dictionary is the bytes in the mapped file, not a copy; zstd's tables refer to them
/// and are made, after checking the dictionary's CRC-32, the first time a text needs them (a merge
/// that copies records never does), then shared by every thread reading the segment.
final class StoreDictionary: @unchecked Sendable, Equatable {
    /// At most this many bytes of dictionary (a quarter of the texts it is trained on). Larger
    /// dictionaries keep more of an archive's recurring sentences: 110 KB (zstd's default),
    /// 256 KB, 512 KB and 1 MB dictionaries left 42.9, 39.2, 35.7 and 32.2% of 3,000 releases of
    /// the 100k archive; on 3,000 files of the scale corpus, 1, 2 and 4 MB dictionaries left
    /// 31.8, 25.0 and 18.5% at level 9 (33.7% for 1 MB at level 6).
    static let capacity = 4 << 20
    /// Texts sampled to train it: an eighth of what the run stores, from `smallestSampleBytes` up
    /// to this (training on 16 MB takes 2–4 s, on one writer, while the others go on).
    static let sampleBytes = 16 << 20
    static let smallestSampleBytes = 4 << 20

    /// The sample for a run that stores `runBytes` of files, at most `limit` (tests lower it).
    static func sampleBytes(forRun runBytes: Int, limit: Int = sampleBytes) -> Int {
        min(limit, max(smallestSampleBytes, runBytes / 8))
    }
    /// A run that adds fewer bytes of files than this uses no dictionary (its texts would take
    /// less room than the dictionary's copy in its segment); merging it into a segment with one
    /// compresses its texts again.
    static let minimumRunBytes = 8 << 20

    /// The dictionary bytes (empty: none), in `owner` (a mapped file) or in `copy`.
    let bytes: UnsafeRawBufferPointer
    private let owner: AnyObject?
    private let copy: UnsafeMutableRawBufferPointer?
    /// The CRC-32 the bytes must have before zstd reads them (nil: made here, not read).
    private let expectedCRC: UInt32?
    private let lock = Lock()
    private var decoderState: OpaquePointer?? = nil  // nil: not made yet; .some(nil): unusable

    /// A dictionary made here (trained, or a test's).
    init(_ bytes: [UInt8]) {
        if bytes.isEmpty {
            copy = nil
            self.bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        } else {
            let c = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
            c.copyBytes(from: bytes)
            copy = c
            self.bytes = UnsafeRawBufferPointer(c)
        }
        owner = nil
        expectedCRC = nil
    }

    /// The dictionary at the end of a mapped `.store`, and where its records end.
    private init(mapped bytes: UnsafeRawBufferPointer, crc: UInt32, in file: MappedFile) {
        self.bytes = bytes
        owner = file
        copy = nil
        expectedCRC = crc
    }

    deinit {
        if case .some(.some(let d)) = decoderState { cicu_decompression_dict_close(d) }
        copy?.deallocate()
    }

    var isEmpty: Bool { bytes.isEmpty }
    /// The bytes as an array (writers that compress with it).
    var array: [UInt8] { [UInt8](bytes) }

    static func == (a: StoreDictionary, b: StoreDictionary) -> Bool {
        a.bytes.count == b.bytes.count && (a.bytes.isEmpty || memcmp(a.bytes.baseAddress!, b.bytes.baseAddress!, a.bytes.count) == 0)
    }

    /// zstd's tables for it; nil when there is no dictionary, its bytes fail their checksum, or
    /// zstd rejects them (frames that need it then fail to decode: `isIntact` tells which).
    var decoder: OpaquePointer? {
        lock.withLock {
            if let made = decoderState { return made }
            var made: OpaquePointer?
            if !bytes.isEmpty && isIntact {
                made = cicu_decompression_dict_open(bytes.baseAddress, bytes.count)
            }
            decoderState = .some(made)
            return made
        }
    }

    /// Whether the bytes match the CRC-32 they were written with.
    var isIntact: Bool {
        guard let expectedCRC else { return true }
        return cicu_crc32(0, bytes.baseAddress, bytes.count) == expectedCRC
    }

    /// What ends a `.store` body: `dictionary | length u32 | crc32 u32 of the dictionary`.
    static func trailer(_ dictionary: [UInt8]) -> [UInt8] {
        var out = dictionary
        out.appendLE(UInt32(dictionary.count))
        out.appendLE(dictionary.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) })
        return out
    }

    static let trailerSize = 8

    /// The dictionary at the end of `file`'s body (`trailer`) and the file offset where the stored
    /// records end; nil when the trailer does not fit the body.
    static func read(from file: MappedFile) -> (dictionary: StoreDictionary, recordsEnd: Int)? {
        let body = file.bodyRange
        guard body.count >= trailerSize, let base = file.bytes.baseAddress else { return nil }
        let length = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: body.upperBound - 8, as: UInt32.self)))
        let crc = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: body.upperBound - 4, as: UInt32.self))
        guard length <= capacity, length + trailerSize <= body.count else { return nil }
        let start = body.upperBound - trailerSize - length
        let dictionary = StoreDictionary(mapped: UnsafeRawBufferPointer(start: base + start, count: length), crc: crc, in: file)
        return (dictionary, start)
    }

    /// A dictionary for texts like `samples` (texts stored one after another, `sizes` bytes each):
    /// trained by zstd (at most a quarter of the samples' size), or, when zstd cannot train one
    /// (too few or too uniform samples), their last 32 KB as a raw content dictionary.
    static func train(samples: [UInt8], sizes: [Int]) -> [UInt8] {
        let trained = zstdTrained(samples: samples, sizes: sizes)
        return trained.isEmpty ? Array(samples.suffix(32 << 10)) : trained
    }

    private static func zstdTrained(samples: [UInt8], sizes: [Int]) -> [UInt8] {
        guard sizes.count >= 8 else { return [] }
        var dictionary = [UInt8](repeating: 0, count: min(capacity, max(1 << 10, samples.count / 4)))
        let n = dictionary.withUnsafeMutableBytes { d in
            samples.withUnsafeBytes { s in
                sizes.withUnsafeBufferPointer { z in
                    cicu_train_dictionary(d.baseAddress, d.count, s.baseAddress, z.baseAddress, UInt32(z.count))
                }
            }
        }
        return Array(dictionary.prefix(n))
    }
}

/// The one store dictionary of an indexing run, shared by all its segment writers.
///
/// An index keeps one dictionary for as long as it can: a run that adds to an index starts with
/// the dictionary of its largest segment; a full build (or an index without one) trains one on the
/// first texts any of its writers stores (`StoreDictionary.sampleBytes`), while the writers go on
/// storing texts without one. Segments that share a dictionary are merged by copying their stored
/// records as they are (`SegmentMerger`) instead of decompressing and compressing every text again.
final class SharedStoreDictionary: @unchecked Sendable {
    /// A run's dictionary: its bytes (what a segment keeps) and its zstd tables for compressing,
    /// shared by every writer's compressor. The tables (about 31 MB for a 4 MB dictionary) are
    /// made when a writer first compresses a text, and kept only while a compressor holds them:
    /// a merge that copies stored records never makes them, and none are held while the run merges.
    final class Dictionary: @unchecked Sendable {
        let bytes: [UInt8]
        private let lock = Lock()
        private weak var tables: CompressionDictionary?
        private var rejected = false

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        /// The tables (nil when zstd rejects the bytes: texts are then stored without a dictionary).
        func prepared() -> CompressionDictionary? {
            lock.withLock {
                if rejected { return nil }
                if let tables { return tables }
                guard let made = CompressionDictionary(bytes) else {
                    rejected = true
                    return nil
                }
                tables = made
                return made
            }
        }
    }

    private let lock = Lock()
    private var samples: [UInt8] = []
    private var sizes: [Int] = []
    /// Samples are being trained on (by the writer that completed them): the others go on without.
    private var training = false
    private var dictionary: Dictionary?

    private let sampleBytes: Int
    /// false: the run's texts are stored without a dictionary (`StoreDictionary.minimumRunBytes`).
    private let enabled: Bool

    /// `preset`: the dictionary to use from the first text (empty: train one on the first
    /// `sampleBytes` of texts); `enabled` false: none at all.
    init(preset: [UInt8] = [], sampleBytes: Int = StoreDictionary.sampleBytes, enabled: Bool = true) {
        dictionary = enabled && !preset.isEmpty ? Dictionary(preset) : nil
        self.sampleBytes = max(1, sampleBytes)
        self.enabled = enabled
        // The samples' whole room at once: grown by doubling, a 16 MB sample held 32 MB of room and
        // both buffers while it grew (the 1M build's peak RSS rose by 34 MB).
        if enabled && preset.isEmpty { samples.reserveCapacity(self.sampleBytes) }
    }

    /// The dictionary, once there is one; until then `text` (just stored without one) is added to
    /// the samples, and the writer whose text completes them trains the dictionary (outside the
    /// lock). A writer asks with every text it stores until it gets the dictionary.
    func offer(_ text: String) -> Dictionary? {
        let complete: ([UInt8], [Int])? = lock.withLock {
            guard enabled, dictionary == nil, !training else { return nil }
            // At most the room reserved: the text that completes the samples gives its start.
            let taken = min(text.utf8.count, sampleBytes - samples.count)
            samples.append(contentsOf: text.utf8.prefix(taken))
            sizes.append(taken)
            guard samples.count >= sampleBytes else { return nil }
            training = true
            defer { samples = []; sizes = [] }
            return (samples, sizes)
        }
        if let (samples, sizes) = complete {
            let trained = StoreDictionary.train(samples: samples, sizes: sizes)
            let made = Dictionary(trained)
            lock.withLock { dictionary = made }
        }
        return lock.withLock { dictionary }
    }

    /// The dictionary now (nil: none yet).
    var current: Dictionary? { lock.withLock { dictionary } }
}
