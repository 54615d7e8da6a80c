/// Counts of matching documents (or groups) by year, by month and by source.
///
/// `years`: every year with matches, oldest first. `months`: the last `monthLimit` (24) months that
/// have matches, oldest first. `sources`: the `sourceLimit` (20) sources with the most matches, ties
/// by name; `otherSources` counts the matches of the sources left out. Undated matches (and dates
/// outside the years 1–9999) and matches without a source are counted apart, so each list sums, with
/// its "none" count, to `total`.
public struct Facets: Equatable, Sendable {
    public struct Bucket: Equatable, Sendable {
        public var label: String
        public var count: Int

        public init(label: String, count: Int) {
            self.label = label
            self.count = count
        }
    }

    public var total: Int = 0
    public var years: [Bucket] = []
    public var months: [Bucket] = []
    public var sources: [Bucket] = []
    public var undated: Int = 0
    public var withoutSource: Int = 0
    /// Matches whose source is not among `sources` (beyond the top `sourceLimit`).
    public var otherSources: Int = 0

    public init() {}
}

/// Accumulates facet counts one matching document at a time.
///
/// ```swift
/// var counter = FacetCounter()
/// for doc in matches { counter.add(day: doc.dateDays, source: doc.source) }
/// let facets = counter.facets()          // years, last 24 months, top 20 sources
/// ```
///
/// Adding costs one array increment for the date and, for the source, one dictionary update by
/// name, or one array increment by `sourceID` (an index into `sourceNames`, for indexes that number
/// their sources). Sources are counted by exact string: pass them already folded to one spelling
/// (`中國網` and `中国网` are one source only if the caller gives both as `中国网`).
public struct FacetCounter: Sendable {
    public static let defaultMonthLimit = 24
    public static let defaultSourceLimit = 20

    /// Counts per month, indexed by `YearMonth.index - firstMonth`.
    private var monthCounts: [Int] = []
    private var firstMonth = 0
    private var byName: [String: Int] = [:]
    private var byID: [Int]
    public let sourceNames: [String]
    public private(set) var total = 0
    public private(set) var undated = 0
    public private(set) var withoutSource = 0
    /// The month index of recent day numbers, direct-mapped by the day's low bits (`monthCacheSize`
    /// consecutive days never collide): a year of hits converts each distinct day once.
    private var monthCache: [(day: Int32, month: Int32)] = []
    private static let monthCacheSize = 4096

    /// `sourceNames`: the names that `add(day:sourceID:)` ids refer to.
    public init(sourceNames: [String] = []) {
        self.sourceNames = sourceNames
        byID = [Int](repeating: 0, count: sourceNames.count)
    }

    /// Counts one match dated `day` (a day number, see `DateFilter`) from `source`.
    public mutating func add(day: Int32?, source: String?) {
        addDate(day)
        if let source, !source.isEmpty { byName[source, default: 0] += 1 } else { withoutSource += 1 }
    }

    /// Counts one match whose source is `sourceNames[sourceID]` (nil or out of range: no source).
    public mutating func add(day: Int32?, sourceID: Int?) {
        addDate(day)
        if let id = sourceID, id >= 0, id < byID.count { byID[id] += 1 } else { withoutSource += 1 }
    }

    /// Adds another counter's counts (e.g. of another segment or thread). Ids are taken as referring
    /// to the same `sourceNames`: counters over different name tables should count by name instead.
    public mutating func merge(_ other: FacetCounter) {
        total += other.total
        undated += other.undated
        withoutSource += other.withoutSource
        for (i, c) in other.monthCounts.enumerated() where c > 0 {
            addMonth(other.firstMonth + i, count: c)
        }
        for (name, c) in other.byName { byName[name, default: 0] += c }
        if other.sourceNames == sourceNames {
            for (i, c) in other.byID.enumerated() { byID[i] += c }
        } else {
            for (i, c) in other.byID.enumerated() where c > 0 { byName[other.sourceNames[i], default: 0] += c }
        }
    }

    @inline(__always)
    private mutating func addDate(_ day: Int32?) {
        total += 1
        guard let day, day >= DateFilter.minimumDay, day <= DateFilter.maximumDay else {
            undated += 1
            return
        }
        if monthCache.isEmpty { monthCache = Array(repeating: (Int32.min, 0), count: Self.monthCacheSize) }
        let slot = Int(day) & (Self.monthCacheSize - 1)
        if monthCache[slot].day != day { monthCache[slot] = (day, Int32(DateFilter.yearMonth(of: day).index)) }
        addMonth(Int(monthCache[slot].month), count: 1)
    }

    private mutating func addMonth(_ month: Int, count: Int) {
        if monthCounts.isEmpty {
            firstMonth = month
            monthCounts = [0]
        } else if month < firstMonth {
            monthCounts.insert(contentsOf: repeatElement(0, count: firstMonth - month), at: 0)
            firstMonth = month
        } else if month - firstMonth >= monthCounts.count {
            monthCounts.append(contentsOf: repeatElement(0, count: month - firstMonth - monthCounts.count + 1))
        }
        monthCounts[month - firstMonth] += count
    }

    /// Every month with matches and its count, oldest first (what `TimelineChart` draws).
    public var monthly: [(month: YearMonth, count: Int)] {
        monthCounts.enumerated().compactMap { i, c in c > 0 ? (YearMonth(index: firstMonth + i), c) : nil }
    }

    /// Every year with matches and its count, oldest first.
    public var yearly: [(year: Int, count: Int)] {
        var out: [(year: Int, count: Int)] = []
        for (month, c) in monthly {
            if let last = out.last, last.year == month.year {
                out[out.count - 1].count += c
            } else {
                out.append((month.year, c))
            }
        }
        return out
    }

    /// Counts by source name, merged over names and ids.
    public var sourceCounts: [String: Int] {
        var all = byName
        for (i, c) in byID.enumerated() where c > 0 { all[sourceNames[i], default: 0] += c }
        return all
    }

    public func facets(monthLimit: Int = defaultMonthLimit, sourceLimit: Int = defaultSourceLimit) -> Facets {
        var f = Facets()
        f.total = total
        f.undated = undated
        f.withoutSource = withoutSource
        f.years = yearly.map { Facets.Bucket(label: DateFilter.pad4($0.year), count: $0.count) }
        f.months = monthly.suffix(max(0, monthLimit)).map { Facets.Bucket(label: $0.month.label, count: $0.count) }
        let ranked = sourceCounts.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }
        let kept = ranked.prefix(max(0, sourceLimit))
        f.sources = kept.map { Facets.Bucket(label: $0.key, count: $0.value) }
        f.otherSources = ranked.dropFirst(kept.count).reduce(0) { $0 + $1.value }
        return f
    }
}
