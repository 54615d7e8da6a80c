import Testing
@testable import IPSearch

@Suite struct TimelineTests {
    static func ym(_ label: String) -> YearMonth {
        let parts = label.split(separator: "-").compactMap { Int($0) }
        return YearMonth(year: parts[0], month: parts[1])
    }

    // MARK: Bars

    @Test func matchesWithinTwoYearsArePerMonthWithEmptyMonthsKept() {
        let bars = TimelineChart.bars(monthly: [(Self.ym("2024-11"), 2), (Self.ym("2024-09"), 5), (Self.ym("2025-02"), 1)])
        #expect(bars == [
            .init(label: "2024-09", count: 5), .init(label: "2024-10", count: 0), .init(label: "2024-11", count: 2),
            .init(label: "2024-12", count: 0), .init(label: "2025-01", count: 0), .init(label: "2025-02", count: 1),
        ])
        // Exactly 24 months: still monthly.
        #expect(TimelineChart.bars(monthly: [(Self.ym("2023-01"), 1), (Self.ym("2024-12"), 1)]).count == 24)
    }

    @Test func longerSpansArePerYear() {
        let bars = TimelineChart.bars(monthly: [
            (Self.ym("2022-12"), 4), (Self.ym("2025-01"), 1), (Self.ym("2023-03"), 3), (Self.ym("2023-07"), 5), (Self.ym("2024-01"), 0),
        ])
        #expect(bars == [.init(label: "2022", count: 4), .init(label: "2023", count: 8), .init(label: "2024", count: 0), .init(label: "2025", count: 1)])
        #expect(TimelineChart.bars(monthly: []).isEmpty)
        #expect(TimelineChart.bars(monthly: [(Self.ym("2024-01"), 0)]).isEmpty)
    }

    /// The bars of a FacetCounter's months.
    @Test func barsFromFacetCounter() {
        var counter = FacetCounter()
        for iso in ["2012-03-01", "2012-08-09", "2014-02-28", "2014-12-31", "2014-01-01"] {
            counter.add(day: DateFilter.days(fromISO: iso), source: nil)
        }
        counter.add(day: nil, source: nil)
        #expect(TimelineChart.bars(monthly: counter.monthly)
            == [.init(label: "2012", count: 2), .init(label: "2013", count: 0), .init(label: "2014", count: 3)])
    }

    // MARK: Rendering

    static let years: [TimelineChart.Bar] = [
        .init(label: "2022", count: 4), .init(label: "2023", count: 8), .init(label: "2024", count: 0), .init(label: "2025", count: 1),
    ]

    /// Width 30: "2022 4 " leaves 23 cells. 8 fills them; 4 is 23 × 8 / 2 = 92 eighths = 11 cells + ▌;
    /// 1 is 23 eighths = 2 cells + ▉.
    @Test func unicodeBarsInEighths() {
        #expect(TimelineChart.render(Self.years, width: 30, unicode: true) == [
            "2022 4 ███████████▌",
            "2023 8 ███████████████████████",
            "2024 0",
            "2025 1 ██▉",
        ])
    }

    /// ASCII: whole cells, rounded (11.5 → 12, 2.875 → 3).
    @Test func asciiBarsInWholeCells() {
        #expect(TimelineChart.render(Self.years, width: 30, unicode: false) == [
            "2022 4 ############",
            "2023 8 #######################",
            "2024 0",
            "2025 1 ###",
        ])
    }

    @Test(arguments: [20, 40, 80, 200], [true, false])
    func linesFitTheWidthAndTheLargestFillsIt(_ width: Int, _ unicode: Bool) {
        let bars = (0..<24).map { TimelineChart.Bar(label: YearMonth(index: 2023 * 12 + $0).label, count: ($0 * 37) % 101 * 13) }
        let lines = TimelineChart.render(bars, width: width, unicode: unicode)
        #expect(lines.count == bars.count)
        let longest = lines.map(\.count).max() ?? 0
        #expect(longest == width, "the largest count's line fills the width")
        for (line, bar) in zip(lines, bars) {
            #expect(line.hasPrefix(bar.label + " "))
            #expect(line.contains(" \(TimelineChart.formatCount(bar.count))"))
            let drawn = line.filter { "█▏▎▍▌▋▊▉#".contains($0) }
            #expect(drawn.isEmpty == (bar.count == 0))
            if !unicode { #expect(drawn.allSatisfy { $0 == "#" }) } else { #expect(!drawn.contains("#")) }
        }
        // Longer bars for larger counts.
        let lengths = zip(lines, bars).map { line, _ in line.filter { "█#".contains($0) }.count }
        for i in bars.indices { for j in bars.indices where bars[i].count > bars[j].count { #expect(lengths[i] >= lengths[j]) } }
    }

    @Test func countsAlignAndTinyWidthsStillDrawABar() {
        let bars: [TimelineChart.Bar] = [.init(label: "2024-01", count: 1_234_567), .init(label: "2024-02", count: 3)]
        #expect(TimelineChart.render(bars, width: 5, unicode: false) == ["2024-01 1,234,567 #", "2024-02         3 #"])
        #expect(TimelineChart.render(bars, width: 22, unicode: true) == ["2024-01 1,234,567 ████", "2024-02         3 ▏"])
        #expect(TimelineChart.render([], width: 80, unicode: true).isEmpty)
        // Absurd widths and counts: clamped, no trap.
        #expect(TimelineChart.render(bars, width: .min, unicode: true) == ["2024-01 1,234,567 █", "2024-02         3 ▏"])
        #expect(TimelineChart.render(bars, width: .max, unicode: false)[0].count == 10_000)
        #expect(TimelineChart.bars(monthly: [(YearMonth(year: 2024, month: 1), .max), (YearMonth(year: 2024, month: 1), 5),
                                             (YearMonth(year: 1_000_000, month: 1), 1), (YearMonth(year: 2024, month: 13), 1)])
            == [.init(label: "2024-01", count: .max)])
        #expect(TimelineChart.formatCount(0) == "0" && TimelineChart.formatCount(999) == "999" && TimelineChart.formatCount(1000) == "1,000")
    }
}
