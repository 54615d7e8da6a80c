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
/// ## Threads
/// An analyzer is per-thread state: it owns one ICU break iterator (opened on first need) and reuses
/// its buffers, so it must never be used from two threads at once. It is `Sendable` only so that an
/// owner can hand it to the one thread that uses it (the indexer's workers, the search service's
/// pool, which lends each analyzer to one request at a time); `@unchecked` because the compiler
/// cannot check that hand-over discipline. `Normalizer` and `SpamFilter` are truly immutable and
/// may be shared freely.
public final class Analyzer: @unchecked Sendable {
    public let normalizer = Normalizer()
    private var _segmenter: Segmenter?

    /// ICU's word break iterator is opened on first need: a one-word query never needs it, and
    /// opening it costs a cold `ipsearch <query>` about 1.5 ms. (The initializer still `throws` so
    /// callers keep handling ICU problems at construction if it ever checks eagerly again.)
    public init() throws(AnalysisError) {}

    var segmenter: Segmenter {
        if let s = _segmenter { return s }
        // init proved the iterator opens; failing now would mean ICU's data vanished mid-run.
        guard let s = try? Segmenter() else { fatalError(AnalysisError.icuUnavailable("word break iterator").description) }
        _segmenter = s
        return s
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
            let (starts, ends) = segmenter.words(units)
            analysis.wordStarts = Array(starts)
            analysis.wordEnds = Array(ends)
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

    @inline(__always)
    static func scalar(_ u: UnsafeBufferPointer<UInt16>, at i: Int, limit: Int) -> (UInt32, Int) {
        let a = u[i]
        if UTF16.isLeadSurrogate(a), i + 1 < limit, UTF16.isTrailSurrogate(u[i + 1]) {
            return (0x10000 + ((UInt32(a) - 0xD800) << 10) + (UInt32(u[i + 1]) - 0xDC00), 2)
        }
        return (UInt32(a), 1)
    }

    /// Words, then grams, as tokens.
    public var tokens: [Token] {
        var result: [Token] = []
        for k in wordStarts.indices {
            let r = Int(wordStarts[k])..<Int(wordEnds[k])
            result.append(Token(
                term: String(decoding: normalized.units[r], as: UTF16.self), kind: .word,
                position: r.lowerBound, source: normalized.sourceRange(of: r)))
        }
        for k in grams.indices {
            let g = Gram(key: grams[k])
            let p = Int(gramPositions[k])
            let width = (g.first >= 0x10000 ? 2 : 1) + (g.second == 0 ? 0 : (g.second >= 0x10000 ? 2 : 1))
            result.append(Token(
                term: g.description, kind: .gram, position: p,
                source: normalized.sourceRange(of: p..<(p + width))))
        }
        return result
    }
}

/// A term with where it came from.
public struct Token: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case word, gram }
    /// The normalized text of the term.
    public var term: String
    public var kind: Kind
    /// Normalized UTF-16 offset of the term's first character.
    public var position: Int
    /// The range of the **original** text (UTF-16 offsets) the term came from.
    public var source: Range<Int>

    public var description: String { "\(term)@\(position)[\(source.lowerBound),\(source.upperBound))" }
}
