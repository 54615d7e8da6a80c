import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Okapi BM25, the ranking function.
///
/// For a query part with `tf` occurrences in a document of `dl` words, in a collection of `N` live
/// documents of average length `avgdl` where `n` documents contain the part:
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
