/// A bar chart of matches over time, as lines of text for a terminal of a given width.
///
/// ```swift
/// let bars = TimelineChart.bars(monthly: counter.monthly)
/// for line in TimelineChart.render(bars, width: 80, unicode: true) { print(line) }
/// // 2023    3 ██████▍
/// // 2024   12 █████████████████████████▋
/// // 2025    0
/// ```
///
/// One bar per year, or per month when the matches span 24 months or less (two years); years or
/// months without matches inside the span are drawn as empty bars, so the time axis stays regular.
/// Each line is the label, the count right-aligned, and the bar, scaled so that the largest count fills
/// the rest of the width. Unicode bars are drawn in eighths of a cell (`█` and `▏▎▍▌▋▊▉`); ASCII bars
/// in whole `#` cells. A non-zero count always gets a visible bar.
public enum TimelineChart {
    public struct Bar: Equatable, Sendable {
        public var label: String
        public var count: Int

        public init(label: String, count: Int) {
            self.label = label
            self.count = count
        }
    }

    /// Matches spanning at most this many months are drawn per month.
    public static let maxMonthlySpan = 24

    /// The bars for per-month counts (any order; months may repeat: they are summed).
    public static func bars(monthly: [(month: YearMonth, count: Int)]) -> [Bar] {
        // Months of the years 1–9999 only (as dates are), so that the span stays small.
        let counted = monthly.filter { $0.count > 0 && (1...9999).contains($0.month.year) && (1...12).contains($0.month.month) }
        guard let first = counted.map(\.month.index).min(), let last = counted.map(\.month.index).max() else { return [] }
        if last - first + 1 <= maxMonthlySpan {
            var counts = [Int](repeating: 0, count: last - first + 1)
            for (m, c) in counted { counts[m.index - first] = saturatingSum(counts[m.index - first], c) }
            return counts.enumerated().map { Bar(label: YearMonth(index: first + $0.offset).label, count: $0.element) }
        }
        let firstYear = YearMonth(index: first).year, lastYear = YearMonth(index: last).year
        var counts = [Int](repeating: 0, count: lastYear - firstYear + 1)
        for (m, c) in counted { counts[m.year - firstYear] = saturatingSum(counts[m.year - firstYear], c) }
        return counts.enumerated().map { Bar(label: String(firstYear + $0.offset), count: $0.element) }
    }

    static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : s
    }

    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The chart's lines (no newlines), each at most `width` columns wide (but never less than the
    /// label, the count and one bar cell; widths above 10,000 count as 10,000). Counts are grouped by
    /// thousands with commas.
    public static func render(_ bars: [Bar], width: Int, unicode: Bool) -> [String] {
        guard !bars.isEmpty else { return [] }
        let width = Swift.min(Swift.max(width, 0), 10_000)
        let labelWidth = bars.map(\.label.count).max() ?? 0
        let counts = bars.map { formatCount($0.count) }
        let countWidth = counts.map(\.count).max() ?? 0
        let barWidth = max(1, width - labelWidth - 1 - countWidth - 1)
        let maxCount = bars.map(\.count).max() ?? 0
        var lines: [String] = []
        lines.reserveCapacity(bars.count)
        for (bar, countText) in zip(bars, counts) {
            var line = bar.label + String(repeating: " ", count: labelWidth - bar.label.count + 1)
            line += String(repeating: " ", count: countWidth - countText.count) + countText
            let drawn = draw(count: bar.count, max: maxCount, cells: barWidth, unicode: unicode)
            if !drawn.isEmpty { line += " " + drawn }
            lines.append(line)
        }
        return lines
    }

    /// One bar of `cells` × count / max cells (rounded to eighths or whole cells; at least the
    /// smallest step when count > 0).
    static func draw(count: Int, max maxCount: Int, cells: Int, unicode: Bool) -> String {
        guard count > 0, maxCount > 0, cells > 0 else { return "" }
        let steps = unicode ? 8 : 1
        let total = cells * steps
        // Rounded count × total / maxCount without overflow for any Int count (count ≤ maxCount).
        let exact = Double(count) / Double(maxCount) * Double(total)
        let n = Swift.min(total, Swift.max(1, Int(exact.rounded())))
        if !unicode { return String(repeating: "#", count: n) }
        var s = String(repeating: "█", count: n / 8)
        if n % 8 > 0 { s.append(eighths[n % 8 - 1]) }
        return s
    }

    /// `1234567` → `1,234,567`.
    static func formatCount(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}
