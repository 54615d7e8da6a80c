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
        do { manifest = try Manifest(json: json) } catch {
            if case .format(let found) = error {
                throw IndexError.unsupportedFormat(path: path, found: found, supported: FileFormat.version)
            }
            throw IndexError.corrupt(path: path, reason: "unreadable JSON (\(error))")
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
            if let head = try? Manifest.generations(json: json) {
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

    /// Atomically replaces `directory/manifest.json` with this manifest.
    func commit(directory: String) throws(IndexError) {
        guard committedAt.isFinite else {
            throw IndexError.manifestEncoding(path: directory + "/" + Manifest.fileName, reason: "commit time \(committedAt)")
        }
        if let bad = segments.first(where: { !Manifest.isSegmentName($0.name) }) {
            throw IndexError.manifestEncoding(path: directory + "/" + Manifest.fileName, reason: "segment name \(bad.name)")
        }
        var json = jsonBytes()
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

// MARK: The JSON form
//
// Written and read by hand, side by side: the manifest is the first thing every process reads, and
// `JSONDecoder` (with the generic metadata the runtime instantiates for it on first use) was about
// a tenth of a cold `ipsearch <query>`. The bytes are what `JSONEncoder` writes with
// `.prettyPrinted` and `.sortedKeys`, and the reader accepts any JSON with these members (unknown
// members are skipped, so an older or newer ipsearch's manifest still shows its format).

extension Manifest {
    /// What is wrong with a manifest's JSON.
    enum JSONProblem: Error, CustomStringConvertible {
        /// Well-formed, but another format version: decoding stopped before its other members.
        case format(found: UInt32)
        case invalid(String)

        var description: String {
            switch self {
            case .format(let found): return "format \(found)"
            case .invalid(let reason): return reason
            }
        }
    }

    /// A name `Indexer` gives a segment: `seg` and decimal digits (so no manifest can name a file
    /// outside the index directory).
    static func isSegmentName(_ name: String) -> Bool {
        let utf8 = name.utf8
        return utf8.count > 3 && utf8.count <= 24 && name.hasPrefix("seg")
            && utf8.dropFirst(3).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The pretty-printed JSON with sorted keys (no checksum line).
    func jsonBytes() -> [UInt8] {
        var out = "{\n"
        var top: [(String, String)] = [("committedAt", JSONText.double(committedAt)), ("format", String(format)),
                                       ("generation", String(generation))]
        if let g = groupsGeneration { top.append(("groupsGeneration", String(g))) }
        top.append(("nextSegment", String(nextSegment)))
        for (key, value) in top { out += "  \"\(key)\" : \(value),\n" }
        if segments.isEmpty {
            out += "  \"segments\" : [\n\n  ]\n}"
            return Array(out.utf8)
        }
        out += "  \"segments\" : [\n"
        for (i, s) in segments.enumerated() {
            var members: [(String, String)] = [("bytes", String(s.bytes)), ("deleted", String(s.deleted)),
                                               ("deletedWords", String(s.deletedWords))]
            if let g = s.deletionGeneration { members.append(("deletionGeneration", String(g))) }
            members += [("documents", String(s.documents)), ("name", "\"" + s.name + "\""),
                        ("storedBytes", String(s.storedBytes)), ("terms", String(s.terms)), ("words", String(s.words))]
            out += "    {\n"
            out += members.map { "      \"\($0.0)\" : \($0.1)" }.joined(separator: ",\n")
            out += i == segments.count - 1 ? "\n    }\n" : "\n    },\n"
        }
        out += "  ]\n}"
        return Array(out.utf8)
    }

    /// Decodes `jsonBytes()`'s form. Throws `.format` as soon as `format` is another version.
    init(json: [UInt8]) throws(JSONProblem) {
        self.init()
        var reader = JSONReader(json)
        let required = ["format", "generation", "committedAt", "nextSegment", "segments"]
        var seen = [Bool](repeating: false, count: required.count)
        do {
            try reader.members { r, key in
                if let i = required.firstIndex(of: key) { seen[i] = true }
                switch key {
                case "format":
                    let v = try r.int(key)
                    guard let f = UInt32(exactly: v) else { throw JSONProblem.invalid("format \(v)") }
                    if f != FileFormat.version { throw JSONProblem.format(found: f) }
                    format = f
                case "generation": generation = try r.int(key)
                case "committedAt": committedAt = try r.double(key)
                case "nextSegment": nextSegment = try r.int(key)
                case "groupsGeneration": groupsGeneration = try r.null() ? nil : r.int(key)
                case "segments":
                    try r.elements { r in segments.append(try SegmentMeta(&r)) }
                default: try r.skipValue()
                }
            }
            try reader.end()
        } catch let problem as JSONProblem {
            throw problem
        } catch {
            throw .invalid("\(error)")
        }
        if let missing = seen.firstIndex(of: false) { throw .invalid("no \(required[missing])") }
    }

    /// The top-level `generation` and `groupsGeneration` members alone, when they are readable.
    static func generations(json: [UInt8]) throws(JSONProblem) -> (generation: Int?, groupsGeneration: Int?) {
        var reader = JSONReader(json)
        var result: (generation: Int?, groupsGeneration: Int?) = (nil, nil)
        do {
            try reader.members { r, key in
                switch key {
                case "generation": result.generation = try r.int(key)
                case "groupsGeneration": result.groupsGeneration = try r.null() ? nil : r.int(key)
                default: try r.skipValue()
                }
            }
        } catch let problem as JSONProblem {
            throw problem
        } catch {
            throw .invalid("\(error)")
        }
        return result
    }
}

extension SegmentMeta {
    fileprivate init(_ r: inout JSONReader) throws {
        var name: String?, documents: Int?, words: Int?, terms: Int?
        var deletedWords: Int?, deleted: Int?, bytes: Int?, storedBytes: Int?, deletionGeneration: Int?
        try r.members { r, key in
            switch key {
            case "name": name = try r.string()
            case "documents": documents = try r.int(key)
            case "words": words = try r.int(key)
            case "terms": terms = try r.int(key)
            case "deletedWords": deletedWords = try r.int(key)
            case "deleted": deleted = try r.int(key)
            case "bytes": bytes = try r.int(key)
            case "storedBytes": storedBytes = try r.int(key)
            case "deletionGeneration": deletionGeneration = try r.null() ? nil : r.int(key)
            default: try r.skipValue()
            }
        }
        guard let name, let documents, let words, let terms, let deletedWords, let deleted, let bytes, let storedBytes else {
            throw Manifest.JSONProblem.invalid("a segment without name, documents, words, terms, deletedWords, deleted, bytes or storedBytes")
        }
        guard Manifest.isSegmentName(name) else { throw Manifest.JSONProblem.invalid("segment name \"\(name)\"") }
        guard documents >= 0, words >= 0, terms >= 0, deleted >= 0, deleted <= documents, deletedWords >= 0,
              deletedWords <= words, bytes >= 0, storedBytes >= 0 else {
            throw Manifest.JSONProblem.invalid("segment \(name) has impossible counts")
        }
        self.init(name: name, documents: documents, words: words, terms: terms, deletedWords: deletedWords,
                  deleted: deleted, deletionGeneration: deletionGeneration, bytes: bytes, storedBytes: storedBytes)
    }
}

/// How the manifest writes a `Double` (as `JSONEncoder` does). Its only strings are segment names,
/// which `commit` checks (`isSegmentName`), so they need no escaping.
private enum JSONText {
    /// The shortest description, without a trailing `.0` (the caller rejects non-finite values).
    static func double(_ v: Double) -> String {
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}

/// A pull reader over one JSON text: the caller asks for the value it expects next.
private struct JSONReader {
    private let bytes: [UInt8]
    private var at = 0
    private var depth = 0
    /// Deeper nesting than any manifest has is refused, not recursed into.
    private static let maxDepth = 32

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private func fail(_ what: String) -> Manifest.JSONProblem {
        .invalid("\(what) at byte \(at)")
    }

    private mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        if at < bytes.count, bytes[at] == byte { at += 1; return true }
        return false
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipSpace()
        let n = word.utf8CodeUnitCount
        guard at + n <= bytes.count else { return false }
        for i in 0..<n where bytes[at + i] != word.utf8Start[i] { return false }
        at += n
        return true
    }

    /// Nothing but white space is left.
    mutating func end() throws {
        skipSpace()
        if at != bytes.count { throw fail("trailing bytes") }
    }

    /// An object: `body` is called with each member's key and must read its value.
    mutating func members(_ body: (inout JSONReader, String) throws -> Void) throws {
        guard consume(UInt8(ascii: "{")) else { throw fail("expected an object") }
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nested too deeply") }
        if !consume(UInt8(ascii: "}")) {
            repeat {
                let key = try string()
                guard consume(UInt8(ascii: ":")) else { throw fail("expected :") }
                try body(&self, key)
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { throw fail("expected , or }") }
        }
        depth -= 1
    }

    /// An array: `body` is called for each element and must read it.
    mutating func elements(_ body: (inout JSONReader) throws -> Void) throws {
        guard consume(UInt8(ascii: "[")) else { throw fail("expected an array") }
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nested too deeply") }
        if !consume(UInt8(ascii: "]")) {
            repeat { try body(&self) } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "]")) else { throw fail("expected , or ]") }
        }
        depth -= 1
    }

    /// `null` (consumed) or not (nothing consumed).
    mutating func null() -> Bool { literal("null") }

    mutating func string() throws -> String {
        guard consume(UInt8(ascii: "\"")) else { throw fail("expected a string") }
        var utf8: [UInt8] = []
        while true {
            guard at < bytes.count else { throw fail("unterminated string") }
            let b = bytes[at]
            at += 1
            switch b {
            case UInt8(ascii: "\""):
                guard let s = String(validating: utf8, as: UTF8.self) else { throw fail("a string that is not UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { throw fail("unterminated string") }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var v = try hex4()
                    if (0xD800..<0xDC00).contains(v) {
                        guard literal("\\u") else { throw fail("a lone surrogate") }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone surrogate") }
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(v) else { throw fail("a lone surrogate") }
                    utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw fail("a bad escape")
                }
            case 0..<0x20: throw fail("a control character in a string")
            default: utf8.append(b)
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard at + 4 <= bytes.count else { throw fail("a short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[at]
            at += 1
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v << 4 | UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v << 4 | UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = v << 4 | UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("a bad \\u escape")
            }
        }
        return v
    }

    /// The text of a number (JSON's grammar: sign, digits, fraction, exponent).
    private mutating func numberText() throws -> String {
        skipSpace()
        let start = at
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        func digits(_ r: inout JSONReader) -> Int {
            let s = r.at
            while r.at < r.bytes.count, r.bytes[r.at] >= UInt8(ascii: "0"), r.bytes[r.at] <= UInt8(ascii: "9") { r.at += 1 }
            return r.at - s
        }
        guard digits(&self) > 0 else { throw fail("expected a number") }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits(&self) > 0 else { throw fail("a bad number") }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits(&self) > 0 else { throw fail("a bad number") }
        }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    /// An integer member (`key` names it in the error).
    mutating func int(_ key: String) throws -> Int {
        let text = try numberText()
        guard let v = Int(text) else { throw fail("\(key) is not an integer: \(text)") }
        return v
    }

    mutating func double(_ key: String) throws -> Double {
        let text = try numberText()
        guard let v = Double(text), v.isFinite else { throw fail("\(key) is not a number: \(text)") }
        return v
    }

    /// Reads past one value of any kind.
    mutating func skipValue() throws {
        skipSpace()
        guard at < bytes.count else { throw fail("expected a value") }
        switch bytes[at] {
        case UInt8(ascii: "{"): try members { r, _ in try r.skipValue() }
        case UInt8(ascii: "["): try elements { r in try r.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): if !literal("true") { throw fail("expected a value") }
        case UInt8(ascii: "f"): if !literal("false") { throw fail("expected a value") }
        case UInt8(ascii: "n"): if !literal("null") { throw fail("expected a value") }
        default: _ = try numberText()
        }
    }
}
