import CICU

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
        if let dictionary, dictionary.decoder == nil { return false }
        let n = cicu_decompress(frame.baseAddress, frame.count, dictionary?.decoder, buffer.baseAddress, buffer.count)
        return n == Int64(buffer.count)
    }
}

/// One segment writer's zstd context, with the segment's dictionary once there is one.
final class Compressor {
    /// Level 6: on press releases with a trained dictionary, 14% smaller than deflate (level 3,
    /// 32 KB preset dictionary) and no slower to write (`README.md`, Performance).
    static let level: Int32 = 6
    private let context: OpaquePointer?
    let hasDictionary: Bool

    init(dictionary: [UInt8] = []) {
        var context = dictionary.withUnsafeBytes { cicu_compressor_open(Compressor.level, $0.baseAddress, $0.count) }
        var hasDictionary = !dictionary.isEmpty
        if context == nil && hasDictionary {
            // A dictionary zstd rejects (it never made it): compress without one.
            context = cicu_compressor_open(Compressor.level, nil, 0)
            hasDictionary = false
        }
        self.context = context
        self.hasDictionary = hasDictionary
    }

    deinit { cicu_compressor_close(context) }

    /// Bytes written, or -1 (also when zstd could not allocate the context).
    func run(_ source: UnsafeBufferPointer<UInt8>, into destination: UnsafeMutableRawPointer, capacity: Int) -> Int64 {
        guard let context else { return -1 }
        return cicu_compressor_run(context, source.baseAddress, source.count, destination, capacity)
    }
}

/// The dictionary of a segment's stored texts, as `.cols` keeps it, with its decompression tables
/// (built once, when the segment opens, and shared by every thread that reads the segment).
///
/// A dictionary is trained by zstd (`ZDICT_trainFromBuffer`) on the first `sampleBytes` of texts a
/// build stores: press releases of one archive share outlets, boilerplate and phrasing, so the
/// releases of the 100k archive compressed against it take 40% less room than alone (`README.md`).
final class StoreDictionary: @unchecked Sendable, Equatable {
    /// At most this many bytes of dictionary (zstd's default size for trained dictionaries).
    static let capacity = 112_640
    /// Texts sampled to train it.
    static let sampleBytes = 2 << 20
    let bytes: [UInt8]
    /// nil when there is no dictionary (or zstd rejects it: frames that need it then fail to decode).
    let decoder: OpaquePointer?

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        decoder = bytes.isEmpty ? nil : bytes.withUnsafeBytes { cicu_decompression_dict_open($0.baseAddress, $0.count) }
    }

    deinit { cicu_decompression_dict_close(decoder) }

    var isEmpty: Bool { bytes.isEmpty }

    static func == (a: StoreDictionary, b: StoreDictionary) -> Bool { a.bytes == b.bytes }

    /// A dictionary for texts like `samples` (texts stored one after another, `sizes` bytes each):
    /// trained by zstd (at most an eighth of the samples' size), or, when zstd cannot train one
    /// (too few or too uniform samples), their last 32 KB as a raw content dictionary.
    static func train(samples: [UInt8], sizes: [Int]) -> [UInt8] {
        let trained = zstdTrained(samples: samples, sizes: sizes)
        return trained.isEmpty ? Array(samples.suffix(32 << 10)) : trained
    }

    private static func zstdTrained(samples: [UInt8], sizes: [Int]) -> [UInt8] {
        guard sizes.count >= 8 else { return [] }
        var dictionary = [UInt8](repeating: 0, count: min(capacity, max(1 << 10, samples.count / 8)))
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
    private let lock = Lock()
    private var samples: [UInt8] = []
    private var sizes: [Int] = []
    /// Samples are being trained on (by the writer that completed them): the others go on without.
    private var training = false
    private var dictionary: [UInt8]

    private let sampleBytes: Int

    /// `preset`: the dictionary to use from the first text (empty: train one on the first
    /// `sampleBytes` of texts).
    init(preset: [UInt8] = [], sampleBytes: Int = StoreDictionary.sampleBytes) {
        dictionary = preset
        self.sampleBytes = max(1, sampleBytes)
    }

    /// The dictionary, once there is one; until then `text` (just stored without one) is added to
    /// the samples, and the writer whose text completes them trains the dictionary (outside the
    /// lock). A writer asks with every text it stores until it gets the dictionary.
    func offer(_ text: String) -> [UInt8]? {
        let complete: ([UInt8], [Int])? = lock.withLock {
            guard dictionary.isEmpty, !training else { return nil }
            samples.append(contentsOf: text.utf8)
            sizes.append(text.utf8.count)
            guard samples.count >= sampleBytes else { return nil }
            training = true
            defer { samples = []; sizes = [] }
            return (samples, sizes)
        }
        if let (samples, sizes) = complete {
            let trained = StoreDictionary.train(samples: samples, sizes: sizes)
            lock.withLock { dictionary = trained }
        }
        return lock.withLock { dictionary.isEmpty ? nil : dictionary }
    }

    /// The dictionary now (empty: none yet).
    var current: [UInt8] { lock.withLock { dictionary } }
}
