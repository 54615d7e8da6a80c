import CICU
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of one segment (the on-disk layout in one screen; `Index/README.md` has the details).
///
/// Every file starts with an 8-byte header (`magic`, format version) and ends with a 16-byte footer
/// (body length, CRC-32 of everything before the footer, `"IPSE"`). Readers check header and footer
/// when they open a file; records inside big files carry their own CRC-32, checked when read.
public enum SegmentComponent: String, CaseIterable, Sendable {
    /// Term dictionary: gram keys in checksummed, delta-encoded blocks of 64, with a block index.
    case terms
    /// Postings lists: skip entries and 128-document blocks of bit-packed doc deltas and frequencies.
    case postings
    /// Positions of every (gram, document), read only for documents that pass the intersection.
    case positions
    /// Fixed-width document records: stored record range, word count, content hash, file size, mtime.
    case documents
    /// Stored documents: the original text, compressed (zstd).
    case store
    /// Deletion bitsets, one file per deletion generation (`<segment>.<gen>.del`).
    case deletions
    /// Per-document display fields: id, title, source, url, encoding, date, spam count.
    case meta
    /// Columns every query may read for any candidate: dates, source ordinals, zones.
    case columns
    /// Near-duplicate signatures (read by the indexer only).
    case signatures
    /// Near-duplicate groups of a whole commit (`groups.<gen>`, not per segment).
    case groups

    /// The files every segment has (deletions and groups come and go with generations).
    public static let perSegment: [SegmentComponent] = [.terms, .postings, .positions, .documents, .store, .meta, .columns, .signatures]

    public var fileExtension: String {
        switch self {
        case .terms: return "terms"
        case .postings: return "post"
        case .positions: return "pos"
        case .documents: return "docs"
        case .store: return "store"
        case .deletions: return "del"
        case .meta: return "meta"
        case .columns: return "cols"
        case .signatures: return "sig"
        case .groups: return "groups"
        }
    }

    var magic: UInt32 {
        switch self {
        case .terms: return 0x5444_5049  // "IPDT"
        case .postings: return 0x5350_5049  // "IPPS"
        case .positions: return 0x4F50_5049  // "IPPO"
        case .documents: return 0x4344_5049  // "IPDC"
        case .store: return 0x5453_5049  // "IPST"
        case .deletions: return 0x4C44_5049  // "IPDL"
        case .meta: return 0x544D_5049  // "IPMT"
        case .columns: return 0x4C43_5049  // "IPCL"
        case .signatures: return 0x4753_5049  // "IPSG"
        case .groups: return 0x5247_5049  // "IPGR"
        }
    }

    public func fileName(segment: String, generation: Int? = nil) -> String {
        if self == .groups { return GroupTable.fileName(generation: generation ?? 0) }
        if let generation { return "\(segment).\(generation).\(fileExtension)" }
        return "\(segment).\(fileExtension)"
    }
}

enum FileFormat {
    /// Bumped whenever any file's layout, or what its terms mean, changes; readers refuse other
    /// versions. 3: version 2's layout plus mark terms (punctuation), which a version 2 index lacks.
    /// 4: stored texts compressed with zstd and a trained dictionary instead of deflate; signature
    /// values of 16 bits instead of 32. 5: positions in Rice codes instead of varints; the store
    /// dictionary (up to 1 MB instead of 110 KB) ends `.store` instead of `.cols`. 6: signature
    /// values of 8 bits instead of 16; full postings blocks in patched frame of reference. 7: a
    /// store dictionary of up to 4 MB instead of 1 MB. 8: `.cols` holds each document's title
    /// terms signature (`TitleGrams`).
    static let version: UInt32 = 8
    static let headerSize = 8
    static let footerSize = 16
    static let footerMagic: UInt32 = 0x4553_5049  // "IPSE"
}

/// Streams a file to disk with a running CRC-32, then writes the footer, fsyncs and closes.
final class FileWriter {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var crc: UInt32 = 0
    private(set) var written: Int = 0

    init(path: String, component: SegmentComponent) throws(IndexError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw IndexError.io(path: path, operation: "create", errno: errno) }
        buffer.reserveCapacity(1 << 20)
        buffer.appendLE(component.magic)
        buffer.appendLE(FileFormat.version)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Offset (from the start of the file) where the next appended byte lands.
    var offset: Int { written + buffer.count }

    func append(_ bytes: [UInt8]) throws(IndexError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(IndexError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(IndexError) {
        guard !buffer.isEmpty else { return }
        crc = buffer.withUnsafeBytes { cicu_crc32(crc, $0.baseAddress, $0.count) }
        let code = buffer.withUnsafeBytes { DurableIO.writeAll(fd, $0) }
        if code != 0 { throw IndexError.io(path: path, operation: "write", errno: code) }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the footer and makes the file durable.
    func finish() throws(IndexError) {
        try flush()
        var footer: [UInt8] = []
        footer.appendLE(UInt64(written))
        footer.appendLE(crc)
        footer.appendLE(FileFormat.footerMagic)
        buffer = footer
        // The footer is not part of its own checksum.
        let savedCRC = crc
        try flush()
        crc = savedCRC
        if fsync(fd) != 0 { throw IndexError.io(path: path, operation: "fsync", errno: errno) }
    }
}

/// A read-only memory map of one index file, with its header and footer checked.
final class MappedFile: @unchecked Sendable {
    let path: String
    private let base: UnsafeMutableRawPointer?
    private let length: Int
    /// The bytes between header and footer, addressed by file offset.
    let bodyRange: Range<Int>

    /// Checks run on the local map before `base` is set: an initializer that throws after every
    /// stored property is set runs `deinit`, which would unmap a second time (by then perhaps
    /// another thread's mapping at the same address).
    init(path: String, component: SegmentComponent, verifyChecksum: Bool) throws(IndexError) {
        self.path = path
        let fd = try DurableIO.openForReading(path)
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw IndexError.io(path: path, operation: "stat", errno: errno) }
        let length = Int(st.st_size)
        self.length = length
        if length < FileFormat.headerSize + FileFormat.footerSize {
            throw IndexError.corrupt(path: path, reason: "truncated to \(length) bytes")
        }
        guard let p = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw IndexError.io(path: path, operation: "mmap", errno: errno)
        }
        if let problem = Self.check(UnsafeRawBufferPointer(start: p, count: length), component: component, verifyChecksum: verifyChecksum) {
            munmap(p, length)
            throw problem.error(path: path)
        }
        base = p
        bodyRange = FileFormat.headerSize..<(length - FileFormat.footerSize)
    }

    private enum Problem {
        case corrupt(String)
        case version(UInt32)

        func error(path: String) -> IndexError {
            switch self {
            case .corrupt(let reason): return .corrupt(path: path, reason: reason)
            case .version(let found): return .unsupportedFormat(path: path, found: found, supported: FileFormat.version)
            }
        }
    }

    /// What is wrong with the header, footer or (with `verifyChecksum`) checksum of a whole file.
    private static func check(_ raw: UnsafeRawBufferPointer, component: SegmentComponent, verifyChecksum: Bool) -> Problem? {
        var header = ByteReader(raw)
        let magic = header.u32()!, version = header.u32()!
        var footer = ByteReader(raw, offset: raw.count - FileFormat.footerSize)
        let bodyLength = footer.u64()!, crc = footer.u32()!, endMagic = footer.u32()!
        if magic != component.magic { return .corrupt("not an ipsearch \(component.rawValue) file") }
        if version != FileFormat.version {
            // Another version, older or newer (not noise).
            return version >= 1 && version < 1 << 16 ? .version(version) : .corrupt("unknown format version \(version)")
        }
        if endMagic != FileFormat.footerMagic || bodyLength != UInt64(raw.count - FileFormat.footerSize) {
            return .corrupt("truncated or missing footer")
        }
        if verifyChecksum, cicu_crc32(0, raw.baseAddress, raw.count - FileFormat.footerSize) != crc {
            return .corrupt("checksum mismatch")
        }
        return nil
    }

    deinit { if let base { munmap(base, length) } }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    /// Full-file checksum check (used before merging and by `ipsearch stats --check`). With
    /// `dropping`, each 8 MiB read is dropped from resident memory once summed, so checking a large
    /// file does not make all of it resident.
    func verifyChecksum(dropping: Bool = false) throws(IndexError) {
        var footer = ByteReader(bytes, offset: length - FileFormat.footerSize)
        _ = footer.u64()
        let crc = footer.u32()!
        guard let base else { throw IndexError.corrupt(path: path, reason: "checksum mismatch") }
        let total = length - FileFormat.footerSize
        let chunk = 8 << 20
        var sum: UInt32 = 0
        var offset = 0
        while offset < total {
            let n = min(chunk, total - offset)
            sum = cicu_crc32(sum, base + offset, n)
            if dropping { _ = madvise(base + offset, n, MADV_DONTNEED) }
            offset += n
        }
        if sum != crc {
            throw IndexError.corrupt(path: path, reason: "checksum mismatch")
        }
    }

    var size: Int { length }

    /// Drops the pages of the map from this process's resident memory (they stay in the page cache
    /// and are read again on the next access): for a pass over a large file that must not stay
    /// resident.
    func dropResidentPages() {
        if let base { _ = madvise(base, length, MADV_DONTNEED) }
    }

    /// Drops the whole pages of the map between `start` (nil: the map's start) and `pointer`: a pass
    /// that has read that far, and dropped what lay before `start` already.
    func dropResidentPages(from start: UnsafeRawPointer?, before pointer: UnsafeRawPointer) {
        guard let base, pointer >= UnsafeRawPointer(base) else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let from = start.map { max(0, min($0 - UnsafeRawPointer(base), length)) / page * page } ?? 0
        let to = min(pointer - UnsafeRawPointer(base), length) / page * page
        if to > from { _ = madvise(base + from, to - from, MADV_DONTNEED) }
    }
}
