import IPSearchAnalysis

/// A parsed query: every group must match (AND); a group matches when any of its parts does (OR);
/// no excluded part may match.
///
/// Syntax (also in README and `ipsearch --help`):
/// - `地理标志` — a contiguous string: matches wherever it occurs in a document's normalized text
///   (any script the analyzer folds, wherever ICU cut the document).
/// - `专利 浙江` — space-separated parts must all match.
/// - `"deep seek"` — an exact sequence, spaces and Latin included.
/// - `-北京` / `-"deep seek"` — excludes documents that match.
/// - `专利 OR 商标` — alternatives.
/// Latin is case-insensitive; full-width and Traditional forms fold like in documents.
public struct Query: Sendable, Equatable {
    public var text: String
    public var groups: [[QueryPart]]
    public var excluded: [QueryPart]

    /// Queries longer than this (in characters) are refused.
    public static let maxLength = 256
    /// At most this many parts.
    public static let maxParts = 16

    /// All positive parts, in query order.
    public var positiveParts: [QueryPart] { groups.flatMap { $0 } }
}

/// One contiguous piece of a query, normalized by the document analyzer.
public struct QueryPart: Sendable, Equatable, Hashable {
    /// As the user typed it (without quotes or `-`).
    public var text: String
    /// Normalized text (NFKC, case folding, Traditional→Simplified, pinyin stripped).
    public var normalized: [UInt16]
    /// The runs of word characters inside `normalized`: offset and code points. Punctuation between
    /// runs only fixes their distance.
    public var runs: [QueryRun]

    public var displayText: String { String(decoding: normalized, as: UTF16.self) }
}

public struct QueryRun: Sendable, Equatable, Hashable {
    /// UTF-16 offset of the run inside the part's normalized text.
    public var offset: Int
    public var scalars: [UInt32]
    /// The run's normalized UTF-16 units.
    public var units: [UInt16]
}

/// Why a query was refused; `description` tells the user what to do.
public enum QueryError: Error, Equatable, CustomStringConvertible {
    case empty
    case noSearchableText(String)
    case unbalancedQuote
    case tooLong(Int)
    case tooManyParts(Int)
    case danglingOr
    case onlyExclusions

    public var description: String {
        switch self {
        case .empty: return "the query is empty: give some text to search for, e.g. ipsearch 地理标志"
        case .noSearchableText(let q): return "the query \"\(q)\" has no letters, digits or Chinese characters to search for"
        case .unbalancedQuote: return "the query has an unbalanced quote (\"): close the quoted phrase"
        case .tooLong(let n): return "the query is \(n) characters long; the limit is \(Query.maxLength)"
        case .tooManyParts(let n): return "the query has \(n) parts; the limit is \(Query.maxParts)"
        case .danglingOr: return "OR must stand between two parts, e.g. 专利 OR 商标"
        case .onlyExclusions: return "the query only excludes (-part): add something to search for"
        }
    }
}

extension Query {
    /// Parses `text` with `analyzer` (the same analyzer that indexed the documents).
    public static func parse(_ text: String, analyzer: Analyzer) throws(QueryError) -> Query {
        let length = text.count
        if length > maxLength { throw .tooLong(length) }
        if text.allSatisfy(\.isWhitespace) { throw .empty }

        // Lex into items: (text, quoted, negated) and OR markers.
        enum Item { case part(String, quoted: Bool, negated: Bool), or }
        var items: [Item] = []
        var chars = Array(text)
        chars = chars.map { $0 == "“" || $0 == "”" || $0 == "＂" ? "\"" : $0 }
        var i = 0
        while i < chars.count {
            if chars[i].isWhitespace { i += 1; continue }
            var negated = false
            if chars[i] == "-" || chars[i] == "－", i + 1 < chars.count, !chars[i + 1].isWhitespace {
                negated = true
                i += 1
            }
            if chars[i] == "\"" {
                guard let close = chars[(i + 1)...].firstIndex(of: "\"") else { throw .unbalancedQuote }
                items.append(.part(String(chars[(i + 1)..<close]), quoted: true, negated: negated))
                i = close + 1
                continue
            }
            var j = i
            while j < chars.count, !chars[j].isWhitespace, chars[j] != "\"" { j += 1 }
            let word = String(chars[i..<j])
            if word == "OR" && !negated { items.append(.or) } else { items.append(.part(word, quoted: false, negated: negated)) }
            i = j
        }

        var groups: [[QueryPart]] = []
        var excluded: [QueryPart] = []
        var joinNext = false
        var sawSearchable = false
        var partCount = 0
        for (k, item) in items.enumerated() {
            switch item {
            case .or:
                guard k > 0, k + 1 < items.count, case .part(_, _, false) = items[k - 1], case .part(_, _, false) = items[k + 1] else {
                    throw .danglingOr
                }
                joinNext = true
            case .part(let raw, _, let negated):
                partCount += 1
                if partCount > maxParts { throw .tooManyParts(partCount) }
                guard let part = QueryPart(raw, analyzer: analyzer) else { joinNext = false; continue }
                sawSearchable = true
                if negated {
                    excluded.append(part)
                } else if joinNext, !groups.isEmpty {
                    groups[groups.count - 1].append(part)
                } else {
                    groups.append([part])
                }
                joinNext = false
            }
        }
        if !sawSearchable { throw .noSearchableText(text) }
        if groups.isEmpty { throw .onlyExclusions }
        return Query(text: text, groups: groups, excluded: excluded)
    }
}

extension QueryPart {
    /// nil when `raw` holds nothing searchable (only punctuation or spaces).
    init?(_ raw: String, analyzer: Analyzer) {
        let folded = analyzer.normalizer.normalize(Array(raw.utf16))
        let partRuns: [Range<Int>]
        if let whole = Analyzer.singleRun(folded) {
            partRuns = [whole]
        } else {
            partRuns = analyzer.analyze(normalized: folded).runs
        }
        guard let first = partRuns.first else { return nil }
        let units = folded.units
        // Trim to the first..last run: punctuation around the part does not constrain anything.
        let base = first.lowerBound
        let end = partRuns.last!.upperBound
        text = raw
        normalized = Array(units[base..<end])
        runs = partRuns.map { r in
            var scalars: [UInt32] = []
            for s in String(decoding: units[r], as: UTF16.self).unicodeScalars { scalars.append(s.value) }
            return QueryRun(offset: r.lowerBound - base, scalars: scalars, units: Array(units[r]))
        }
    }
}
