import Foundation
import Testing
import IPSearchTestSupport
import IPSearchIndex
@testable import IPSearch

/// Date and source filters, sorting and facets against a brute-force count over generated press
/// releases with known front matter.
@Suite struct ArchiveTests {
    struct Release { var id: String; var date: String?; var source: String?; var text: String }

    /// 60 releases, seeded: dates across 2021–2025 (some undated, month and year ends included),
    /// sources in both scripts, some mentioning 地理标志.
    static let releases: [Release] = {
        var rng = SplitMix64(seed: 42)
        let sources = ["中国网", "中國網", "中新经纬", "新华社", nil]
        let fixedDates = ["2024-01-01", "2023-12-31", "2024-06-30", "2024-07-01", "2024-02-29", "2025-12-31"]
        var result: [Release] = []
        for i in 0..<60 {
            let date: String?
            if i < fixedDates.count { date = fixedDates[i] } else if i % 9 == 0 { date = nil } else {
                let y = 2021 + Int(rng.next() % 5), m = 1 + Int(rng.next() % 12), d = 1 + Int(rng.next() % 28)
                date = String(format: "%04d-%02d-%02d", y, m, d)
            }
            let source = sources[Int(rng.next() % UInt64(sources.count))]
            let topic = i % 3 == 0 ? "地理标志保护工作取得新进展" : "专利转化运用专项行动"
            result.append(Release(id: String(format: "r%02d.txt", i), date: date, source: source,
                                  text: "\(topic)。第\(i)号新闻稿，内容各不相同：编号\(i * 7919)。"))
        }
        return result
    }()

    static func file(_ r: Release) -> String {
        var fm = "---\ntitle: 新闻稿\(r.id)\n"
        if let d = r.date { fm += "date: \(d)\n" }
        if let s = r.source { fm += "source: \(s)\n" }
        return fm + "---\n" + r.text + "\n"
    }

    let fixture: Fixture
    init() throws {
        fixture = try Fixture(files: Dictionary(uniqueKeysWithValues: Self.releases.map { ($0.id, Self.file($0)) }))
    }

    func search(_ q: String, since: String? = nil, until: String? = nil, sources: [String] = [], sort: String? = nil,
                limit: Int = 100, facets: Bool = false) throws -> SearchResult {
        var options = SearchOptions(limit: limit)
        options.facets = facets
        try SearchRequest(since: since, until: until, sources: sources, sort: sort)
            .apply(to: &options, spelling: .commandLine, today: DayNumber.from(iso: "2025-06-15")!)
        return try fixture.service.search(q, options: options)
    }

    func expected(_ q: String, from: String?, to: String?, sources: Set<String> = []) -> Set<String> {
        Set(Self.releases.filter { r in
            guard r.text.contains(q) else { return false }
            if from != nil || to != nil {
                guard let d = r.date else { return false }
                if let from, d < from { return false }
                if let to, d > to { return false }
            }
            if !sources.isEmpty { guard let s = r.source, sources.contains(s) else { return false } }
            return true
        }.map(\.id))
    }

    @Test func dateFiltersAreInclusiveAtEveryGranularity() throws {
        let cases: [(String?, String?, String?, String?)] = [
            ("2024", nil, "2024-01-01", nil),
            (nil, "2024", nil, "2024-12-31"),
            ("2024-01", "2024-06", "2024-01-01", "2024-06-30"),
            ("2024-02-29", "2024-07-01", "2024-02-29", "2024-07-01"),
            ("2023-12-31", "2023-12-31", "2023-12-31", "2023-12-31"),
            ("6m", nil, "2024-12-15", nil),
            ("1y", nil, "2024-06-15", nil),
            ("30d", nil, "2025-05-16", nil),
        ]
        for (since, until, from, to) in cases {
            for q in ["新闻稿", "地理标志"] {
                let got = try search(q, since: since, until: until)
                #expect(Set(got.hits.map(\.id)) == expected(q, from: from, to: to), "\(q) since \(since ?? "-") until \(until ?? "-")")
                #expect(got.total == expected(q, from: from, to: to).count)
            }
        }
    }

    @Test func badDatesNameTheOption() {
        for bad in ["2024-13", "2024-02-30", "24", "yesterday", "2024-1-32", "-5d", "2024-"] {
            #expect(throws: SearchRequest.Invalid.self) { _ = try search("新闻稿", since: bad) }
            do { _ = try search("新闻稿", until: bad) } catch let e as SearchRequest.Invalid {
                #expect(e.parameter == "--until")
                #expect(e.description.contains("--until"))
            } catch { Issue.record("unexpected \(error)") }
        }
        #expect(throws: SearchRequest.Invalid.self) { _ = try search("新闻稿", since: "2025", until: "2024") }
        #expect(throws: SearchRequest.Invalid.self) { _ = try search("新闻稿", sort: "random") }
    }

    @Test func sourcesMatchAfterFolding() throws {
        let simplified = try search("新闻稿", sources: ["中国网"])
        let traditional = try search("新闻稿", sources: ["中國網"])
        #expect(Set(simplified.hits.map(\.id)) == expected("新闻稿", from: nil, to: nil, sources: ["中国网", "中國網"]))
        #expect(simplified.hits.map(\.id) == traditional.hits.map(\.id))
        let two = try search("新闻稿", sources: ["中国网", "新华社"])
        #expect(Set(two.hits.map(\.id)) == expected("新闻稿", from: nil, to: nil, sources: ["中国网", "中國網", "新华社"]))
    }

    @Test func sortsByDateWithUndatedLastAndTiesByRelevanceThenID() throws {
        let newest = try search("新闻稿", sort: "newest")
        let dates = newest.hits.map { $0.date ?? "" }
        let dated = dates.filter { !$0.isEmpty }
        #expect(dated == dated.sorted(by: >))
        let undated = dates.drop { !$0.isEmpty }
        #expect(undated.allSatisfy { $0.isEmpty })  // undated at the end
        let oldest = try search("新闻稿", sort: "oldest")
        let old = oldest.hits.compactMap(\.date)
        #expect(old == old.sorted())
        #expect(Set(newest.hits.map(\.id)) == Set(oldest.hits.map(\.id)))
        #expect(newest.total == Self.releases.count)
    }

    @Test func facetsEqualABruteForceCount() throws {
        let result = try search("地理标志", since: "2022", limit: 1, facets: true)
        let matching = Self.releases.filter { r in
            r.text.contains("地理标志") && (r.date.map { $0 >= "2022-01-01" } ?? false)
        }
        var years: [String: Int] = [:], months: [String: Int] = [:], sources: [String: Int] = [:]
        for r in matching {
            years[String(r.date!.prefix(4)), default: 0] += 1
            months[String(r.date!.prefix(7)), default: 0] += 1
            if let s = r.source { sources[s == "中國網" ? "中国网" : s, default: 0] += 1 }
        }
        let facets = try #require(result.facets)
        #expect(Dictionary(uniqueKeysWithValues: facets.years.map { ($0.label, $0.count) }) == years)
        let lastMonths = months.keys.sorted().suffix(24)
        #expect(facets.months.map { $0.label } == Array(lastMonths))
        #expect(facets.months.allSatisfy { months[$0.label] == $0.count })
        // One entry per folded source, whichever spelling it was first seen in.
        var bySource: [String: Int] = [:]
        for f in facets.sources { bySource[SourceKey.fold(f.label)] = f.count }
        var want: [String: Int] = [:]
        for (k, v) in sources { want[SourceKey.fold(k)] = v }
        #expect(bySource == want)
        #expect(result.total == matching.count)
    }
}
