import IPSearchIndex

/// The filter, sort and page parameters of a search as a client spells them, checked in one place
/// for the command line (`--since 2024`) and HTTP (`since=2024`): the same values mean the same
/// thing, and a bad value is the same error naming the parameter.
public struct SearchRequest: Sendable {
    public var since: String?
    public var until: String?
    public var sources: [String] = []
    public var sort: String?

    public init(since: String? = nil, until: String? = nil, sources: [String] = [], sort: String? = nil) {
        self.since = since
        self.until = until
        self.sources = sources
        self.sort = sort
    }

    /// How each surface names a parameter (`--since` or `since`).
    public enum Spelling: Sendable {
        case commandLine, http

        func name(_ p: String) -> String { self == .commandLine ? "--" + p : p }
    }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        /// The parameter as the client wrote it (`--since`, `until`).
        public var parameter: String
        public var value: String
        public var reason: String
        public var description: String { "\(parameter) \(value.debugDescription): \(reason)" }
    }

    /// Fills `options` from the request; `today` is the day number relative dates count back from.
    public func apply(to options: inout SearchOptions, spelling: Spelling, today: Int32) throws(Invalid) {
        if let since {
            options.since = try DateBound.parse(since, end: false, today: today, parameter: spelling.name("since"))
        }
        if let until {
            options.until = try DateBound.parse(until, end: true, today: today, parameter: spelling.name("until"))
        }
        if let s = options.since, let u = options.until, s > u {
            throw Invalid(parameter: spelling.name("until"), value: until ?? "",
                          reason: "ends before \(spelling.name("since")) \(DayNumber.iso(s)) begins")
        }
        for s in sources {
            let key = SourceKey.fold(s.trimmingSpaces())
            guard !key.isEmpty else {
                throw Invalid(parameter: spelling.name("source"), value: s, reason: "is empty; give an outlet name such as 中国网")
            }
            options.sources.append(key)
        }
        if let sort {
            guard let order = SortOrder(rawValue: sort) else {
                throw Invalid(parameter: spelling.name("sort"), value: sort, reason: "must be relevance, newest or oldest")
            }
            options.sort = order
        }
    }

    /// Today's day number (UTC).
    public static var today: Int32 {
        Int32(clamping: Int((System.wallClock() / 86_400).rounded(.down)))
    }
}

/// A date bound: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a `since` bound starts the period, an `until`
/// bound ends it: `--until 2024-06` is 2024-06-30), or relative `30d`, `12m`, `2y` back from today.
public enum DateBound {
    public static func parse(_ value: String, end: Bool, today: Int32, parameter: String) throws(SearchRequest.Invalid) -> Int32 {
        let v = value.trimmingSpaces()
        func bad(_ reason: String) -> SearchRequest.Invalid {
            SearchRequest.Invalid(parameter: parameter, value: value, reason: reason)
        }
        let expected = "expected YYYY, YYYY-MM, YYYY-MM-DD or a relative 30d, 12m, 2y"
        let u = Array(v.utf8)
        guard !u.isEmpty else { throw bad(expected) }
        if let unit = u.last, unit == UInt8(ascii: "d") || unit == UInt8(ascii: "m") || unit == UInt8(ascii: "y") {
            let digits = u.dropLast()
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let n = Int(String(decoding: digits, as: UTF8.self)) else { throw bad(expected) }
            var (y, m, d) = DayNumber.civil(today)
            switch unit {
            case UInt8(ascii: "d"): return today - Int32(n)
            case UInt8(ascii: "m"):
                let months = y * 12 + (m - 1) - n
                y = months / 12; m = months % 12 + 1
            default: y -= n
            }
            d = min(d, DayNumber.daysIn(month: m, year: y))
            return Int32(DayNumber.from(year: y, month: m, day: d))
        }
        let pieces = v.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count),
              pieces.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
              pieces[0].count == 4, pieces.dropFirst().allSatisfy({ $0.count == 2 }) else { throw bad(expected) }
        let year = Int(pieces[0])!
        guard (1...9999).contains(year) else { throw bad("the year is out of range") }
        if pieces.count == 1 {
            return Int32(end ? DayNumber.from(year: year, month: 12, day: 31) : DayNumber.from(year: year, month: 1, day: 1))
        }
        let month = Int(pieces[1])!
        guard (1...12).contains(month) else { throw bad("there is no month \(pieces[1])") }
        if pieces.count == 2 {
            let day = end ? DayNumber.daysIn(month: month, year: year) : 1
            return Int32(DayNumber.from(year: year, month: month, day: day))
        }
        let day = Int(pieces[2])!
        guard day >= 1, day <= DayNumber.daysIn(month: month, year: year) else {
            throw bad("\(pieces[0])-\(pieces[1]) has no day \(pieces[2])")
        }
        return Int32(DayNumber.from(year: year, month: month, day: day))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
