import Foundation
import IPSearchIndex
@testable import IPSearch

/// A temporary corpus + index, removed when the fixture is released.
final class Fixture {
    let root: URL
    var corpus: URL { root.appendingPathComponent("corpus") }
    var index: URL { root.appendingPathComponent("index") }

    init(files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ipsearch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("corpus"), withIntermediateDirectories: true)
        for (name, text) in files {
            let url = root.appendingPathComponent("corpus").appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        _ = try Indexer.run(IndexOptions(corpus: corpus.path, index: index.path))
    }

    /// The repository's five press releases.
    static func pressReleases() throws -> Fixture {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Corpus")
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".txt") {
            files[name] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }
        return try Fixture(files: files)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    lazy var service = SearchService(indexDirectory: index.path)

    func search(_ q: String, limit: Int = 10, explain: Bool = false) throws -> SearchResult {
        try service.search(q, options: SearchOptions(limit: limit, explain: explain))
    }
}
