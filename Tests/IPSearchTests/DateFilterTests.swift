import Testing
@testable import IPSearch

@Suite struct DateFilterTests {
    static func day(_ iso: String) -> Int32 { DateFilter.days(fromISO: iso) ?? .min }

    // MARK: Day numbers

    /// Hand-counted: 30 years with 7 leap days to 2000; 2024-01-01 is 54 × 365 + 13 = 19723.
    @Test func dayNumbersOfKnownDates() {
        #expect(DateFilter.days(fromISO: "1970-01-01") == 0)
        #expect(DateFilter.days(fromISO: "1969-12-31") == -1)
        #expect(DateFilter.days(fromISO: "2000-01-01") == 10957)
        #expect(DateFilter.days(fromISO: "2024-02-29") == 19782)  // 19723 + 31 + 28
        #expect(DateFilter.days(fromISO: "2025-04-24") == 20202)  // 19723 + 366 + 31 + 28 + 31 + 23
        #expect(DateFilter.days(fromISO: "0001-01-01") == -719_162)
        #expect(DateFilter.iso(days: 0) == "1970-01-01")
        #expect(DateFilter.iso(days: 19782) == "2024-02-29")
        #expect(DateFilter.iso(days: -719_162) == "0001-01-01")
        #expect(DateFilter.year(of: 19782) == 2024)
        #expect(DateFilter.yearMonth(of: 19782) == YearMonth(year: 2024, month: 2))
        #expect(DateFilter.yearMonth(of: 19782).label == "2024-02")
    }

    /// Walking day by day from 1899 to 2101, the calendar advances exactly as the month lengths say
    /// (century rule: 1900 and 2100 are not leap years, 2000 is), and every day round-trips.
    @Test func consecutiveDaysFollowTheCalendar() throws {
        var (y, m, d) = (1899, 1, 1)
        var n = try #require(DateFilter.days(year: 1899, month: 1, day: 1))
        while y < 2102 {
            let c = DateFilter.civil(days: n)
            #expect(c.year == y && c.month == m && c.day == d, "day \(n)")
            let iso = DateFilter.iso(days: n)
            #expect(DateFilter.days(fromISO: iso) == n)
            let monthLength = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            d += 1
            if d > monthLength { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
            n += 1
        }
        #expect(DateFilter.daysInMonth(year: 1900, month: 2) == 28)
        #expect(DateFilter.daysInMonth(year: 2000, month: 2) == 29)
        #expect(DateFilter.daysInMonth(year: 2100, month: 2) == 28)
    }

    @Test(arguments: ["2024-2-29", "2023-02-29", "2024-13-01", "20240101", "24-01-01", "", "2024-01-01T00:00", "१९७०-01-01"])
    func isoParsingIsStrict(_ text: String) {
        // Only exactly YYYY-MM-DD of a real date; everything else is nil (the filter parser is lenient).
        #expect(DateFilter.days(fromISO: text) == nil)
    }

    // MARK: Absolute bounds

    @Test func partialDatesCoverTheirWholePeriod() throws {
        func since(_ v: String) throws -> String { DateFilter.iso(days: try DateFilter.parse(v, option: "--since", bound: .start, today: 0)) }
        func until(_ v: String) throws -> String { DateFilter.iso(days: try DateFilter.parse(v, option: "--until", bound: .end, today: 0)) }
        #expect(try since("2024") == "2024-01-01")
        #expect(try until("2024") == "2024-12-31")
        #expect(try since("2024-06") == "2024-06-01")
        #expect(try until("2024-06") == "2024-06-30")
        #expect(try until("2024-02") == "2024-02-29")
        #expect(try until("2023-02") == "2023-02-28")
        #expect(try until("2100-02") == "2100-02-28")
        #expect(try until("2000-02") == "2000-02-29")
        #expect(try until("2024-12") == "2024-12-31")
        #expect(try until("2024-04") == "2024-04-30")
        #expect(try since("2024-02-29") == "2024-02-29")
        #expect(try until("2024-02-29") == "2024-02-29")
        // Lenient forms.
        #expect(try since("2024-6") == "2024-06-01")
        #expect(try until("2024/6/5") == "2024-06-05")
        #expect(try until("2024.06.05") == "2024-06-05")
        #expect(try since("20240605") == "2024-06-05")
        #expect(try since(" 2024-06-05 ") == "2024-06-05")
    }

    @Test(arguments: ["2024-13", "2024-00", "2023-02-29", "2024-04-31", "2024-06-00", "24", "202", "0000",
                      "2024-", "2024-06-", "2024--06", "2024-06-30x", "abc", "2024年6月", "2024-123",
                      "2024-06-30-01", "12x", "d", "-30d", "99999999d", "9999999y", "", "  "])
    func invalidValuesNameTheOptionAndTheValue(_ value: String) {
        do {
            _ = try DateFilter.parse(value, option: "--until", bound: .end, today: 20000)
            Issue.record("\(value) accepted")
        } catch {
            #expect(error == .invalid(option: "--until", value: value))
            #expect(error.description.hasPrefix("--until: '\(value)' is not a date"))
            #expect(error.description.contains("YYYY-MM-DD"))
        }
    }

    @Test func errorDescriptionsSayWhatIsWrong() {
        #expect(DateFilterError.invalid(option: "--since", value: "2024-13").description
            == "--since: '2024-13' is not a date: month 13 is out of range 1-12. "
            + "Use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024, 2024-06, 2024-06-30), or a time back from today: 30d, 12m, 2y.")
        #expect(DateFilterError.invalid(option: "since", value: "2023-02-29").description.contains("2023-02 has 28 days"))
        #expect(DateFilterError.invalid(option: "--since", value: "24").description.contains("the year needs 4 digits"))
        #expect(DateFilterError.invalid(option: "--since", value: "").description.contains("it is empty"))
    }

    // MARK: Relative bounds

    @Test func relativeValuesCountBackFromToday() throws {
        func back(_ v: String, from today: String) throws -> String {
            DateFilter.iso(days: try DateFilter.parse(v, option: "--since", bound: .start, today: Self.day(today)))
        }
        #expect(try back("30d", from: "2024-03-31") == "2024-03-01")
        #expect(try back("0d", from: "2024-03-31") == "2024-03-31")
        #expect(try back("365d", from: "2025-03-01") == "2024-03-01")
        #expect(try back("366d", from: "2025-03-01") == "2024-02-29")
        #expect(try back("2w", from: "2024-03-01") == "2024-02-16")
        #expect(try back("1m", from: "2024-03-31") == "2024-02-29")
        #expect(try back("1m", from: "2023-03-31") == "2023-02-28")
        #expect(try back("13m", from: "2024-03-31") == "2023-02-28")
        #expect(try back("12m", from: "2024-02-29") == "2023-02-28")
        #expect(try back("1y", from: "2024-02-29") == "2023-02-28")
        #expect(try back("4y", from: "2024-02-29") == "2020-02-29")
        #expect(try back("2y", from: "2025-04-24") == "2023-04-24")
        #expect(try back("3m", from: "2025-01-15") == "2024-10-15")
        #expect(try back("30D", from: "2024-03-31") == "2024-03-01")
        // The same value as an upper bound is the same day.
        #expect(try DateFilter.parse("12m", option: "--until", bound: .end, today: Self.day("2024-02-29")) == Self.day("2023-02-28"))
    }

    // MARK: The filter

    @Test func filterBoundsAreInclusiveAndLeaveOutUndatedDocuments() throws {
        let f = try DateFilter(since: "2024", until: "2024-06", today: Self.day("2025-01-01"))
        #expect(f.since == Self.day("2024-01-01") && f.until == Self.day("2024-06-30"))
        #expect(f.isActive)
        #expect(!f.contains(Self.day("2023-12-31")))
        #expect(f.contains(Self.day("2024-01-01")))
        #expect(f.contains(Self.day("2024-06-30")))
        #expect(!f.contains(Self.day("2024-07-01")))
        #expect(!f.contains(nil))

        let none = try DateFilter(since: nil, until: "", today: 0)
        #expect(!none.isActive)
        #expect(none.contains(nil) && none.contains(Self.day("1999-01-01")))

        let open = try DateFilter(since: "2024-02-29", until: nil, today: 0)
        #expect(!open.contains(Self.day("2024-02-28")) && open.contains(Self.day("9999-12-31")))
    }

    @Test func reversedRangeIsAnError() {
        #expect(throws: DateFilterError.emptyRange(since: "2025-01-01", until: "2024-12-31")) {
            try DateFilter(since: "2025", until: "2024", today: 0)
        }
        // One day is not empty.
        #expect((try? DateFilter(since: "2024-02-29", until: "2024-02-29", today: 0)) != nil)
    }

    @Test func errorsNameTheOptionGiven() {
        #expect(throws: DateFilterError.invalid(option: "since", value: "2024-13")) {
            try DateFilter(since: "2024-13", until: "2025", today: 0, options: ("since", "until"))
        }
        #expect(throws: DateFilterError.invalid(option: "--until", value: "last week")) {
            try DateFilter(since: "2024", until: "last week", today: 0)
        }
    }
}
