import CICU
import IPSearchAnalysis

// The per-document records of format version 2, each with its encoder and decoder side by side.
// `Index/README.md` documents the same bytes.

/// A document's zones as sorted boundaries in its **normalized** UTF-16 text: zone `i` runs from
/// `starts[i]` to `starts[i + 1]` (the last one to the end). An empty list means "all body".
public struct ZoneMap: Sendable, Equatable {
    public var starts: [UInt32] = []
    public var kinds: [ZoneKind] = []

    public init() {}

    public init(starts: [UInt32], kinds: [ZoneKind]) {
        self.starts = starts
        self.kinds = kinds
    }

    /// The zone of normalized offset `position`.
    @inline(__always)
    public func kind(at position: Int32) -> ZoneKind {
        guard !starts.isEmpty else { return .body }
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if Int64(starts[mid]) <= Int64(position) { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? .body : kinds[lo - 1]
    }

    /// The span ranking counts as the title: from the first title zone's start to the end of the
    /// last title zone (the text's end when a title zone ends it); nil without a title zone.
    public var titleSpan: Range<Int32>? {
        ZoneMap.titleSpan { body in
            for (s, k) in zip(starts, kinds) where !body(s, k) { return }
        }
    }

    /// `titleSpan` over zones handed out by `forEach` in order (the one definition, for a map and
    /// for the columns' encoded zones alike).
    @inline(__always)
    static func titleSpan(_ forEach: (_ body: (UInt32, ZoneKind) -> Bool) -> Void) -> Range<Int32>? {
        var lower: Int32?, upper: Int32 = 0, inTitle = false
        forEach { start, kind in
            if inTitle { upper = Int32(clamping: start) }
            inTitle = kind == .title
            if inTitle {
                if lower == nil { lower = Int32(clamping: start) }
                upper = Int32.max
            }
            return true
        }
        guard let lower, lower < upper else { return nil }
        return lower..<upper
    }

    /// `count varint`, then per zone `start delta varint | kind u8`.
    func append(to out: inout [UInt8]) {
        VarInt.append(UInt64(starts.count), to: &out)
        var last: UInt32 = 0
        for (s, k) in zip(starts, kinds) {
            VarInt.append(UInt64(s &- last), to: &out)
            out.append(k.rawValue)
            last = s
        }
    }

    static func decode(_ r: inout ByteReader) -> ZoneMap? {
        var map = ZoneMap()
        return decode(&r, appendingTo: &map.starts, &map.kinds) ? map : nil
    }

    /// Decodes one map onto the ends of `starts` and `kinds` (the columns keep every document's
    /// zones in two flat arrays); false when the bytes are malformed.
    static func decode(_ r: inout ByteReader, appendingTo starts: inout [UInt32], _ kinds: inout [ZoneKind]) -> Bool {
        walk(&r) { start, kind in
            starts.append(start)
            kinds.append(kind)
            return true
        }
    }

    /// Reads one map, calling `body(start, kind)` for each zone in order while it returns true;
    /// false when the bytes are malformed (the one reader of the format `append(to:)` writes).
    @inline(__always)
    static func walk(_ r: inout ByteReader, _ body: (UInt32, ZoneKind) -> Bool) -> Bool {
        guard let n = r.varint(), n <= UInt64(r.remaining) else { return false }
        var last: UInt64 = 0
        for _ in 0..<Int(n) {
            guard let d = r.varint(), let kb = r.bytes(1), let kind = ZoneKind(rawValue: kb[0]) else { return false }
            last += d
            guard last <= UInt64(UInt32.max) else { return false }
            if !body(UInt32(last), kind) { return true }
        }
        return true
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), the form dates take in the index.
public enum DayNumber {
    /// "No date" in the columns file.
    public static let none = Int32.min

    /// `YYYY-MM-DD` → day number; nil for anything else.
    public static func from(iso s: String) -> Int32? {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }; v = v * 10 + Int(u[i] - 0x30) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m) else { return nil }
        guard d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        return Int32(from(year: y, month: m, day: d))
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil.
    public static func from(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Day number → (year, month, day).
    public static func civil(_ days: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func iso(_ days: Int32) -> String {
        let (y, m, d) = civil(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = y >= 0 && y < 1000 ? String(repeating: "0", count: 4 - String(y).count) + String(y) : String(y)
        return "\(year)-\(two(m))-\(two(d))"
    }
}

/// One document's entry in `.docs`: fixed 64 bytes, so document `n` is at `n × 64`.
///
/// ```
/// store offset u64 | store length u32 | store crc32 u32 | content hash u64 | file size u64 |
/// mtime ns i64 | word count u32 | meta offset u32 | meta length u32 | meta crc32 u32 |
/// reserved u32 (0) | record crc32 u32 (of the previous 60 bytes)
/// ```
public struct DocumentRecord: Sendable, Equatable {
    public static let size = 64

    public var storeOffset: Int
    public var storeLength: Int
    var storeCRC: UInt32
    public var contentHash: UInt64
    public var fileSize: UInt64
    public var mtimeNanoseconds: Int64
    public var wordCount: Int
    var metaOffset: Int
    var metaLength: Int
    var metaCRC: UInt32

    func append(to out: inout [UInt8]) {
        let start = out.count
        out.appendLE(UInt64(storeOffset))
        out.appendLE(UInt32(truncatingIfNeeded: storeLength))
        out.appendLE(storeCRC)
        out.appendLE(contentHash)
        out.appendLE(fileSize)
        out.appendLE(UInt64(bitPattern: mtimeNanoseconds))
        out.appendLE(UInt32(clamping: wordCount))
        out.appendLE(UInt32(truncatingIfNeeded: metaOffset))
        out.appendLE(UInt32(truncatingIfNeeded: metaLength))
        out.appendLE(metaCRC)
        out.appendLE(UInt32(0))
        let crc = out.withUnsafeBytes { cicu_crc32(0, $0.baseAddress! + start, DocumentRecord.size - 4) }
        out.appendLE(crc)
    }

    /// Whether the record at `base` matches its checksum.
    static func isIntact(_ base: UnsafeRawPointer) -> Bool {
        cicu_crc32(0, base, size - 4) == UInt32(littleEndian: base.loadUnaligned(fromByteOffset: size - 4, as: UInt32.self))
    }

    /// Decodes the record at `base`; nil when its checksum fails.
    /// `checked`: the record was found intact before (its CRC is not computed again).
    static func decode(_ base: UnsafeRawPointer, checked: Bool = false) -> DocumentRecord? {
        guard checked || isIntact(base) else { return nil }
        var r = ByteReader(base: base, range: 0..<size)
        let so = r.u64()!, sl = r.u32()!, scrc = r.u32()!, hash = r.u64()!, fsize = r.u64()!, mtime = r.u64()!
        let words = r.u32()!, mo = r.u32()!, ml = r.u32()!, mcrc = r.u32()!
        guard so <= UInt64(Int.max) else { return nil }
        return DocumentRecord(storeOffset: Int(so), storeLength: Int(sl), storeCRC: scrc, contentHash: hash,
                              fileSize: fsize, mtimeNanoseconds: Int64(bitPattern: mtime), wordCount: Int(words),
                              metaOffset: Int(mo), metaLength: Int(ml), metaCRC: mcrc)
    }

    /// Byte offset of the word count inside a record (ranking reads it in place).
    static let wordCountOffset = 40
}

/// What a hit needs to be shown, without touching the stored text (`.meta` records, addressed by
/// the document's `DocumentRecord`):
///
/// ```
/// id | title | source | url | encoding   (each: varint byte length + UTF-8; "" = none)
/// date (varint byte length + "YYYY-MM-DD" or "")
/// spam span count varint | per span: start delta varint | length varint  (original UTF-16 offsets)
/// ```
/// The spam spans let snippets and the document view leave out exactly what indexing left out.
public struct DocumentMeta: Sendable, Equatable {
    /// Path relative to the corpus directory, `/`-separated.
    public var id: String
    /// The clean headline (spam and converter pinyin removed, site suffix dropped).
    public var title: String
    /// The outlet as found (display form); `DocumentColumns` keeps the folded key for filtering.
    public var source: String?
    public var url: String?
    /// The encoding the file was decoded from (`UTF-8`, `GB18030`, `HTML/UTF-8`, …).
    public var encoding: String
    public var date: String?
    /// Injected spam removed from the searchable text: ranges of the stored text in UTF-16 units.
    public var spamSpans: [Range<Int>]

    public var spamRemoved: Int { spamSpans.count }

    public init(id: String, title: String, source: String? = nil, url: String? = nil, encoding: String,
                date: String? = nil, spamSpans: [Range<Int>] = []) {
        self.id = id
        self.title = title
        self.source = source
        self.url = url
        self.encoding = encoding
        self.date = date
        self.spamSpans = spamSpans
    }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.appendString(id)
        out.appendString(title)
        out.appendString(source ?? "")
        out.appendString(url ?? "")
        out.appendString(encoding)
        out.appendString(date ?? "")
        VarInt.append(UInt64(spamSpans.count), to: &out)
        var last = 0
        for r in spamSpans {
            VarInt.append(UInt64(max(0, r.lowerBound - last)), to: &out)
            VarInt.append(UInt64(r.count), to: &out)
            last = r.lowerBound
        }
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> DocumentMeta? {
        var r = ByteReader(bytes)
        guard let id = r.string(), let title = r.string(), let source = r.string(), let url = r.string(),
              let encoding = r.string(), let date = r.string(), let n = r.varint(), n <= UInt64(r.remaining) else { return nil }
        var spans: [Range<Int>] = []
        var last: UInt64 = 0
        for _ in 0..<Int(n) {
            guard let d = r.varint(), let length = r.varint(), d < 1 << 32, length < 1 << 32 else { return nil }
            last += d
            guard last < 1 << 40 else { return nil }
            spans.append(Int(last)..<(Int(last) + Int(length)))
        }
        return DocumentMeta(id: id, title: title, source: source.isEmpty ? nil : source, url: url.isEmpty ? nil : url,
                            encoding: encoding, date: date.isEmpty ? nil : date, spamSpans: spans)
    }

    /// Only the id (the first field).
    static func decodeID(_ bytes: UnsafeRawBufferPointer) -> String? {
        var r = ByteReader(bytes)
        return r.string()
    }
}

/// The columns a query reads for every candidate, loaded whole when a segment opens (`.cols`):
///
/// ```
/// documents u32
/// dates:        documents × i32   (day number, i32.min = none)
/// sources:      documents × u32   (0 = none, k = dictionary entry k − 1)
/// title length: documents × u16   (letters and Han characters of the clean title)
/// zone offsets: (documents + 1) × u32, relative to the zone bytes
/// zone bytes:   per document a ZoneMap (count varint, then start delta varint | kind u8 …)
/// dictionary:   count u32, then per source: varint byte length + UTF-8 (the display form of the
///               first document with that folded key)
/// ```
/// (The dictionary of the stored texts ends `.store`: `StoreDictionary`.)
/// A 128-bit Bloom filter of the terms (gram and mark keys) whose positions lie in a document's
/// title span (`ZoneMap.titleSpan`), two bits a term. Ranking asks it before counting a term's
/// positions in the title: a term the filter lacks is certainly not there, and about 11% of the
/// terms absent from a press release's title pass it anyway (their positions are then counted).
public struct TitleGrams: Sendable, Equatable {
    public var low: UInt64 = 0
    public var high: UInt64 = 0

    public init() {}

    /// The two bits of `key`.
    public init(key: UInt64) {
        var h = key &+ 0x9E37_79B9_7F4A_7C15  // SplitMix64's finalizer
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        let a = h >> 57, b = (h >> 50) & 127
        if a < 64 { low |= 1 << a } else { high |= 1 << (a - 64) }
        if b < 64 { low |= 1 << b } else { high |= 1 << (b - 64) }
    }

    /// The signature of the terms at `positions` (parallel to `keys`) inside `span`.
    public init(keys: [UInt64], positions: [Int32], span: Range<Int32>?) {
        guard let span else { return }
        for (key, p) in zip(keys, positions) where span.contains(p) {
            let bits = TitleGrams(key: key)
            low |= bits.low
            high |= bits.high
        }
    }
}

public struct DocumentColumns: Sendable {
    public internal(set) var dates: [Int32] = []
    public internal(set) var sources: [UInt32] = []
    /// Letters and Han characters of each document's clean title (how much of it a query covers).
    public internal(set) var titleLengths: [UInt16] = []
    /// Each document's `TitleGrams` signature.
    var titleSignatures: [TitleGrams] = []
    public internal(set) var sourceNames: [String] = []
    /// Document `d`'s zones are `zoneBytes[zoneOffsets[d] ..< zoneOffsets[d + 1]]`, decoded where
    /// they are read (a few bytes a document), so opening a segment decodes no document's zones.
    var zoneOffsets: [UInt32] = [0]
    var zoneBytes: [UInt8] = []

    public init() {}

    public var count: Int { dates.count }

    /// Calls `body(start, kind)` for `doc`'s zones in order, while it returns true. The zones are
    /// decoded from their bytes in place; malformed bytes (the file's checksum held, so only a
    /// writer's bug could make them) end the walk, never trap.
    @inline(__always)
    func forEachZone(_ doc: Int, _ body: (UInt32, ZoneKind) -> Bool) {
        guard doc >= 0, doc + 1 < zoneOffsets.count else { return }
        let from = Int(zoneOffsets[doc]), to = Int(zoneOffsets[doc + 1])
        guard from < to, to <= zoneBytes.count else { return }
        zoneBytes.withUnsafeBytes { b in
            var r = ByteReader(base: b.baseAddress!, range: from..<to)
            _ = ZoneMap.walk(&r, body)
        }
    }

    public func zones(_ doc: Int) -> ZoneMap {
        var map = ZoneMap()
        forEachZone(doc) { start, kind in
            map.starts.append(start)
            map.kinds.append(kind)
            return true
        }
        return map
    }

    /// The zone of normalized offset `position` in `doc`.
    @inline(__always)
    public func zone(_ doc: Int, at position: Int32) -> ZoneKind {
        var kind = ZoneKind.body
        forEachZone(doc) { start, k in
            guard Int64(start) <= Int64(position) else { return false }
            kind = k
            return true
        }
        return kind
    }

    /// How many of `doc`'s occurrences at `positions` (normalized offsets, ascending) lie in its
    /// title, body and boilerplate: one walk over positions and zones together (both sorted), the
    /// same answer as `zone(_:at:)` for each.
    @inline(__always)
    public func zoneCounts(_ doc: Int, positions: ArraySlice<Int32>) -> (title: Int, body: Int, boilerplate: Int) {
        var counts = (title: 0, body: 0, boilerplate: 0)
        var kind = ZoneKind.body
        var p = positions.startIndex
        @inline(__always) func count(upTo limit: Int64) {
            while p < positions.endIndex && Int64(positions[p]) < limit {
                switch kind {
                case .title: counts.title += 1
                case .body: counts.body += 1
                case .boilerplate: counts.boilerplate += 1
                }
                p += 1
            }
        }
        forEachZone(doc) { start, k in
            count(upTo: Int64(start))
            kind = k
            return p < positions.endIndex
        }
        count(upTo: Int64.max)
        return counts
    }

    /// The normalized range of `doc`'s title zone (nil when it has none, or it ends the text).
    public func titleZone(_ doc: Int) -> Range<Int32>? {
        var lower: Int32?, range: Range<Int32>?
        forEachZone(doc) { start, kind in
            if let l = lower {
                range = l..<Int32(clamping: start)
                return false
            }
            if kind == .title { lower = Int32(clamping: start) }
            return true
        }
        guard let range, range.lowerBound <= range.upperBound else { return nil }
        return range
    }

    /// From the start of `doc`'s first title zone to the end of its last (nil when it has none):
    /// every occurrence in a title zone lies in it.
    public func titleSpan(_ doc: Int) -> Range<Int32>? {
        ZoneMap.titleSpan { body in forEachZone(doc, body) }
    }

    /// `doc`'s `TitleGrams` signature.
    public func titleGrams(_ doc: Int) -> TitleGrams {
        doc >= 0 && doc < titleSignatures.count ? titleSignatures[doc] : TitleGrams()
    }

    /// Whether `doc`'s title span may hold the term whose `TitleGrams(key:)` is `bits`: false only
    /// when it holds none (no false negatives).
    @inline(__always)
    public func titleMayHold(_ doc: Int, _ bits: TitleGrams) -> Bool {
        guard doc >= 0 && doc < titleSignatures.count else { return true }
        let g = titleSignatures[doc]
        return g.low & bits.low == bits.low && g.high & bits.high == bits.high
    }

    public func source(_ doc: Int) -> String? {
        let s = Int(sources[doc])
        return s == 0 ? nil : sourceNames[s - 1]
    }

    /// Builder state: folded key → dictionary entry (1-based).
    final class Builder {
        var columns = DocumentColumns()
        private var byKey: [String: UInt32] = [:]

        /// Room for `documents` documents at once (a merge knows how many it writes), so that no
        /// column grows by doubling: at a million documents that would hold twice their 30 MB.
        func reserve(documents: Int) {
            columns.dates.reserveCapacity(documents)
            columns.sources.reserveCapacity(documents)
            columns.titleLengths.reserveCapacity(documents)
            columns.titleSignatures.reserveCapacity(documents)
            columns.zoneOffsets.reserveCapacity(documents + 1)
        }

        func add(date: Int32?, sourceKey: String?, sourceDisplay: String?, titleLength: Int, titleGrams: TitleGrams,
                 zones: ZoneMap) {
            columns.dates.append(date ?? DayNumber.none)
            columns.titleLengths.append(UInt16(clamping: titleLength))
            columns.titleSignatures.append(titleGrams)
            var ordinal: UInt32 = 0
            if let sourceKey, !sourceKey.isEmpty {
                if let o = byKey[sourceKey] { ordinal = o } else {
                    columns.sourceNames.append(sourceDisplay ?? sourceKey)
                    ordinal = UInt32(columns.sourceNames.count)
                    byKey[sourceKey] = ordinal
                }
            }
            columns.sources.append(ordinal)
            zones.append(to: &columns.zoneBytes)
            columns.zoneOffsets.append(UInt32(truncatingIfNeeded: columns.zoneBytes.count))
        }
    }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        do { try encode { (bytes) throws(IndexError) in out.append(contentsOf: bytes) } } catch {}  // appending cannot fail
        return out
    }

    /// The encoding handed to `write` a column at a time (a writer streams them to the file, so a
    /// million documents' columns are never held twice).
    func encode(_ write: ([UInt8]) throws(IndexError) -> Void) throws(IndexError) {
        var out: [UInt8] = []
        out.reserveCapacity(8 * count + 8)
        out.appendLE(UInt32(count))
        for d in dates { out.appendLE(UInt32(bitPattern: d)) }
        try write(out)
        out.removeAll(keepingCapacity: true)
        for s in sources { out.appendLE(s) }
        for t in titleLengths { out.append(UInt8(t & 0xFF)); out.append(UInt8(t >> 8)) }
        try write(out)
        out.removeAll(keepingCapacity: true)
        for g in titleSignatures {
            out.appendLE(g.low)
            out.appendLE(g.high)
            if out.count >= 1 << 16 { try write(out); out.removeAll(keepingCapacity: true) }
        }
        for o in zoneOffsets { out.appendLE(o) }
        try write(out)
        try write(zoneBytes)
        out.removeAll(keepingCapacity: true)
        out.appendLE(UInt32(sourceNames.count))
        for n in sourceNames { out.appendString(n) }
        try write(out)
    }

    static func decode(_ body: UnsafeRawBufferPointer, documents: Int) -> DocumentColumns? {
        var r = ByteReader(body)
        guard let n = r.u32(), Int(n) == documents, r.remaining >= documents * 30 + 4 else { return nil }
        var c = DocumentColumns()
        c.dates.reserveCapacity(documents)
        c.sources.reserveCapacity(documents)
        for _ in 0..<documents { c.dates.append(Int32(bitPattern: r.u32()!)) }
        for _ in 0..<documents { c.sources.append(r.u32()!) }
        guard let lengths = r.bytes(documents * 2) else { return nil }
        c.titleLengths = (0..<documents).map { UInt16(lengths[2 * $0]) | UInt16(lengths[2 * $0 + 1]) << 8 }
        c.titleSignatures.reserveCapacity(documents)
        for _ in 0..<documents {
            var g = TitleGrams()
            (g.low, g.high) = (r.u64()!, r.u64()!)
            c.titleSignatures.append(g)
        }
        c.zoneOffsets = []
        c.zoneOffsets.reserveCapacity(documents + 1)
        for _ in 0...documents { c.zoneOffsets.append(r.u32()!) }
        guard let zoneLength = c.zoneOffsets.last, let zb = r.bytes(Int(zoneLength)) else { return nil }
        c.zoneBytes = Array(zb)
        guard let names = r.u32(), Int(names) <= r.remaining else { return nil }
        for _ in 0..<Int(names) {
            guard let s = r.string() else { return nil }
            c.sourceNames.append(s)
        }
        guard r.remaining == 0 else { return nil }
        for s in c.sources where Int(s) > c.sourceNames.count { return nil }
        for i in 0..<documents where c.zoneOffsets[i] > c.zoneOffsets[i + 1] { return nil }
        return c
    }
}

/// Near-duplicate signatures (`.sig`), read only by the indexer when it regroups documents:
///
/// ```
/// documents u32 | values per signature u32 (K) | documents × K × u8
/// ```
/// A document without a signature (too little content to sign) has a row of zeros. Values are the
/// low 8 bits of the MinHash minima (`storable`, b-bit minwise hashing): two different minima agree
/// on them once in 256, so a pair of similarity J agrees on a value with probability
/// J + (1 − J)/256, which moves an estimate by at most 0.4% (1/64 of a value about once in four
/// pairs); the 0.6 threshold and the bands see the same groups (`Index/README.md`, Signatures).
struct SignatureTable {
    static let headerSize = 8
    static let valueSize = 1
    /// Bytes of one row of `NearDuplicates.hashCount` values.
    static let rowBytes = NearDuplicates.hashCount * valueSize

    /// What a signature value becomes to be stored (signatures hold it so from the start, so that
    /// grouping in memory and from the files agree).
    @inline(__always)
    static func storable(_ value: UInt32) -> UInt32 { value & 0xFF }

    /// Value `j` of a row as stored.
    @inline(__always)
    static func value(_ row: UnsafeRawPointer, _ j: Int) -> UInt32 {
        UInt32(row.load(fromByteOffset: j, as: UInt8.self))
    }

    /// K, when the body holds exactly `documents` rows of it.
    static func width(_ body: UnsafeRawBufferPointer, documents: Int) -> Int? {
        var r = ByteReader(body)
        guard let n = r.u32(), Int(n) == documents, let k = r.u32(), k <= 1024,
              r.remaining == documents * Int(k) * valueSize else { return nil }
        return Int(k)
    }

    /// `documents u32 | K u32`: a table is its header, then `documents` rows (`appendRow`).
    static func header(documents: Int, width: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.appendLE(UInt32(documents))
        out.appendLE(UInt32(width))
        return out
    }

    /// One document's row: its values, zeros after them up to `width` (a row of zeros: unsigned).
    static func appendRow(_ values: ArraySlice<UInt32>, width: Int, to out: inout [UInt8]) {
        var i = values.startIndex
        for _ in 0..<width {
            out.append(UInt8(truncatingIfNeeded: i < values.endIndex ? values[i] : 0))
            i += 1
        }
    }

    /// The signatures of all documents; nil when the body does not match `documents`.
    static func decode(_ body: UnsafeRawBufferPointer, documents: Int) -> [[UInt32]]? {
        var r = ByteReader(body)
        guard let n = r.u32(), Int(n) == documents, let k = r.u32(), k <= 1024,
              r.remaining == documents * Int(k) * valueSize, let base = r.bytes(r.remaining)?.baseAddress else { return nil }
        var result: [[UInt32]] = []
        result.reserveCapacity(documents)
        for d in 0..<documents {
            let row = base + d * Int(k) * valueSize
            result.append((0..<Int(k)).map { value(row, $0) })
        }
        return result
    }
}

/// Near-duplicate groups of one commit (`groups.G`, written at generation G):
///
/// ```
/// segment count u32 | per segment in manifest order: documents u32, then documents × u32 group
/// ```
/// Documents with the same group number are copies of one another; `GroupTable.alone` marks a
/// document without copies (and deleted ones).
public struct GroupTable: Sendable, Equatable {
    public static let alone = UInt32.max
    public var groups: [[UInt32]]

    public init(groups: [[UInt32]]) { self.groups = groups }

    public static func fileName(generation: Int) -> String { "groups.\(generation)" }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.appendLE(UInt32(groups.count))
        for g in groups {
            out.appendLE(UInt32(g.count))
            for v in g { out.appendLE(v) }
        }
        return out
    }

    static func decode(_ body: UnsafeRawBufferPointer, segments: [Int]) -> GroupTable? {
        var r = ByteReader(body)
        guard let n = r.u32(), Int(n) == segments.count else { return nil }
        var groups: [[UInt32]] = []
        // A group is numbered by one of its documents: below the number of documents.
        let limit = segments.reduce(0, +)
        for documents in segments {
            guard let d = r.u32(), Int(d) == documents, r.remaining >= documents * 4 else { return nil }
            var g = [UInt32](repeating: 0, count: documents)
            for i in 0..<documents {
                g[i] = r.u32()!
                if g[i] != GroupTable.alone && Int(g[i]) >= limit { return nil }
            }
            groups.append(g)
        }
        return r.remaining == 0 ? GroupTable(groups: groups) : nil
    }
}
