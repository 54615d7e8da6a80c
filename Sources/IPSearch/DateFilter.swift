#if canImport(Glibc)
import Glibc
#endif
import IPSearchIndex

/// A bad `--since` / `--until` value (or the HTTP `since` / `until` parameter), naming the option.
public enum DateFilterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `value` is not a date this option accepts.
    case invalid(option: String, value: String)
    /// Both bounds are valid but the range is empty (`--since 2025 --until 2024`).
    case emptyRange(since: String, until: String)

    public var description: String {
        switch self {
        case .invalid(let option, let value):
            return "\(option): '\(value)' is not a date: \(DateFilter.diagnose(value)). "
                + "Use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024, 2024-06, 2024-06-30), "
                + "or a time back from today: 30d, 12m, 2y."
        case .emptyRange(let since, let until):
            return "the date range is empty: since \(since) is after until \(until)."
        }
    }
}

/// An inclusive range of days for filtering documents by date, and the date arithmetic the archive
/// features share. Dates are **day numbers**: days since 1970-01-01 (proleptic Gregorian), as Int32.
///
/// ```swift
/// let today = DateFilter.days(fromISO: "2025-04-24")!
/// let f = try DateFilter(since: "2024", until: "2024-06", today: today)
/// DateFilter.iso(days: f.since!)   // "2024-01-01"
/// DateFilter.iso(days: f.until!)   // "2024-06-30"
/// f.contains(DateFilter.days(fromISO: "2024-02-29"))   // true
/// f.contains(nil)                                      // false: a date filter leaves out undated documents
/// ```
///
/// Accepted values: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (month and day may have one digit; `/` and `.`
/// separate as well as `-`; `YYYYMMDD` too). A partial date covers its whole period: as a lower bound
/// it starts on the period's first day, as an upper bound it ends on the period's last day. Relative
/// values count back from `today`: `30d` (30 days before today), `12m` (the same day 12 months
/// earlier, clamped to the month's end: 03-31 − 1m = 02-29 or 02-28), `2y` (02-29 − 1y = 02-28).
public struct DateFilter: Equatable, Sendable {
    /// First day included, or nil for no lower bound.
    public var since: Int32?
    /// Last day included, or nil for no upper bound.
    public var until: Int32?

    public init(since: Int32? = nil, until: Int32? = nil) {
        self.since = since
        self.until = until
    }

    /// Parses both bounds (either may be nil or empty: no bound). `options` name the bounds in errors.
    public init(
        since: String?, until: String?, today: Int32,
        options: (since: String, until: String) = ("--since", "--until")
    ) throws(DateFilterError) {
        var s: Int32?
        var u: Int32?
        if let since, !since.isEmpty { s = try DateFilter.parse(since, option: options.since, bound: .start, today: today) }
        if let until, !until.isEmpty { u = try DateFilter.parse(until, option: options.until, bound: .end, today: today) }
        if let s, let u, s > u {
            throw .emptyRange(since: DateFilter.iso(days: s), until: DateFilter.iso(days: u))
        }
        self.init(since: s, until: u)
    }

    /// Whether the filter restricts anything.
    public var isActive: Bool { since != nil || until != nil }

    /// Whether a document dated `day` passes. Undated documents pass only when the filter is inactive.
    @inline(__always)
    public func contains(_ day: Int32?) -> Bool {
        guard let day else { return !isActive }
        if let since, day < since { return false }
        if let until, day > until { return false }
        return true
    }

    /// Which end of a period a partial date stands for.
    public enum Bound: Sendable { case start, end }

    /// The day number of one `--since` (`.start`) or `--until` (`.end`) value.
    public static func parse(_ value: String, option: String, bound: Bound, today: Int32) throws(DateFilterError) -> Int32 {
        let text = value.trimmingASCIISpaces()
        if let d = relative(text, today: today) ?? absolute(text, bound: bound) { return d }
        throw .invalid(option: option, value: value)
    }

    // MARK: Parsing

    /// `30d`, `12m`, `2y` (case-insensitive) back from `today`.
    static func relative(_ text: String, today: Int32) -> Int32? {
        let u = Array(text.utf8)
        guard u.count >= 2, u.count <= 8, let unit = u.last, let n = digits(u.dropLast()) else { return nil }
        switch unit | 0x20 {
        case UInt8(ascii: "d"):
            return checked(Int(today) - n)
        case UInt8(ascii: "w"):
            return checked(Int(today) - 7 * n)
        case UInt8(ascii: "m"), UInt8(ascii: "y"):
            let c = civil(days: today)
            let months = c.year * 12 + (c.month - 1) - (unit | 0x20 == UInt8(ascii: "y") ? 12 * n : n)
            let year = months >= 0 ? months / 12 : (months - 11) / 12
            let month = months - year * 12 + 1
            guard year >= 1 else { return nil }
            return days(year: year, month: month, day: min(c.day, daysInMonth(year: year, month: month)))
        default:
            return nil
        }
    }

    /// `YYYY`, `YYYY-M[M]`, `YYYY-M[M]-D[D]` (separators `-` `/` `.`), `YYYYMMDD`.
    static func absolute(_ text: String, bound: Bound) -> Int32? {
        let u = Array(text.utf8)
        var fields: [ArraySlice<UInt8>]
        if u.count == 8, u.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            fields = [u[0..<4], u[4..<6], u[6..<8]]
        } else {
            fields = u.split(omittingEmptySubsequences: false) { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") }
        }
        guard (1...3).contains(fields.count), fields[0].count == 4, let year = digits(fields[0]), year >= 1 else { return nil }
        var month = bound == .start ? 1 : 12
        if fields.count >= 2 {
            guard (1...2).contains(fields[1].count), let m = digits(fields[1]), (1...12).contains(m) else { return nil }
            month = m
        }
        var day = bound == .start ? 1 : daysInMonth(year: year, month: month)
        if fields.count == 3 {
            guard (1...2).contains(fields[2].count), let d = digits(fields[2]),
                  (1...daysInMonth(year: year, month: month)).contains(d) else { return nil }
            day = d
        }
        return days(year: year, month: month, day: day)
    }

    /// A short reason why `value` is not a date (for error messages).
    static func diagnose(_ value: String) -> String {
        let text = value.trimmingASCIISpaces()
        if text.isEmpty { return "it is empty" }
        let u = Array(text.utf8)
        if let last = u.last, [UInt8(ascii: "d"), UInt8(ascii: "w"), UInt8(ascii: "m"), UInt8(ascii: "y")].contains(last | 0x20),
           digits(u.dropLast()) != nil {
            return "the time back from today is too large"
        }
        let fields = u.split(omittingEmptySubsequences: false) { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") }
        guard fields.count <= 3, fields.allSatisfy({ digits($0) != nil }) else { return "unexpected characters" }
        guard fields[0].count == 4, let year = digits(fields[0]), year >= 1 else { return "the year needs 4 digits" }
        guard fields.count >= 2 else { return "unexpected characters" }
        guard fields[1].count <= 2, let month = digits(fields[1]), (1...12).contains(month) else {
            return "month \(String(decoding: fields[1], as: UTF8.self)) is out of range 1-12"
        }
        guard fields.count == 3 else { return "unexpected characters" }
        return "\(String(decoding: fields[0], as: UTF8.self))-\(pad2(month)) has \(daysInMonth(year: year, month: month)) days"
    }

    /// The value of 1 to 6 ASCII digits, else nil.
    static func digits(_ s: ArraySlice<UInt8>) -> Int? {
        guard !s.isEmpty, s.count <= 6 else { return nil }
        var n = 0
        for c in s {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(c - UInt8(ascii: "0"))
        }
        return n
    }

    static func checked(_ day: Int) -> Int32? {
        guard day >= Int(minimumDay), day <= Int(Int32.max) else { return nil }
        return Int32(day)
    }

    /// 0001-01-01 and 9999-12-31: the range of dates accepted.
    public static let minimumDay: Int32 = -719_162
    public static let maximumDay: Int32 = 2_932_896

    // MARK: Day numbers

    // The calendar arithmetic itself lives in `DayNumber` (the index stores dates as day numbers).

    public static func isLeapYear(_ year: Int) -> Bool { DayNumber.isLeap(year) }

    public static func daysInMonth(year: Int, month: Int) -> Int { DayNumber.daysIn(month: month, year: year) }

    /// The day number of a valid date (year 1…9999), else nil.
    public static func days(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= daysInMonth(year: year, month: month) else { return nil }
        return Int32(DayNumber.from(year: year, month: month, day: day))
    }

    /// The day number of `YYYY-MM-DD` (exactly that form), else nil.
    public static func days(fromISO text: String) -> Int32? { DayNumber.from(iso: text) }

    /// Year, month (1–12) and day (1–31) of a day number.
    public static func civil(days: Int32) -> (year: Int, month: Int, day: Int) { DayNumber.civil(days) }

    /// `YYYY-MM-DD` of a day number.
    public static func iso(days: Int32) -> String { DayNumber.iso(days) }

    public static func year(of days: Int32) -> Int { civil(days: days).year }

    public static func yearMonth(of days: Int32) -> YearMonth {
        let c = civil(days: days)
        return YearMonth(year: c.year, month: c.month)
    }

    /// Today's day number in UTC.
    public static func today() -> Int32 {
        Int32(truncatingIfNeeded: Int(time(nil)) / 86_400)
    }

    static func pad2(_ n: Int) -> String { n < 10 && n >= 0 ? "0\(n)" : "\(n)" }
    static func pad4(_ n: Int) -> String {
        guard n >= 0 else { return "\(n)" }
        let s = "\(n)"
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}

/// A calendar month, ordered in time; `label` is `YYYY-MM`.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// Months since year 0 (consecutive months have consecutive indices).
    public var index: Int { year * 12 + (month - 1) }

    public init(index: Int) {
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        self.init(year: y, month: index - y * 12 + 1)
    }

    public var label: String { "\(DateFilter.pad4(year))-\(DateFilter.pad2(month))" }
    public var description: String { label }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.index < b.index }
}

extension String {
    fileprivate func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
