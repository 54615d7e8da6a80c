import Foundation
import Testing
import IPSearchTestSupport
import IPSearchIndex
import IPSearchAnalysis
@testable import IPSearch

/// A page ranked with upper bounds (`rankWithBounds`: candidates that cannot reach the page are
/// counted, not scored; single-gram parts read positions only for what is scored) must equal the
/// page ranked by scoring every candidate (`rankAll`): same hits in the same order, same scores,
/// same totals, with near-duplicate groups collapsed or not.
@Suite struct BoundedRankingTests {
    /// Releases cut from the five press releases' sentences: titles of different lengths (some
    /// repeated as the first line), the same words in title, body and boilerplate lines, and copies
    /// with one sentence changed (near-duplicate groups).
    static func archive() throws -> [String: String] {
        var sentences: [String] = []
        for name in try Repository.corpusNames() {
            let text = try readText(Repository.corpus + "/" + name)
            for s in text.split(whereSeparator: { "。！？\n".contains($0) }) {
                let t = s.trimmingCharacters(in: .whitespaces)
                if t.count >= 8 && t.count <= 120 { sentences.append(t) }
            }
        }
        var rng = SplitMix64(seed: 7)
        func pick() -> String { sentences[Int(rng.next() % UInt64(sentences.count))] }
        var files: [String: String] = [:]
        var bodies: [(title: String, body: [String])] = []
        for i in 0..<140 {
            let source = pick()
            let title = String(source.prefix(4 + Int(rng.next() % 14)))
            var body: [String] = []
            for _ in 0..<(3 + Int(rng.next() % 12)) { body.append(pick()) }
            bodies.append((title, body))
            var text = "---\ntitle: \(title)\n---\n"
            if i % 4 == 0 { text += "首页 > 新闻 > \(pick().prefix(6))\n" }
            if i % 5 == 0 { text += title + "\n" }
            text += body.joined(separator: "。") + "。\n"
            if i % 3 == 0 { text += "来源：国家知识产权局 编辑：\(pick().prefix(5))\n相关链接：\(pick())\n" }
            files[String(format: "d%03d.txt", i)] = text
        }
        // Copies: the same release elsewhere, one sentence changed.
        for i in 0..<30 {
            let (title, body) = bodies[i * 4]
            var changed = body
            changed[Int(rng.next() % UInt64(changed.count))] = pick()
            files[String(format: "c%03d.txt", i)] = "---\ntitle: \(title)\nsource: 中国网\n---\n" + changed.joined(separator: "。") + "。\n"
        }
        return files
    }

    /// Queries cut from the same text: one and two words, phrases, quoted, and words absent
    /// from some releases (most-should-match).
    static func queries(_ files: [String: String]) -> [String] {
        var rng = SplitMix64(seed: 11)
        let texts = files.keys.sorted().map { files[$0]! }
        func cut(_ n: Int) -> String {
            let t = Array(texts[Int(rng.next() % UInt64(texts.count))].split(separator: "\n").last!)
            guard t.count > n else { return String(t) }
            let at = Int(rng.next() % UInt64(t.count - n))
            return String(t[at..<(at + n)])
        }
        // Lone characters, common ones included (their positions are read only for scored pages).
        var result = ["知识产权", "专利", "地理标志", "国家知识产权局", "保护", "的", "中国", "工作", "\"知识产权\"", "知识产权 保护 工作",
                      "国", "权", "局", "产", "保", "利 的", "的 专利"]
        for _ in 0..<60 {
            switch rng.next() % 4 {
            case 0: result.append(cut(2))
            case 1: result.append(cut(3 + Int(rng.next() % 4)))
            case 2: result.append(cut(2) + " " + cut(2))
            default: result.append(cut(2) + " " + cut(3) + " " + cut(2))
            }
        }
        return result.filter { !$0.contains("-") && !$0.contains("\"\"") }
    }

    /// `q` searched with `options` as given (bounded) and scoring every candidate.
    static func bothWays(_ q: String, _ options: SearchOptions, in fixture: Fixture) throws -> (bounded: SearchResult, every: SearchResult) {
        var every = options
        every.scoreEveryCandidate = true
        return (try fixture.service.search(q, options: options), try fixture.service.search(q, options: every))
    }

    @Test func boundedPagesEqualPagesThatScoreEveryCandidate() throws {
        let files = try Self.archive()
        let fixture = try Fixture(files: files)
        var compared = 0, pruned = 0
        for q in Self.queries(files) {
            for collapse in [true, false] {
                for (offset, limit) in [(0, 1), (0, 5), (0, 10), (3, 7), (0, 300)] {
                    var options = SearchOptions(limit: limit, offset: offset)
                    options.collapse = collapse
                    options.expand = false
                    let (a, b) = try Self.bothWays(q, options, in: fixture)
                    #expect(a.hits.map(\.id) == b.hits.map(\.id), "\(q) offset \(offset) limit \(limit) collapse \(collapse)")
                    #expect(a.hits.map(\.score) == b.hits.map(\.score), "\(q)")
                    #expect(a.hits.map { $0.copies.map(\.id) } == b.hits.map { $0.copies.map(\.id) }, "\(q)")
                    #expect(a.total == b.total && a.totalDocuments == b.totalDocuments && a.partial == b.partial, "\(q)")
                    compared += 1
                    if b.total > offset + limit { pruned += 1 }
                }
            }
        }
        #expect(compared > 500)
        #expect(pruned > 100)  // pages deeper than the matches would not exercise the bounds
    }

    /// An AND query whose later groups are matched only within the earlier groups' documents
    /// (`narrowedMatches`) must find what matching every part everywhere finds: the same page,
    /// scores, totals, partial hits (no document holding every group), facets and timeline, for a
    /// page by relevance, a page deeper than the bounds, every candidate scored, and by date.
    @Test func narrowedConjunctionsEqualConjunctionsMatchedEverywhere() throws {
        let files = try Self.archive()
        let fixture = try Fixture(files: files)
        var queries = Self.queries(files).filter { $0.contains(" ") }
        // A lone character in a group, a group no release holds with the others, four groups.
        queries += ["的 知识产权", "知识产权 国", "地理标志 保护", "专利 地理标志 保护 工作", "知识产权 鑫龘", "国家知识产权局 的 工作"]
        var compared = 0, narrowed = 0, partial = 0
        for q in queries {
            for variant in 0..<4 {
                var options = SearchOptions(limit: variant == 1 ? 600 : 10)
                options.expand = false
                options.facets = variant != 1
                options.timeline = variant == 0
                options.scoreEveryCandidate = variant == 2
                if variant == 3 { options.sort = .newest }
                var everywhere = options
                everywhere.narrowConjunctions = false
                let a = try fixture.service.search(q, options: options)
                let b = try fixture.service.search(q, options: everywhere)
                #expect(a.hits.map(\.id) == b.hits.map(\.id) && a.hits.map(\.score) == b.hits.map(\.score), "\(q) variant \(variant)")
                #expect(a.total == b.total && a.totalDocuments == b.totalDocuments && a.partial == b.partial, "\(q) variant \(variant)")
                #expect(a.facets == b.facets && a.timeline == b.timeline, "\(q) variant \(variant)")
                compared += 1
                if a.partial { partial += 1 }
            }
            let parsed = try Query.parse(q, analyzer: Analyzer())
            if parsed.groups.count >= 2 && parsed.groups.dropFirst().contains(where: { $0.contains(where: PartMatcher.matchesWithin) }) { narrowed += 1 }
        }
        #expect(compared > 100 && narrowed > 20 && partial > 0, "\(compared) compared, \(narrowed) narrowed queries, \(partial) partial")
    }

    /// With facets and the timeline (as the search page asks), bounded ranking must count the same
    /// hits as scoring every candidate: each near-duplicate group by its best document, whose
    /// source and date may differ from its copies'.
    @Test func boundedFacetsEqualFacetsOfEveryCandidate() throws {
        let files = try Self.archive()
        let fixture = try Fixture(files: files)
        var compared = 0, grouped = 0
        for q in Self.queries(files) {
            for collapse in [true, false] {
                var options = SearchOptions(limit: 5)
                options.collapse = collapse
                options.expand = false
                options.facets = true
                options.timeline = true
                let (a, b) = try Self.bothWays(q, options, in: fixture)
                #expect(a.hits.map(\.id) == b.hits.map(\.id) && a.hits.map(\.score) == b.hits.map(\.score), "\(q) collapse \(collapse)")
                #expect(a.total == b.total && a.totalDocuments == b.totalDocuments && a.partial == b.partial, "\(q)")
                #expect(a.facets != nil && a.facets == b.facets, "\(q) collapse \(collapse)")
                #expect(a.timeline != nil && a.timeline == b.timeline, "\(q) collapse \(collapse)")
                compared += 1
                if collapse && a.total < a.totalDocuments { grouped += 1 }
            }
        }
        #expect(compared > 100 && grouped > 20, "\(compared) compared, \(grouped) with collapsed copies")
    }

    /// A search cut in two (each long intersection at a document, each segment's ranking walk in
    /// two ranges merged afterwards, the page's hits in two halves, the upper half on another
    /// thread) finds what one thread finds: the same occurrences of every part, and the same pages,
    /// scores, snippets, totals, facets and timeline, collapsed or not.
    @Test func searchesCutInTwoEqualSearchesOnOneThread() throws {
        let files = try Self.archive()
        let fixture = try Fixture(files: files)
        let reader = try IndexReader(directory: fixture.index.path)
        let analyzer = try Analyzer()
        let cores = SpareCores(threads: 1, searchesBelow: .max)
        let alone = Parallel(cores: SpareCores(threads: 0, searchesBelow: 1), matchFrom: .max, rankFrom: .max)
        let cut = Parallel(cores: cores, matchFrom: 1, rankFrom: 2)
        var compared = 0, intersections = 0, pagesInHalves = 0
        for q in Self.queries(files) {
            for part in try Query.parse(q, analyzer: analyzer).positiveParts {
                for segment in reader.segments {
                    let a = try PartMatcher.match(part, in: segment, parallel: alone)
                    let b = try PartMatcher.match(part, in: segment, parallel: cut)
                    let sameDocuments = a.docs == b.docs && a.counts == b.counts
                    let samePositions = a.positionStart == b.positionStart && a.positions == b.positions
                    #expect(sameDocuments && samePositions, "\(q): \(part.displayText)")
                    if a.count > 1 { intersections += 1 }
                }
            }
            for collapse in [true, false] {
                for facets in [false, true] {
                    var one = SearchOptions(limit: 8)
                    one.collapse = collapse
                    one.expand = false
                    one.facets = facets
                    one.timeline = facets
                    one.parallel = alone
                    var two = one
                    two.parallel = cut
                    let a = try fixture.service.search(q, options: one), b = try fixture.service.search(q, options: two)
                    let sameHits = a.hits == b.hits  // ids, scores, snippets, copies
                    #expect(sameHits, "\(q) collapse \(collapse) facets \(facets)")
                    #expect(a.total == b.total && a.totalDocuments == b.totalDocuments && a.partial == b.partial, "\(q)")
                    #expect(a.facets == b.facets && a.timeline == b.timeline, "\(q) collapse \(collapse)")
                    if a.hits.count >= Parallel.snippetHitsFrom { pagesInHalves += 1 }
                    compared += 1
                }
            }
        }
        #expect(compared > 200 && intersections > 50 && pagesInHalves > 100,
                "\(compared) searches, \(intersections) parts over several documents, \(pagesInHalves) pages made in two halves")
        #expect(cores.lent > 300, "\(cores.lent) halves run on the spare thread")
    }
}
