import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failure of the test environment itself (a missing fixture, a file that cannot be written…):
/// thrown, so the test that meets it fails with the reason instead of passing with nothing checked.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The package checkout the tests run from, found from this file's path
/// (`<package>/Tests/TestSupport/Repository.swift`).
public enum Repository {
    public static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// `<package>/Corpus`: the real press releases (read-only fixtures: tests copy them).
    public static var corpus: String { root + "/Corpus" }

    /// How many documents `Corpus/` holds; a listing with fewer is an error, never an empty suite.
    public static let corpusDocumentCount = 5

    /// File names of the corpus documents, sorted; throws when `Corpus/` cannot be listed or does not
    /// hold the expected documents (so a suite fails instead of running zero cases).
    public static func corpusNames() throws -> [String] {
        let all: [String]
        do { all = try FileManager.default.contentsOfDirectory(atPath: corpus) } catch {
            throw TestSupportError("cannot list the corpus fixtures in \(corpus): \(error)")
        }
        let names = all.filter { $0.hasSuffix(".txt") }.sorted()
        guard names.count == corpusDocumentCount else {
            throw TestSupportError("expected \(corpusDocumentCount) .txt documents in \(corpus), found \(names.count): \(names)")
        }
        return names
    }

    /// The bytes of the corpus document `name`.
    public static func corpusBytes(_ name: String) throws -> [UInt8] {
        try readBytes(corpus + "/" + name)
    }

    /// The corpus document whose file name starts with `prefix` ("000", "004"…).
    public static func corpusName(_ prefix: String) throws -> String {
        guard let name = try corpusNames().first(where: { $0.hasPrefix(prefix) }) else {
            throw TestSupportError("no corpus document \(prefix)* in \(corpus)")
        }
        return name
    }

    /// The `ipsearch` executable of this build: next to the running test binary
    /// (`.build/<triple>/debug/`), else `<package>/.build/debug/ipsearch`. Throws (the test fails)
    /// when it is not built: `swift build --build-tests` builds it.
    public static func ipsearch() throws -> String {
        if let found = ipsearchPath { return found }
        throw TestSupportError("""
            the ipsearch executable was not found next to the test binary (\(CommandLine.arguments.first ?? "?")) \
            nor in \(root)/.build/debug: build it first (`swift build --build-tests`)
            """)
    }

    private static let ipsearchPath: String? = {
        var directories: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: exe).deletingLastPathComponent().path)
        }
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        for bundle in Bundle.allBundles {
            var url = bundle.bundleURL
            while url.pathComponents.count > 1 {
                if url.pathExtension == "xctest" { directories.append(url.deletingLastPathComponent().path); break }
                url.deleteLastPathComponent()
            }
        }
        directories.append(root + "/.build/debug")
        for dir in directories {
            let candidate = dir + "/ipsearch"
            var st = stat()
            if stat(candidate, &st) == 0, st.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }()
}
