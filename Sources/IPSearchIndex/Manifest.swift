import CICU
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The commit point: which segments (and which deletion generation of each) make up the index.
///
/// `manifest.json` is the only file ever replaced; everything it references is immutable. A commit
/// writes and fsyncs the new segment and deletion files, writes `manifest.json.tmp`, fsyncs it,
/// renames it over `manifest.json` and fsyncs the directory: readers see the old commit or the new
/// one, never a mix. The file is JSON followed by a line `crc32 XXXXXXXX` over the JSON bytes.
public struct Manifest: Codable, Equatable, Sendable {
    public static let fileName = "manifest.json"

    public var format: UInt32 = FileFormat.version
    /// Increases by one with every commit.
    public var generation: Int = 0
    /// Seconds since 1970 of the commit.
    public var committedAt: Double = 0
    /// Counter for naming new segments (`seg000001`, …).
    public var nextSegment: Int = 1
    public var segments: [SegmentMeta] = []
    /// The generation whose `groups.G` file holds the near-duplicate groups of these segments (nil
    /// when the index is empty).
    public var groupsGeneration: Int?

    public init() {}

    public var documentCount: Int { segments.reduce(0) { $0 + $1.documents - $1.deleted } }
    public var wordCount: Int { segments.reduce(0) { $0 + $1.liveWords } }

    /// Every file this commit references (segment files and current deletion files).
    public var referencedFiles: Set<String> {
        var files: Set<String> = [Manifest.fileName]
        for s in segments {
            for c in SegmentComponent.perSegment { files.insert(c.fileName(segment: s.name)) }
            if let g = s.deletionGeneration { files.insert(SegmentComponent.deletions.fileName(segment: s.name, generation: g)) }
        }
        if let g = groupsGeneration { files.insert(GroupTable.fileName(generation: g)) }
        return files
    }

    /// Reads `directory/manifest.json`; `.noIndex` when there is none.
    public static func read(directory: String) throws(IndexError) -> Manifest {
        let path = directory + "/" + fileName
        let bytes: [UInt8]
        do { bytes = try DurableIO.readWholeFile(path) } catch {
            if case .missingFile = error { throw IndexError.noIndex(directory: directory) }
            throw error
        }
        // Split off the trailing "crc32 XXXXXXXX\n".
        guard let nl = bytes.dropLast().lastIndex(of: 0x0A) else {
            throw IndexError.corrupt(path: path, reason: "no checksum line")
        }
        let json = Array(bytes[..<nl])
        let tail = String(decoding: bytes[(nl + 1)...], as: UTF8.self).trimmed()
        guard tail.hasPrefix("crc32 "), let expected = UInt32(tail.dropFirst(6), radix: 16) else {
            throw IndexError.corrupt(path: path, reason: "no checksum line")
        }
        if json.withUnsafeBytes({ cicu_crc32(0, $0.baseAddress, $0.count) }) != expected {
            throw IndexError.corrupt(path: path, reason: "checksum mismatch")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: Data(json)) } catch {
            throw IndexError.corrupt(path: path, reason: "unreadable JSON")
        }
        if manifest.format != FileFormat.version {
            throw IndexError.unsupportedFormat(path: path, found: manifest.format, supported: FileFormat.version)
        }
        return manifest
    }

    /// The highest generation a damaged index directory shows: the manifest's `generation` field
    /// decoded without trusting the rest (no checksum, every other field ignored), and the
    /// generations in deletion and group file names.
    static func bestEffortGeneration(directory: String) -> Int {
        var best = 0
        if let bytes = try? DurableIO.readWholeFile(directory + "/" + fileName) {
            // The JSON ends before the checksum line; a damaged tail simply fails to decode.
            let json = bytes.lastIndex(of: UInt8(ascii: "}")).map { Array(bytes[...$0]) } ?? bytes
            if let head = try? JSONDecoder().decode(GenerationOnly.self, from: Data(json)) {
                best = max(head.generation ?? 0, head.groupsGeneration ?? 0)
            }
        }
        for name in DirectoryListing.names(directory) ?? [] {
            let parts = name.split(separator: ".")
            if name.hasSuffix(".del"), parts.count == 3, let g = Int(parts[1]) { best = max(best, g) }
            if name.hasPrefix("groups."), parts.count == 2, let g = Int(parts[1]) { best = max(best, g) }
        }
        return best
    }

    /// The fields `bestEffortGeneration` trusts (every other key, or a missing one, is ignored).
    private struct GenerationOnly: Decodable {
        var generation: Int?
        var groupsGeneration: Int?
    }

    /// Atomically replaces `directory/manifest.json` with this manifest.
    func commit(directory: String) throws(IndexError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var json: [UInt8]
        do { json = Array(try encoder.encode(self)) } catch {
            throw IndexError.manifestEncoding(path: directory + "/" + Manifest.fileName, reason: "\(error)")
        }
        let crc = json.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) }
        json.append(0x0A)
        json.append(contentsOf: Array(("crc32 " + hex8(crc) + "\n").utf8))
        try DurableIO.atomicWrite(json, directory: directory, name: Manifest.fileName)
    }
}

/// One segment as recorded in the manifest.
public struct SegmentMeta: Codable, Equatable, Sendable {
    public var name: String
    public var documents: Int
    /// Sum of word counts of all documents (deleted ones included; see `liveWords`).
    public var words: Int
    public var terms: Int
    /// Words of the deleted documents, so BM25's average length counts live documents only.
    public var deletedWords: Int = 0
    public var deleted: Int = 0
    /// Generation of the current deletion file, nil when nothing is deleted.
    public var deletionGeneration: Int?
    /// Bytes of all the segment's files.
    public var bytes: Int = 0
    /// Bytes of the stored text (part of `bytes`).
    public var storedBytes: Int = 0

    public var liveWords: Int { words - deletedWords }
}

func hex8(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}
