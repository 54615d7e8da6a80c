import Foundation
import IPSearchIndex
import IPSearchTestSupport
import Testing
@testable import IPSearch

/// The result cache keeps the most recently used results only, and never serves one from another
/// generation; `SearchService.current()` follows commits safely from many threads at once.
@Suite struct SearchServiceTests {
    static let queries = ["知识产权", "专利", "商标", "地理标志", "浙江"]

    /// Least recently *used* goes first: a `get` refreshes an entry, and the cache never holds more
    /// than its capacity.
    @Test func cacheEvictsTheLeastRecentlyUsed() throws {
        let fixture = try Fixture.pressReleases()
        let searcher = try fixture.service.current()
        let generation = searcher.reader.generation
        var results: [ResultCache.Key: SearchResult] = [:]
        let keys = Self.queries.map { ResultCache.Key(generation: generation, text: $0, options: SearchOptions()) }
        for key in keys { results[key] = try fixture.service.search(key.text) }

        let cache = ResultCache(capacity: 3)
        for key in keys.prefix(3) { cache.put(key, try #require(results[key])) }
        #expect(cache.get(keys[0])?.hits == results[keys[0]]?.hits)  // keys[0] is now the most recent
        cache.put(keys[3], try #require(results[keys[3]]))           // evicts keys[1], the least recently used
        #expect(cache.get(keys[1]) == nil)
        #expect(cache.get(keys[0])?.hits == results[keys[0]]?.hits)
        #expect(cache.get(keys[2])?.hits == results[keys[2]]?.hits)
        #expect(cache.get(keys[3])?.hits == results[keys[3]]?.hits)
        cache.put(keys[4], try #require(results[keys[4]]))           // evicts keys[0] (used before 2 and 3)
        #expect(cache.get(keys[0]) == nil)
        #expect(keys.filter { cache.get($0) != nil } == [keys[2], keys[3], keys[4]])

        // Putting a key again replaces it without evicting another.
        cache.put(keys[4], try #require(results[keys[4]]))
        #expect(keys.filter { cache.get($0) != nil }.count == 3)

        // The same text and options in another generation is another entry.
        #expect(cache.get(ResultCache.Key(generation: generation + 1, text: keys[4].text, options: SearchOptions())) == nil)
        // Options are part of the key.
        #expect(cache.get(ResultCache.Key(generation: generation, text: keys[4].text, options: SearchOptions(limit: 3))) == nil)
    }

    /// With a cache, a repeated search gives the same hits, and a commit is seen at once: the
    /// cached answer of the previous generation is not served.
    @Test func cachedResultsFollowCommits() throws {
        let fixture = try Fixture.pressReleases()
        let service = SearchService(indexDirectory: fixture.index.path, resultCacheSize: 2)
        let word = "犀鸟琉璃盏"
        let first = try service.search("知识产权")
        #expect(try service.search("知识产权").hits == first.hits)
        #expect(try service.search(word).total == 0)
        try writeText("新闻稿：\(word)与知识产权。\n", to: fixture.corpus.path + "/new.txt")
        #expect(try Indexer.run(IndexOptions(corpus: fixture.corpus.path, index: fixture.index.path)).committed)
        #expect(try service.search(word).hits.map(\.id) == ["new.txt"])
        #expect(try service.search("知识产权").total == first.total + 1)
        // Many distinct queries through a cache of two: every answer is still the uncached one.
        let uncached = SearchService(indexDirectory: fixture.index.path)
        for _ in 0..<3 {
            for q in Self.queries { #expect(try service.search(q).hits == uncached.search(q).hits, "\(q)") }
        }
    }

    /// The server's searches run on the service's search threads: the same answers and errors as
    /// `search`, from many tasks at once, and cached answers without a hop to those threads.
    @Test func searchesOnSearchThreadsAnswerLikeSearch() async throws {
        let fixture = try Fixture.pressReleases()
        let direct = SearchService(indexDirectory: fixture.index.path)
        let server = SearchService(indexDirectory: fixture.index.path, resultCacheSize: 16)
        try await withThrowingTaskGroup(of: (String, SearchResult).self) { group in
            for round in 0..<4 {
                for q in Self.queries { group.addTask { (q, try await server.searchOnSearchThreads(q + (round % 2 == 0 ? "" : " "))) } }
            }
            for try await (q, result) in group {
                let expected = try direct.search(q)
                #expect(result.hits == expected.hits, "\(q)")
                #expect(result.total == expected.total, "\(q)")
            }
        }
        await #expect(throws: SearchError.self) { _ = try await server.searchOnSearchThreads("\"") }
    }

    /// The server's service builds each new snapshot's id map and group lists on a background
    /// thread; the command line's builds them only when asked.
    @Test func serverSnapshotsPrepareTheirLookupsOffTheRequestPath() throws {
        let fixture = try Fixture.pressReleases()
        let server = SearchService(indexDirectory: fixture.index.path, preparesSnapshots: true)
        let first = try server.current().reader
        #expect(waitUntil { first.lookupsPrepared })
        // A commit: the next snapshot is prepared too.
        try writeText("新闻稿：犀鸟琉璃盏。\n", to: fixture.corpus.path + "/new.txt")
        #expect(try Indexer.run(IndexOptions(corpus: fixture.corpus.path, index: fixture.index.path)).committed)
        let second = try server.current().reader
        #expect(second.generation == first.generation + 1)
        #expect(waitUntil { second.lookupsPrepared })
        #expect(try second.locate(id: "new.txt") != nil)

        let command = SearchService(indexDirectory: fixture.index.path)
        let reader = try command.current().reader
        _ = try command.search("知识产权")
        #expect(!reader.lookupsPrepared)
    }

    /// Many threads call `current()` and search while an indexer commits over and over: every
    /// answer comes whole from one committed generation (its document count and its hits are that
    /// generation's), and no thread ever sees the generation go backwards.
    @Test func concurrentReloadsSeeWholeGenerationsInOrder() throws {
        let fixture = try Fixture.pressReleases()
        let service = SearchService(indexDirectory: fixture.index.path, resultCacheSize: 16)
        let base = try service.current().reader
        let marker = "翻动标记"
        // generation → (documents, documents containing the marker), as committed.
        let committed = Locked<[Int: (documents: Int, marked: Int)]>([base.generation: (base.documentCount, 0)])
        let commits = 8
        let writerDone = Locked(false)
        let writerError = Locked<String?>(nil)
        let writer = Thread {
            defer { writerDone.set(true) }
            do {
                for n in 1...commits {
                    try writeText("第\(n)篇：\(marker)。\n", to: fixture.corpus.path + "/churn/\(n).txt")
                    let summary = try Indexer.run(IndexOptions(corpus: fixture.corpus.path, index: fixture.index.path))
                    guard summary.committed else { writerError.set("run \(n) did not commit"); return }
                    committed.modify { $0[summary.generation] = (summary.documents, n) }
                }
            } catch {
                writerError.set("\(error)")
            }
        }

        struct Seen { var generation: Int; var documents: Int; var marked: Int }
        let options: SearchOptions = {
            var o = SearchOptions(limit: 100)
            o.collapse = false  // (the churn documents are near-duplicates: count each one)
            return o
        }()
        let readers = 4
        let observations = Locked<[[Seen]]>(Array(repeating: [], count: readers))
        let failures = Locked<[String]>([])
        let group = DispatchGroup()
        writer.start()
        for r in 0..<readers {
            group.enter()
            Thread {
                defer { group.leave() }
                var seen: [Seen] = []
                // Until the writer is done, then once more (the last generation).
                var last = false
                while !last {
                    last = writerDone.get()
                    do {
                        let searcher = try service.current()
                        let result = try service.search(marker, options: options)
                        // The service's search ran on the same or a newer snapshot; the one held here is checked.
                        let own = try searcher.search(service.parse(marker), options: options)
                        seen.append(Seen(generation: searcher.reader.generation, documents: searcher.reader.documentCount,
                                         marked: own.total))
                        // (Marked documents only ever get added.)
                        #expect(result.total >= own.total)
                    } catch {
                        failures.modify { $0.append("reader \(r): \(error)") }
                        return
                    }
                }
                observations.modify { $0[r] = seen }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 600) == .success, "the readers did not finish")
        #expect(writerError.get() == nil, "writer: \(writerError.get() ?? "")")
        #expect(failures.get().isEmpty, "\(failures.get())")

        let generations = committed.get()
        #expect(generations.count == commits + 1)
        for (r, seen) in observations.get().enumerated() {
            #expect(!seen.isEmpty)
            for (k, s) in seen.enumerated() {
                let expected = try #require(generations[s.generation], "reader \(r) saw generation \(s.generation), never committed")
                #expect(s.documents == expected.documents && s.marked == expected.marked,
                        "reader \(r), generation \(s.generation): \(s.documents) documents, \(s.marked) marked; committed \(expected)")
                if k > 0 { #expect(s.generation >= seen[k - 1].generation, "reader \(r) went back from \(seen[k - 1].generation) to \(s.generation)") }
            }
            #expect(seen.last?.generation == generations.keys.max(), "reader \(r) did not reach the last commit")
        }
        print("concurrent reloads: \(observations.get().map(\.count)) answers per reader over \(generations.count) generations")
    }
}
