import IPSearchAnalysis

/// A parsed query: every group must match (AND); a group matches when any of its parts does (OR);
/// no excluded part may match. A query of more than `strictGroups` groups (a pasted line or
/// paragraph) is read as "most should match": a document qualifies when it contains at least half
/// of the groups, and documents with more of them rank first.
///
/// Syntax (also in README and `ipsearch --help`):
/// - `地理标志` — a contiguous string: matches wherever it occurs in a document's normalized text
///   (any script the analyzer folds, wherever ICU cut the document).
/// - `专利 浙江` — space-separated parts must all match.
/// - `"deep seek"` — an exact sequence, spaces and Latin included.
/// - `-北京` / `-"deep seek"` — excludes documents that match. A `-` is an exclusion only at the
///   start of a piece and followed by a quote, a Han character or at least two letters; anything
///   else (`uname -m`, `-2`, `Layer-1`, `2023-2025`) is text.
/// - `专利 OR 商标` — alternatives.
/// Latin is case-insensitive; full-width and Traditional forms fold like in documents.
public struct Query: Sendable, Equatable {
    public var text: String
    public var groups: [[QueryPart]]
    public var excluded: [QueryPart]
    /// What query assistance added (alternatives are also in `groups`, with their origin).
    public var expansions: [Expansion] = []

    /// Queries longer than this (in characters) are refused.
    public static let maxLength = 1_000
    /// Up to this many groups every group must match; above it, most should match.
    public static let strictGroups = 4

    /// All positive parts, in query order (alternatives from query assistance included).
    public var positiveParts: [QueryPart] { groups.flatMap { $0 } }

    /// The parts the user typed.
    public var literalParts: [QueryPart] { groups.flatMap { $0.filter { $0.origin == .literal } } }

    /// How many groups a document must match to qualify (before the partial fallback).
    public var minimumGroups: Int {
        groups.count <= Query.strictGroups ? groups.count : (groups.count + 1) / 2
    }
}

/// One contiguous piece of a query, normalized by the document analyzer.
public struct QueryPart: Sendable, Equatable, Hashable {
    /// As the user typed it (without quotes or `-`).
    public var text: String
    /// Normalized text (NFKC, case folding, Traditional→Simplified, pinyin stripped).
    public var normalized: [UInt16]
    /// The runs of word characters inside `normalized`: offset and code points.
    public var runs: [QueryRun]
    /// Punctuation and symbols of `normalized` outside the runs (the `%` of `7.2%`, the brackets of
    /// `(PCT)`): each must stand at its offset (a mark term, see `Analyzer`). Punctuation inside a
    /// run (the `.` of `7.2`) is already spelled by the run's grams.
    public var marks: [QueryMark] = []
    /// Written in quotes.
    public var quoted: Bool = false
    /// Typed by the user, or added by query assistance as an alternative of a typed part.
    public var origin: Origin = .literal

    public enum Origin: String, Sendable, Hashable {
        case literal, synonym, pinyin
    }
    /// Characters between this part's searchable text and the next part's in the query (spaces and
    /// the punctuation trimmed from both): how far apart the two stand in the pasted text.
    public var gapAfter: Int = 1
    /// Normalized units of punctuation trimmed before and after the searchable text.
    var trimmedBefore = 0
    var trimmedAfter = 0

    public var displayText: String { String(decoding: normalized, as: UTF16.self) }
}

public struct QueryRun: Sendable, Equatable, Hashable {
    /// UTF-16 offset of the run inside the part's normalized text.
    public var offset: Int
    public var scalars: [UInt32]
    /// The run's normalized UTF-16 units.
    public var units: [UInt16]
    /// A space follows the run inside the part (a quoted phrase): the document's run must end
    /// there too, so `"deep seek"` matches `deep seek` and `deep-seek` but not `deepxseek`.
    public var endsBeforeSpace: Bool = false

    /// The UTF-16 offset (inside the part) of each code point of the run.
    var scalarOffsets: [Int32] {
        var offsets: [Int32] = []
        offsets.reserveCapacity(scalars.count)
        var o = Int32(offset)
        for s in scalars {
            offsets.append(o)
            o += s >= 0x10000 ? 2 : 1
        }
        return offsets
    }
}

/// A punctuation or symbol code point of a query part and its UTF-16 offset inside the part.
public struct QueryMark: Sendable, Equatable, Hashable {
    public var offset: Int
    public var scalar: UInt32

    /// The normalized UTF-16 units of the mark.
    var units: [UInt16] { Array(String(Character(Unicode.Scalar(scalar) ?? " ")).utf16) }
}

/// Why a query was refused; `description` tells the user what to do.
public enum QueryError: Error, Equatable, CustomStringConvertible {
    case empty
    case noSearchableText(String)
    case unbalancedQuote
    case tooLong(Int)
    case danglingOr
    case onlyExclusions

    public var description: String {
        switch self {
        case .empty: return "the query is empty: give some text to search for, e.g. ipsearch 地理标志"
        case .noSearchableText(let q): return "the query \"\(q)\" has no letters, digits or Chinese characters to search for"
        case .unbalancedQuote: return "the query has an unbalanced quote (\"): close the quoted phrase"
        case .tooLong(let n): return "the query is \(n) characters long; the limit is \(Query.maxLength)"
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

        // Lex into items: (text, quoted, negated, where it starts and ends) and OR markers.
        enum Item { case part(String, quoted: Bool, negated: Bool, start: Int, end: Int), or }
        var items: [Item] = []
        var chars = Array(text)
        // ASCII and full-width double quotes delimit phrases; Chinese curly quotes (“”) are text, as
        // they are in pasted sentences (a pasted piece often holds only one of them).
        chars = chars.map { $0 == "＂" ? "\"" : $0 }
        var i = 0
        while i < chars.count {
            if chars[i].isWhitespace { i += 1; continue }
            let start = i
            var negated = false
            if chars[i] == "-" || chars[i] == "－", isExclusion(chars, after: i) {
                negated = true
                i += 1
            }
            if chars[i] == "\"" {
                guard let close = chars[(i + 1)...].firstIndex(of: "\"") else { throw .unbalancedQuote }
                items.append(.part(String(chars[(i + 1)..<close]), quoted: true, negated: negated, start: start, end: close + 1))
                i = close + 1
                continue
            }
            var j = i
            while j < chars.count, !chars[j].isWhitespace, chars[j] != "\"" { j += 1 }
            let word = String(chars[i..<j])
            if word == "OR" && !negated { items.append(.or) } else {
                items.append(.part(word, quoted: false, negated: negated, start: start, end: j))
            }
            i = j
        }

        var groups: [[QueryPart]] = []
        var excluded: [QueryPart] = []
        var joinNext = false
        var sawSearchable = false
        var previous: (index: (Int, Int), end: Int)?
        for (k, item) in items.enumerated() {
            switch item {
            case .or:
                guard k > 0, k + 1 < items.count, case .part(_, _, false, _, _) = items[k - 1],
                      case .part(_, _, false, _, _) = items[k + 1] else {
                    throw .danglingOr
                }
                joinNext = true
            case .part(let raw, let quoted, let negated, let start, let end):
                guard let part = QueryPart(raw, quoted: quoted, analyzer: analyzer) else { joinNext = false; continue }
                sawSearchable = true
                if negated {
                    excluded.append(part)
                } else {
                    if joinNext, !groups.isEmpty {
                        groups[groups.count - 1].append(part)
                    } else {
                        groups.append([part])
                    }
                    let here = (groups.count - 1, groups[groups.count - 1].count - 1)
                    if let previous {
                        // Spaces between the pieces plus the punctuation trimmed off both.
                        let before = groups[previous.index.0][previous.index.1]
                        let gap = max(0, start - previous.end) + before.trimmedAfter + part.trimmedBefore
                        groups[previous.index.0][previous.index.1].gapAfter = gap
                    }
                    previous = (here, end)
                }
                joinNext = false
            }
        }
        if !sawSearchable { throw .noSearchableText(text) }
        if groups.isEmpty { throw .onlyExclusions }
        return Query(text: text, groups: groups, excluded: excluded)
    }

    /// The query with query assistance's alternatives added to the groups of the parts they
    /// expand (pinyin readings and synonyms found in the index; `assistant` decides).
    public func expanded(with assistant: QueryAssistant, analyzer: Analyzer) -> Query {
        var result = self
        for g in groups.indices {
            for part in groups[g] where part.origin == .literal {
                for e in assistant.expansions(of: part.text) {
                    var added: [String] = []
                    for alt in e.with {
                        guard var alternative = QueryPart(alt, analyzer: analyzer) else { continue }
                        alternative.origin = e.kind == .pinyin ? .pinyin : .synonym
                        if result.groups[g].contains(where: { $0.normalized == alternative.normalized }) { continue }
                        result.groups[g].append(alternative)
                        added.append(alt)
                    }
                    if !added.isEmpty { result.expansions.append(Expansion(part: e.part, with: added, kind: e.kind)) }
                }
            }
        }
        return result
    }

    /// Whether the `-` at `i` starts an exclusion: at the start of a piece, followed by a quote, a
    /// Han character, or at least two letters (`-北京`, `-"deep seek"`, `-deepseek`); never `-m`,
    /// `-2` or `--`.
    static func isExclusion(_ chars: [Character], after i: Int) -> Bool {
        guard i + 1 < chars.count else { return false }
        let next = chars[i + 1]
        if next == "\"" { return true }
        if let scalar = next.unicodeScalars.first, Script.isHan(scalar.value) { return true }
        var letters = 0
        var j = i + 1
        while j < chars.count, !chars[j].isWhitespace {
            guard chars[j].isLetter else { return false }
            letters += 1
            j += 1
        }
        return letters >= 2
    }
}

extension QueryPart {
    /// The part `raw` (a piece between spaces, or a quoted phrase's text) as the index is searched
    /// for it: its runs, and its punctuation as marks. Spaces and other characters that are neither
    /// are trimmed from both ends. nil when nothing searchable is left: no letters, digits or
    /// Chinese characters, unless `quoted` keeps a phrase that is only punctuation (`"%"`); an
    /// unquoted piece that is only punctuation (a `—` between words of a pasted line) drops out.
    init?(_ raw: String, quoted: Bool = false, analyzer: Analyzer) {
        let folded = analyzer.normalizer.normalize(Array(raw.utf16))
        let partRuns: [Range<Int>]
        if let whole = Analyzer.singleRun(folded) {
            partRuns = [whole]
        } else {
            partRuns = analyzer.analyze(normalized: folded).runs
        }
        let units = folded.units
        // Marks: punctuation and symbols outside the runs.
        var markRanges: [(Range<Int>, UInt32)] = []
        units.withUnsafeBufferPointer { u in
            var i = 0, r = 0
            while i < u.count {
                let (c, len) = Analysis.scalar(u, at: i, limit: u.count)
                while r < partRuns.count && partRuns[r].upperBound <= i { r += 1 }
                let inRun = r < partRuns.count && partRuns[r].contains(i)
                if !inRun && Analysis.isMark(c) { markRanges.append((i..<(i + len), c)) }
                i += len
            }
        }
        if partRuns.isEmpty && (!quoted || markRanges.isEmpty) { return nil }
        // Trim to the first..last run or mark.
        let base = min(partRuns.first?.lowerBound ?? Int.max, markRanges.first?.0.lowerBound ?? Int.max)
        let end = max(partRuns.last?.upperBound ?? 0, markRanges.last?.0.upperBound ?? 0)
        trimmedBefore = base
        trimmedAfter = folded.count - end
        text = raw
        self.quoted = quoted
        normalized = Array(units[base..<end])
        let markStarts = Set(markRanges.map(\.0.lowerBound))
        runs = partRuns.map { r in
            var scalars: [UInt32] = []
            for s in String(decoding: units[r], as: UTF16.self).unicodeScalars { scalars.append(s.value) }
            var run = QueryRun(offset: r.lowerBound - base, scalars: scalars, units: Array(units[r]))
            // Inside the part, after the run: neither a run (runs are maximal) nor a mark, so a space.
            run.endsBeforeSpace = r.upperBound < end && !markStarts.contains(r.upperBound)
            return run
        }
        marks = markRanges.map { QueryMark(offset: $0.0.lowerBound - base, scalar: $0.1) }
    }
}
