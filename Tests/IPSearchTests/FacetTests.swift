import IPSearchTestSupport
import Testing
@testable import IPSearch

@Suite struct FacetTests {
    static let outlets = ["国家知识产权局", "中国网", "新华网", "人民网", "中新经纬", "央视网", "光明网", "中国经济网",
                          "中国新闻网", "澎湃新闻", "北京日报", "浙江日报", "南方日报", "四川日报", "湖北日报", "解放日报",
                          "中国知识产权报", "法治日报", "经济日报", "科技日报", "中国消费网", "杭州网", "江苏省知识产权局",
                          "广东省市场监督管理局"]

    struct Match {
        var day: Int32?
        var source: Int?
    }

    /// Random matches: dates from 2012 to 2025 (or a narrow window), some undated; sources skewed
    /// towards the first outlets so that counts differ and tie, some unknown.
    static func randomMatches(_ n: Int, seed: UInt64, narrow: Bool = false) -> [Match] {
        var rng = SplitMix64(seed: seed)
        let first = DateFilter.days(fromISO: narrow ? "2024-05-10" : "2012-01-01") ?? 0
        let last = DateFilter.days(fromISO: "2025-12-31") ?? 0
        return (0..<n).map { _ in
            let day: Int32? = Int.random(in: 0..<10, using: &rng) == 0 ? nil : Int32.random(in: first...last, using: &rng)
            let r = Int.random(in: 0..<12, using: &rng)
            let source: Int? = r == 0 ? nil : min(outlets.count - 1, Int.random(in: 0..<(r * 3), using: &rng))
            return Match(day: day, source: source)
        }
    }

    /// The facets computed the slow, obvious way: from ISO strings, with dictionaries and full sorts.
    static func bruteForce(_ matches: [Match], monthLimit: Int = 24, sourceLimit: Int = 20) -> Facets {
        var f = Facets()
        f.total = matches.count
        var years: [String: Int] = [:], months: [String: Int] = [:], sources: [String: Int] = [:]
        for m in matches {
            if let d = m.day {
                let iso = DateFilter.iso(days: d)
                years[String(iso.prefix(4)), default: 0] += 1
                months[String(iso.prefix(7)), default: 0] += 1
            } else {
                f.undated += 1
            }
            if let s = m.source { sources[outlets[s], default: 0] += 1 } else { f.withoutSource += 1 }
        }
        f.years = years.sorted { $0.key < $1.key }.map { Facets.Bucket(label: $0.key, count: $0.value) }
        f.months = months.sorted { $0.key < $1.key }.suffix(monthLimit).map { Facets.Bucket(label: $0.key, count: $0.value) }
        let ranked = sources.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        f.sources = ranked.prefix(sourceLimit).map { Facets.Bucket(label: $0.key, count: $0.value) }
        f.otherSources = ranked.dropFirst(sourceLimit).map(\.value).reduce(0, +)
        return f
    }

    @Test(arguments: [(1, 0), (50, 1), (2000, 2), (20000, 3)])
    func countsEqualBruteForce(_ c: (n: Int, seed: UInt64)) {
        let matches = Self.randomMatches(c.n, seed: c.seed)
        var byName = FacetCounter()
        var byID = FacetCounter(sourceNames: Self.outlets)
        for m in matches {
            byName.add(day: m.day, source: m.source.map { Self.outlets[$0] })
            byID.add(day: m.day, sourceID: m.source)
        }
        let expected = Self.bruteForce(matches)
        #expect(byName.facets() == expected)
        #expect(byID.facets() == expected)
        #expect(byID.facets(monthLimit: 5, sourceLimit: 3) == Self.bruteForce(matches, monthLimit: 5, sourceLimit: 3))
    }

    /// Matches within a few months: every month is listed, and years sum the months.
    @Test func narrowRangeListsEveryMonth() {
        let matches = Self.randomMatches(3000, seed: 4, narrow: true)
        var counter = FacetCounter()
        for m in matches { counter.add(day: m.day, source: nil) }
        let f = counter.facets()
        #expect(f == Self.bruteForce(matches.map { Match(day: $0.day, source: nil) }))
        #expect(f.months.first?.label == "2024-05" && f.months.last?.label == "2025-12")
        #expect(f.months.count == 20)
        #expect(f.years.map(\.label) == ["2024", "2025"])
        #expect(f.years.map(\.count).reduce(0, +) + f.undated == f.total)
        #expect(f.withoutSource == f.total)
    }

    /// Counters of parts (segments, threads) merge into the counter of the whole, also across
    /// different source tables.
    @Test func mergedCountersEqualOneCounter() {
        let matches = Self.randomMatches(5000, seed: 5)
        var whole = FacetCounter()
        var parts = [FacetCounter(sourceNames: Self.outlets), FacetCounter(), FacetCounter(sourceNames: Array(Self.outlets.reversed()))]
        for (i, m) in matches.enumerated() {
            whole.add(day: m.day, source: m.source.map { Self.outlets[$0] })
            switch i % 3 {
            case 0: parts[0].add(day: m.day, sourceID: m.source)
            case 1: parts[1].add(day: m.day, source: m.source.map { Self.outlets[$0] })
            default: parts[2].add(day: m.day, sourceID: m.source.map { Self.outlets.count - 1 - $0 })
            }
        }
        var merged = FacetCounter(sourceNames: Self.outlets)
        for p in parts.reversed() { merged.merge(p) }
        #expect(merged.facets() == whole.facets())
        #expect(merged.total == matches.count)
    }

    @Test func emptyAndEdgeInputs() {
        let empty = FacetCounter()
        #expect(empty.facets() == Facets())
        #expect(empty.monthly.isEmpty && empty.yearly.isEmpty)

        var c = FacetCounter(sourceNames: ["中国网"])
        c.add(day: DateFilter.days(fromISO: "2024-12-31"), sourceID: 7)  // unknown id: no source
        c.add(day: DateFilter.days(fromISO: "1999-01-01"), sourceID: -1)
        c.add(day: DateFilter.days(fromISO: "2025-01-01"), source: "")
        c.add(day: nil, sourceID: 0)
        c.add(day: .max, sourceID: 0)  // beyond 9999-12-31: not a date
        c.add(day: .min, sourceID: 0)
        let f = c.facets()
        #expect(f.total == 6 && f.undated == 3 && f.withoutSource == 3)
        #expect(f.years == [.init(label: "1999", count: 1), .init(label: "2024", count: 1), .init(label: "2025", count: 1)])
        #expect(f.months.map(\.label) == ["1999-01", "2024-12", "2025-01"])
        #expect(f.sources == [.init(label: "中国网", count: 3)])
        #expect(c.facets(monthLimit: 0, sourceLimit: 0).months.isEmpty)
        #expect(c.facets(monthLimit: -3, sourceLimit: -1).otherSources == 3)
    }
}
