import Testing
import IPSearchAnalysis
import IPSearchIndex
import IPSearchTestSupport
@testable import IPSearch

@Suite struct QueryTests {
    let analyzer = try! Analyzer()

    @Test func partsGroupsAndExclusions() throws {
        let q = try Query.parse("专利 OR 商标 浙江 -北京 \"Deep Seek\"", analyzer: analyzer)
        #expect(q.groups.map { $0.map(\.displayText) } == [["专利", "商标"], ["浙江"], ["deep seek"]])
        #expect(q.excluded.map(\.displayText) == ["北京"])
        #expect(q.groups[2][0].runs.map(\.offset) == [0, 5])
    }

    @Test func traditionalAndPinyinDebrisFoldLikeDocuments() throws {
        let a = try Query.parse("地理標(biāo)志", analyzer: analyzer)
        let b = try Query.parse("地理标志", analyzer: analyzer)
        #expect(a.groups == b.groups.map { $0.map { var p = $0; p.text = "地理標(biāo)志"; return p } })
    }

    @Test func badQueriesAreRefusedWithReasons() {
        #expect(throws: QueryError.empty) { try Query.parse("   ", analyzer: analyzer) }
        #expect(throws: QueryError.noSearchableText("，。！")) { try Query.parse("，。！", analyzer: analyzer) }
        #expect(throws: QueryError.unbalancedQuote) { try Query.parse("\"知识产权", analyzer: analyzer) }
        #expect(throws: QueryError.tooLong(Query.maxLength + 1)) { try Query.parse(String(repeating: "专", count: Query.maxLength + 1), analyzer: analyzer) }
        #expect(throws: QueryError.danglingOr) { try Query.parse("OR 专利", analyzer: analyzer) }
        #expect(throws: QueryError.onlyExclusions) { try Query.parse("-专利", analyzer: analyzer) }
    }

    @Test func gramElementsCoverEveryCharacter() {
        let part = QueryPart("知识产权局", analyzer: analyzer)!
        let elements = PartMatcher.elements(of: part)
        // 5 characters: grams at 0 (知识), 2 (产权) and 3 (权局).
        #expect(elements.map(\.offset) == [0, 2, 3])
        let single = PartMatcher.elements(of: QueryPart("浙", analyzer: analyzer)!)
        #expect(single.count == 1)
        if case .prefix(let c) = single[0].lookup { #expect(c == 0x6D59) } else { Issue.record("expected a prefix lookup") }
    }

    /// A gram the cheapest cover leaves out joins the intersection when it is much rarer than the
    /// cover's grams: 否则将使 is covered by 否则 and 将使, which many documents hold apart, while 则将
    /// is rare. The occurrences found are still exactly those of the text, and a gram about as
    /// common as the cover's stays out.
    @Test func aRareGramOutsideTheCoverNarrowsTheCandidates() throws {
        var files: [String: String] = [:]
        for i in 0..<40 { files["apart\(i).txt"] = "第\(i)条 否则处罚，将使用新规。否则不予受理。" }
        for i in 0..<6 { files["phrase\(i).txt"] = "第\(i)号 如不整改，否则将使企业受损；否则将使信用降级。" }
        files["near.txt"] = "否则将 使用说明：否则，将使之失效。则将另行通知。"
        let fixture = try Fixture(files: files)
        let reader = try IndexReader(directory: fixture.index.path)
        let part = try #require(Query.parse("否则将使", analyzer: analyzer).positiveParts.first)
        var found = 0
        for segment in reader.segments {
            let sources = try #require(try PartMatcher.sources(of: part, in: segment))
            #expect(sources.map(\.offset).sorted() == [0, 1, 2], "the cover 否则@0, 将使@2 and the rare 则将@1")
            #expect(sources[0].offset == 1, "the rarest list drives the intersection")
            let m = try PartMatcher.match(part, in: segment)
            for doc in 0..<segment.documentCount {
                let text = try segment.storedDocument(doc).text
                let normalized = analyzer.normalizer.normalize(Array(text.utf16))
                let needle = Array("否则将使".utf16)
                var expected: [Int32] = []
                if normalized.units.count >= needle.count {
                    for p in 0...(normalized.units.count - needle.count)
                    where Array(normalized.units[p..<(p + needle.count)]) == needle { expected.append(Int32(p)) }
                }
                let i = m.docs.firstIndex(of: Int32(doc))
                let positions = i.map { Array(m.positions[m.range(at: $0)]) } ?? []
                #expect(positions == expected, "document \(doc)")
                found += expected.count
            }
        }
        #expect(found == 12)
        // 页计 is about as common as 册页 and 计划 (every document holds all three): the cover alone.
        var same: [String: String] = [:]
        for i in 0..<20 { same["manual\(i).txt"] = "第\(i)章 手册页计划与册页计划书" }
        let plain = try Fixture(files: same)
        let part2 = try #require(Query.parse("册页计划", analyzer: analyzer).positiveParts.first)
        for segment in try IndexReader(directory: plain.index.path).segments {
            let sources = try #require(try PartMatcher.sources(of: part2, in: segment))
            #expect(sources.map(\.offset).sorted() == [0, 2])
        }
    }

    /// A lone character's occurrences are the union of every gram starting with it: merged by
    /// counting (`denseUnion`, for common characters) or by sorting pairs (`sortedUnion`), the two
    /// give the same documents and positions, for every character of the five press releases.
    @Test func bothUnionsOfACharacterAgree() throws {
        let fixture = try Fixture.pressReleases()
        let reader = try IndexReader(directory: fixture.index.path)
        var characters = Set<UInt32>()
        for name in try Repository.corpusNames() {
            for scalar in try readText(Repository.corpus + "/" + name).unicodeScalars
            where scalar.properties.isAlphabetic { characters.insert(scalar.value) }
        }
        #expect(characters.count > 500)
        var compared = 0, several = 0
        for segment in reader.segments {
            for c in characters {
                let infos = try segment.terms(in: Gram.range(startingWith: c))
                guard infos.count > 1 else { continue }
                let dense = try PartMatcher.denseUnion(infos, documents: segment.documentCount, in: segment)
                let sorted = try PartMatcher.sortedUnion(infos, in: segment)
                let same = dense.docs == sorted.docs && dense.positionStart == sorted.positionStart
                    && dense.positions == sorted.positions
                #expect(same, "U+\(String(c, radix: 16))")
                if dense.docs.count > 1 { several += 1 }
                compared += 1
            }
        }
        #expect(compared > 300 && several > 100, "\(compared) unions, \(several) over several documents")
    }

    /// A common character matched without its positions (`Matches.lazyUnion`) has the documents
    /// and frequencies of the union with positions, and each document's count of positions in its
    /// title span; the positions `gather` reads for one document, and those kept for the documents
    /// asked for, are the union's, ascending.
    @Test func aCharacterMatchedWithoutPositionsKeepsItsCounts() throws {
        let fixture = try Fixture.pressReleases()
        let reader = try IndexReader(directory: fixture.index.path)
        var lazy = 0, titled = 0
        for character in ["的", "国", "权", "产", "局", "地", "标", "保"] {
            let part = try #require(Query.parse(character, analyzer: analyzer).positiveParts.first)
            for segment in reader.segments {
                let eager = try PartMatcher.match(part, in: segment)
                let m = try PartMatcher.match(part, in: segment, lazyPositions: true)
                #expect(m.docs == eager.docs && m.counts == eager.counts, "\(character)")
                guard !m.lazyUnion.isEmpty else { continue }
                lazy += 1
                #expect(m.positions.isEmpty && m.titleCounts.count == m.docs.count)
                // Keep every other document's positions (even document numbers).
                let even = [UInt64](repeating: 0x5555_5555_5555_5555, count: (segment.documentCount + 63) / 64)
                let k = try PartMatcher.match(part, in: segment, lazyPositions: true, keepingPositionsOf: even)
                #expect(k.docs == m.docs && k.counts == m.counts && k.titleCounts == m.titleCounts)
                #expect(k.kept.docs == m.docs.filter { $0 % 2 == 0 }, "\(character)")
                for (i, d) in k.kept.docs.enumerated() {
                    let e = try #require(eager.docs.firstIndex(of: d))
                    #expect(Array(k.kept.positions(at: i)) == Array(eager.positions[eager.range(at: e)]), "\(character) document \(d)")
                }
                var cursors = try m.lazyUnion.map { try segment.cursor($0) }
                for i in m.docs.indices {
                    let positions = Array(eager.positions[eager.range(at: i)])
                    let span = segment.titleSpan(Int(m.docs[i]))
                    let inSpan = span.map { s in positions.filter { s.contains($0) }.count } ?? 0
                    #expect(Int(m.titleCounts[i]) == inSpan, "\(character) document \(m.docs[i])")
                    if inSpan > 0 { titled += 1 }
                    var gathered: [Int32] = []
                    try SnapshotSearcher.gather(m.docs[i], from: &cursors, into: &gathered)
                    #expect(gathered == positions, "\(character) document \(m.docs[i])")
                }
            }
        }
        #expect(lazy >= 5 && titled > 0, "\(lazy) lazy unions, \(titled) documents with the character in the title")
    }

    /// A part matched within candidates (an AND query's later groups) finds exactly what matching
    /// it in every document finds among those candidates: documents, counts and positions, or the
    /// gram's documents and counts alone with lazy positions. Its frequency bound (the least
    /// document frequency of its grams) is never below the documents that hold it.
    @Test func aPartMatchedWithinCandidatesFindsWhatItFindsEverywhere() throws {
        let fixture = try Fixture.pressReleases()
        let reader = try IndexReader(directory: fixture.index.path)
        var rng = SplitMix64(seed: 5)
        var compared = 0, found = 0
        for text in ["地理标志", "知识产权", "产权", "专利", "国家知识产权局", "商标", "保护", "\"中国\"", "7.2%", "发布会"] {
            let part = try #require(Query.parse(text, analyzer: analyzer).positiveParts.first)
            #expect(PartMatcher.matchesWithin(part), "\(text)")
            for segment in reader.segments {
                let everywhere = try PartMatcher.match(part, in: segment)
                #expect(try PartMatcher.frequencyBound(of: part, in: segment) >= everywhere.count, "\(text)")
                // Candidates: every document, a random half, and none.
                let all = (0..<Int32(segment.documentCount)).filter { !segment.isDeleted(Int($0)) }
                for candidates in [all, all.filter { _ in rng.next() % 2 == 0 }, []] {
                    let m = try PartMatcher.match(part, in: segment, within: candidates, lazyPositions: false)
                    let wanted = everywhere.docs.indices.filter { candidates.contains(everywhere.docs[$0]) }
                    #expect(m.docs == wanted.map { everywhere.docs[$0] } && m.counts == wanted.map { everywhere.counts[$0] }, "\(text)")
                    for (i, e) in wanted.enumerated() {
                        #expect(Array(m.positions[m.range(at: i)]) == Array(everywhere.positions[everywhere.range(at: e)]), "\(text)")
                    }
                    let lazy = try PartMatcher.match(part, in: segment, within: candidates, lazyPositions: true)
                    #expect(lazy.docs == m.docs && lazy.counts == m.counts, "\(text)")
                    compared += 1
                    found += m.count
                }
            }
        }
        #expect(compared >= 30 && found > 50, "\(compared) comparisons, \(found) documents found")
    }
}
