import CICU

/// A document as the index keeps it to show and quote it: its display fields (`DocumentMeta`, in
/// `.meta`) and the decoded original text (deflated in `.store`), so snippets always quote exactly
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

/// The `.store` record of a document: `text length varint (UTF-8 bytes) | zlib stream of the text`.
///
/// The stream is deflated with the segment's preset dictionary (`StoreDictionary`) once its writer
/// has one, without it before: zlib's header says which, so `decode` supplies the dictionary only to
/// the streams that ask for it (and zlib checks it is the same one).
enum StoredText {
    static func encode(_ text: String, with deflater: Deflater) -> [UInt8] {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { utf8 in
            VarInt.append(UInt64(utf8.count), to: &out)
            let bound = cicu_deflate_bound(utf8.count) + 64  // + the dictionary id in the header
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: bound))
            let n = out.withUnsafeMutableBytes { dst in deflater.run(utf8, into: dst.baseAddress! + start, capacity: bound) }
            out.removeLast(bound - Int(max(n, 0)))
        }
        return out
    }

    /// `dictionaryID`: the dictionary's Adler-32 (`dictionaryID(of:)`), computed once per segment
    /// by readers; computed here when nil.
    static func decode(_ bytes: UnsafeRawBufferPointer, dictionary: [UInt8], dictionaryID: UInt32? = nil) -> String? {
        guard let (compressed, count) = header(bytes) else { return nil }
        let text: String? = count == 0 ? "" : String(unsafeUninitializedCapacity: count) { buffer in
            inflate(compressed, dictionary: dictionary, dictionaryID: dictionaryID, into: buffer) ? count : 0
        }
        guard let text, text.utf8.count == count else { return nil }
        return text
    }

    /// The text's UTF-8 bytes, as stored (`decode` without validating them into a `String`).
    static func decodeUTF8(_ bytes: UnsafeRawBufferPointer, dictionary: [UInt8], dictionaryID: UInt32? = nil) -> [UInt8]? {
        guard let (compressed, count) = header(bytes) else { return nil }
        var ok = true
        let text = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            ok = count == 0 || inflate(compressed, dictionary: dictionary, dictionaryID: dictionaryID, into: buffer)
            initialized = ok ? count : 0
        }
        return ok ? text : nil
    }

    /// The stream and the text length of a record.
    private static func header(_ bytes: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, Int)? {
        var r = ByteReader(bytes)
        guard let length = r.varint(), length < 1 << 32, let compressed = r.bytes(r.remaining) else { return nil }
        return (compressed, Int(length))
    }

    /// Inflates `compressed` into all of `buffer`; false unless it fills it exactly.
    private static func inflate(_ compressed: UnsafeRawBufferPointer, dictionary: [UInt8], dictionaryID: UInt32?,
                                into buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let id = dictionaryID ?? StoredText.dictionaryID(of: dictionary)
        let n = dictionary.withUnsafeBytes { dict in
            cicu_inflate_dict(compressed.baseAddress, compressed.count, dict.baseAddress, dict.count, id, buffer.baseAddress, buffer.count)
        }
        return n == Int64(buffer.count)
    }

    /// The id a zlib header gives a preset dictionary (its Adler-32).
    static func dictionaryID(of dictionary: [UInt8]) -> UInt32 {
        dictionary.withUnsafeBytes { cicu_adler32($0.baseAddress, $0.count) }
    }

    /// The dictionary a record's stream was deflated against: `.some(nil)` when none, `.some(id)`
    /// with the dictionary's Adler-32 (the FDICT bit and DICTID of the zlib header, RFC 1950), nil
    /// when the record is too short to say.
    static func dictionaryID(ofRecord bytes: UnsafeRawBufferPointer) -> UInt32?? {
        var r = ByteReader(bytes)
        guard r.varint() != nil, let header = r.bytes(2) else { return nil }
        guard header[1] & 0x20 != 0 else { return .some(nil) }
        guard let id = r.bytes(4) else { return nil }
        return .some(UInt32(id[0]) << 24 | UInt32(id[1]) << 16 | UInt32(id[2]) << 8 | UInt32(id[3]))
    }
}

/// One segment writer's zlib stream (level 6), primed with the segment's dictionary once there is one.
final class Deflater {
    private let stream: OpaquePointer?

    init(dictionary: [UInt8] = []) {
        stream = dictionary.withUnsafeBytes { cicu_deflater_open(3, $0.baseAddress, $0.count) }
    }

    deinit { cicu_deflater_close(stream) }

    /// Bytes written, or -1 (also when zlib could not allocate the stream).
    func run(_ source: UnsafeBufferPointer<UInt8>, into destination: UnsafeMutableRawPointer, capacity: Int) -> Int64 {
        guard let stream else { return cicu_deflate(source.baseAddress, source.count, destination, capacity) }
        return cicu_deflater_run(stream, source.baseAddress, source.count, destination, capacity)
    }
}

/// The preset dictionary of a segment's stored texts: the last `size` bytes of the first documents
/// stored (whole texts, most recent last, where deflate looks first). Press releases of one archive
/// share outlets, boilerplate and phrasing, so a 2 KB release deflated against 32 KB of its
/// neighbours takes about a quarter less room (measured on the 100k archive: `README.md`).
struct StoreDictionary {
    static let size = 32 << 10
    private(set) var samples: [UInt8] = []

    /// Adds a stored text; returns the dictionary once `size` bytes are collected (then nothing more).
    mutating func add(_ text: String) -> [UInt8]? {
        samples.append(contentsOf: text.utf8)
        guard samples.count >= StoreDictionary.size else { return nil }
        let dictionary = Array(samples.suffix(StoreDictionary.size))
        samples = []
        return dictionary
    }
}

/// The one store dictionary of an indexing run, shared by all its segment writers.
///
/// An index keeps one dictionary for as long as it can: a run that adds to an index starts with
/// the dictionary of its largest segment; a full build (or an index without one) samples the first
/// texts any of its writers stores. Segments that share a dictionary are merged by copying their
/// stored records as they are (`SegmentMerger`) instead of inflating and deflating every text again.
final class SharedStoreDictionary: @unchecked Sendable {
    private let lock = Lock()
    private var samples = StoreDictionary()
    private var dictionary: [UInt8]

    /// `preset`: the dictionary to use from the first text (empty: sample one).
    init(preset: [UInt8] = []) {
        dictionary = preset
    }

    /// The dictionary, once there is one; until then `text` (just stored without one) is added
    /// to the samples. A writer asks with every text it stores until it gets the dictionary.
    func offer(_ text: String) -> [UInt8]? {
        lock.withLock {
            if dictionary.isEmpty, let made = samples.add(text) { dictionary = made }
            return dictionary.isEmpty ? nil : dictionary
        }
    }

    /// The dictionary now (empty: none yet).
    var current: [UInt8] { lock.withLock { dictionary } }
}
