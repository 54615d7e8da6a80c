import Foundation
import Testing
import IPSearchAnalysis
import IPSearchTestSupport
@testable import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The real corpus

/// The press releases in `Corpus/` at the package root (read-only fixtures: tests copy them).
/// Every accessor throws when the fixtures are missing, so no test passes with nothing checked.
enum Fixtures {
    /// File names of the corpus documents, sorted.
    static var names: [String] { get throws { try Repository.corpusNames() } }

    static func bytes(_ name: String) throws -> [UInt8] { try Repository.corpusBytes(name) }

    /// The file name starting with `prefix` ("000", "004"…).
    static func name(_ prefix: String) throws -> String { try Repository.corpusName(prefix) }

    static func text(_ name: String) throws -> String { try readText(Repository.corpus + "/" + name) }
}

/// A temp corpus and a temp index directory next to it.
final class Sandbox: @unchecked Sendable {
    let root: TempDirectory
    var corpus: String { root.path + "/corpus" }
    var index: String { root.path + "/index" }

    /// With `copyCorpus`, the five real documents are copied (as writable files) into the corpus.
    init(_ label: String, copyCorpus: Bool = true) throws {
        root = try TempDirectory("index-" + label)
        try makeDirectory(corpus)
        if copyCorpus {
            for name in try Fixtures.names { try write(name, Fixtures.bytes(name)) }
        }
    }

    func path(_ id: String) -> String { corpus + "/" + id }

    func write(_ id: String, _ bytes: [UInt8]) throws { try writeBytes(bytes, to: path(id)) }

    func write(_ id: String, _ text: String) throws { try write(id, Array(text.utf8)) }

    func remove(_ id: String) throws { try FileManager.default.removeItem(atPath: path(id)) }

    /// Sets the file's modification time (seconds since 1970).
    func setModificationTime(_ id: String, _ seconds: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: path(id))
    }

    func modificationTime(_ id: String) throws -> Double {
        let attributes = try FileManager.default.attributesOfItem(atPath: path(id))
        return try #require(attributes[.modificationDate] as? Date).timeIntervalSince1970
    }

    func options(full: Bool = false) -> IndexOptions {
        var o = IndexOptions(corpus: corpus, index: index)
        o.full = full
        o.threads = 2
        // The merge tests assert a bound of 8 segments (the default allows more).
        o.maxSegments = 8
        return o
    }

    /// One in-process indexer run.
    @discardableResult
    func run(full: Bool = false, configure: (inout IndexOptions) -> Void = { _ in }) throws(IndexError) -> IndexSummary {
        var o = options(full: full)
        configure(&o)
        return try Indexer.run(o)
    }

    /// Files in the index directory.
    func indexFiles() -> Set<String> { directoryEntries(index) }

    /// The index file with this extension (the first segment's, when several).
    func indexFile(ext: String) throws -> String {
        let name = try #require(indexFiles().sorted().first { $0.hasSuffix("." + ext) }, "no .\(ext) file in \(index)")
        return index + "/" + name
    }

    /// Copies of the five corpus documents, `copies` times each, below `bulk/` (~63 KB per round).
    func addBulk(copies: Int, marker: String = "bulk") throws {
        let texts = try Fixtures.names.map { try Fixtures.bytes($0) }
        for c in 0..<copies {
            for (k, bytes) in texts.enumerated() {
                let id = "bulk/\(marker)\(c / 100)/copy \(c)_\(k).txt"
                try write(id, bytes + Array("\n\(marker) copy \(c) of \(k)\n".utf8))
            }
        }
    }
}

// MARK: - Reading the index like a search does

/// Everything a query could read, captured to compare before and after damage.
struct IndexSnapshot: Equatable {
    struct Posting: Equatable {
        var docFreq: Int
        var docs: [Int32]
        var positions: [Int32]
    }
    /// Per segment name: gram key → postings.
    var postings: [String: [UInt64: Posting]] = [:]
    /// Per segment name: live document number → stored document.
    var stored: [String: [Int: StoredDocument]] = [:]
    /// Per segment name: document number → word count (BM25 length, read in place by ranking).
    var wordCounts: [String: [Int: Int]] = [:]
}

enum IndexProbe {
    /// Reads every term entry, every postings list and every live stored document.
    static func snapshot(_ reader: IndexReader) throws(IndexError) -> IndexSnapshot {
        var s = IndexSnapshot()
        for segment in reader.segments {
            var terms: [UInt64: IndexSnapshot.Posting] = [:]
            for info in try segment.terms(in: 0...UInt64.max) {
                let list = try segment.postings(info)
                terms[info.key] = .init(docFreq: info.docFreq, docs: list.docs, positions: list.positions)
            }
            s.postings[segment.meta.name] = terms
            var docs: [Int: StoredDocument] = [:]
            var words: [Int: Int] = [:]
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                docs[doc] = try segment.storedDocument(doc)
                words[doc] = try segment.wordCount(doc)
            }
            s.stored[segment.meta.name] = docs
            s.wordCounts[segment.meta.name] = words
        }
        return s
    }

    /// Ids of the live documents whose text contains `phrase` (a single run of word characters),
    /// found as a search does: the phrase's grams at consistent relative offsets.
    static func documents(containing phrase: String, in reader: IndexReader) throws -> Set<String> {
        let analysis = try Analyzer().analyze(phrase)
        var grams: [(key: UInt64, offset: Int32)] = []
        for k in analysis.grams.indices where Gram(key: analysis.grams[k]).second != 0 {
            grams.append((analysis.grams[k], analysis.gramPositions[k] - analysis.gramPositions[0]))
        }
        #expect(!grams.isEmpty, "phrase \(phrase) has no pair grams")
        var ids = Set<String>()
        for segment in reader.segments {
            var starts: [Int32: Set<Int32>]?
            for (key, offset) in grams {
                guard let info = try segment.find(key) else { starts = [:]; break }
                let list = try segment.postings(info)
                var here: [Int32: Set<Int32>] = [:]
                for i in 0..<list.count { here[list.docs[i]] = Set(list.positions(at: i).map { $0 - offset }) }
                if let previous = starts {
                    var next: [Int32: Set<Int32>] = [:]
                    for (doc, s) in previous { if let t = here[doc] { let both = s.intersection(t); if !both.isEmpty { next[doc] = both } } }
                    starts = next
                } else {
                    starts = here
                }
            }
            for doc in (starts ?? [:]).keys where !segment.isDeleted(Int(doc)) {
                ids.insert(try segment.storedID(Int(doc)))
            }
        }
        return ids
    }

    /// Ids of all live documents.
    static func liveIDs(_ reader: IndexReader) throws -> [String] {
        var ids: [String] = []
        for segment in reader.segments {
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) { ids.append(try segment.storedID(doc)) }
        }
        return ids
    }
}

// MARK: - CRC-32 (zlib), for writing a manifest with a valid checksum

enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func of(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}

// MARK: - Byte-level damage

enum Damage {
    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try #require(FileManager.default.contents(atPath: path), "cannot read \(path)"))
    }

    static func overwrite(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func flipByte(_ path: String, at offset: Int) throws {
        var bytes = try read(path)
        try #require(offset >= 0 && offset < bytes.count)
        bytes[offset] ^= 0xFF
        try overwrite(path, bytes)
    }

    static func truncate(_ path: String, to length: Int) throws {
        #expect(Glibc.truncate(path, off_t(length)) == 0, "truncate \(path)")
    }
}

// MARK: - The ipsearch executable

/// Runs the built `ipsearch` executable (see `Repository.ipsearch()`).
enum CLI {
    static func run(_ executable: String, _ arguments: [String], outputDirectory: String, timeout: Double = 120) throws -> ProcessResult {
        let result = try ChildProcess.run(executable, arguments, outputDirectory: outputDirectory, timeout: timeout)
        #expect(!result.timedOut, "ipsearch \(arguments) did not finish within \(timeout) s; killed")
        return result
    }
}

/// The pid written in `write.lock`, if any.
func lockHolder(_ index: String) -> Int32? {
    guard let text = try? String(contentsOfFile: index + "/write.lock", encoding: .utf8) else { return nil }
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
}

/// Starts `ipsearch index` over `box` and returns once it holds the write lock, stopped there
/// (SIGSTOP): it keeps the lock for as long as the test needs, however fast the machine. Kill it
/// (SIGKILL ends a stopped process) and wait for it when done.
func startIndexerHoldingTheLock(_ ipsearch: String, _ box: Sandbox) throws -> ChildProcess {
    var stderr = ""
    // The indexer may finish between the moment it is seen holding the lock and the stop signal (a
    // loaded machine can pause this process there): then it starts over on an empty index.
    for _ in 0..<5 {
        let holder = try ChildProcess(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index, "--quiet"],
                                      outputDirectory: box.root.path)
        waitUntil(timeout: 60) { lockHolder(box.index) == holder.pid || !holder.isRunning }
        holder.kill(SIGSTOP)
        if lockHolder(box.index) == holder.pid && holder.isRunning { return holder }
        holder.kill()
        stderr = holder.wait().stderr
        try? FileManager.default.removeItem(atPath: box.index)
    }
    throw TestSupportError("the indexer was never stopped while it held the lock; stderr: \(stderr)")
}
