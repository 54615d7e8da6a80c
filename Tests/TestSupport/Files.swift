import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under `$TMPDIR` (or /tmp), removed with everything in it when released.
public final class TempDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String) throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/ipsearch-test-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw TestSupportError("mkdtemp in \(base) failed: \(String(cString: strerror(errno)))") }
        path = String(cString: template)
    }

    deinit { removeTree(path) }
}

/// `mkdir -p`.
public func makeDirectory(_ path: String) throws {
    var built = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        built += "/" + part
        if mkdir(built, 0o755) != 0 && errno != EEXIST {
            throw TestSupportError("mkdir \(built): \(String(cString: strerror(errno)))")
        }
    }
}

public func readBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw TestSupportError("cannot read \(path)") }
    return [UInt8](data)
}

public func readText(_ path: String) throws -> String {
    let bytes = try readBytes(path)
    guard let text = String(validating: bytes, as: UTF8.self) else { throw TestSupportError("\(path) is not UTF-8") }
    return text
}

/// Writes `bytes` to `path`, creating the directories above it.
public func writeBytes(_ bytes: [UInt8], to path: String) throws {
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try makeDirectory(String(path[..<slash])) }
    do { try Data(bytes).write(to: URL(fileURLWithPath: path)) } catch {
        throw TestSupportError("cannot write \(path): \(error)")
    }
}

public func writeText(_ text: String, to path: String) throws { try writeBytes(Array(text.utf8), to: path) }

public func copyFile(_ from: String, to: String) throws { try writeBytes(try readBytes(from), to: to) }

/// `rm -rf` (never follows a symbolic link out of the tree).
public func removeTree(_ path: String) {
    guard let dir = opendir(path) else { unlink(path); return }
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
        if name == "." || name == ".." { continue }
        let child = path + "/" + name
        var st = stat()
        if lstat(child, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR {
            chmod(child, 0o755)  // a test may have made it unreadable
            removeTree(child)
        } else {
            unlink(child)
        }
    }
    closedir(dir)
    rmdir(path)
}

/// Names in a directory (empty when it does not exist).
public func directoryEntries(_ path: String) -> Set<String> {
    Set((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
}

/// Paths to remove when the test process exits: the fixtures a whole suite shares (built once,
/// held by a `static let`, which is never released).
private let removalsAtExit = Locked<[String]>([])
private let removalHook: Void = { atexit { for path in removalsAtExit.get() { removeTree(path) } } }()

public func removeAtExit(_ path: String) {
    _ = removalHook
    removalsAtExit.modify { $0.append(path) }
}

/// A fresh temp directory laid out as the tests' indexes are: `corpus/` (created) and `index/`
/// (left to the indexer). Suites subclass it with their own documents.
open class CorpusDirectory: @unchecked Sendable {
    public let directory: TempDirectory
    public var root: String { directory.path }
    public var corpus: String { root + "/corpus" }
    public var index: String { root + "/index" }

    public init(_ label: String) throws {
        directory = try TempDirectory(label)
        try makeDirectory(corpus)
    }

    /// Copies the repository's corpus documents in, under the ids `rename` gives (their own names
    /// by default).
    public func copyRepositoryCorpus(rename: (String) -> String? = { $0 }) throws {
        for name in try Repository.corpusNames() {
            if let id = rename(name) { try copyFile(Repository.corpus + "/" + name, to: corpus + "/" + id) }
        }
    }
}
