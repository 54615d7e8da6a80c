import IPSearch

/// What the search page shows, as it is written in its URL: `/?q=地理标志&since=2024&sort=newest&page=2`.
///
/// The page's JavaScript reads and writes the same parameters (`q`, `since`, `until`, `source`
/// repeatable, `sort`, `page`), so a URL shared or reloaded shows the same results with or without it.
public struct PageState: Equatable, Sendable {
    public static let pageSize = 10
    /// The API's offset limit (100,000) divided by the page size, plus the first page.
    public static let maxPage = 10_001
    public static let sorts = ["relevance", "newest", "oldest"]

    public var q = ""
    public var since = ""
    public var until = ""
    public var sources: [String] = []
    public var sort = "relevance"
    public var page = 1

    public init(q: String = "", since: String = "", until: String = "", sources: [String] = [], sort: String = "relevance", page: Int = 1) {
        self.q = q
        self.since = since
        self.until = until
        self.sources = sources
        self.sort = sort
        self.page = page
    }

    /// Reads a query string (`a=1&b=%E4%B8%AD+x`; `+` is a space, as browsers send forms). Lenient:
    /// unknown names are ignored, a bad sort or page falls back to the default, empty values are unset.
    public init(query: String?) {
        for (name, value) in FormEncoding.decode(query ?? "") {
            let value = value.trimmingSpaces()
            switch name {
            case "q": q = value
            case "since": since = value
            case "until": until = value
            case "source": if !value.isEmpty, !sources.contains(value) { sources.append(value) }
            case "sort": if Self.sorts.contains(value) { sort = value }
            case "page": if let n = Int(value) { page = max(1, min(n, Self.maxPage)) }
            default: break
            }
        }
    }

    /// Parameters in a canonical order, defaults left out.
    public var parameters: [(String, String)] {
        var p: [(String, String)] = []
        if !q.isEmpty { p.append(("q", q)) }
        if !since.isEmpty { p.append(("since", since)) }
        if !until.isEmpty { p.append(("until", until)) }
        for s in sources { p.append(("source", s)) }
        if sort != "relevance" { p.append(("sort", sort)) }
        if page > 1 { p.append(("page", String(page))) }
        return p
    }

    /// `/` or `/?q=…` with the canonical parameters.
    public var url: String {
        let p = parameters
        return p.isEmpty ? "/" : "/?" + FormEncoding.encode(p)
    }

    /// True when a filter or sort is set (as opposed to a plain query and page).
    public var hasFilters: Bool { !since.isEmpty || !until.isEmpty || !sources.isEmpty || sort != "relevance" }

    public var offset: Int { (page - 1) * Self.pageSize }

    /// The options for a server-side search of this state (filters checked like `GET /search`'s).
    public func searchOptions() throws(SearchRequest.Invalid) -> SearchOptions {
        var options = SearchOptions(limit: Self.pageSize, offset: offset)
        options.facets = true
        try SearchRequest(since: since.isEmpty ? nil : since, until: until.isEmpty ? nil : until, sources: sources,
                          sort: sort).apply(to: &options, spelling: .http, today: SearchRequest.today)
        return options
    }
}

/// `application/x-www-form-urlencoded`, the encoding of URL query strings written by forms.
public enum FormEncoding {
    /// Pairs in order; a name without `=` has the value "". Bad escapes are kept as they are, bytes
    /// that are not UTF-8 become U+FFFD: a page shows what it can rather than failing.
    public static func decode(_ query: String) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (decodeComponent(pair[..<eq]), decodeComponent(pair[pair.index(after: eq)...]))
            }
            return (decodeComponent(pair[...]), "")
        }
    }

    static func decodeComponent(_ s: Substring) -> String {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `name=value&…`, every byte but the unreserved ones percent-encoded (space as `%20`).
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    /// Percent-encodes all but `A-Z a-z 0-9 - . _ ~` (and `/` when `keepSlash`, for paths).
    public static func percentEncode(_ s: String, keepSlash: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a URL path component strictly enough for ids: `%XX` escapes, `+` left as it is.
    public static func decodePath(_ s: Substring) -> String {
        decodeComponent(Substring(s.replacingPlus()))
    }
}

extension StringProtocol {
    /// Without leading and trailing white space.
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// `+` as `%2B`, so `decodeComponent` keeps it (paths do not encode spaces as `+`).
    fileprivate func replacingPlus() -> String {
        var out = ""
        for c in self { if c == "+" { out += "%2B" } else { out.append(c) } }
        return out
    }
}
