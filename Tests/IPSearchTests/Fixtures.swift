import Foundation
import IPSearchIndex
import IPSearchTestSupport
@testable import IPSearch

/// A temporary corpus + index, removed when the fixture is released.
final class Fixture {
    let directory: TempDirectory
    var root: URL { URL(fileURLWithPath: directory.path) }
    var corpus: URL { root.appendingPathComponent("corpus") }
    var index: URL { root.appendingPathComponent("index") }

    init(files: [String: String]) throws {
        directory = try TempDirectory("search")
        try makeDirectory(corpus.path)
        for (name, text) in files { try writeText(text, to: corpus.path + "/" + name) }
        _ = try Indexer.run(IndexOptions(corpus: corpus.path, index: index.path))
    }

    /// The repository's five press releases (throws when `Corpus/` does not hold them).
    static func pressReleases() throws -> Fixture {
        var files: [String: String] = [:]
        for name in try Repository.corpusNames() { files[name] = try readText(Repository.corpus + "/" + name) }
        return try Fixture(files: files)
    }

    lazy var service = SearchService(indexDirectory: index.path)

    func search(_ q: String, limit: Int = 10, explain: Bool = false) throws -> SearchResult {
        try service.search(q, options: SearchOptions(limit: limit, explain: explain))
    }
}
