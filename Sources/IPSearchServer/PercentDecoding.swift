/// Strict percent-decoding of request targets.
///
/// Hummingbird's `queryParameters` falls back to the raw text when decoding fails and does not turn
/// `+` into a space; we need both errors reported (400 invalid_encoding) and form semantics, so the
/// query string and the document id are decoded here.
enum PercentDecoding {
    enum Failure: Error, Equatable {
        /// `%` not followed by two hex digits, at this UTF-8 offset.
        case badEscape(offset: Int)
        /// The decoded bytes are not UTF-8.
        case invalidUTF8
    }

    /// Decodes `%XX` escapes (and `+` as a space when `plusAsSpace`), then validates UTF-8.
    ///
    /// A raw request target arrives as a `String` already: bytes that were not UTF-8 on the wire are
    /// U+FFFD by now, so a U+FFFD in the raw text counts as invalid UTF-8 too.
    static func decode(_ raw: Substring, plusAsSpace: Bool) throws(Failure) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        let utf8 = Array(raw.utf8)
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < utf8.count,
                      let hi = hexValue(utf8[i + 1]), let lo = hexValue(utf8[i + 2]) else {
                    throw .badEscape(offset: i)
                }
                bytes.append(hi << 4 | lo)
                i += 3
            } else if b == UInt8(ascii: "+") && plusAsSpace {
                bytes.append(UInt8(ascii: " "))
                i += 1
            } else {
                bytes.append(b)
                i += 1
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self), !s.unicodeScalars.contains("\u{FFFD}") else {
            throw .invalidUTF8
        }
        return s
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The parameters of a query string (`application/x-www-form-urlencoded`), decoded strictly.
struct QueryParameters: Equatable {
    private(set) var values: [String: [String]] = [:]

    /// Parses `a=1&b=%E4%B8%AD&c`; a name without `=` has the value "". Throws 400 invalid_encoding
    /// for a bad `%` escape or bytes that are not UTF-8.
    init(_ query: String?) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let (rawName, rawValue): (Substring, Substring)
            if let eq = pair.firstIndex(of: "=") {
                rawName = pair[..<eq]
                rawValue = pair[pair.index(after: eq)...]
            } else {
                rawName = pair
                rawValue = ""
            }
            let name = try Self.decode(rawName, what: "parameter name")
            let value = try Self.decode(rawValue, what: "value of \(name)")
            values[name, default: []].append(value)
        }
    }

    private static func decode(_ raw: Substring, what: String) throws(APIError) -> String {
        do { return try PercentDecoding.decode(raw, plusAsSpace: true) } catch {
            switch error {
            case .badEscape:
                throw APIError.invalidEncoding("the \(what) in the query string has an invalid percent-escape (% must be followed by two hex digits): \(raw.prefix(64))")
            case .invalidUTF8:
                throw APIError.invalidEncoding("the \(what) in the query string is not valid UTF-8 once percent-decoded")
            }
        }
    }

    /// The one value of `name`; nil when absent; 400 when given more than once.
    func single(_ name: String) throws(APIError) -> String? {
        guard let v = values[name] else { return nil }
        guard v.count == 1 else { throw APIError.invalidParameter("\(name) is given \(v.count) times; give it once") }
        return v[0]
    }

    /// Every value of a repeatable parameter (`source=a&source=b`).
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// An integer parameter in `range`, `defaultValue` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws(APIError) -> Int {
        guard let text = try single(name) else { return defaultValue }
        guard let n = Int(text), range.contains(n) else {
            let shown = text.count > 32 ? String(text.prefix(32)) + "…" : text
            let bounds = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "between \(range.lowerBound) and \(range.upperBound)"
            throw APIError.invalidParameter("\(name) must be an integer \(bounds), not \"\(shown)\"")
        }
        return n
    }

    /// `true`/`false`/`1`/`0` (an empty value, as in `?explain`, means true).
    func boolean(_ name: String, default defaultValue: Bool) throws(APIError) -> Bool {
        guard let text = try single(name) else { return defaultValue }
        switch text.lowercased() {
        case "", "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.invalidParameter("\(name) must be true or false, not \"\(text.prefix(32))\"")
        }
    }
}
