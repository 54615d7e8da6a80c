import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Okapi BM25, the ranking function.
///
/// For a query part with `tf` occurrences in a document of `dl` words, in a collection of `N` live
/// documents of average length `avgdl` where `n` documents contain the part (in an AND of groups,
/// `n` is the least document frequency of the part's grams: `SnapshotSearcher.search`):
///
///     idf   = ln(1 + (N − n + 0.5) / (n + 0.5))
///     score = idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl))
///
/// A document's score is the sum over the query parts it contains. A part is counted as a phrase:
/// `tf` is the number of occurrences of the whole part (地理标志 counts 地理标志, not 地理 and 标志
/// separately); document length is measured in ICU words, the units of ranking.
public struct BM25: Sendable, Equatable {
    public let k1: Double
    public let b: Double

    /// Defaults as in Lucene and the literature: k1 = 1.2, b = 0.75.
    public init(k1: Double = 1.2, b: Double = 0.75) {
        precondition(k1.isFinite && k1 >= 0, "k1 must be a finite non-negative number")
        precondition(b >= 0 && b <= 1, "b must be in [0, 1]")
        self.k1 = k1
        self.b = b
    }

    public func idf(documents n: Int, containing df: Int) -> Double {
        log(1 + (Double(n - df) + 0.5) / (Double(df) + 0.5))
    }

    public func score(tf: Int, documentLength dl: Int, averageLength avgdl: Double, idf: Double) -> Double {
        score(tf: Double(tf), documentLength: dl, averageLength: avgdl, idf: idf)
    }

    /// With a weighted (real-valued) term frequency, as BM25F feeds it.
    public func score(tf t: Double, documentLength dl: Int, averageLength avgdl: Double, idf: Double) -> Double {
        let norm = avgdl > 0 ? 1 - b + b * Double(dl) / avgdl : 1
        return idf * t * (k1 + 1) / (t + k1 * norm)
    }

    /// `score` for many documents of one collection, with what depends only on the collection
    /// computed once: `k1 · norm` of a document from its length by one multiply-add, and a part's
    /// score from it by one division. The same formula as `score`, rounded in another order:
    /// bounds of `score` computed with it keep a margin far above the rounding.
    public struct Batch: Sendable {
        /// `k1 · (1 − b)` and `k1 · b / avgdl` (`k1` and 0 without an average length).
        let base: Double
        let slope: Double
        let k1Plus1: Double

        public init(_ bm25: BM25, averageLength avgdl: Double) {
            base = avgdl > 0 ? bm25.k1 * (1 - bm25.b) : bm25.k1
            slope = avgdl > 0 ? bm25.k1 * bm25.b / avgdl : 0
            k1Plus1 = bm25.k1 + 1
        }

        /// `k1 · norm` of a document of `dl` words.
        @inline(__always)
        public func lengthTerm(_ dl: Int) -> Double { base + slope * Double(dl) }

        /// The score of a (weighted) frequency `t` with `idf`, in a document whose `lengthTerm` is `lt`.
        @inline(__always)
        public func score(tf t: Double, lengthTerm lt: Double, idf: Double) -> Double {
            idf * k1Plus1 * t / (t + lt)
        }
    }

    /// The factors of one part's contribution, for `--explain`.
    public struct Explanation: Sendable, Equatable, Codable {
        public var part: String
        public var tf: Int
        public var df: Int
        public var documents: Int
        public var documentLength: Int
        public var averageLength: Double
        public var idf: Double
        public var score: Double

        enum CodingKeys: String, CodingKey {
            case part, tf, df, documents = "n_docs", documentLength = "doc_len", averageLength = "avg_doc_len", idf, score
        }
    }
}
