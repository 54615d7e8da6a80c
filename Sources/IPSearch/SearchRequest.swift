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
        public var description: String { reason.hasPrefix(parameter) ? reason : "\(parameter) \(value.debugDescription): \(reason)" }
    }

    /// Fills `options` from the request; `today` is the day number relative dates count back from.
    public func apply(to options: inout SearchOptions, spelling: Spelling, today: Int32) throws(Invalid) {
        do {
            let dates = try DateFilter(since: since, until: until, today: today,
                                       options: (spelling.name("since"), spelling.name("until")))
            options.since = dates.since
            options.until = dates.until
        } catch {
            switch error {
            case .invalid(let option, let value):
                throw Invalid(parameter: option, value: value, reason: error.description)
            case .emptyRange:
                throw Invalid(parameter: spelling.name("until"), value: until ?? "", reason: error.description)
            }
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
    public static var today: Int32 { DateFilter.today() }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
