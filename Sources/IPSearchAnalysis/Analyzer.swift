/// The one analysis pipeline, used for documents and queries alike: normalize → segment → terms.
///
/// ## What it produces
/// - **Words** (ICU word break segments of the normalized text): the units of ranking. A document's
///   length for BM25 is its number of words.
/// - **Runs**: maximal stretches of adjacent words (`3072亿元` is one run of two words; a space or a
///   punctuation mark ends a run).
/// - **Grams**: for every code point of a run, the gram of it and the next code point of the run, or
///   the code point alone at the run's end. Each gram's *position* is the normalized UTF-16 offset of its
///   first code point.
/// - **Marks**: every punctuation or symbol code point (Unicode categories P* and S*) of the normalized
///   text, inside a run (the `.` of `7.2`) or not (the `%` after it), as a term of its own
///   (`Gram.mark`) at its offset. Grams alone would let `7.2%` match `137.2亿元` and `"(PCT)"` match
///   `;PCT国`: marks make punctuation in a query count (see `Query`). Spaces are not marks.
///
/// ## Why grams guarantee exact recall
/// Let a query be any contiguous substring `q = c₀…cₖ` of a run of a document's normalized text,
/// starting at offset `p`. Every code point of a run starts exactly one gram at its own offset, so the
/// document holds the gram `cᵢcᵢ₊₁` at `p + offset(cᵢ)` for every `i < k`, and for `k = 0` some gram
/// starting with `c₀` at `p`. Looking those grams up at those relative offsets therefore finds `q` at
/// `p` — whether ICU cut the document's run inside `q`, around it, or not at all (`标志` in `地理标志`,
/// `押融` in `质押融资`, a lone `浙`). Conversely a match of all of `q`'s grams at consistent offsets
/// spells `q` in the document, so there are no false matches. A query spanning several runs
/// (`"deep seek"`) is matched run by run at the runs' relative offsets.
///
/// Punctuation obeys the same argument with marks: a query's punctuation outside its runs is looked
/// up as marks at their offsets, and since every punctuation code point of a document is a mark,
/// wherever ICU cut, a query is found exactly where its normalized text stands in the document's.
///
/// ## Threads
/// An analyzer is per-thread state: it owns one ICU break iterator (opened on first need) and reuses
/// its buffers, so it must never be used from two threads at once, and it is deliberately not
/// `Sendable`. Each thread makes its own (the indexer gives every worker one); a pool that lends
/// analyzers to one request at a time (`SearchService`) hands them over under its own lock.
/// `Normalizer` and `SpamFilter` are truly immutable and may be shared freely.
///
/// ## When ICU cannot segment
/// If ICU's word break iterator cannot be opened (its data library missing), or fails on one text,
/// the analyzer does not
/// stop: every maximal stretch of letters, digits and marks counts as one word. Grams, and so exact
/// recall, do not depend on where words are cut; only BM25's word counts are coarser. The iterator
/// is tried again on the next text.
public final class Analyzer {
    public let normalizer = Normalizer()
    private var _segmenter: Segmenter?

    /// ICU's word break iterator is opened on first need: a one-word query never needs it, and
    /// opening it costs a cold `ipsearch <query>` about 1.5 ms. An ICU failure is handled per text
    /// (above), so creating an analyzer cannot fail.
    public init() {}

    /// ICU's word break iterator, opened on first need; nil when ICU cannot open it.
    var segmenter: Segmenter? {
        if let s = _segmenter { return s }
        _segmenter = try? Segmenter()
        return _segmenter
    }

    /// The runs of `normalized` when it is made only of letters, digits and marks (no spaces or
    /// punctuation): then ICU's word rules make it one run, and a query can skip loading ICU's
    /// dictionaries (about 1.5 ms on a cold start). nil when segmentation is needed.
    public static func singleRun(_ normalized: NormalizedText) -> Range<Int>? {
        guard normalized.count > 0 else { return nil }
        for scalar in normalized.string.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .decimalNumber,
                 .nonspacingMark, .spacingMark:
                continue
            default:
                return nil
            }
        }
        return 0..<normalized.count
    }

    public func analyze(_ text: String) -> Analysis {
        analyze(utf16: Array(text.utf16))
    }

    public func analyze(utf16 source: [UInt16]) -> Analysis {
        let normalized = normalizer.normalize(source)
        return analyze(normalized: normalized)
    }

    public func analyze(normalized: NormalizedText) -> Analysis {
        var analysis = Analysis(normalized: normalized)
        normalized.units.withUnsafeBufferPointer { units in
            if let segmenter, let (starts, ends) = segmenter.words(units) {
                analysis.wordStarts = Array(starts)
                analysis.wordEnds = Array(ends)
            } else {
                (analysis.wordStarts, analysis.wordEnds) = Analysis.letterRuns(units)
            }
            analysis.makeRunsAndGrams(units)
        }
        return analysis
    }

    /// Words and grams of `text` as tokens with their original ranges (for tests and tools; the
    /// indexer reads `Analysis` directly).
    public func tokens(_ text: String) -> [Token] {
        analyze(text).tokens
    }
}

/// The result of analysing one text.
public struct Analysis: Sendable {
    public let normalized: NormalizedText
    /// Normalized UTF-16 ranges of the words.
    public internal(set) var wordStarts: [Int32] = []
    public internal(set) var wordEnds: [Int32] = []
    /// Normalized UTF-16 ranges of the runs of adjacent words.
    public internal(set) var runs: [Range<Int>] = []
    /// Gram keys (see `Gram`) and their positions, in text order.
    public internal(set) var grams: [UInt64] = []
    public internal(set) var gramPositions: [Int32] = []
    /// Mark keys (`Gram.mark`) of the punctuation and symbols, and their positions, in text order.
    public internal(set) var marks: [UInt64] = []
    public internal(set) var markPositions: [Int32] = []

    init(normalized: NormalizedText) { self.normalized = normalized }

    public var wordCount: Int { wordStarts.count }

    mutating func makeRunsAndGrams(_ units: UnsafeBufferPointer<UInt16>) {
        var runStart = -1
        var runEnd = -1
        for k in wordStarts.indices {
            let s = Int(wordStarts[k]), e = Int(wordEnds[k])
            if s == runEnd {
                runEnd = e
            } else {
                if runStart >= 0 { runs.append(runStart..<runEnd) }
                runStart = s
                runEnd = e
            }
        }
        if runStart >= 0 { runs.append(runStart..<runEnd) }

        var i = 0
        while i < units.count {
            let (c, len) = Analysis.scalar(units, at: i, limit: units.count)
            if Analysis.isMark(c) {
                marks.append(Gram.mark(c).key)
                markPositions.append(Int32(truncatingIfNeeded: i))
            }
            i += len
        }

        grams.reserveCapacity(units.count)
        gramPositions.reserveCapacity(units.count)
        for run in runs {
            var i = run.lowerBound
            var (c, len) = Analysis.scalar(units, at: i, limit: run.upperBound)
            while true {
                let next = i + len
                if next >= run.upperBound {
                    grams.append(Gram(c, 0).key)
                    gramPositions.append(Int32(i))
                    break
                }
                let (d, dlen) = Analysis.scalar(units, at: next, limit: run.upperBound)
                grams.append(Gram(c, d).key)
                gramPositions.append(Int32(i))
                i = next
                c = d
                len = dlen
            }
        }
    }

    /// Whether `c` is punctuation or a symbol (general category P* or S*): a mark (see `Analyzer`).
    @inline(__always)
    public static func isMark(_ c: UInt32) -> Bool {
        if c < 0x80 {
            // ASCII punctuation and symbols: !"#$%&'()*+,-./ :;<=>?@ [\]^_` {|}~
            return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E)
        }
        if c >= 0x3400 && c < 0xA000 { return false }  // Han, the bulk of a Chinese text
        switch Unicode.Scalar(c)?.properties.generalCategory {
        case .connectorPunctuation?, .dashPunctuation?, .openPunctuation?, .closePunctuation?,
             .initialPunctuation?, .finalPunctuation?, .otherPunctuation?,
             .mathSymbol?, .currencySymbol?, .modifierSymbol?, .otherSymbol?:
            return true
        default:
            return false
        }
    }

    /// Words without ICU: every maximal stretch of letters, digits and marks (see `Analyzer`).
    static func letterRuns(_ units: UnsafeBufferPointer<UInt16>) -> (starts: [Int32], ends: [Int32]) {
        var starts: [Int32] = [], ends: [Int32] = []
        var i = 0, start = -1
        while i < units.count {
            let (c, len) = scalar(units, at: i, limit: units.count)
            let isWordScalar: Bool
            switch Unicode.Scalar(c)?.properties.generalCategory {
            case .uppercaseLetter?, .lowercaseLetter?, .titlecaseLetter?, .modifierLetter?, .otherLetter?,
                 .decimalNumber?, .letterNumber?, .otherNumber?, .nonspacingMark?, .spacingMark?, .enclosingMark?:
                isWordScalar = true
            default:
                isWordScalar = false
            }
            if isWordScalar && start < 0 { start = i }
            if !isWordScalar && start >= 0 {
                starts.append(Int32(truncatingIfNeeded: start)); ends.append(Int32(truncatingIfNeeded: i))
                start = -1
            }
            i += len
        }
        if start >= 0 { starts.append(Int32(truncatingIfNeeded: start)); ends.append(Int32(truncatingIfNeeded: units.count)) }
        return (starts, ends)
    }

    /// The code point starting at `u[i]` and its length in units (the standard library's UTF-16
    /// decoder); a lone surrogate stands for itself, one unit long.
    @inline(__always)
    public static func scalar(_ u: UnsafeBufferPointer<UInt16>, at i: Int, limit: Int) -> (UInt32, Int) {
        let a = u[i]
        guard UTF16.isLeadSurrogate(a) else { return (UInt32(a), 1) }
        var units = u[i..<min(limit, i + 2)].makeIterator()
        var parser = UTF16.ForwardParser()
        if case .valid(let encoded) = parser.parseScalar(from: &units) {
            return (UTF16.decode(encoded).value, encoded.count)
        }
        return (UInt32(a), 1)
    }

    /// Words, then grams, then marks, as tokens.
    public var tokens: [Token] {
        var result: [Token] = []
        for k in wordStarts.indices {
            let r = Int(wordStarts[k])..<Int(wordEnds[k])
            result.append(Token(
                term: String(decoding: normalized.units[r], as: UTF16.self), kind: .word,
                utf16Offset: r.lowerBound, source: normalized.sourceRange(of: r)))
        }
        for k in grams.indices {
            let g = Gram(key: grams[k])
            let p = Int(gramPositions[k])
            let width = (g.first >= 0x10000 ? 2 : 1) + (g.second == 0 ? 0 : (g.second >= 0x10000 ? 2 : 1))
            result.append(Token(
                term: g.description, kind: .gram, utf16Offset: p,
                source: normalized.sourceRange(of: p..<(p + width))))
        }
        for k in marks.indices {
            let p = Int(markPositions[k])
            let c = Gram(key: marks[k]).second
            result.append(Token(
                term: String(Character(Unicode.Scalar(c) ?? "?")), kind: .mark, utf16Offset: p,
                source: normalized.sourceRange(of: p..<(p + (c >= 0x10000 ? 2 : 1)))))
        }
        return result
    }
}

/// A term with where it came from.
public struct Token: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case word, gram, mark }
    /// The normalized text of the term.
    public var term: String
    public var kind: Kind
    /// Offset, in UTF-16 code units of the normalized text, of the term's first character (the
    /// index's positions are these offsets).
    public var utf16Offset: Int
    /// The range of the **original** text (UTF-16 offsets) the term came from.
    public var source: Range<Int>

    public var description: String { "\(term)@\(utf16Offset)[\(source.lowerBound),\(source.upperBound))" }
}
