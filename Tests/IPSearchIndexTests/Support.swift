import Foundation
import Testing
import IPSearchAnalysis
@testable import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The real corpus

/// The press releases in `Corpus/` at the package root (read-only fixtures: tests copy them).
enum Fixtures {
    /// `<package>/Tests/IPSearchIndexTests/Support.swift` → `<package>/Corpus`.
    static let corpusDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    /// File names of the corpus documents, sorted.
    static let names: [String] = {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)) ?? []
        return all.filter { $0.hasSuffix(".txt") }.sorted()
    }()

    static func bytes(_ name: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: corpusDirectory.appendingPathComponent(name).path) else {
            return []
        }
        return [UInt8](data)
    }

    /// The file name starting with `prefix` ("000", "004"…).
    static func name(_ prefix: String) throws -> String {
        try #require(names.first { $0.hasPrefix(prefix) }, "no corpus document \(prefix)* in \(corpusDirectory.path)")
    }

    static func text(_ name: String) throws -> String {
        try #require(String(validating: bytes(name), as: UTF8.self), "\(name) is not UTF-8")
    }
}

// MARK: - Temporary directories

/// A fresh directory under the system temp directory, removed when released.
final class TempDirectory: @unchecked Sendable {
    let path: String

    init(_ label: String) throws {
        let base = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        var template = Array("\(base)/ipsearch-indextests-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        _ = try #require(made, "mkdtemp failed: \(String(cString: strerror(errno)))")
        path = String(cString: template)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A temp corpus and a temp index directory next to it.
final class Sandbox: @unchecked Sendable {
    let root: TempDirectory
    var corpus: String { root.path + "/corpus" }
    var index: String { root.path + "/index" }

    /// With `copyCorpus`, the five real documents are copied (as writable files) into the corpus.
    init(_ label: String, copyCorpus: Bool = true) throws {
        root = try TempDirectory(label)
        try FileManager.default.createDirectory(atPath: root.path + "/corpus", withIntermediateDirectories: true)
        if copyCorpus {
            #expect(Fixtures.names.count == 5, "expected the 5 corpus documents in \(Fixtures.corpusDirectory.path)")
            for name in Fixtures.names { try write(name, Fixtures.bytes(name)) }
        }
    }

    func path(_ id: String) -> String { corpus + "/" + id }

    func write(_ id: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path(id))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

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
    func indexFiles() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: index)) ?? [])
    }

    /// The index file with this extension (the first segment's, when several).
    func indexFile(ext: String) throws -> String {
        let name = try #require(indexFiles().sorted().first { $0.hasSuffix("." + ext) }, "no .\(ext) file in \(index)")
        return index + "/" + name
    }

    /// Copies of the five corpus documents, `copies` times each, below `bulk/` (~63 KB per round).
    func addBulk(copies: Int, marker: String = "bulk") throws {
        let texts = Fixtures.names.map { Fixtures.bytes($0) }
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
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                docs[doc] = try segment.storedDocument(doc)
            }
            s.stored[segment.meta.name] = docs
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

struct ProcessResult {
    var status: Int32
    /// True when the process was killed by a signal (then `status` is the signal).
    var signaled: Bool
    var stdout: String
    var stderr: String
}

/// Runs the `ipsearch` executable built next to this test bundle.
enum CLI {
    /// `.build/<triple>/debug/ipsearch`: the directory of the running test binary (the `.xctest`
    /// executable on Linux, inside the `.xctest` bundle on macOS).
    static let executable: String? = {
        var directories: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for bundle in [Bundle.main] + Bundle.allBundles {
            var url = bundle.bundleURL
            while url.path != "/" && url.pathComponents.count > 1 {
                if url.pathExtension == "xctest" { directories.append(url.deletingLastPathComponent()); break }
                url.deleteLastPathComponent()
            }
            directories.append(bundle.bundleURL)
            if let exe = bundle.executableURL { directories.append(exe.deletingLastPathComponent()) }
        }
        for dir in directories {
            let candidate = dir.appendingPathComponent("ipsearch").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }()

    /// The executable, or nil after recording why the calling test cannot run.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        if let executable { return executable }
        Issue.record("""
            the ipsearch executable was not found next to the test binary \
            (\(CommandLine.arguments.first ?? "?")); build it first (`swift build`), the process tests are skipped
            """, sourceLocation: sourceLocation)
        return nil
    }

    /// A started process whose output goes to files in `outputDirectory`.
    final class Running: @unchecked Sendable {
        let process: Process
        let stdoutPath: String
        let stderrPath: String

        init(_ executable: String, _ arguments: [String], outputDirectory: String) throws {
            let tag = UUID().uuidString
            stdoutPath = outputDirectory + "/stdout-\(tag)"
            stderrPath = outputDirectory + "/stderr-\(tag)"
            _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            process.environment = environment
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }
        var isRunning: Bool { process.isRunning }

        func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(process.processIdentifier, signal) }

        /// Waits for the exit (killing the process after `timeout` seconds).
        func wait(timeout: Double = 120) -> ProcessResult {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning {
                Issue.record("ipsearch \(process.arguments ?? []) did not finish within \(timeout) s; killed")
                kill()
            }
            process.waitUntilExit()
            let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: stdoutPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
            return ProcessResult(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                                 stdout: out, stderr: err)
        }
    }

    static func run(_ executable: String, _ arguments: [String], outputDirectory: String, timeout: Double = 120) throws -> ProcessResult {
        try Running(executable, arguments, outputDirectory: outputDirectory).wait(timeout: timeout)
    }
}

/// The pid written in `write.lock`, if any.
func lockHolder(_ index: String) -> Int32? {
    guard let text = try? String(contentsOfFile: index + "/write.lock", encoding: .utf8) else { return nil }
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
}

/// A thread-safe box.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: Value) { lock.lock(); value = v; lock.unlock() }
    func modify(_ f: (inout Value) -> Void) { lock.lock(); f(&value); lock.unlock() }
}
